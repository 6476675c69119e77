/**
 * `Insights.interactions(...)`: the filtered interactions narrowed by each argument alone and
 * combined, newest startedAt first, then ID (fixture.ts has the table every list is read from).
 */
import { ALL_IN_ORDER, ids, insights, RANGE, startWithFixture, type Setup } from './fixture';

let s: Setup;
beforeAll(async () => {
  s = await startWithFixture();
});
afterAll(async () => s?.t.close());

async function list(args: string, filter: Record<string, unknown> = RANGE): Promise<string[]> {
  const r = await insights(s.t, s.a.apiKey, `interactions(first: 100${args ? `, ${args}` : ''}) { totalCount edges { node { id } } pageInfo { hasNextPage } }`, filter);
  expect(r.interactions.totalCount).toBe(r.interactions.edges.length);
  expect(r.interactions.pageInfo.hasNextPage).toBe(false);
  return ids(r.interactions);
}

const ESCALATED = ['e3', 'e2', 'e1', 'e4', 'e5', 'e6'];
const NON_CONVERSATIONAL = ['c18', 'c2', 'c3', 'c19', 'c5', 'c9', 'c6', 'c11', 'c17'];

it('without arguments: every filtered interaction (not x-before, not x-at-to, not account B’s)', async () => {
  expect(await list('')).toEqual(ALL_IN_ORDER);
  expect(ALL_IN_ORDER).toHaveLength(25);
});

it('defaults to 20 a page', async () => {
  const r = await insights(s.t, s.a.apiKey, 'interactions { totalCount edges { node { id } } pageInfo { hasNextPage } }');
  expect(ids(r.interactions)).toEqual(ALL_IN_ORDER.slice(0, 20));
  expect(r.interactions.pageInfo.hasNextPage).toBe(true);
  expect(r.interactions.totalCount).toBe(25);
});

describe('each argument alone', () => {
  it.each([
    ['outcome: SUCCESSFUL', ['c1', 'c4', 'c12', 'e2', 'c2', 'c3', 'e1']],
    ['outcome: MIXED', ['c5', 'e4', 'c6']],
    ['outcome: UNSUCCESSFUL', ['c13', 'e3', 'c10', 'c7', 'c9', 'e5', 'c11', 'c17', 'c8', 'c14']],
    ['handling: ESCALATED', ESCALATED],
    ['handling: CONTAINED', ALL_IN_ORDER.filter((id) => !ESCALATED.includes(id))],
    ['type: NON_CONVERSATIONAL', NON_CONVERSATIONAL],
    ['type: CONVERSATIONAL', ALL_IN_ORDER.filter((id) => !NON_CONVERSATIONAL.includes(id))],
    ['sentiment: POSITIVE', ['c1', 'c4', 'c12', 'e2', 'e1']],
    ['sentiment: NEUTRAL', ['c13', 'e4', 'c6', 'c16']], // c6 from its late analysis; c16 has no score
    ['sentiment: NEGATIVE', ['e3', 'c10', 'c7', 'e5', 'c8', 'c14']],
    ['csat: POSITIVE', ['c1', 'c4', 'c12', 'e2', 'e1', 'c16']], // 4-5; c4 from its late answer
    ['csat: NEUTRAL', ['c15', 'c10', 'e4']], // 3
    ['csat: NEGATIVE', ['e3', 'c7', 'c8', 'c14', 'e6']], // 1-2; e6 from its late answer
    ['topic: "Returns"', ['c13', 'c10', 'c6', 'c11', 'c8']],
    ['topic: "Legacy"', []], // only x-before, outside the range
    ['topic: "Secret"', []], // account B's
    ['issue: "Long wait"', ['e3', 'c5', 'e1', 'e5']], // whatever the outcome; not x-before
    ['issue: "Wrong answer"', ['c13', 'c12']],
    ['issue: "Slow reply"', ['e2']],
    ['issue: "Secret issue"', []], // account B's
  ])('%s', async (args, expected) => {
    expect(await list(args)).toEqual(expected);
  });
});

describe('arguments combined (ANDed)', () => {
  it.each([
    ['outcome: UNSUCCESSFUL, handling: CONTAINED', ['c13', 'c10', 'c7', 'c9', 'c11', 'c17', 'c8', 'c14']],
    ['outcome: UNSUCCESSFUL, handling: CONTAINED, type: CONVERSATIONAL', ['c13', 'c10', 'c7', 'c8', 'c14']],
    ['outcome: UNSUCCESSFUL, handling: CONTAINED, type: CONVERSATIONAL, topic: "Billing"', ['c10', 'c7', 'c14']],
    ['outcome: UNSUCCESSFUL, handling: CONTAINED, type: CONVERSATIONAL, topic: "Billing", sentiment: NEGATIVE', ['c10', 'c7', 'c14']],
    // c10's CSAT is 3
    ['outcome: UNSUCCESSFUL, handling: CONTAINED, type: CONVERSATIONAL, topic: "Billing", sentiment: NEGATIVE, csat: NEGATIVE', ['c7', 'c14']],
    // c14 has no issue
    ['outcome: UNSUCCESSFUL, handling: CONTAINED, type: CONVERSATIONAL, topic: "Billing", sentiment: NEGATIVE, csat: NEGATIVE, issue: "Bot did not understand"', ['c7']],
    ['handling: ESCALATED, csat: POSITIVE', ['e2', 'e1']],
    ['topic: "Billing", issue: "Long wait"', ['e3', 'c5', 'e1']],
    ['type: NON_CONVERSATIONAL, topic: "Returns"', ['c6', 'c11']],
    ['outcome: SUCCESSFUL, handling: ESCALATED, type: NON_CONVERSATIONAL', []],
    ['sentiment: POSITIVE, csat: NEGATIVE', []],
  ])('%s', async (args, expected) => {
    expect(await list(args)).toEqual(expected);
  });

  it('and with the filter', async () => {
    // sender S-chat: not the inbox-only e5 and e6
    expect(await list('handling: ESCALATED', { ...RANGE, senders: ['S-chat'] })).toEqual(['e3', 'e2', 'e1', 'e4']);
    // a narrower time range: [18 h, 30 h) holds c12 e2 c2 c3 c19 c5 e1 c10 c7 c9
    expect(await list('outcome: UNSUCCESSFUL', { from: '2026-03-02T18:00:00Z', to: '2026-03-03T06:00:00Z' })).toEqual(['c10', 'c7', 'c9']);
  });
});
