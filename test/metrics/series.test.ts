import { DashboardSeriesDocument, type DashboardSeriesQueryVariables } from '../generated/graphql';
import { backgroundSettled } from '../../src/db/background';
import { startTestServer, type TestServer } from '../helpers/server';
import { countStatements } from '../helpers/statements';
import { RATE_CARD } from './fixture';

/**
 * Seven interactions around the end of summer time in New York (1 Nov 2026, 02:00 EDT = 06:00
 * UTC): the local day of 1 Nov runs from 04:00 to 05:00 UTC the next day (25 hours). Every
 * message has a final status, so no figure depends on when the test runs.
 *
 *   id  startedAt (UTC)   in New York        user  sender  outbound message          outcome       handling   engaged
 *   s1  31 Oct 12:00      31 Oct 08:00 EDT   u1    S1      SMS DELIVERED             SUCCESSFUL    contained  yes
 *   s2   1 Nov 03:30      31 Oct 23:30 EDT   u1    S1      SMS REJECTED              UNSUCCESSFUL  escalated  no
 *   s3   1 Nov 04:30       1 Nov 00:30 EDT   u2    S2      SMS DELIVERED             MIXED         contained  yes
 *   s4   1 Nov 23:00       1 Nov 18:00 EST   u1    S1      WHATSAPP DELIVERED        SUCCESSFUL    contained  no
 *   s5   2 Nov 04:30       1 Nov 23:30 EST   u2    S1      SMS UNDELIVERABLE         SUCCESSFUL    contained  no
 *   s6   2 Nov 05:30       2 Nov 00:30 EST   u3    S2      SMS SEEN                  SUCCESSFUL    contained  no
 *   s7   2 Nov 05:45       2 Nov 00:45 EST   u3    S1      WHATSAPP DELIVERED        SUCCESSFUL    contained  yes
 */
const ROWS = [
  ['s1', '2026-10-31T12:00:00Z', 'u1', 'S1', 'SMS', 'DELIVERED', 'SUCCESSFUL', false, true],
  ['s2', '2026-11-01T03:30:00Z', 'u1', 'S1', 'SMS', 'REJECTED', 'UNSUCCESSFUL', true, false],
  ['s3', '2026-11-01T04:30:00Z', 'u2', 'S2', 'SMS', 'DELIVERED', 'MIXED', false, true],
  ['s4', '2026-11-01T23:00:00Z', 'u1', 'S1', 'WHATSAPP', 'DELIVERED', 'SUCCESSFUL', false, false],
  ['s5', '2026-11-02T04:30:00Z', 'u2', 'S1', 'SMS', 'UNDELIVERABLE', 'SUCCESSFUL', false, false],
  ['s6', '2026-11-02T05:30:00Z', 'u3', 'S2', 'SMS', 'SEEN', 'SUCCESSFUL', false, false],
  ['s7', '2026-11-02T05:45:00Z', 'u3', 'S1', 'WHATSAPP', 'DELIVERED', 'SUCCESSFUL', false, true],
] as const;

function records(): Record<string, unknown>[] {
  return ROWS.map(([id, startedAt, endUserId, sender, channel, status, outcome, escalated, engaged]) => {
    const plus = (seconds: number) => new Date(Date.parse(startedAt) + seconds * 1000).toISOString();
    const messages: Record<string, unknown>[] = [{ id: 'out', direction: 'OUTBOUND', author: 'BOT', channel, sentAt: startedAt, status }];
    if (engaged) messages.push({ id: 'in', direction: 'INBOUND', author: 'END_USER', channel, sentAt: plus(10) });
    return {
      record: 'interaction', id, type: 'CONVERSATIONAL', startedAt, endedAt: plus(60), sender, channel, endUserId,
      automation: { id: 'bot', type: 'CHATBOT', name: 'Bot', automationVersionId: 'bot-v1', versionId: '1' },
      ...(escalated ? { escalation: { at: plus(30) } } : {}),
      messages,
      analysis: { outcome },
    };
  });
}

const RANGE = { from: '2026-10-31T00:00:00Z', to: '2026-11-03T00:00:00Z' };
// The generated typed document of schema/operations/dashboardSeries.graphql (npm run codegen).
const SERIES = DashboardSeriesDocument;

let t: TestServer;
let account: { id: number; apiKey: string };

async function series(variables: Record<string, unknown>): Promise<any[]> {
  const res = await t.request(SERIES, { filter: RANGE, ...variables } as DashboardSeriesQueryVariables, account.apiKey);
  expect(res.errors).toBeUndefined();
  return res.data!.insights.series;
}

/** A period's figures in a compact form: interactions (successful/mixed/unsuccessful), escalated, users (returning, engaged). */
const summary = (p: any) => ({
  from: p.from,
  to: p.to,
  interactions: p.performance.total.interactions,
  outcomes: [p.performance.total.successful, p.performance.total.mixed, p.performance.total.unsuccessful],
  escalated: p.performance.escalated.interactions,
  users: [p.audience.uniqueUsers, p.audience.returningUsers, p.audience.engagedUsers],
});

beforeAll(async () => {
  t = await startTestServer();
  account = await t.createAccount('Series');
  const stored = await t.request('mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { reason } } }', { r: records() }, account.apiKey);
  expect(stored.errors).toBeUndefined();
  expect(stored.data!.ingest.rejected).toEqual([]);
  const card = await t.request('mutation($i: RateCardInput!) { setRateCard(input: $i) { currency } }', { i: RATE_CARD }, account.apiKey);
  expect(card.errors).toBeUndefined();
});
afterAll(async () => t.close());

describe('series', () => {
  it('cuts the range into UTC days; a user of two days counts on each', async () => {
    const days = await series({ interval: 'DAY' });
    expect(days.map(summary)).toEqual([
      { from: '2026-10-31T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', interactions: 1, outcomes: [1, 0, 0], escalated: 0, users: [1, 0, 1] },
      // s2, s3, s4: u1 twice (s2, s4), u2 once; engaged: s3 (u2)
      { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', interactions: 3, outcomes: [1, 1, 1], escalated: 1, users: [2, 1, 1] },
      // s5, s6, s7: u2 once, u3 twice; engaged: s7 (u3)
      { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z', interactions: 3, outcomes: [3, 0, 0], escalated: 0, users: [2, 1, 1] },
    ]);
    // Every interaction lasted 60 s; channels by totalSent, then name.
    expect(days.map((d) => d.health.averageDurationSeconds)).toEqual([60, 60, 60]);
    expect(days[1].channels).toEqual([
      { channel: 'SMS', totalSent: 2, delivered: 1, rejected: 1, undeliverable: 0 },
      { channel: 'WHATSAPP', totalSent: 1, delivered: 1, rejected: 0, undeliverable: 0 },
    ]);
    expect(days[2].channels).toEqual([
      { channel: 'SMS', totalSent: 2, delivered: 1, rejected: 0, undeliverable: 1 },
      { channel: 'WHATSAPP', totalSent: 1, delivered: 1, rejected: 0, undeliverable: 0 },
    ]);
    // The rate card: a chatbot interaction 0.1, SMS out 0.05, in 0.01, WhatsApp out 0.02, in 0,
    // an agent's minute 0.5. 1 Nov: 3 × 0.1 + 2 × 0.05 + 1 × 0.01 (s3's answer) + 0.02, and s2's
    // agent from escalation (+30 s) to end (+60 s), half a minute: 0.25; over 3 interactions.
    expect(days[1].health.estimatedCostPerInteraction).toBeCloseTo((0.3 + 0.1 + 0.01 + 0.02 + 0.25) / 3, 10);
    // 2 Nov: 3 × 0.1 + 2 × 0.05 + 0.02 + s7's WhatsApp answer (0), no agent.
    expect(days[2].health.estimatedCostPerInteraction).toBeCloseTo((0.3 + 0.1 + 0.02) / 3, 10);
  });

  it("cuts it into New York's local days, one of them 25 hours long", async () => {
    const days = await series({ interval: 'DAY', timeZone: 'America/New_York' });
    expect(days.map(summary)).toEqual([
      // The range starts at 20:00 EDT on 30 Oct: the rest of that local day holds nothing.
      { from: '2026-10-31T00:00:00.000Z', to: '2026-10-31T04:00:00.000Z', interactions: 0, outcomes: [0, 0, 0], escalated: 0, users: [0, 0, 0] },
      // 31 Oct, midnight EDT to midnight EDT: s1, s2, both u1's.
      { from: '2026-10-31T04:00:00.000Z', to: '2026-11-01T04:00:00.000Z', interactions: 2, outcomes: [1, 0, 1], escalated: 1, users: [1, 1, 1] },
      // 1 Nov, midnight EDT to midnight EST: s3, s4, s5; u2 twice.
      { from: '2026-11-01T04:00:00.000Z', to: '2026-11-02T05:00:00.000Z', interactions: 3, outcomes: [2, 1, 0], escalated: 0, users: [2, 1, 1] },
      // 2 Nov until the range's end: s6, s7, both u3's.
      { from: '2026-11-02T05:00:00.000Z', to: '2026-11-03T00:00:00.000Z', interactions: 2, outcomes: [2, 0, 0], escalated: 0, users: [1, 1, 1] },
    ]);
  });

  it('cuts it into ISO weeks from Monday, and hours', async () => {
    // 31 Oct 2026 is a Saturday: its week began on 26 Oct and ends with 1 Nov.
    const weeks = await series({ interval: 'WEEK' });
    expect(weeks.map(summary)).toEqual([
      // s1 to s4: u1 three times over two days, u2 once; engaged: s1 (u1), s3 (u2)
      { from: '2026-10-31T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', interactions: 4, outcomes: [2, 1, 1], escalated: 1, users: [2, 1, 2] },
      { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z', interactions: 3, outcomes: [3, 0, 0], escalated: 0, users: [2, 1, 1] },
    ]);
    const hours = await series({ filter: { from: '2026-11-02T04:00:00Z', to: '2026-11-02T06:30:00Z' }, interval: 'HOUR', timeZone: 'Asia/Kolkata' });
    // India is 05:30 ahead: its hours start at half past in UTC.
    expect(hours.map((h) => [h.from, h.to, h.performance.total.interactions, h.audience.uniqueUsers, h.audience.returningUsers])).toEqual([
      ['2026-11-02T04:00:00.000Z', '2026-11-02T04:30:00.000Z', 0, 0, 0],
      ['2026-11-02T04:30:00.000Z', '2026-11-02T05:30:00.000Z', 1, 1, 0],
      ['2026-11-02T05:30:00.000Z', '2026-11-02T06:30:00.000Z', 2, 1, 1],
    ]);
  });

  it("narrows every period by the filter's lists", async () => {
    const days = await series({ filter: { ...RANGE, senders: ['S2'] }, interval: 'DAY' });
    // S2 sent s3 (1 Nov, u2) and s6 (2 Nov, u3) only.
    expect(days.map((d) => [d.performance.total.interactions, d.audience.uniqueUsers, d.channels.map((c: any) => c.channel)])).toEqual([
      [0, 0, []],
      [1, 1, ['SMS']],
      [1, 1, ['SMS']],
    ]);
  });

  it('costs the statements of one dashboard, whatever the number of periods, and gives what insights gives for each', async () => {
    await series({ interval: 'DAY' });
    await backgroundSettled(t.db.pool);
    const threeDays = await countStatements(() => t.request(SERIES, { filter: RANGE, interval: 'DAY' }, account.apiKey));
    const newYork = await countStatements(() => t.request(SERIES, { filter: RANGE, interval: 'DAY', timeZone: 'America/New_York' }, account.apiKey));
    // authentication, totals, users (two halves of the bitmap chunks), channels, rate card
    expect(threeDays.statements).toBe(6);
    // The same, and the users of the first period (20:00 to midnight on 30 Oct in New York, no
    // whole quarter of a UTC day for the block bitmaps) from the raw rows: one more.
    expect(newYork.statements).toBe(7);
    const periods = [threeDays, newYork].flatMap((run) => (run.result.data as any).insights.series);
    expect(periods).toHaveLength(7);
    for (const period of periods) {
      const alone = await t.request(
        `query($filter: InsightsFilter!) { insights(filter: $filter) {
           performance { total { interactions successful mixed unsuccessful } contained { interactions } escalated { interactions } }
           audience { uniqueUsers returningUsers engagedUsers }
           health { averageDurationSeconds estimatedCostPerInteraction }
           channels { channel totalSent delivered rejected undeliverable } } }`,
        { filter: { from: period.from, to: period.to } },
        account.apiKey,
      );
      expect(alone.errors).toBeUndefined();
      const { from: _from, to: _to, ...sections } = period;
      expect(alone.data!.insights).toEqual(sections);
    }
  });

  it("costs every field of the dashboard's sections per day within the default cost limit", async () => {
    const every = `query($filter: InsightsFilter!) { insights(filter: $filter) { series(interval: DAY) { from to
      performance { total { interactions successful mixed unsuccessful unclassified } contained { interactions successful mixed unsuccessful unclassified }
                    escalated { interactions successful mixed unsuccessful unclassified } }
      health { score averageDurationSeconds estimatedCostPerInteraction currency }
      audience { uniqueUsers returningUsers engagedUsers notEngagedUsers csatResponses csat csatNegative csatAverage
                 sentimentPositive sentimentNegative averageInboundMessages averageOutboundMessages }
      channels { channel totalSent delivered deliveryRate rejected expired undeliverable pending } } } }`;
    const res = await t.request(every, { filter: RANGE }, account.apiKey);
    expect(res.errors).toBeUndefined();
    expect((res.data as any).insights.series.map((d: any) => d.audience.notEngagedUsers)).toEqual([0, 1, 1]);
  });

  it('refuses an unknown time zone and too many periods, naming the argument', async () => {
    const zone = await t.request(SERIES, { filter: RANGE, interval: 'DAY', timeZone: 'Mars/Olympus' }, account.apiKey);
    expect(zone.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(zone.errors?.[0]?.message).toMatch(/timeZone 'Mars\/Olympus' is not an IANA time zone/);
    const hours = await t.request(SERIES, { filter: { from: '2026-10-01T00:00:00Z', to: '2026-10-31T00:00:00Z' }, interval: 'HOUR' }, account.apiKey);
    expect(hours.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(hours.errors?.[0]?.message).toMatch(/more than 200 periods of one hour; use a longer interval/);
  });
});
