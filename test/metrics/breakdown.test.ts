import { DashboardBreakdownDocument, type DashboardBreakdownQueryVariables } from '../generated/graphql';
import { backgroundSettled } from '../../src/db/background';
import { startTestServer, type TestServer } from '../helpers/server';
import { countStatements } from '../helpers/statements';

/**
 * Six interactions on 20 Oct 2026, each with one outbound message of a final status:
 *
 *   id  automation (version)  sender  user  message             outcome
 *   b1  cb Support bot (1)    S1      u1    SMS DELIVERED       SUCCESSFUL
 *   b2  cb Support bot (2)    S1      u1    SMS REJECTED        UNSUCCESSFUL
 *   b3  cb Support bot (1)    S2      u2    WHATSAPP DELIVERED  SUCCESSFUL
 *   b4  jr Welcome (1)        S2      u1    SMS DELIVERED       SUCCESSFUL
 *   b5  jr Welcome (1)        S2      u3    SMS SEEN            MIXED
 *   b6  none (inbox only)     none    u4    LIVE_CHAT DELIVERED SUCCESSFUL
 */
const ROWS = [
  ['b1', 'cb', '1', 'S1', 'u1', 'SMS', 'DELIVERED', 'SUCCESSFUL'],
  ['b2', 'cb', '2', 'S1', 'u1', 'SMS', 'REJECTED', 'UNSUCCESSFUL'],
  ['b3', 'cb', '1', 'S2', 'u2', 'WHATSAPP', 'DELIVERED', 'SUCCESSFUL'],
  ['b4', 'jr', '1', 'S2', 'u1', 'SMS', 'DELIVERED', 'SUCCESSFUL'],
  ['b5', 'jr', '1', 'S2', 'u3', 'SMS', 'SEEN', 'MIXED'],
  ['b6', null, null, null, 'u4', 'LIVE_CHAT', 'DELIVERED', 'SUCCESSFUL'],
] as const;
const NAMES = { cb: ['CHATBOT', 'Support bot'], jr: ['JOURNEY', 'Welcome'] } as const;

function records(): Record<string, unknown>[] {
  return ROWS.map(([id, automation, version, sender, endUserId, channel, status, outcome], n) => {
    const startedAt = new Date(Date.UTC(2026, 9, 20, 8 + n)).toISOString();
    return {
      record: 'interaction', id, type: 'CONVERSATIONAL', startedAt, channel, endUserId,
      ...(sender ? { sender } : {}),
      ...(automation ? { automation: { id: automation, type: NAMES[automation][0], name: NAMES[automation][1], automationVersionId: `${automation}-${version}`, versionId: version } } : {}),
      messages: [{ id: 'out', direction: 'OUTBOUND', author: 'BOT', channel, sentAt: startedAt, status }],
      analysis: { outcome },
    };
  });
}

const RANGE = { from: '2026-10-20T00:00:00Z', to: '2026-10-21T00:00:00Z' };
const SECTIONS = `performance { total { interactions successful mixed unsuccessful } }
  audience { uniqueUsers returningUsers }
  health { averageDurationSeconds }
  channels { channel totalSent delivered rejected }`;
// The generated typed document of schema/operations/dashboardBreakdown.graphql (npm run codegen), whose groups ask for SECTIONS.
const BREAKDOWN = DashboardBreakdownDocument;

let t: TestServer;
let apiKey: string;

async function breakdown(by: string, filter: Record<string, unknown> = RANGE, first?: number): Promise<any[]> {
  const res = await t.request(BREAKDOWN, { filter, by, first } as DashboardBreakdownQueryVariables, apiKey);
  expect(res.errors).toBeUndefined();
  return (res.data as any).insights.breakdown;
}

/** A group as key, interactions, [successful, mixed, unsuccessful], [unique, returning users]. */
const summary = (g: any) => [g.key, g.interactions, [g.performance.total.successful, g.performance.total.mixed, g.performance.total.unsuccessful], [g.audience.uniqueUsers, g.audience.returningUsers]];

beforeAll(async () => {
  t = await startTestServer();
  apiKey = (await t.createAccount('Breakdown')).apiKey;
  const stored = await t.request('mutation($r: [JSONObject!]!) { ingest(records: $r) { rejected { reason } } }', { r: records() }, apiKey);
  expect(stored.errors).toBeUndefined();
  expect((stored.data as any).ingest.rejected).toEqual([]);
});
afterAll(async () => t.close());

describe('breakdown', () => {
  it('groups by automation, most interactions first, with the automation; inbox-only interactions form no group', async () => {
    const res = await t.request(`query($filter: InsightsFilter!) { insights(filter: $filter) { performance { total { interactions } }
      breakdown(by: AUTOMATION) { key automation { id type name } performance { total { interactions } } } } }`, { filter: RANGE }, apiKey);
    expect(res.errors).toBeUndefined();
    const { performance, breakdown: groups } = (res.data as any).insights;
    expect(performance.total.interactions).toBe(6);
    expect(groups).toEqual([
      { key: 'cb', automation: { id: 'cb', type: 'CHATBOT', name: 'Support bot' }, performance: { total: { interactions: 3 } } },
      { key: 'jr', automation: { id: 'jr', type: 'JOURNEY', name: 'Welcome' }, performance: { total: { interactions: 2 } } },
    ]);
    // b1, b2 (u1 twice), b3 (u2); b4 (u1), b5 (u3)
    expect((await breakdown('AUTOMATION')).map(summary)).toEqual([
      ['cb', 3, [2, 0, 1], [2, 1]],
      ['jr', 2, [1, 1, 0], [2, 0]],
    ]);
  });

  it('groups by version number across automations, and by sender', async () => {
    // Version 1: b1 (u1), b3 (u2), b4 (u1), b5 (u3); version 2: b2 (u1).
    expect((await breakdown('VERSION')).map(summary)).toEqual([
      ['1', 4, [3, 1, 0], [3, 1]],
      ['2', 1, [0, 0, 1], [1, 0]],
    ]);
    // S2: b3, b4, b5 (three users); S1: b1, b2 (u1 twice). b6 has no sender.
    const senders = await breakdown('SENDER');
    expect(senders.map(summary)).toEqual([
      ['S2', 3, [2, 1, 0], [3, 0]],
      ['S1', 2, [1, 0, 1], [1, 1]],
    ]);
    expect(senders[1].channels).toEqual([{ channel: 'SMS', totalSent: 2, delivered: 1, rejected: 1 }]);
    expect(senders[0].channels).toEqual([
      { channel: 'SMS', totalSent: 2, delivered: 2, rejected: 0 },
      { channel: 'WHATSAPP', totalSent: 1, delivered: 1, rejected: 0 },
    ]);
  });

  it("keeps the filter's lists, orders ties by key and takes the first groups only", async () => {
    // S1 holds one interaction of each version: a tie, ordered by key.
    expect((await breakdown('VERSION', { ...RANGE, senders: ['S1'] })).map((g) => [g.key, g.interactions])).toEqual([['1', 1], ['2', 1]]);
    expect((await breakdown('AUTOMATION', { ...RANGE, senders: ['S1'] })).map((g) => [g.key, g.interactions])).toEqual([['cb', 2]]);
    expect((await breakdown('SENDER', RANGE, 1)).map((g) => g.key)).toEqual(['S2']);
    const tooMany = await t.request(BREAKDOWN, { filter: RANGE, by: 'SENDER', first: 101 } as DashboardBreakdownQueryVariables, apiKey);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toMatch(/first must be between 0 and 100/);
  });

  it('costs the statements of one dashboard and one more, whatever the number of groups; each group is insights narrowed to it', async () => {
    await breakdown('VERSION');
    await backgroundSettled(t.db.pool);
    const one = await countStatements(() => t.request(BREAKDOWN, { filter: RANGE, by: 'VERSION', first: 1 } as DashboardBreakdownQueryVariables, apiKey));
    const two = await countStatements(() => t.request(BREAKDOWN, { filter: RANGE, by: 'VERSION' } as DashboardBreakdownQueryVariables, apiKey));
    // authentication, the groups, totals, users (two halves), channels, the rate card (none)
    expect(one.statements).toBe(7);
    expect(two.statements).toBe(7);
    const groups = (two.result.data as any).insights.breakdown;
    expect(groups).toHaveLength(2);
    for (const { key, interactions, ...sections } of groups) {
      const alone = await t.request(`query($filter: InsightsFilter!) { insights(filter: $filter) { ${SECTIONS} } }`, { filter: { ...RANGE, versionIds: [key] } }, apiKey);
      expect(alone.errors).toBeUndefined();
      expect((alone.data as any).insights).toEqual(sections);
      expect(interactions).toBe(sections.performance.total.interactions);
    }
  });
});
