/**
 * The rollup path against the raw path (the reference): random data sent through the real ingest
 * module (upserts that move interactions between days and segments, late analysis, CSAT and
 * delivery reports), then many random filters and ranges, most of them starting or ending
 * mid-day or mid-hour (whole hours of partial days come from hourly rollups). Every figure must be the same number on both paths; the rollups maintained batch by
 * batch must equal the rollups rebuilt from the raw rows.
 */
import 'reflect-metadata';
import { createAccount } from '../../src/accounts/accountStore';
import { Handling, Outcome } from '../../src/common/enums';
import { TopicOrder } from '../../src/drilldowns/drilldown.types';
import { unsuccessfulIssues } from '../../src/drilldowns/issueImpact.sql';
import { outcomeSummary } from '../../src/drilldowns/outcomeBreakdown.sql';
import { lowestPerformingTopics, topicCounts, topicDetails, topicPage, topicTotal } from '../../src/drilldowns/topicStats.sql';
import { Random } from '../../src/demo/random';
import { ingestBatch } from '../../src/ingest/ingest';
import { interactionCount } from '../../src/interactions/interactionList.sql';
import { channelTotals } from '../../src/metrics/channelTotals.sql';
import { checkFilter, type Filter } from '../../src/metrics/filter';
import { interactionTotals } from '../../src/metrics/interactionTotals.sql';
import { userTotals } from '../../src/metrics/audienceUsers.sql';
import { inTransaction } from '../../src/db/transaction';
import { ROLLUPS } from '../../src/rollups/rollupTables';
import { rebuildRollups } from '../../src/rollups/rollupWrites';
import { refreshUserBitmaps } from '../../src/rollups/userBitmaps';
import { createMemo, type Context } from '../../src/server/context';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { PROPERTY_SEED } from '../helpers/propertySeed';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 9, 1); // data over 6 days from here, minutes off midnight included
const NOW = new Date(START + 5 * DAY + 7 * HOUR + 123); // pending messages straddle this instant
const AUTOMATIONS = [
  { id: 'cb', type: 'CHATBOT', name: 'Bot', versions: ['cb-1', 'cb-2'] },
  { id: 'jr', type: 'JOURNEY', name: 'Journey', versions: ['jr-1'] },
  { id: 'ai', type: 'AI_AGENT', name: 'Agent', versions: ['ai-1', 'ai-2'] },
];
const SENDERS = ['S1', 'S2', 'S3'];
const CHANNELS = ['SMS', 'WHATSAPP', 'EMAIL'];
const TOPICS = ['Returns', 'Orders', 'Billing', 'Access', 'Delivery', 'Other'];
const ISSUES = ['Loop', 'Wait', 'Wrong'];
const STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'SEEN', 'REJECTED', 'UNDELIVERABLE', 'EXPIRED', null];

const iso = (ms: number) => new Date(ms).toISOString();

/** Near midnight often, so that upserts and ranges cross day boundaries; sometimes on the hour, where hourly rollups split. */
function startTime(r: Random): number {
  const day = r.int(0, 5);
  const offset = r.chance(0.3) ? (r.chance(0.5) ? r.int(0, 5 * 60_000) : DAY - r.int(1, 5 * 60_000)) : r.chance(0.1) ? r.int(0, 23) * HOUR : r.int(0, DAY - 1);
  return START + day * DAY + offset;
}

function interaction(r: Random, id: string): Record<string, unknown> {
  const startedAt = startTime(r);
  const automation = r.chance(0.85) ? r.pick(AUTOMATIONS) : null;
  const version = automation ? r.pick(automation.versions) : null;
  const messages = Array.from({ length: r.int(0, 5) }, (_, n) => {
    const outbound = r.chance(0.6);
    const status = outbound ? r.pick(STATUSES) : null;
    // Validity windows end before and after NOW, so some pending messages have lapsed and some not.
    const sentAt = startedAt + n * 60_000;
    return {
      id: `m${n}`, direction: outbound ? 'OUTBOUND' : 'INBOUND', author: outbound ? 'BOT' : 'END_USER', channel: r.pick(CHANNELS),
      sentAt: iso(sentAt), ...(status ? { status } : {}), ...(outbound && r.chance(0.5) ? { validityHours: r.int(1, 60) } : {}),
    };
  });
  const topics = [...new Set(Array.from({ length: r.int(0, 3) }, () => r.pick(TOPICS)))].map((name) => ({
    name, resolved: r.chance(0.5), ...(r.chance(0.6) ? { handleTimeSeconds: r.int(1, 900) + r.int(0, 999) / 1000 } : {}),
  }));
  const ended = r.chance(0.8);
  return {
    record: 'interaction', id, type: r.chance(0.7) ? 'CONVERSATIONAL' : 'NON_CONVERSATIONAL',
    startedAt: iso(startedAt), ...(ended ? { endedAt: iso(startedAt + r.int(1, 7_200_000)) } : {}),
    ...(automation ? { automation: { id: automation.id, type: automation.type, name: automation.name, automationVersionId: version, versionId: `v-${version}` } } : {}),
    ...(r.chance(0.8) ? { sender: r.pick(SENDERS) } : {}),
    channel: r.pick(CHANNELS), endUserId: `u${r.int(1, 40)}`,
    ...(r.chance(0.3) ? { escalation: { at: iso(startedAt + r.int(0, 600_000)) } } : {}),
    messages,
    ...(r.chance(0.7) ? { analysis: analysis(r) } : {}),
    ...(r.chance(0.4) ? { csat: { score: r.int(1, 5), at: iso(startedAt + HOUR) } } : {}),
    ...(topics.length && r.chance(0.5) ? { analysis: { ...analysis(r), topics } } : {}),
  };
}

function analysis(r: Random): Record<string, unknown> {
  return {
    ...(r.chance(0.4) ? { outcome: r.pick(['SUCCESSFUL', 'MIXED', 'UNSUCCESSFUL']) } : {}),
    ...(r.chance(0.7) ? { sentiment: r.pick(['POSITIVE', 'NEUTRAL', 'NEGATIVE']), sentimentScore: Math.round((r.next() * 2 - 1) * 1000) / 1000 } : {}),
    topics: [...new Set(Array.from({ length: r.int(0, 3) }, () => r.pick(TOPICS)))].map((name) => ({ name, resolved: r.chance(0.5), ...(r.chance(0.5) ? { handleTimeSeconds: r.int(1, 600) / 10 } : {}) })),
    issues: [...new Set(Array.from({ length: r.int(0, 2) }, () => r.pick(ISSUES)))],
  };
}

/**
 * An interaction with two pending messages on one channel, one lapsed before NOW and one still
 * valid: the channel's pending expiry bounds straddle NOW, so pending and expired counts must be
 * read from raw rows. Random data holds such an interaction for some seeds only.
 */
function straddlingNow(id: string, automation: (typeof AUTOMATIONS)[number] | null): Record<string, unknown> {
  const startedAt = NOW.getTime() - 10 * HOUR;
  const pending = (n: number, validityHours: number) => ({
    id: `m${n}`, direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: iso(startedAt + n * 60_000), status: 'PENDING', validityHours,
  });
  return {
    record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: iso(startedAt), channel: 'SMS', endUserId: 'u1', sender: 'S1',
    ...(automation ? { automation: { id: automation.id, type: automation.type, name: automation.name, automationVersionId: automation.versions[0], versionId: `v-${automation.versions[0]}` } } : {}),
    messages: [pending(0, 2), pending(1, 40)],
  };
}

/** Late records for interactions already stored (or sent earlier in the same batch). */
function lateRecord(r: Random, id: string): Record<string, unknown> {
  const kind = r.int(0, 2);
  if (kind === 0) return { record: 'csat', interactionId: id, score: r.int(1, 5), at: iso(START) };
  if (kind === 1) return { record: 'analysis', interactionId: id, ...analysis(r) };
  return { record: 'messageStatus', interactionId: id, messageId: 'm0', status: r.pick(['DELIVERED', 'SEEN', 'REJECTED', 'PENDING']), at: iso(START + DAY) };
}

function randomFilter(r: Random): Filter {
  let from: number;
  let to: number;
  const shape = r.int(0, 4);
  if (shape === 0) {
    from = START + r.int(0, 3) * DAY; // whole days
    to = from + r.int(1, 4) * DAY;
  } else if (shape === 1) {
    from = START + r.int(-DAY, 3 * DAY); // mid-day both ends
    to = from + r.int(DAY, 5 * DAY);
  } else if (shape === 2) {
    from = START + r.int(0, 5 * DAY); // within one or two days
    to = from + r.int(1, DAY);
  } else if (shape === 3) {
    from = START + r.int(0, 4 * 24) * HOUR; // whole hours
    to = from + r.int(1, 72) * HOUR;
  } else {
    from = START - DAY; // everything
    to = START + 7 * DAY;
  }
  const some = <T>(items: T[]) => (r.chance(0.35) ? items.filter(() => r.chance(0.5)) : []);
  return checkFilter({
    from: new Date(from),
    to: new Date(to),
    automationIds: some(AUTOMATIONS.map((a) => a.id)),
    automationVersionIds: some(AUTOMATIONS.flatMap((a) => a.versions)),
    versionIds: some(AUTOMATIONS.flatMap((a) => a.versions.map((v) => `v-${v}`))),
    senders: some(SENDERS),
  });
}

let db: TestDatabase;
let accountId: number;

function context(useRollups: boolean): Context {
  return { caller: { accountId, keyId: 'test', scopes: ['read'] }, db, requestId: 'property', now: NOW, memo: createMemo(), useRollups };
}

/** Every figure the rollups serve, for one filter on one path. */
async function figures(useRollups: boolean, filter: Filter) {
  const ctx = context(useRollups);
  const totals = await interactionTotals(ctx, filter);
  const { groups, ...sums } = totals;
  const tabs = [null, Handling.CONTAINED, Handling.ESCALATED];
  const outcomes = [Outcome.SUCCESSFUL, Outcome.MIXED, Outcome.UNSUCCESSFUL];
  return {
    sums,
    groups: [...groups].sort((a, b) => `${a.escalated}${a.type}`.localeCompare(`${b.escalated}${b.type}`)),
    channels: await channelTotals(ctx, filter),
    users: await userTotals(ctx, filter),
    outcomes: await Promise.all(tabs.flatMap((h) => outcomes.map((o) => outcomeSummary(ctx, filter, o, h)))),
    topicCounts: await Promise.all(tabs.flatMap((h) => outcomes.map((o) => topicCounts(ctx, { filter, handling: h, outcome: o }, 10)))),
    issues: await Promise.all(tabs.map((h) => unsuccessfulIssues(ctx, filter, h, 10))),
    lowest: await Promise.all(tabs.map((h) => lowestPerformingTopics(ctx, { filter, handling: h }, 10))),
    pages: await Promise.all(Object.values(TopicOrder).map(async (order) => (await topicPage(ctx, { filter }, order, 4, null)).edges.map((e) => e.node))),
    topicTotal: await topicTotal(ctx, { filter }),
    details: await Promise.all(TOPICS.map((name) => topicDetails(ctx, { filter, name }))),
    // How many examples a topic or issue list holds (its totalCount), per tab and outcome.
    exampleCounts: await Promise.all(tabs.flatMap((handling) => [null, ...outcomes].flatMap((outcome) => [
      ...TOPICS.map((topic) => interactionCount(ctx, filter, { topic, handling, outcome })),
      ...ISSUES.map((issue) => interactionCount(ctx, filter, { issue, handling, outcome })),
    ]))),
  };
}

async function rollupRows(): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const t of ROLLUPS) {
    // Bounds of pending expiries only widen when maintained: they are bounds, not figures.
    const measures = t.measures.filter((m) => m.combine === 'sum').map((m) => `"${m.name}"`);
    const { rows: found } = await db.pool.query(
      `SELECT * FROM (SELECT "${t.grain}"::text AS bucket, segment, ${t.keys.map(([k]) => `"${k}"`).join(', ')}, ${measures.join(', ')} FROM "${t.table}" WHERE "accountId" = $1) r
        WHERE ${measures.map((m) => `${m} <> 0`).join(' OR ')} ORDER BY ${['bucket', 'segment', ...t.keys.map(([k]) => `"${k}"`)].join(', ')}`,
      [accountId],
    );
    rows[t.table] = found;
  }
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  accountId = (await createAccount(db.prisma, 'Property', 'property')).id;
  const other = (await createAccount(db.prisma, 'Other', 'other')).id;
  const r = new Random(20261126 + PROPERTY_SEED);
  const ids = Array.from({ length: 160 }, (_, n) => `i-${n}`);
  for (let batch = 0; batch < 8; batch++) {
    const records: Record<string, unknown>[] = [];
    for (let n = 0; n < 45; n++) {
      const id = r.pick(ids); // repeats: upserts across and within batches
      records.push(interaction(r, id));
      if (r.chance(0.3)) records.push(lateRecord(r, id));
    }
    for (let n = 0; n < 10; n++) records.push(lateRecord(r, r.pick(ids))); // some name unknown IDs: rejected
    if (batch === 0) records.push(straddlingNow('straddle-1', AUTOMATIONS[0]!), straddlingNow('straddle-2', null));
    const result = await ingestBatch(db.pool, accountId, records.map((value, index) => ({ index, value })));
    expect(result.stored).toBeGreaterThan(40);
    // Another account's data in the same rollup tables must never show.
    await ingestBatch(db.pool, other, records.filter((x) => x.record === 'interaction').slice(0, 10).map((value, index) => ({ index, value })));
  }
}, 120_000);

afterAll(async () => {
  await db.drop();
});

it('holds a dataset worth comparing: upserts moved interactions, late records changed them, some pending messages straddle now', async () => {
  const { rows } = await db.pool.query(
    `SELECT count(*) AS interactions, count(DISTINCT (("startedAt" AT TIME ZONE 'UTC')::date)) AS days,
            count(*) FILTER (WHERE outcome IS NULL) AS unclassified, count(*) FILTER (WHERE escalated) AS escalated
       FROM "Interaction" WHERE "accountId" = $1`,
    [accountId],
  );
  expect(rows[0].interactions).toBeGreaterThan(120);
  expect(rows[0].days).toBe(6);
  expect(rows[0].unclassified).toBeGreaterThan(0);
  expect(rows[0].escalated).toBeGreaterThan(0);
  const straddling = await db.pool.query(
    `SELECT count(*) AS n FROM "InteractionChannel" WHERE "accountId" = $1 AND "pendingExpiresMin" < $2 AND "pendingExpiresMax" >= $2`,
    [accountId, NOW],
  );
  expect(straddling.rows[0].n).toBeGreaterThan(0);
  const hourly = await db.pool.query(
    `SELECT count(*) AS n FROM "HourlyChannelRollup" WHERE "accountId" = $1 AND pending > 0 AND "pendingExpiresMin" < $2 AND "pendingExpiresMax" >= $2`,
    [accountId, NOW],
  );
  expect(hourly.rows[0].n).toBeGreaterThan(0);
});

it('gives the same figures on the rollup path as on the raw path for 150 random filters', async () => {
  const r = new Random(7 + PROPERTY_SEED);
  let nonEmpty = 0;
  for (let n = 0; n < 150; n++) {
    const filter = randomFilter(r);
    const raw = await figures(false, filter);
    const rolled = await figures(true, filter);
    expect({ filter, figures: rolled }).toEqual({ filter, figures: raw });
    if (raw.sums.total.interactions > 0) nonEmpty++;
  }
  expect(nonEmpty).toBeGreaterThan(100);
}, 240_000);

it('gives the same users for every single whole day and whole ISO week (one bitmap cell per chunk) on both paths', async () => {
  const users = (useRollups: boolean, from: number, to: number) => userTotals(context(useRollups), checkFilter({ from: new Date(from), to: new Date(to) }));
  // Bitmaps of every day first: a stale day is read raw, not from its cell.
  await refreshUserBitmaps(db.pool, accountId);
  const { rows } = await db.pool.query('SELECT count(*) AS stale FROM "StaleUserDay" WHERE "accountId" = $1', [accountId]);
  expect(rows[0].stale).toBe(0);
  let withReturning = 0;
  for (let day = -1; day <= 7; day++) {
    const from = START + day * DAY;
    const raw = await users(false, from, from + DAY);
    expect({ day, users: await users(true, from, from + DAY) }).toEqual({ day, users: raw });
    if (raw.returningUsers > 0) withReturning++;
  }
  expect(withReturning).toBeGreaterThan(2);
  // START is Thursday 1 Oct 2026: the weeks from Monday 28 Sep and 5 Oct hold the data.
  for (const monday of [START - 3 * DAY, START + 4 * DAY]) {
    const raw = await users(false, monday, monday + 7 * DAY);
    expect(raw.uniqueUsers).toBeGreaterThan(0);
    expect({ monday, users: await users(true, monday, monday + 7 * DAY) }).toEqual({ monday, users: raw });
  }
});

it('keeps the maintained rollups equal to rollups rebuilt from the raw rows', async () => {
  const maintained = await rollupRows();
  expect(maintained.DailyInteractionRollup!.length).toBeGreaterThan(20);
  await inTransaction(db.pool, (client) => rebuildRollups(client, accountId));
  expect(await rollupRows()).toEqual(maintained);
});

it('stays exact when concurrent batches store the same new interactions', async () => {
  const r = new Random(31 + PROPERTY_SEED);
  const fresh = Array.from({ length: 30 }, (_, n) => `race-${n}`);
  // Each batch holds every new ID: all but the first to insert one must subtract what it replaces.
  const results = await Promise.all(
    Array.from({ length: 4 }, () => ingestBatch(db.pool, accountId, fresh.map((id, index) => ({ index, value: interaction(r, id) })))),
  );
  expect(results.map((result) => result.rejected)).toEqual([[], [], [], []]);
  const maintained = await rollupRows();
  await inTransaction(db.pool, (client) => rebuildRollups(client, accountId));
  expect(await rollupRows()).toEqual(maintained);
}, 60_000);
