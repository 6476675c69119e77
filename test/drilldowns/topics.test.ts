/**
 * Topic details, `Insights.topic(name)` and `Insights.topics` ordering (metrics.md "Drill-downs"),
 * worked out from the fixture table in fixture.ts.
 */
import { ids, insights, RANGE, startWithFixture, type Setup } from './fixture';

let s: Setup;
beforeAll(async () => {
  s = await startWithFixture();
});
afterAll(async () => s?.t.close());

const DETAILS = 'name interactions successRate containmentRate averageSentiment averageCsat averageHandleTimeSeconds';
const close = (value: number) => expect.closeTo(value, 10);

/**
 * Every topic over RANGE, worked out entry by entry (interaction: resolved?, sentimentScore, csat, handleTimeSeconds):
 */
const EXPECTED = {
  // c1 + 0.9 5 -; c4 + 0.5 4(late) 200; c7 - -0.4 2 100; c13 - -0.1 - -; c14 - -0.5 1 -  (all contained)
  Account: { name: 'Account', interactions: 5, successRate: 40, containmentRate: 100, averageSentiment: close(0.4 / 5), averageCsat: 12 / 4, averageHandleTimeSeconds: 150 },
  // e1 + 0.8 5 120 (esc); e2 + 0.6 4 60 (esc); e3 - -0.6 1 - (esc); c1 + 0.9 5 30; c5 + - - -; c6 - 0.1 - - (late analysis);
  // c7 - -0.4 2; c10 - -0.2 3; c12 - 0.3 4; c14 - -0.5 1. Not x-before / x-at-to (outside the range).
  Billing: { name: 'Billing', interactions: 10, successRate: 40, containmentRate: 70, averageSentiment: close(1.0 / 9), averageCsat: 25 / 8, averageHandleTimeSeconds: (120 + 60 + 30) / 3 },
  // c5 - - - -; c8 - -0.8 1 -; c12 - 0.3 4 15; c13 - -0.1 - 25
  Coupons: { name: 'Coupons', interactions: 4, successRate: 0, containmentRate: 100, averageSentiment: close(-0.6 / 3), averageCsat: 2.5, averageHandleTimeSeconds: 20 },
  // e2 + 0.6 4 (esc); c4 + 0.5 4; c9 -; c11 -; c14 - -0.5 1; no handle time at all
  Delivery: { name: 'Delivery', interactions: 5, successRate: 40, containmentRate: 80, averageSentiment: close(0.6 / 3), averageCsat: 3, averageHandleTimeSeconds: null },
  // c6 + 0.1 - 45; c8 - -0.8 1; c10 - -0.2 3; c11 -; c13 - -0.1 -
  Returns: { name: 'Returns', interactions: 5, successRate: 20, containmentRate: 100, averageSentiment: close(-1.0 / 4), averageCsat: 2, averageHandleTimeSeconds: 45 },
  // c2 + - - 90; c14 - -0.5 1 -
  Warranty: { name: 'Warranty', interactions: 2, successRate: 50, containmentRate: 100, averageSentiment: -0.5, averageCsat: 1, averageHandleTimeSeconds: 90 },
};

describe('topic(name)', () => {
  it.each(Object.entries(EXPECTED))('%s: details over the filtered interactions that have it', async (name, expected) => {
    const r = await insights(s.t, s.a.apiKey, `topic(name: "${name}") { ${DETAILS} }`);
    expect(r.topic).toEqual(expected);
  });

  it('lists its examples newest first, then ID, whatever their outcome and handling', async () => {
    const r = await insights(s.t, s.a.apiKey, 'topic(name: "Delivery") { examples { totalCount edges { node { id } } } }');
    // c4 (30 h), e2 (28 h, escalated), c9 (18 h), c11 (7 h), c14 (2 h)
    expect(ids(r.topic.examples)).toEqual(['c4', 'e2', 'c9', 'c11', 'c14']);
    expect(r.topic.examples.totalCount).toBe(5);
  });

  it('follows the filter: nulls when no interaction with the topic has a score', async () => {
    // senders S-journey: only c2 has Warranty (W+ 90 s, no sentiment, no CSAT)
    const r = await insights(s.t, s.a.apiKey, `topic(name: "Warranty") { ${DETAILS} examples { edges { node { id } } } }`, { ...RANGE, senders: ['S-journey'] });
    expect(r.topic).toEqual({
      name: 'Warranty', interactions: 1, successRate: 100, containmentRate: 100, averageSentiment: null, averageCsat: null, averageHandleTimeSeconds: 90,
      examples: { edges: [{ node: { id: 'c2' } }] },
    });
  });

  it.each([
    ['a name no interaction has', 'Nope', RANGE],
    ['a topic only outside the range (x-before)', 'Legacy', RANGE],
    ['a topic of another account', 'Secret', RANGE],
    ['a topic whose interactions the filter excludes', 'Billing', { ...RANGE, automationIds: ['nope'] }],
    ['a different case of a name', 'billing', RANGE],
  ])('is null for %s', async (_what, name, filter) => {
    const r = await insights(s.t, s.a.apiKey, `topic(name: "${name}") { name }`, filter);
    expect(r.topic).toBeNull();
  });

  it('control: Legacy exists before the range', async () => {
    const r = await insights(s.t, s.a.apiKey, 'topic(name: "Legacy") { name interactions }', { from: '2026-03-01T00:00:00Z', to: RANGE.to });
    expect(r.topic).toEqual({ name: 'Legacy', interactions: 1 });
  });
});

describe('topics', () => {
  const TOPICS = (orderBy: string) => `${orderBy}: topics(orderBy: ${orderBy}, first: 100) { totalCount edges { node { ${DETAILS} } } pageInfo { hasNextPage } }`;
  const names = (c: any) => c.edges.map((e: any) => e.node.name);
  let r: any;
  beforeAll(async () => {
    r = await insights(s.t, s.a.apiKey, `${TOPICS('INTERACTIONS_DESC')} ${TOPICS('SUCCESS_RATE_ASC')} ${TOPICS('NAME_ASC')} default: topics { edges { node { name } } }`);
  });

  it('INTERACTIONS_DESC: 10, then the three with 5 by name, then 4 and 2', () => {
    expect(names(r.INTERACTIONS_DESC)).toEqual(['Billing', 'Account', 'Delivery', 'Returns', 'Coupons', 'Warranty']);
  });

  it('is the default order', () => {
    expect(names(r.default)).toEqual(['Billing', 'Account', 'Delivery', 'Returns', 'Coupons', 'Warranty']);
  });

  it('SUCCESS_RATE_ASC: 0 %, 20 %, then three at 40 % by interactions (10 before 5) then name, then 50 %', () => {
    expect(names(r.SUCCESS_RATE_ASC)).toEqual(['Coupons', 'Returns', 'Billing', 'Account', 'Delivery', 'Warranty']);
  });

  it('NAME_ASC', () => {
    expect(names(r.NAME_ASC)).toEqual(['Account', 'Billing', 'Coupons', 'Delivery', 'Returns', 'Warranty']);
  });

  it('gives every node its details and the total count (the 6 topics in range, not Legacy, not Secret)', () => {
    for (const order of ['INTERACTIONS_DESC', 'SUCCESS_RATE_ASC', 'NAME_ASC']) {
      expect(r[order].totalCount).toBe(6);
      expect(r[order].pageInfo.hasNextPage).toBe(false);
      for (const edge of r[order].edges) expect(edge.node).toEqual(EXPECTED[edge.node.name as keyof typeof EXPECTED]);
    }
  });

  it('breaks ties by interactions descending, then name, under a filter', async () => {
    // senders S-journey (journeys c2 c5 c6 c9 c11): Billing c5+ c6- = 2 (50 %); Delivery c9- c11- = 2 (0 %);
    // Returns c6+ c11- = 2 (50 %); Coupons c5- = 1 (0 %); Warranty c2+ = 1 (100 %)
    const f = await insights(
      s.t, s.a.apiKey,
      `${TOPICS('INTERACTIONS_DESC')} ${TOPICS('SUCCESS_RATE_ASC')} ${TOPICS('NAME_ASC')}`,
      { ...RANGE, senders: ['S-journey'] },
    );
    expect(names(f.INTERACTIONS_DESC)).toEqual(['Billing', 'Delivery', 'Returns', 'Coupons', 'Warranty']);
    // 0 %: Delivery (2) before Coupons (1); 50 %: Billing and Returns (2 each) by name
    expect(names(f.SUCCESS_RATE_ASC)).toEqual(['Delivery', 'Coupons', 'Billing', 'Returns', 'Warranty']);
    expect(names(f.NAME_ASC)).toEqual(['Billing', 'Coupons', 'Delivery', 'Returns', 'Warranty']);
    expect(f.NAME_ASC.totalCount).toBe(5);
    expect(f.SUCCESS_RATE_ASC.edges.map((e: any) => [e.node.interactions, e.node.successRate])).toEqual([[2, 0], [1, 0], [2, 50], [2, 50], [1, 100]]);
  });

  it('topic node examples cover every handling', async () => {
    const t = await insights(s.t, s.a.apiKey, 'topics(first: 1) { edges { node { name examples(first: 20) { totalCount edges { node { id } } } } } }');
    const billing = t.topics.edges[0].node;
    expect(billing.name).toBe('Billing');
    expect(ids(billing.examples)).toEqual(['e3', 'c1', 'c12', 'e2', 'c5', 'e1', 'c10', 'c7', 'c6', 'c14']);
    expect(billing.examples.totalCount).toBe(10);
  });
});
