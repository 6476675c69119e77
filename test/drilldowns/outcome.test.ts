/**
 * Outcome, issue, lowest-performing-topic, CSAT and sentiment drill-downs (metrics.md "Drill-downs")
 * over the hand-built fixture (fixture.ts; the table there is what every expectation is worked out from).
 */
import { ids, insights, RANGE, startWithFixture, type Setup } from './fixture';

let s: Setup;
beforeAll(async () => {
  s = await startWithFixture();
});
afterAll(async () => s?.t.close());

const CONN = 'totalCount edges { node { id } } pageInfo { hasNextPage }';
const OUTCOME = `count types
  all: examples(first: 50) { ${CONN} }
  conv: examples(type: CONVERSATIONAL, first: 50) { ${CONN} }
  nonConv: examples(type: NON_CONVERSATIONAL, first: 50) { ${CONN} }
  topics { topic interactions }`;

const BOTH = ['CONVERSATIONAL', 'NON_CONVERSATIONAL'];
const tc = (topic: string, interactions: number) => ({ topic, interactions });

interface Expected {
  count: number;
  types: string[];
  all: string[];
  conv: string[];
  nonConv: string[];
  topics: Array<{ topic: string; interactions: number }>;
}

function expectDrilldown(actual: any, e: Expected) {
  expect({
    count: actual.count,
    types: actual.types,
    all: ids(actual.all),
    conv: ids(actual.conv),
    nonConv: ids(actual.nonConv),
    topics: actual.topics,
  }).toEqual(e);
  // totalCount of each example list is the number of its interactions, on every page
  expect(actual.all.totalCount).toBe(e.count);
  expect(actual.conv.totalCount).toBe(e.conv.length);
  expect(actual.nonConv.totalCount).toBe(e.nonConv.length);
  expect(actual.all.pageInfo.hasNextPage).toBe(false);
}

describe('outcome drill-downs, per tab', () => {
  let d: any = {};
  beforeAll(async () => {
    // one request per outcome (the API allows 30 aliases a query)
    for (const outcome of ['successful', 'mixed', 'unsuccessful']) {
      const k = outcome[0];
      Object.assign(d, await insights(s.t, s.a.apiKey, `
        ${k}: ${outcome} { ${OUTCOME} } ${k}C: ${outcome}(handling: CONTAINED) { ${OUTCOME} } ${k}E: ${outcome}(handling: ESCALATED) { ${OUTCOME} }`));
    }
  });

  it('successful, all handling: both types; ties on startedAt by ID; topic ties by name', () => {
    // SUCCESSFUL: c1, c4 (30 h), c12 (explicit, 28 h), e2 (28 h), c2, c3 (N, 26 h), e1 (20 h);
    // not x-at-to (at `to`, outside the range).
    // Topics: Billing e1 e2 c1 c12 = 4; Account c1 c4 = 2; Delivery e2 c4 = 2; Coupons c12 = 1; Warranty c2 = 1
    expectDrilldown(d.s, {
      count: 7,
      types: BOTH,
      all: ['c1', 'c4', 'c12', 'e2', 'c2', 'c3', 'e1'],
      conv: ['c1', 'c4', 'c12', 'e2', 'e1'],
      nonConv: ['c2', 'c3'],
      topics: [tc('Billing', 4), tc('Account', 2), tc('Delivery', 2), tc('Coupons', 1), tc('Warranty', 1)],
    });
  });

  it('successful, contained', () => {
    // c1 A B, c4 A D, c12 B C, c2 W, c3 -
    expectDrilldown(d.sC, {
      count: 5,
      types: BOTH,
      all: ['c1', 'c4', 'c12', 'c2', 'c3'],
      conv: ['c1', 'c4', 'c12'],
      nonConv: ['c2', 'c3'],
      topics: [tc('Account', 2), tc('Billing', 2), tc('Coupons', 1), tc('Delivery', 1), tc('Warranty', 1)],
    });
  });

  it('successful, escalated: conversational only, so one type', () => {
    // e2 B D (28 h), e1 B (20 h)
    expectDrilldown(d.sE, {
      count: 2,
      types: ['CONVERSATIONAL'],
      all: ['e2', 'e1'],
      conv: ['e2', 'e1'],
      nonConv: [],
      topics: [tc('Billing', 2), tc('Delivery', 1)],
    });
  });

  it('mixed, all handling', () => {
    // c5 N (B+ C-, 22 h), e4 C (explicit, no topics, 15 h), c6 N (late analysis R+ B-, 10 h)
    expectDrilldown(d.m, {
      count: 3,
      types: BOTH,
      all: ['c5', 'e4', 'c6'],
      conv: ['e4'],
      nonConv: ['c5', 'c6'],
      topics: [tc('Billing', 2), tc('Coupons', 1), tc('Returns', 1)],
    });
  });

  it('mixed, contained: non-conversational only, so one type', () => {
    expectDrilldown(d.mC, {
      count: 2,
      types: ['NON_CONVERSATIONAL'],
      all: ['c5', 'c6'],
      conv: [],
      nonConv: ['c5', 'c6'],
      topics: [tc('Billing', 2), tc('Coupons', 1), tc('Returns', 1)],
    });
  });

  it('mixed, escalated: one interaction without topics', () => {
    expectDrilldown(d.mE, { count: 1, types: ['CONVERSATIONAL'], all: ['e4'], conv: ['e4'], nonConv: [], topics: [] });
  });

  it('unsuccessful, all handling', () => {
    // c13 (40), e3 (33), c10 c7 c9 (18; "c10" < "c7" < "c9"), e5 (12), c11 c17 (7), c8 (5), c14 (2); not x-before
    // Billing e3 c7 c10 c14 = 4; Returns c8 c10 c11 c13 = 4; Account c7 c13 c14 = 3; Delivery c9 c11 c14 = 3;
    // Coupons c8 c13 = 2; Warranty c14 = 1
    expectDrilldown(d.u, {
      count: 10,
      types: BOTH,
      all: ['c13', 'e3', 'c10', 'c7', 'c9', 'e5', 'c11', 'c17', 'c8', 'c14'],
      conv: ['c13', 'e3', 'c10', 'c7', 'e5', 'c8', 'c14'],
      nonConv: ['c9', 'c11', 'c17'],
      topics: [tc('Billing', 4), tc('Returns', 4), tc('Account', 3), tc('Delivery', 3), tc('Coupons', 2), tc('Warranty', 1)],
    });
  });

  it('unsuccessful, contained', () => {
    expectDrilldown(d.uC, {
      count: 8,
      types: BOTH,
      all: ['c13', 'c10', 'c7', 'c9', 'c11', 'c17', 'c8', 'c14'],
      conv: ['c13', 'c10', 'c7', 'c8', 'c14'],
      nonConv: ['c9', 'c11', 'c17'],
      topics: [tc('Returns', 4), tc('Account', 3), tc('Billing', 3), tc('Delivery', 3), tc('Coupons', 2), tc('Warranty', 1)],
    });
  });

  it('unsuccessful, escalated', () => {
    expectDrilldown(d.uE, { count: 2, types: ['CONVERSATIONAL'], all: ['e3', 'e5'], conv: ['e3', 'e5'], nonConv: [], topics: [tc('Billing', 1)] });
  });

  it('limits topics with `first` and examples to 10 by default', async () => {
    const r = await insights(s.t, s.a.apiKey, `unsuccessful { topics(first: 3) { topic interactions } examples { ${CONN} } }`);
    expect(r.unsuccessful.topics).toEqual([tc('Billing', 4), tc('Returns', 4), tc('Account', 3)]);
    expect(ids(r.unsuccessful.examples)).toEqual(['c13', 'e3', 'c10', 'c7', 'c9', 'e5', 'c11', 'c17', 'c8', 'c14']);
    expect(r.unsuccessful.examples.pageInfo.hasNextPage).toBe(false);
    const six = await insights(s.t, s.a.apiKey, `successful { examples(first: 6) { ${CONN} } }`);
    expect(ids(six.successful.examples)).toEqual(['c1', 'c4', 'c12', 'e2', 'c2', 'c3']);
    expect(six.successful.examples.pageInfo.hasNextPage).toBe(true);
    expect(six.successful.examples.totalCount).toBe(7);
  });

  it('pages through the examples of one type', async () => {
    const page = (after: string | null) =>
      insights(s.t, s.a.apiKey, 'unsuccessful { examples(type: CONVERSATIONAL, first: 3, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', RANGE, { after }, '$after: String');
    const p1 = (await page(null)).unsuccessful.examples;
    const p2 = (await page(p1.pageInfo.endCursor)).unsuccessful.examples;
    const p3 = (await page(p2.pageInfo.endCursor)).unsuccessful.examples;
    expect([ids(p1), ids(p2), ids(p3)]).toEqual([['c13', 'e3', 'c10'], ['c7', 'e5', 'c8'], ['c14']]);
    expect([p1.pageInfo.hasNextPage, p2.pageInfo.hasNextPage, p3.pageInfo.hasNextPage]).toEqual([true, true, false]);
  });

  it('narrows every drill-down by the filter', async () => {
    // senders S-journey: the journeys c18 c2 c3 c19 c5 c9 c6 c11 c17
    const r = await insights(s.t, s.a.apiKey, `successful { ${OUTCOME} } unsuccessful { ${OUTCOME} issues { issue affectedInteractions impact } }`, { ...RANGE, senders: ['S-journey'] });
    expectDrilldown(r.successful, { count: 2, types: ['NON_CONVERSATIONAL'], all: ['c2', 'c3'], conv: [], nonConv: ['c2', 'c3'], topics: [tc('Warranty', 1)] });
    const { issues, ...unsuccessful } = r.unsuccessful;
    expectDrilldown(unsuccessful, {
      count: 3,
      types: ['NON_CONVERSATIONAL'],
      all: ['c9', 'c11', 'c17'],
      conv: [],
      nonConv: ['c9', 'c11', 'c17'],
      topics: [tc('Delivery', 2), tc('Returns', 1)],
    });
    // c11 and c17 of the 3 unsuccessful ones
    expect(issues).toEqual([{ issue: 'Message not delivered', affectedInteractions: 2, impact: expect.closeTo((2 / 3) * 100, 10) }]);
  });

  it('is empty, with null percentages, when no interaction passes the filter', async () => {
    const r = await insights(s.t, s.a.apiKey, `successful { ${OUTCOME} } unsuccessful { count types issues { issue } lowestPerformingTopics { name } }
      csat { responses positivePercentage negativePercentage examples { totalCount } }
      sentiment { interactionsWithSentiment positivePercentage negativePercentage examples { totalCount } }`, { ...RANGE, senders: ['nobody'] });
    expectDrilldown(r.successful, { count: 0, types: [], all: [], conv: [], nonConv: [], topics: [] });
    expect(r.unsuccessful).toEqual({ count: 0, types: [], issues: [], lowestPerformingTopics: [] });
    expect(r.csat).toEqual({ responses: 0, positivePercentage: null, negativePercentage: null, examples: { totalCount: 0 } });
    expect(r.sentiment).toEqual({ interactionsWithSentiment: 0, positivePercentage: null, negativePercentage: null, examples: { totalCount: 0 } });
  });
});

describe('detected issues (unsuccessful drill-down)', () => {
  const ISSUES = `issues { issue affectedInteractions impact examples(first: 20) { totalCount edges { node { id } } } }`;
  const shape = (issues: any[]) =>
    issues.map((i) => ({ issue: i.issue, affected: i.affectedInteractions, impact: i.impact, examples: ids(i.examples), total: i.examples.totalCount }));
  let d: any;
  beforeAll(async () => {
    d = await insights(s.t, s.a.apiKey, `u: unsuccessful { ${ISSUES} } uC: unsuccessful(handling: CONTAINED) { ${ISSUES} } uE: unsuccessful(handling: ESCALATED) { ${ISSUES} }`);
  });

  it('all handling: affected / 10 unsuccessful × 100, by impact then name; only unsuccessful interactions count', () => {
    // Bot did not understand: e5 c7 c10; Long wait: e3 e5 (e5 names it twice: counts once; not e1 SUCCESSFUL,
    // c5 MIXED, x-before outside); Message not delivered: c11 c17; Wrong answer: c13 (not c12 SUCCESSFUL)
    expect(shape(d.u.issues)).toEqual([
      { issue: 'Bot did not understand', affected: 3, impact: 30, examples: ['c10', 'c7', 'e5'], total: 3 },
      { issue: 'Long wait', affected: 2, impact: 20, examples: ['e3', 'e5'], total: 2 },
      { issue: 'Message not delivered', affected: 2, impact: 20, examples: ['c11', 'c17'], total: 2 },
      { issue: 'Wrong answer', affected: 1, impact: 10, examples: ['c13'], total: 1 },
    ]);
  });

  it('contained: over the 8 contained unsuccessful interactions', () => {
    expect(shape(d.uC.issues)).toEqual([
      { issue: 'Bot did not understand', affected: 2, impact: 25, examples: ['c10', 'c7'], total: 2 },
      { issue: 'Message not delivered', affected: 2, impact: 25, examples: ['c11', 'c17'], total: 2 },
      { issue: 'Wrong answer', affected: 1, impact: 12.5, examples: ['c13'], total: 1 },
    ]);
  });

  it('escalated: over the 2 escalated unsuccessful interactions', () => {
    expect(shape(d.uE.issues)).toEqual([
      { issue: 'Long wait', affected: 2, impact: 100, examples: ['e3', 'e5'], total: 2 },
      { issue: 'Bot did not understand', affected: 1, impact: 50, examples: ['e5'], total: 1 },
    ]);
  });

  it('limits issues with `first`', async () => {
    const r = await insights(s.t, s.a.apiKey, 'unsuccessful { issues(first: 2) { issue } }');
    expect(r.unsuccessful.issues).toEqual([{ issue: 'Bot did not understand' }, { issue: 'Long wait' }]);
  });
});

describe('lowest-performing topics (unsuccessful drill-down)', () => {
  const DETAILS = 'name interactions successRate containmentRate averageSentiment averageCsat averageHandleTimeSeconds';

  it('all handling: topics with ≥ 5 interactions, details over all the tab’s interactions whatever their outcome', async () => {
    const r = await insights(s.t, s.a.apiKey, `unsuccessful { lowestPerformingTopics { ${DETAILS} } }`);
    // Over ALL 25 filtered interactions: Returns 5 (1 resolved), Billing 10 (4), Account 5 (2), Delivery 5 (2);
    // Coupons (4) and Warranty (2) have fewer than 5. Billing, Account and Delivery tie at 40 %:
    // Billing first (10 interactions), then Account before Delivery (5 each, by name).
    // Over the unsuccessful interactions only, no topic would reach 5 (Billing 4, Returns 4) and
    // every success rate would be 0: the list would be empty.
    expect(r.unsuccessful.lowestPerformingTopics).toEqual([
      // c6 R+ 0.1 45 s; c8 -0.8 csat 1; c10 -0.2 csat 3; c11 -; c13 -0.1
      { name: 'Returns', interactions: 5, successRate: 20, containmentRate: 100, averageSentiment: expect.closeTo(-1.0 / 4, 10), averageCsat: 2, averageHandleTimeSeconds: 45 },
      // e1+ e2+ e3 c1+ c5+ c6 c7 c10 c12 c14; contained 7; scores 0.8 0.6 -0.6 0.9 0.1 -0.4 -0.2 0.3 -0.5 (c5 none);
      // csat 5 4 1 5 2 3 4 1; handle 120 60 30
      { name: 'Billing', interactions: 10, successRate: 40, containmentRate: 70, averageSentiment: expect.closeTo(1.0 / 9, 10), averageCsat: 25 / 8, averageHandleTimeSeconds: 70 },
      // c1+ c4+ c7 c13 c14; scores 0.9 0.5 -0.4 -0.1 -0.5; csat 5 4 (late) 2 1; handle 200 100
      { name: 'Account', interactions: 5, successRate: 40, containmentRate: 100, averageSentiment: expect.closeTo(0.4 / 5, 10), averageCsat: 3, averageHandleTimeSeconds: 150 },
      // e2+ c4+ c9 c11 c14; e2 escalated; scores 0.6 0.5 -0.5; csat 4 4 1; no handle times
      { name: 'Delivery', interactions: 5, successRate: 40, containmentRate: 80, averageSentiment: expect.closeTo(0.6 / 3, 10), averageCsat: 3, averageHandleTimeSeconds: null },
    ]);
  });

  it('contained: the threshold and the details use the tab’s interactions', async () => {
    const r = await insights(s.t, s.a.apiKey, `unsuccessful(handling: CONTAINED) { lowestPerformingTopics { ${DETAILS} examples(first: 20) { edges { node { id } } } } }`);
    // contained: Billing 7 (c1+ c5+ c6 c7 c10 c12 c14), Account 5, Returns 5; Delivery has 4 (e2 is escalated)
    const [returns, billing, account] = r.unsuccessful.lowestPerformingTopics;
    expect(r.unsuccessful.lowestPerformingTopics.map((t: any) => t.name)).toEqual(['Returns', 'Billing', 'Account']);
    expect(returns).toMatchObject({ interactions: 5, successRate: 20, containmentRate: 100, averageCsat: 2, averageHandleTimeSeconds: 45 });
    expect(billing).toEqual({
      name: 'Billing',
      interactions: 7,
      successRate: expect.closeTo((2 / 7) * 100, 10),
      containmentRate: 100,
      averageSentiment: expect.closeTo((0.9 + 0.1 - 0.4 - 0.2 + 0.3 - 0.5) / 6, 10),
      averageCsat: (5 + 2 + 3 + 4 + 1) / 5,
      averageHandleTimeSeconds: 30,
      // the examples are of the same tab, whatever their outcome
      examples: { edges: ['c1', 'c12', 'c5', 'c10', 'c7', 'c6', 'c14'].map((id) => ({ node: { id } })) },
    });
    expect(account).toMatchObject({ interactions: 5, successRate: 40, averageHandleTimeSeconds: 150 });
  });

  it('escalated: no topic has 5 escalated interactions', async () => {
    const r = await insights(s.t, s.a.apiKey, `unsuccessful(handling: ESCALATED) { lowestPerformingTopics { name } }`);
    expect(r.unsuccessful.lowestPerformingTopics).toEqual([]);
  });

  it('limits with `first`', async () => {
    const r = await insights(s.t, s.a.apiKey, 'unsuccessful { lowestPerformingTopics(first: 2) { name } }');
    expect(r.unsuccessful.lowestPerformingTopics).toEqual([{ name: 'Returns' }, { name: 'Billing' }]);
  });
});

describe('CSAT drill-down', () => {
  const ex = (rating?: string) => `examples(${rating ? `rating: ${rating}, ` : ''}first: 50) { totalCount edges { node { id csatScore } } }`;

  it('responses, % positive (4–5), % negative (1–2), examples by rating', async () => {
    const r = await insights(s.t, s.a.apiKey, `csat { responses positivePercentage negativePercentage
      all: ${ex()} pos: ${ex('POSITIVE')} neu: ${ex('NEUTRAL')} neg: ${ex('NEGATIVE')} }`);
    const c = r.csat;
    // answers: e1 5, e2 4, e3 1, e4 3, e6 2 (late), c1 5, c4 4 (late), c7 2, c8 1, c10 3, c12 4, c14 1, c15 3, c16 5
    expect(c.responses).toBe(14);
    expect(c.positivePercentage).toBeCloseTo((6 / 14) * 100, 10);
    expect(c.negativePercentage).toBeCloseTo((5 / 14) * 100, 10);
    expect(ids(c.all)).toEqual(['c15', 'e3', 'c1', 'c4', 'c12', 'e2', 'e1', 'c10', 'c7', 'e4', 'c8', 'c14', 'e6', 'c16']);
    expect(c.all.totalCount).toBe(14);
    expect(ids(c.pos)).toEqual(['c1', 'c4', 'c12', 'e2', 'e1', 'c16']);
    expect(ids(c.neu)).toEqual(['c15', 'c10', 'e4']);
    expect(ids(c.neg)).toEqual(['e3', 'c7', 'c8', 'c14', 'e6']);
    expect([c.pos.totalCount, c.neu.totalCount, c.neg.totalCount]).toEqual([6, 3, 5]);
    expect(c.neu.edges.map((e: any) => e.node.csatScore)).toEqual([3, 3, 3]);
    expect(c.neg.edges.map((e: any) => e.node.csatScore)).toEqual([1, 2, 1, 1, 2]);
  });
});

describe('sentiment drill-down', () => {
  const ex = (sentiment?: string) => `examples(${sentiment ? `sentiment: ${sentiment}, ` : ''}first: 50) { totalCount edges { node { id sentiment } } }`;

  it('interactions with a sentiment, % positive, % negative, examples by sentiment', async () => {
    const r = await insights(s.t, s.a.apiKey, `sentiment { interactionsWithSentiment positivePercentage negativePercentage
      all: ${ex()} pos: ${ex('POSITIVE')} neu: ${ex('NEUTRAL')} neg: ${ex('NEGATIVE')} }`);
    const d = r.sentiment;
    // POSITIVE e1 e2 c1 c4 c12; NEUTRAL e4 c6 (late analysis) c13 c16 (no score); NEGATIVE e3 e5 c7 c8 c10 c14
    expect(d.interactionsWithSentiment).toBe(15);
    expect(d.positivePercentage).toBeCloseTo((5 / 15) * 100, 10);
    expect(d.negativePercentage).toBeCloseTo((6 / 15) * 100, 10);
    expect(ids(d.all)).toEqual(['c13', 'e3', 'c1', 'c4', 'c12', 'e2', 'e1', 'c10', 'c7', 'e4', 'e5', 'c6', 'c8', 'c14', 'c16']);
    expect(d.all.totalCount).toBe(15);
    expect(ids(d.pos)).toEqual(['c1', 'c4', 'c12', 'e2', 'e1']);
    expect(ids(d.neu)).toEqual(['c13', 'e4', 'c6', 'c16']);
    expect(ids(d.neg)).toEqual(['e3', 'c10', 'c7', 'e5', 'c8', 'c14']);
    expect(new Set(d.neg.edges.map((e: any) => e.node.sentiment))).toEqual(new Set(['NEGATIVE']));
  });
});
