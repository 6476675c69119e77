// npm run bench [-- --interactions N --days D --runs R --raw-runs S --max-turns T --no-sql --ingest M --only TEXT]
//
// Seeds N demo interactions over D days (default 30) ending 2026-11-01 into an embedded database
// under .bench/dashboard-N (dashboard-N-Dd when D is not 30, and -Tt when T is not 5); once,
// reused while it holds the same N. Conversations take 1 to T turns (8 by default: about 6
// messages per interaction, the workload issues 3 and 9 set; the demo's 5 gives about 4.4).
// Then starts two GraphQL servers in this process on that database: the rollup path (whole UTC
// days read from the daily rollups, the partial days at the edges of a range raw) and the raw path
// (`useRollups: false`: every figure from raw rows, the reference). Each query below runs warm
// through both; the dashboard queries also run as a plain hand-written SQL query over the raw
// tables (messages, topics), without derived columns, as a third reference.
//
// Prints, per query and path: p50/p95/p99 in ms (the rollup path R runs; the raw path R runs, or
// S when its warm-up took over 1 s; the SQL reference S runs; with few runs p99 is the slowest),
// timed once the background work of the warm-up run is done, and the rollup path's warm-up
// (`first`: a filter's first read also reads what it has built in the background for the next),
// the ratio raw p95 / rollup p95, the rows read from tables by one run (approximate: see
// rowsReadSoFar in lib.mjs), and whether the rollup and raw paths returned identical JSON (any
// difference is printed). Then a few untimed identity checks on ranges with odd edges, the last
// 30 days read right after a batch changed their last whole day (one request each, while that
// day is rebuilt in the background and after), and the peak RSS of this process (driver and both
// servers; PostgreSQL runs in processes of its own).
//
// Last, the ingest rate at that scale: M more interactions (100,000 by default, 0 for none; the
// file of `npm run bench:ingest`) imported into the same database with `touchpoint import`, as a new
// account, the rollups maintained as always; printed with the importer's peak RSS. That account
// is deleted afterwards and the tables vacuumed, so the next run starts from the same database.
//
// `--only TEXT` runs the queries whose name holds TEXT, without the identity checks and the read
// after a change: to time one query again while working on it.
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { DASHBOARD, dashboardDatabase, deleteAccount, dist, jsonDifferences, machineCheck, openBenchDatabase, peakRssMb, percentile, requireBuilt, rowsScanned, runImport, startBenchServers, writeIngestFile } from './lib.mjs';

requireBuilt();
const { values } = parseArgs({
  options: {
    interactions: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '30' },
    runs: { type: 'string', default: '30' },
    'raw-runs': { type: 'string', default: '5' },
    'max-turns': { type: 'string', default: '8' },
    // The plain-SQL reference takes minutes per run at 10 M; this leaves it out.
    'no-sql': { type: 'boolean', default: false },
    ingest: { type: 'string', default: '100000' },
    // Only the queries whose name holds this text, without the untimed checks and the read after a change.
    only: { type: 'string' },
  },
});
const interactions = Number(values.interactions);
const days = Number(values.days);
const runs = Number(values.runs);
// The raw references are slow by nature; fewer runs of them keep the benchmark short.
const rawRuns = Number(values['raw-runs']);
const maxTurns = Number(values['max-turns']);
const ingestInteractions = Number(values.ingest);
/** A raw-path GraphQL query whose warm-up took longer than this runs rawRuns times, not runs. */
const SLOW_MS = 1_000;
if (![interactions, days, runs, rawRuns, maxTurns].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('--interactions, --days, --runs, --raw-runs and --max-turns take positive integers');
  process.exit(1);
}
if (!(Number.isInteger(ingestInteractions) && ingestInteractions >= 0)) {
  console.error('--ingest takes a whole number of interactions (0 for none)');
  process.exit(1);
}
const END = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const START = new Date(END.getTime() - days * DAY);

const open = await openBenchDatabase(dashboardDatabase(interactions, days, maxTurns));
const { db } = open;
const { createAccount } = await import(dist('accounts/accountStore.js'));
const { seedDemoData } = await import(dist('demo/seed.js'));
const { backgroundSettled } = await import(dist('db/background.js'));
// The stored transcript format's one definition (messages as arrays of their fields).
const { MESSAGE_ROWS } = await import(dist('interactions/transcriptRows.js'));

const account = await db.prisma.account.findUnique({ where: { externalId: 'bench' } });
// The bench account's key in every tenant table.
let BENCH = account?.id;
const stored = account ? (await db.pool.query('SELECT count(*) AS n FROM "Interaction" WHERE "accountId" = $1', [BENCH])).rows[0].n : 0;
if (stored !== interactions) {
  if (account) await deleteAccount(db.pool, BENCH);
  BENCH = (await createAccount(db.prisma, 'bench', 'bench')).id;
  const started = Date.now();
  let last = 0;
  await seedDemoData(db.pool, BENCH, { interactions, days, seed: 42, end: END, maxTurns }, (n) => {
    if (Date.now() - last > 10_000) (last = Date.now(), console.log(`seeding: ${n} records`));
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const { rows: [{ messages }] } = await db.pool.query('SELECT sum("inboundCount" + "outboundCount")::bigint AS messages FROM "Interaction" WHERE "accountId" = $1', [BENCH]);
  console.log(`seeded ${interactions} interactions (${messages} messages, ${(messages / interactions).toFixed(2)} each) over ${days} days in ${seconds} s`);
  await db.pool.query('VACUUM ANALYZE');
} else {
  // Tables filled since the last ANALYZE (the rollups right after their backfill) get planner
  // statistics now, as autovacuum would give them shortly.
  const { rows } = await db.pool.query(`SELECT relname FROM pg_stat_user_tables
    WHERE n_live_tup > 0 AND last_analyze IS NULL AND last_autoanalyze IS NULL ORDER BY relname`);
  for (const { relname } of rows) await db.pool.query(`VACUUM ANALYZE "${relname}"`);
  if (rows.length) console.log(`vacuumed and analyzed (never analyzed yet): ${rows.map((r) => r.relname).join(', ')}`);
}
await db.prisma.rateCard.deleteMany({ where: { accountId: BENCH } });
await db.prisma.rateCard.create({ data: { accountId: BENCH, currency: 'EUR', agentPerMinute: 0.4,
  channels: { create: [{ channel: 'SMS', outboundMessage: 0.05, inboundMessage: 0.01 }, { channel: 'WHATSAPP', outboundMessage: 0.02, inboundMessage: 0.005 }] },
  automations: { create: [{ automationType: 'CHATBOT', perInteraction: 0.1 }, { automationType: 'AI_AGENT', perInteraction: 0.3 }] } } });
console.log(await machineCheck(db.pool));
const servers = await startBenchServers(db, BENCH, ['read', 'admin']);
const { graphql } = servers;

// The dashboard's figures from the raw tables, the way one would write them without derived columns.
async function rawSql(filter) {
  const args = [BENCH, filter.from, filter.to];
  let where = `i."accountId" = $1 AND i."startedAt" >= $2 AND i."startedAt" < $3`;
  if (filter.automationIds) (args.push(filter.automationIds), (where += ` AND i."automationId" IN (SELECT id FROM "Automation" WHERE "accountId" = $1 AND "externalId" = ANY($${args.length}))`));
  if (filter.senders) (args.push(filter.senders), (where += ` AND i.sender = ANY($${args.length})`));
  const q = (sql) => db.pool.query(sql, args);
  await Promise.all([
    q(`SELECT count(*), count(*) FILTER (WHERE i."escalatedAt" IS NOT NULL),
              count(*) FILTER (WHERE coalesce(i."analysisOutcome"::text, CASE WHEN t.n = 0 OR t.n IS NULL THEN NULL WHEN t.r = t.n THEN 'SUCCESSFUL' WHEN t.r = 0 THEN 'UNSUCCESSFUL' ELSE 'MIXED' END) = 'SUCCESSFUL'),
              avg(extract(epoch FROM i."endedAt" - i."startedAt")), avg(i."csatScore"), count(i.sentiment)
         FROM "Interaction" i LEFT JOIN LATERAL (SELECT count(*) n, count(*) FILTER (WHERE resolved) r FROM "InteractionTopic" x WHERE x."accountId" = i."accountId" AND x."interactionId" = i.id) t ON true
        WHERE ${where}`),
    q(`SELECT count(*), count(*) FILTER (WHERE n >= 2), count(*) FILTER (WHERE engaged) FROM (
         SELECT u."externalId", count(*) n, bool_or(m.inbound >= CASE WHEN m.first_inbound THEN 2 ELSE 1 END) engaged
           FROM "Interaction" i JOIN "EndUser" u ON u."accountId" = i."accountId" AND u.id = i."endUserId"
           LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE direction = 'INBOUND') inbound,
                                     (array_agg(direction ORDER BY "sentAt", id))[1] = 'INBOUND' first_inbound
                                FROM "InteractionTranscript" t CROSS JOIN ${MESSAGE_ROWS}
                               WHERE t."accountId" = i."accountId" AND t."interactionId" = i.id) m ON true
          WHERE ${where} GROUP BY u."externalId") x`),
    q(`SELECT m.channel, count(*) FILTER (WHERE direction = 'OUTBOUND'), count(*) FILTER (WHERE status IN ('DELIVERED','SEEN')),
              count(*) FILTER (WHERE status = 'EXPIRED' OR (status IN ('PENDING','SENT') AND m."sentAt" + m."validityHours" * interval '1 hour' < now()))
         FROM "Interaction" i JOIN "InteractionTranscript" t ON t."accountId" = i."accountId" AND t."interactionId" = i.id
              CROSS JOIN ${MESSAGE_ROWS}
        WHERE ${where} GROUP BY m.channel`),
  ]);
}

/**
 * Times `work` warm; returns { runs, p50, p95, p99, first, firstMs } (first: the warm-up's result,
 * firstMs its time). The timed runs start once the background work the warm-up started is done:
 * refreshes of stale days it read raw, and the runs and blocks of a filter's segments built on
 * first need (src/rollups/segmentCells.ts), which the first read of a filter and range pays for.
 */
async function measure(work, count, slowCount = count) {
  let started = performance.now();
  const first = await work(); // warm
  const firstMs = performance.now() - started;
  if (firstMs > SLOW_MS) count = slowCount;
  await backgroundSettled(db.pool);
  const times = [];
  for (let i = 0; i < count; i++) {
    started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  return { runs: count, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), first, firstMs };
}

// The same sections per period (insights.series): a dashboard's trend chart.
const SERIES = `query($filter: InsightsFilter!, $interval: SeriesInterval!, $timeZone: String) { insights(filter: $filter) {
  series(interval: $interval, timeZone: $timeZone) { from to
  performance { total { interactions successful mixed unsuccessful unclassified } contained { interactions successful } escalated { interactions successful } }
  health { score averageDurationSeconds estimatedCostPerInteraction currency }
  audience { uniqueUsers returningUsers engagedUsers notEngagedUsers csatResponses csat csatNegative csatAverage sentimentPositive sentimentNegative averageInboundMessages averageOutboundMessages }
  channels { channel totalSent delivered deliveryRate rejected expired undeliverable pending } } } }`;
const OUTCOMES = `query($filter: InsightsFilter!) { insights(filter: $filter) {
  successful { count types topics { topic interactions } }
  mixed { count types topics { topic interactions } }
  unsuccessful { count types topics { topic interactions } }
  csat { responses positivePercentage negativePercentage }
  sentiment { interactionsWithSentiment positivePercentage negativePercentage } } }`;
const DRILLDOWN = `query($filter: InsightsFilter!) { insights(filter: $filter) { unsuccessful {
  count types topics { topic interactions }
  issues { issue affectedInteractions impact examples(first: 10) { totalCount edges { node { id startedAt outcome automation { name } topics { name resolved } } } } }
  lowestPerformingTopics { name interactions successRate containmentRate averageSentiment averageCsat averageHandleTimeSeconds
    examples(first: 10) { edges { node { id handling transcript { id status } } } } } } } }`;
const TOPIC = `query($filter: InsightsFilter!) { insights(filter: $filter) { topic(name: "Order status") {
  interactions successRate containmentRate averageSentiment averageCsat averageHandleTimeSeconds
  examples(first: 10) { totalCount edges { node { id issues customer { id } } } } } } }`;
const FUNNEL = `query($view: ID!, $from: DateTime!, $to: DateTime!) { funnel(viewId: $view, from: $from, to: $to) { status steps { interactions conversionRate dropOff } } }`;

const views = await graphql('rollup', '{ funnelViews { id name } }');
let view = views.funnelViews.find((v) => v.name === 'bench: welcome journey');
if (!view) {
  const steps = ['Entry', 'Send welcome', 'Wait 1 day', 'Send discount', 'Exit'].map((name) => ({ kind: 'JOURNEY_ELEMENT', name }));
  view = (await graphql('rollup', 'mutation($i: FunnelViewInput!) { createFunnelView(input: $i) { id } }', { i: { name: 'bench: welcome journey', automationId: 'j-welcome', steps } })).createFunnelView;
}

const at = (ms) => new Date(ms).toISOString();
const MIDDAY = (10 * 60 + 37) * 60_000; // 10:37 UTC
const whole = { from: START.toISOString(), to: END.toISOString() };
const weekFrom = END.getTime() - Math.min(14, days) * DAY;
const week = { from: at(weekFrom), to: at(Math.min(weekFrom + 7 * DAY, END.getTime())), automationIds: ['cb-support'] };
// 30 days from 10:37 on the first day to 10:37 thirty days later: partial days at both edges
// (with 30 days of data the last one lies after the data's end; the identity checks below add
// ranges whose both edges hold data).
const midday = { from: at(START.getTime() + MIDDAY), to: at(START.getTime() + 30 * DAY + MIDDAY), automationIds: ['cb-support'], senders: ['ShopWA'] };
const period = days === 30 ? 'month' : `${days} days`;
// The last 30 days (whole UTC days), and the 30 days of `midday`, with other lists.
const last30 = { from: at(END.getTime() - Math.min(30, days) * DAY), to: END.toISOString() };
const senders = { ...last30, senders: ['ShopWA', 'shop.example'] };
const version = { from: midday.from, to: midday.to, versionIds: ['2'] };
// 30 days from 10:37 to 10:37 ending on the day before the last, with more than 31 days of data:
// both partial edge days hold data, so the audience reads a whole day of raw rows (the costliest
// range of its kind); all interactions, then version 2.
const late = days > 31 ? { from: at(END.getTime() - 31 * DAY + MIDDAY), to: at(END.getTime() - DAY + MIDDAY) } : null;
// The same 30 days from midnight in New York (04:00 UTC), for two senders: a filtered range whose
// partial edge days, both holding data, are read raw (run and block bitmaps are unfiltered only).
const NEW_YORK_MIDNIGHT = 4 * 3_600_000;
const lateSenders = late ? { from: at(END.getTime() - 31 * DAY + NEW_YORK_MIDNIGHT), to: at(END.getTime() - DAY + NEW_YORK_MIDNIGHT), senders: senders.senders } : null;
// The last 30 days from midnight to midnight in New York (04:00 UTC until November), for a series of its local days.
const newYork30 = { from: at(END.getTime() - Math.min(30, days) * DAY + NEW_YORK_MIDNIGHT), to: at(END.getTime() + NEW_YORK_MIDNIGHT) };
// The last 24 hours as a dashboard asks for them at 10:37 on the data's last day: no whole day.
const day = { from: at(END.getTime() - 2 * DAY + MIDDAY), to: at(END.getTime() - DAY + MIDDAY) };

const queries = [
  { name: `dashboard, whole ${period}`, query: DASHBOARD, variables: { filter: whole }, sql: () => rawSql(whole) },
  { name: 'dashboard, 1 automation, 1 week', query: DASHBOARD, variables: { filter: week }, sql: () => rawSql(week) },
  { name: 'dashboard, 30 days 10:37→10:37 UTC, 1 automation + 1 sender', query: DASHBOARD, variables: { filter: midday }, sql: () => rawSql(midday) },
  ...(days > 30 ? [{ name: 'dashboard, last 30 days', query: DASHBOARD, variables: { filter: last30 }, sql: () => rawSql(last30) }] : []),
  { name: 'dashboard, last 30 days, 2 senders', query: DASHBOARD, variables: { filter: senders }, sql: () => rawSql(senders) },
  { name: 'dashboard, 30 days 10:37→10:37 UTC, version 2 of every automation', query: DASHBOARD, variables: { filter: version } },
  ...(late
    ? [
        { name: 'dashboard, 30 days 10:37→10:37 UTC ending the day before the last', query: DASHBOARD, variables: { filter: late }, sql: () => rawSql(late) },
        { name: 'dashboard, 30 days 10:37→10:37 UTC ending the day before the last, version 2', query: DASHBOARD, variables: { filter: { ...late, versionIds: ['2'] } } },
        { name: 'dashboard, 30 days 04:00→04:00 UTC ending the day before the last, 2 senders', query: DASHBOARD, variables: { filter: lateSenders } },
      ]
    : []),
  { name: 'dashboard, 24 hours 10:37→10:37 UTC', query: DASHBOARD, variables: { filter: day }, sql: () => rawSql(day) },
  { name: 'series: the last 30 days by UTC day', query: SERIES, variables: { filter: last30, interval: 'DAY' } },
  { name: 'series: the last 30 days by day in New York', query: SERIES, variables: { filter: newYork30, interval: 'DAY', timeZone: 'America/New_York' } },
  { name: `outcome drill-down summaries + CSAT + sentiment, whole ${period}`, query: OUTCOMES, variables: { filter: whole } },
  { name: `unsuccessful drill-down: issues, lowest topics, 10 examples each, whole ${period}`, query: DRILLDOWN, variables: { filter: whole } },
  { name: `topic details with 10 examples, whole ${period}`, query: TOPIC, variables: { filter: whole } },
  { name: `5-step funnel, whole ${period}`, query: FUNNEL, variables: { view: view.id, from: whole.from, to: whole.to } },
];

// Table statistics are read on a connection of their own.
const stats = new pg.Client({ connectionString: open.url });
await stats.connect();

const results = [];
const mismatches = [];
const only = values.only;
for (const q of only === undefined ? queries : queries.filter((q) => q.name.includes(only))) {
  const rollup = await measure(() => graphql('rollup', q.query, q.variables), runs);
  const raw = await measure(() => graphql('raw', q.query, q.variables), runs, rawRuns);
  const sql = q.sql && !values['no-sql'] ? await measure(q.sql, rawRuns) : null;
  const scanned = {
    rollup: await rowsScanned(stats, db.pool, () => graphql('rollup', q.query, q.variables)),
    raw: await rowsScanned(stats, db.pool, () => graphql('raw', q.query, q.variables)),
    sql: sql ? await rowsScanned(stats, db.pool, q.sql) : null,
  };
  const identical = isDeepStrictEqual(rollup.first, raw.first);
  if (!identical) mismatches.push({ name: q.name, differences: jsonDifferences(rollup.first, raw.first) });
  results.push({ name: q.name, rollup, raw, sql, scanned, identical });
  console.log(`${q.name}: rollup p95 ${rollup.p95.toFixed(0)} ms, raw p95 ${raw.p95.toFixed(0)} ms${sql ? `, SQL p95 ${sql.p95.toFixed(0)} ms` : ''}; identical: ${identical ? 'yes' : 'no'}`);
}

// Untimed identity checks where both partial edge days hold data (and odd minutes).
const odd = (fromDay, fromMinute, toDay, toMinute, extra = {}) =>
  ({ from: at(START.getTime() + fromDay * DAY + fromMinute * 60_000), to: at(START.getTime() + toDay * DAY + toMinute * 60_000), ...extra });
const checks = [];
if (days >= 3 && only === undefined) {
  const edges = [
    ['1 10:37 → last day −1 13:05', odd(1, 637, days - 1, 785)],
    ['1 10:37 → last day −1 13:05, 1 automation + 1 sender', odd(1, 637, days - 1, 785, { automationIds: ['cb-support'], senders: ['ShopWA'] })],
    ['0 23:59 → 2 00:01 (two edges, one whole day)', odd(0, 1439, 2, 1)],
    ['within one day: 1 03:00 → 1 21:30', odd(1, 180, 1, 1290)],
  ];
  for (const [range, filter] of edges) {
    for (const [what, query] of [['dashboard', DASHBOARD], ['outcome summaries', OUTCOMES], ['unsuccessful drill-down', DRILLDOWN], ['topic details', TOPIC]]) {
      const [a, b] = [await graphql('rollup', query, { filter }), await graphql('raw', query, { filter })];
      const identical = isDeepStrictEqual(a, b);
      if (!identical) mismatches.push({ name: `${what}, days ${range}`, differences: jsonDifferences(a, b) });
      checks.push({ check: `${what}, days ${range}`, identical: identical ? 'yes' : 'no' });
    }
  }
}

// The last 30 days right after a batch changed the users of their last whole day: that day marked
// stale, as such a batch marks it (its rebuild gives the same bitmaps, so the data stays as
// seeded). Reads take the day raw and have it rebuilt in the background; timed one by one.
const afterChange = [];
if (days >= 3 && only === undefined) {
  const filter = { from: at(END.getTime() - Math.min(30, days) * DAY), to: END.toISOString() };
  const expected = await graphql('raw', DASHBOARD, { filter });
  await db.pool.query(`INSERT INTO "StaleUserDay" ("accountId", day) VALUES ($1, $2::date) ON CONFLICT DO NOTHING`, [BENCH, at(END.getTime() - DAY).slice(0, 10)]);
  const read = async (what) => {
    const started = performance.now();
    const result = await graphql('rollup', DASHBOARD, { filter });
    const identical = isDeepStrictEqual(result, expected);
    if (!identical) mismatches.push({ name: `dashboard ${what}`, differences: jsonDifferences(result, expected) });
    afterChange.push({ what, ms: performance.now() - started, identical });
  };
  await read('first read, the day stale');
  await read('second read, while it is rebuilt');
  const rebuilding = performance.now();
  await backgroundSettled(db.pool);
  const rebuilt = performance.now() - rebuilding;
  const { rows: [{ left }] } = await db.pool.query(`SELECT count(*)::int AS left FROM "StaleUserDay" WHERE "accountId" = $1`, [BENCH]);
  await read(`read after the rebuild (waited ${(rebuilt / 1000).toFixed(1)} s for it; stale days left: ${left})`);
}

const ms = (n) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));
const count = (n) => (n === null ? '—' : n.toLocaleString('en'));
function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

console.log(`\n${interactions.toLocaleString('en')} interactions over ${days} days; warm runs: rollup path ${runs}, raw path ${runs} (${rawRuns} when a run takes over ${SLOW_MS / 1000} s), SQL ${rawRuns}; ms`);
console.log(table(
  ['query', 'rollup p50', 'p95', 'p99', 'first', 'raw p50', 'p95', 'p99', 'raw/rollup p95', 'SQL p50', 'p95', 'runs rollup/raw/SQL', 'identical'],
  results.map((r) => [r.name, ms(r.rollup.p50), ms(r.rollup.p95), ms(r.rollup.p99), ms(r.rollup.firstMs), ms(r.raw.p50), ms(r.raw.p95), ms(r.raw.p99),
    `${(r.raw.p95 / r.rollup.p95).toFixed(1)}×`, r.sql ? ms(r.sql.p50) : '—', r.sql ? ms(r.sql.p95) : '—',
    `${r.rollup.runs}/${r.raw.runs}/${r.sql ? r.sql.runs : '—'}`, r.identical ? 'yes' : 'no']),
));
console.log('\nrows scanned by one run (sum of seq_tup_read + idx_tup_fetch over pg_stat_user_tables, counters flushed first, see lib.mjs; approximate: index-only scans not counted)');
console.log(table(['query', 'rollup path', 'raw path', 'SQL reference', 'raw/rollup'],
  results.map((r) => [r.name, count(r.scanned.rollup), count(r.scanned.raw), count(r.scanned.sql), r.scanned.rollup > 0 ? `${(r.scanned.raw / r.scanned.rollup).toFixed(1)}×` : '—'])));
if (checks.length) {
  console.log('\nuntimed identity checks, rollup path against raw path (ranges in days from the first day, UTC)');
  console.log(table(['check', 'identical'], checks.map((c) => [c.check, c.identical])));
}
if (afterChange.length) {
  console.log('\nthe last 30 days right after a batch changed their last whole day (marked stale), rollup path, one request each');
  console.log(table(['read', 'ms', 'identical to the raw path'], afterChange.map((r) => [r.what, ms(r.ms), r.identical ? 'yes' : 'no'])));
}
for (const q of results) console.log(`identical: ${q.identical ? 'yes' : 'no'} — ${q.name}`);
for (const m of mismatches) {
  console.log(`\nMISMATCH in ${m.name} (a = rollup path, b = raw path):`);
  for (const d of m.differences) console.log(`  ${d.path}: a=${JSON.stringify(d.a)} b=${JSON.stringify(d.b)}`);
}
console.log(`\n${mismatches.length === 0 ? 'rollup and raw paths identical on every query and check' : `${mismatches.length} mismatch(es)`}`);
console.log(`peak RSS of this process (driver and both servers): ${peakRssMb()} MB`);

if (ingestInteractions > 0) {
  // Into the database at its size, as a new account (issue 9: ingest keeps its rate at scale).
  const { file, messages } = await writeIngestFile(ingestInteractions, maxTurns);
  const extra = await createAccount(db.prisma, 'bench ingest');
  const { summary, seconds, rssMb } = await runImport(file, extra.externalId);
  console.log(`ingest at ${interactions.toLocaleString('en')} interactions: ${summary.stored} records stored, ${summary.rejected} rejected in ${seconds.toFixed(1)} s = ` +
    `${Math.round(ingestInteractions / seconds).toLocaleString('en')} interactions/s, ${Math.round(messages / seconds).toLocaleString('en')} messages/s ` +
    `(touchpoint import, rollups maintained; peak RSS ${Math.round(rssMb)} MB)`);
  await deleteAccount(db.pool, extra.id);
  // ANALYZE too: PostgreSQL counts the deleted rows as changes since the last ANALYZE, like the
  // imported ones (ingest's own ANALYZE names columns, which does not reset the count). After four
  // runs the 10 M database had 8 M changes counted on Interaction against autovacuum's threshold
  // of 1 M, so every import began beside an ANALYZE of each large table.
  await db.pool.query('VACUUM ANALYZE');
}
console.log(await machineCheck(db.pool));
await stats.end();
await servers.stop();
await open.close();
process.exit(mismatches.length === 0 ? 0 : 2);
