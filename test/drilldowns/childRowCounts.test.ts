/**
 * Narrowings by topic that the rollups do not count (a topic with a type, a CSAT rating
 * or an issue) are counted on the topic rows alone, which carry what they ask
 * (narrowingChildRows.sql.ts), and their pages start where those rows' counts per day say.
 *
 * Ten days of one interaction an hour (2026-10-01 to 10-10), successful, positive, contained
 * conversations about "Order status", each by its own end user, with five exceptions about
 * "Pricing" (their hour's interaction replaced):
 *   p4  Oct 1 09:00  CSAT 1                                         before the range
 *   p1  Oct 2 05:00  CSAT 1, issue "Wrong price", unsuccessful, escalated, negative
 *   p2  Oct 4 07:00  CSAT 5, issue "Wrong price"
 *   p3  Oct 4 08:00  CSAT 2, not a conversation, also about "Order status"
 *   p5  Oct 10 14:00 issue "Wrong price"                            after the range
 *   p6  Oct 6 10:00  no CSAT until a late `csat` record (score 1) in a later batch
 * The range is Oct 1 10:37 to Oct 10 13:05.
 */
import { countStatements } from '../helpers/statements';
import { interaction } from '../ingest/helpers';
import { at, hourlyFixture, ids, type HourlyFixture } from './hourlyFixture';

const PRICING: Record<string, [string, Record<string, unknown>]> = {
  [at(0, 9)]: ['p4', { csat: 1 }],
  [at(1, 5)]: ['p1', { csat: 1, issues: ['Wrong price'], outcome: 'UNSUCCESSFUL', escalated: true, sentiment: 'NEGATIVE' }],
  [at(3, 7)]: ['p2', { csat: 5, issues: ['Wrong price'] }],
  [at(3, 8)]: ['p3', { csat: 2, type: 'NON_CONVERSATIONAL', alsoOrderStatus: true }],
  [at(9, 14)]: ['p5', { issues: ['Wrong price'] }],
  [at(5, 10)]: ['p6', {}],
};

let fixture: HourlyFixture;
const query = (selection: string, raw = false) => fixture.query(selection, raw);

beforeAll(async () => {
  fixture = await hourlyFixture('child-rows', (startedAt, day, hour) => {
    const special = PRICING[startedAt];
    if (!special) {
      return interaction(`c-${day}-${hour}`, {
        startedAt,
        analysis: { outcome: 'SUCCESSFUL', sentiment: 'POSITIVE', topics: [{ name: 'Order status', resolved: true }] },
      });
    }
    const [id, p] = special;
    const topics = [{ name: 'Pricing', resolved: false }, ...(p.alsoOrderStatus ? [{ name: 'Order status', resolved: true }] : [])];
    return interaction(id, {
      startedAt,
      ...(p.type ? { type: p.type } : {}),
      ...(p.escalated ? { escalation: { at: startedAt } } : {}),
      ...(p.csat ? { csat: { score: p.csat, at: startedAt } } : {}),
      analysis: { outcome: p.outcome ?? 'SUCCESSFUL', sentiment: p.sentiment ?? 'POSITIVE', topics, issues: p.issues ?? [] },
    });
  }, [{ record: 'csat', interactionId: 'p6', score: 1, at: at(5, 11) }]);
}, 60_000);
afterAll(async () => {
  await fixture?.close();
});

const countedOnTopicRows = (text: string) => /^SELECT count\(\*\) AS n FROM "InteractionTopic" c/.test(text);
const countedOnInteractions = (text: string) => /^SELECT count\(\*\) AS n FROM "Interaction" i/.test(text);
const perDayOnTopicRows = (text: string) => /OVER \(ORDER BY day DESC\)/.test(text) && /FROM "InteractionTopic" c/.test(text);

test.each([
  ['topic: "Pricing", csat: NEGATIVE', ['p6', 'p3', 'p1']], //               p6 by its late answer; p4 is before the range
  ['topic: "Pricing", type: CONVERSATIONAL, csat: NEGATIVE', ['p6', 'p1']],
  ['topic: "Pricing", issue: "Wrong price"', ['p2', 'p1']], //                p5 is after it
  ['topic: "Pricing", type: NON_CONVERSATIONAL', ['p3']],
  ['topic: "Order status", type: NON_CONVERSATIONAL', ['p3']],
  ['topic: "Pricing", csat: POSITIVE, handling: CONTAINED', ['p2']],
  ['topic: "Pricing", csat: NEGATIVE, issue: "Wrong price", outcome: UNSUCCESSFUL', ['p1']],
  ['topic: "Order status", csat: POSITIVE, type: NON_CONVERSATIONAL', []], // p3's CSAT is 2
])('interactions(%s): counted on the topic rows, the page started where their counts per day put the matches', async (args, expected) => {
  const selection = `interactions(first: 5, ${args}) { totalCount edges { node { id } } pageInfo { hasNextPage } }`;
  const { result, texts } = await countStatements(() => query(selection));
  expect(ids(result.interactions)).toEqual(expected);
  expect(result.interactions.totalCount).toBe(expected.length);
  expect(result.interactions.pageInfo.hasNextPage).toBe(false);
  expect(texts.filter(countedOnTopicRows)).toHaveLength(1);
  expect(texts.filter(countedOnInteractions)).toHaveLength(0);
  // None lies in the last day before the range's end, which the page looks at first.
  expect(texts.filter(perDayOnTopicRows)).toHaveLength(1);
  expect(await query(selection, true)).toEqual(result);
});

test('a sentiment is only on the interaction: a topic with one is counted there', async () => {
  const selection = 'interactions(first: 5, topic: "Pricing", sentiment: NEGATIVE) { totalCount edges { node { id } } }';
  const { result, texts } = await countStatements(() => query(selection));
  expect(ids(result.interactions)).toEqual(['p1']);
  expect(result.interactions.totalCount).toBe(1);
  expect(texts.filter(countedOnInteractions)).toHaveLength(1);
  expect(texts.filter(countedOnTopicRows)).toHaveLength(0);
});

test('a topic with a CSAT rating, page by page', async () => {
  const page = async (after: string | null) => (await query(
    `interactions(first: 1, topic: "Pricing", csat: NEGATIVE${after ? `, after: "${after}"` : ''}) { totalCount edges { node { id csatScore } } pageInfo { hasNextPage endCursor } }`,
  )).interactions;
  const nodes = [];
  let after: string | null = null;
  for (let n = 0; n < 3; n++) {
    const connection = await page(after);
    expect(connection.totalCount).toBe(3);
    expect(connection.pageInfo.hasNextPage).toBe(n < 2);
    nodes.push(...connection.edges.map((e: any) => e.node));
    after = connection.pageInfo.endCursor;
  }
  expect(nodes).toEqual([{ id: 'p6', csatScore: 1 }, { id: 'p3', csatScore: 2 }, { id: 'p1', csatScore: 1 }]);
});
