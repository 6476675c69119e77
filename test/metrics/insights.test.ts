import { DashboardDocument, type DashboardQueryVariables } from '../generated/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { backgroundSettled } from '../../src/db/background';
import { countStatements } from '../helpers/statements';
import { accountARecords, accountBRecords, RANGE, RATE_CARD, T0 } from './fixture';

const INGEST = 'mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { index path reason } } }';
// The generated typed document of schema/operations/dashboard.graphql (npm run codegen).
const DASHBOARD = DashboardDocument;
const COUNT = 'query($filter: InsightsFilter!) { insights(filter: $filter) { performance { total { interactions } } } }';

let t: TestServer;
let a: { id: number; apiKey: string };
let b: { id: number; apiKey: string };

async function ingest(apiKey: string, records: Record<string, unknown>[]) {
  const res = await t.request(INGEST, { r: records }, apiKey);
  expect(res.errors).toBeUndefined();
  expect(res.data?.ingest.rejected).toEqual([]);
}

async function dashboard(apiKey: string, filter: Record<string, unknown>): Promise<any> {
  const res = await t.request(DASHBOARD, { filter: filter as DashboardQueryVariables['filter'] }, apiKey);
  expect(res.errors).toBeUndefined();
  return res.data!.insights;
}

async function count(filter: Record<string, unknown>, apiKey = a.apiKey): Promise<number> {
  const res = await t.request(COUNT, { filter }, apiKey);
  expect(res.errors).toBeUndefined();
  return res.data!.insights.performance.total.interactions;
}

beforeAll(async () => {
  t = await startTestServer();
  a = await t.createAccount('A');
  b = await t.createAccount('B');
  await ingest(a.apiKey, accountARecords());
  await ingest(b.apiKey, accountBRecords());
  const set = await t.request('mutation($i: RateCardInput!) { setRateCard(input: $i) { currency } }', { i: RATE_CARD }, a.apiKey);
  expect(set.errors).toBeUndefined();
});
afterAll(async () => t.close());

describe('the whole range of account A (interactions c-1, c-2, c-3, j-4, c-5, c-8)', () => {
  let d: any;
  beforeAll(async () => {
    d = await dashboard(a.apiKey, RANGE);
  });

  it('splits outcomes by handling; derived and explicit outcomes; unclassified', () => {
    expect(d.performance).toEqual({
      total: { interactions: 6, successful: 1, mixed: 1, unsuccessful: 2, unclassified: 2 },
      contained: { interactions: 4, successful: 0, mixed: 1, unsuccessful: 1, unclassified: 2 },
      escalated: { interactions: 2, successful: 1, mixed: 0, unsuccessful: 1, unclassified: 0 },
    });
  });

  it('computes the health score from its three components', () => {
    // success (1 + 0.5·1)/4 = 0.375; sentiment (1 + (1 − 2)/4)/2 = 0.375; resolution 3/5 = 0.6
    const score = 100 * (0.5 * 0.375 + 0.25 * 0.375 + 0.25 * 0.6);
    expect(d.health.score).toBeCloseTo(score, 10);
    expect(d.health.score).toBeCloseTo(43.125, 10);
  });

  it('averages the duration over ended interactions only', () => {
    expect(d.health.averageDurationSeconds).toBeCloseTo((450 + 60 + 3600 + 600) / 4, 10);
  });

  it('estimates the cost with the rate card (missing prices count 0)', () => {
    const messages = /* WHATSAPP */ 3 * 0.02 + 3 * 0 + /* SMS */ 6 * 0.05 + 1 * 0.01; // LIVE_CHAT has no price
    const automations = 4 * 0.1 + 1 * 0.03; // 4 chatbot interactions, 1 journey; inbox-only costs nothing
    const agent = ((210 + 600) / 60) * 0.5;
    expect(d.health.estimatedCostPerInteraction).toBeCloseTo((messages + automations + agent) / 6, 10);
    expect(d.health.currency).toBe('EUR');
  });

  it('counts unique, returning and engaged users, CSAT, sentiment and message averages', () => {
    expect(d.audience).toEqual({
      uniqueUsers: 4, // u1, u2, u3, u5
      returningUsers: 2, // u1 (c-1, c-2), u2 (c-3, c-5)
      engagedUsers: 2, // u1 via c-1 and c-2, u2 via c-5
      notEngagedUsers: 2,
      csatResponses: 3, // 5, 3, 1
      csat: expect.closeTo(100 / 3, 10),
      csatNegative: expect.closeTo(100 / 3, 10),
      csatAverage: 3,
      sentimentPositive: 25, // 1 of 4 with a sentiment
      sentimentNegative: 50,
      averageInboundMessages: 1, // 6 / 6
      averageOutboundMessages: expect.closeTo(10 / 6, 10),
    });
  });

  it('reports channel health with expiry from each message validity at query time', () => {
    expect(d.channels).toEqual([
      // c-3: one pending within its 48 h, one SENT past 48 h, one SENT past its 1 h; j-4: rejected, expired, undeliverable
      { channel: 'SMS', totalSent: 6, delivered: 0, deliveryRate: 0, rejected: 1, expired: 3, undeliverable: 1, pending: 1 },
      { channel: 'WHATSAPP', totalSent: 3, delivered: 3, deliveryRate: 100, rejected: 0, expired: 0, undeliverable: 0, pending: 0 },
      { channel: 'LIVE_CHAT', totalSent: 1, delivered: 1, deliveryRate: 100, rejected: 0, expired: 0, undeliverable: 0, pending: 0 },
    ]);
  });
});

describe('filters', () => {
  it.each([
    ['automationIds', { automationIds: ['cb'] }, 4], // c-1, c-2, c-3, c-8; never inbox-only c-5
    ['automationVersionIds', { automationVersionIds: ['cb-v2'] }, 2], // c-2, c-3
    ['versionIds', { versionIds: ['1'] }, 3], // c-1, j-4, c-8 (label "1" of either automation)
    ['senders', { senders: ['S2'] }, 2], // c-3, j-4
    ['automation and sender', { automationIds: ['cb'], senders: ['S1'] }, 3], // c-1, c-2, c-8
    ['two automations and a version', { automationIds: ['cb', 'jr'], versionIds: ['2'] }, 2], // c-2, c-3
    ['empty lists', { automationIds: [], senders: [] }, 6],
    ['an unknown automation', { automationIds: ['nope'] }, 0],
  ])('%s', async (_name, lists, expected) => {
    expect(await count({ ...RANGE, ...lists })).toBe(expected);
  });

  it('narrows every section, not only the counts', async () => {
    const d = await dashboard(a.apiKey, { ...RANGE, senders: ['S2'] }); // c-3 and j-4
    expect(d.audience.uniqueUsers).toBe(2);
    expect(d.channels.map((c: { channel: string }) => c.channel)).toEqual(['SMS']);
    expect(d.health.averageDurationSeconds).toBe(3600); // c-3 is still open
  });

  it('gives nulls, never zeros, where a denominator is zero', async () => {
    const from = new Date(T0.getTime() + 10 * 86_400_000);
    const d = await dashboard(a.apiKey, { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() });
    expect(d.performance.total).toEqual({ interactions: 0, successful: 0, mixed: 0, unsuccessful: 0, unclassified: 0 });
    expect(d.health).toEqual({ score: null, averageDurationSeconds: null, estimatedCostPerInteraction: null, currency: 'EUR' });
    expect(d.audience).toMatchObject({ uniqueUsers: 0, csatResponses: 0, csat: null, csatNegative: null, csatAverage: null, sentimentPositive: null, averageInboundMessages: null });
    expect(d.channels).toEqual([]);
  });

  it.each([
    [{ from: RANGE.to, to: RANGE.from }, 'filter.from'],
    [{ from: '2025-01-01T00:00:00Z', to: '2026-02-06T00:00:00Z' }, 'filter.to'], // 401 days
    [{ ...RANGE, automationIds: Array.from({ length: 101 }, (_, i) => `a${i}`) }, 'filter.automationIds'],
  ])('rejects a bad filter naming the field (%#)', async (filter, field) => {
    const res = await t.request(COUNT, { filter }, a.apiKey);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('tenancy and cost without a rate card', () => {
  it('shows account B only its own interactions with the same IDs', async () => {
    const d = await dashboard(b.apiKey, RANGE);
    expect(d.performance.total).toEqual({ interactions: 3, successful: 3, mixed: 0, unsuccessful: 0, unclassified: 0 });
    expect(d.audience.uniqueUsers).toBe(3);
    expect(d.channels).toEqual([{ channel: 'WHATSAPP', totalSent: 3, delivered: 0, deliveryRate: 0, rejected: 3, expired: 0, undeliverable: 0, pending: 0 }]);
    expect(d.health.estimatedCostPerInteraction).toBeNull();
    expect(d.health.currency).toBeNull();
    // and account A's figures are unchanged by B's data
    expect(await count(RANGE)).toBe(6);
  });
});

describe('SQL work', () => {
  it('costs a fixed number of statements, whatever the data size, and computes only asked sections', async () => {
    // Earlier reads found the days stale and refresh them in the background.
    await backgroundSettled(t.db.pool);
    const full = await countStatements(() => t.request(DASHBOARD, { filter: RANGE }, a.apiKey));
    const only = await countStatements(() => t.request(COUNT, { filter: RANGE }, a.apiKey));
    // authentication 1 + totals 1 + users 2 (whole days: two halves of the bitmap chunks at once)
    // + channels 1 + rate card 1
    expect(full.statements).toBe(6);
    // authentication + totals: the other sections were not asked for
    expect(only.statements).toBe(2);
    const more = Array.from({ length: 150 }, (_, n) => ({
      record: 'interaction', id: `extra-${n}`, type: 'CONVERSATIONAL', startedAt: new Date(T0.getTime() + 60_000 * n).toISOString(),
      channel: 'SMS', endUserId: `x-${n}`, messages: [{ id: 'm', direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: new Date(T0.getTime()).toISOString() }],
    }));
    await ingest(a.apiKey, more);
    // The first read after ingest (both halves find the day the batch marked stale) reads users
    // again with that day's raw rows (both halves), and rebuilds its user bitmaps in the
    // background: BEGIN, delete the mark, delete the day's bitmaps and its blocks, rebuild both,
    // lock the account's weeks, delete and rebuild the day's week and its runs, COMMIT.
    const refreshing = await countStatements(async () => {
      const result = await t.request(DASHBOARD, { filter: RANGE }, a.apiKey);
      await backgroundSettled(t.db.pool);
      return result;
    });
    expect(refreshing.result.data!.insights.performance.total.interactions).toBe(156);
    expect(refreshing.statements).toBe(full.statements + 14);
    expect(refreshing.texts.filter((text) => text.includes('INSERT INTO "DailyUserBitmap"'))).toHaveLength(1);
    expect(refreshing.texts.filter((text) => text.includes('INSERT INTO "BlockUserBitmap"'))).toHaveLength(1);
    expect(refreshing.texts.filter((text) => text.includes('INSERT INTO "WeeklyUserBitmap"'))).toHaveLength(1);
    expect(refreshing.texts.filter((text) => text.includes('INSERT INTO "RunUserBitmap"'))).toHaveLength(1);
    const bigger = await countStatements(() => t.request(DASHBOARD, { filter: RANGE }, a.apiKey));
    expect(bigger.statements).toBe(full.statements);
    expect(bigger.result.data!.insights.performance.total.interactions).toBe(156);
    // The day read raw while stale gave what its rebuilt bitmaps give.
    expect(refreshing.result.data!.insights.audience).toEqual(bigger.result.data!.insights.audience);
    // totals, users (two halves), channels, over the rollups or the raw rows
    const aggregates = bigger.texts.filter((text) => /"startedAt" >=|Rollup"|UserBitmap"/.test(text));
    expect(aggregates).toHaveLength(4);
  });
});

describe('a range holding today whole, while data arrives', () => {
  const AUDIENCE = 'query($filter: InsightsFilter!) { insights(filter: $filter) { audience { uniqueUsers returningUsers } } }';
  const DAY = 86_400_000;
  const today = Math.floor(Date.now() / DAY) * DAY;
  const range = { from: new Date(today).toISOString(), to: new Date(today + DAY).toISOString() };
  const visit = (id: string, user: string, minute: number) => {
    const at = new Date(today + minute * 60_000).toISOString();
    return { record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: at, channel: 'SMS', endUserId: user,
      messages: [{ id: 'm', direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: at }] };
  };

  it('reads today from the raw rows at every read, without rebuilding its bitmaps', async () => {
    const c = await t.createAccount('C');
    const staleToday = async () =>
      (await t.db.pool.query(`SELECT count(*)::int AS n FROM "StaleUserDay" WHERE "accountId" = $1 AND day = $2::date`, [c.id, range.from.slice(0, 10)])).rows[0].n;
    // v1 twice, v2 once (today's first minutes, which have passed whenever the test runs)
    await ingest(c.apiKey, [visit('t-1', 'v1', 0), visit('t-2', 'v1', 1), visit('t-3', 'v2', 2)]);
    const first = await countStatements(async () => {
      const result = await t.request(AUDIENCE, { filter: range }, c.apiKey);
      await backgroundSettled(t.db.pool);
      return result;
    });
    expect(first.result.data!.insights.audience).toEqual({ uniqueUsers: 2, returningUsers: 1 });
    expect(first.texts.some((text) => text.includes('INSERT INTO "DailyUserBitmap"'))).toBe(false);
    expect(await staleToday()).toBe(1);
    // A new user lands: the next read counts them at once.
    await ingest(c.apiKey, [visit('t-4', 'v3', 3)]);
    const res = await t.request(AUDIENCE, { filter: range }, c.apiKey);
    expect(res.data!.insights.audience).toEqual({ uniqueUsers: 3, returningUsers: 1 });
  });
});
