/**
 * Ingest keeps the planner's statistics of its tables current during a bulk load: a table that was
 * never analyzed makes PostgreSQL find a batch's rows by scanning the whole account
 * (keyLookups.test.ts has what that did to the lock of a new database's second connection).
 */
import pg from 'pg';
import { createAccount } from '../../src/accounts/accountStore';
import { keepStatisticsFresh, settleStatistics, statisticsRefreshed } from '../../src/ingest/tableStatistics';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { ingestOk, interaction, outbound, T } from './helpers';

let db: TestDatabase;
let accountId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  accountId = (await createAccount(db.prisma, 'stats', 'Stats')).id;
});
afterAll(() => db.drop());

/** The planner's row estimates (reltuples; -1 until the table is first analyzed). */
async function estimates(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ table: string; rows: number }>(
    `SELECT relname AS table, reltuples::float8 AS rows FROM pg_class WHERE relname IN ('Interaction', 'InteractionTranscript', 'EndUser')`,
  );
  return Object.fromEntries(rows.map((row) => [row.table, row.rows]));
}

// 20 interactions (one transcript row each, of 2 messages), by end users u-s0..u-s19 (fewer changed rows than the 50
// autovacuum waits for, so only ingest can have analyzed them).
const batch = (from: number) =>
  Array.from({ length: 20 }, (_, i) => interaction(`s${from + i}`, { messages: [outbound('a', 0), outbound('b', 1)] }));

test('a new database is analyzed after its first batch; then small batches leave the statistics alone, and a load of 20,000 (later, nine times the analyzed size when that is more) refreshes them', async () => {
  expect(await estimates()).toEqual({ Interaction: -1, InteractionTranscript: -1, EndUser: -1 });
  // The batch waits for a new database's first ANALYZE. Not of the transcripts, which are always
  // read by their primary key (drilldowns/unseenAccount.test.ts).
  await ingestOk(db.pool, accountId, batch(0));
  expect(await estimates()).toEqual({ Interaction: 20, InteractionTranscript: -1, EndUser: 20 });
  // Only the key columns of the interaction's indexes (keys, external ID, start, automation and
  // start), not the INCLUDE columns the start indexes carry (sender, end user, ...).
  const { rows } = await db.pool.query(`SELECT array_agg(attname::text ORDER BY attname::text) AS columns FROM pg_stats WHERE tablename = 'Interaction'`);
  expect(rows[0].columns).toEqual(['accountId', 'automationId', 'externalId', 'id', 'startedAt']);

  // The next refresh waits for 20,000 more (the table is still below that size).
  await ingestOk(db.pool, accountId, batch(20));
  await keepStatisticsFresh(db.pool, accountId, 19_000);
  await statisticsRefreshed(db.pool);
  expect(await estimates()).toEqual({ Interaction: 20, InteractionTranscript: -1, EndUser: 20 });
  await keepStatisticsFresh(db.pool, accountId, 960);
  await statisticsRefreshed(db.pool);
  expect(await estimates()).toEqual({ Interaction: 20, InteractionTranscript: -1, EndUser: 20 });
  await keepStatisticsFresh(db.pool, accountId, 20);
  await statisticsRefreshed(db.pool);
  expect(await estimates()).toEqual({ Interaction: 40, InteractionTranscript: -1, EndUser: 40 });
});

/** The planner's estimate of an account's interactions. */
async function plannedRows(account: number): Promise<number> {
  const { rows } = await db.pool.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM "Interaction" WHERE "accountId" = ${account}`);
  return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
}

test('a new account in a table analyzed without it gets its statistics once it has written 20,000 interactions, however large the table', async () => {
  const large = (await createAccount(db.prisma, 'stats-large', 'Large')).id;
  for (let from = 0; from < 3000; from += 500) await ingestOk(db.pool, large, Array.from({ length: 500 }, (_, i) => interaction(`l${from + i}`)));
  await db.pool.query('ANALYZE "Interaction"');
  const small = (await createAccount(db.prisma, 'stats-small', 'Small')).id;
  await ingestOk(db.pool, small, batch(0));
  expect(await plannedRows(small)).toBeLessThan(5);
  // Another process (a pool of its own) imports for the small account. Scaled to the table's rows,
  // as ingest once did, 20,000 written would be under nine times its 3,060 interactions.
  const importer = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    await keepStatisticsFresh(importer, small, 20_000);
    await statisticsRefreshed(importer);
  } finally {
    await importer.end();
  }
  // Analyzed with the small account in the sample (3,000 of the table's 3,060 rows: about 20 of its 20).
  expect(await plannedRows(small)).toBeGreaterThanOrEqual(15);
});

test('a load large enough to analyze the ingest tables also has the figure tables analyzed when it settles; a small one does not', async () => {
  const account = (await createAccount(db.prisma, 'stats-figures', 'Figures')).id;
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const analyzed = async () =>
    (await db.pool.query(`SELECT relname, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
                           WHERE relname IN ('DailyInteractionRollup', 'HourlyChannelRollup', 'DailyUserBitmap', 'FunnelReach') ORDER BY relname`)).rows;
  const none = [
    { relname: 'DailyInteractionRollup', analyzed: false }, { relname: 'DailyUserBitmap', analyzed: false },
    { relname: 'FunnelReach', analyzed: false }, { relname: 'HourlyChannelRollup', analyzed: false },
  ];
  try {
    await ingestOk(pool, account, batch(100));
    await keepStatisticsFresh(pool, account, 100);
    await statisticsRefreshed(pool);
    await settleStatistics(pool);
    expect(await analyzed()).toEqual(none);
    await keepStatisticsFresh(pool, account, 20_000);
    await statisticsRefreshed(pool);
    await settleStatistics(pool);
    expect(await analyzed()).toEqual(none.map((row) => ({ ...row, analyzed: true })));
  } finally {
    await pool.end();
  }
});

test('when a load settles, only the figure tables autovacuum would analyze next are analyzed: never analyzed, or grown by more than a tenth', async () => {
  const fresh = await createTestDatabase();
  // Only this test's ANALYZEs, whenever autovacuum wakes up.
  for (const table of ['DailyInteractionRollup', 'DailyTopicRollup']) await fresh.pool.query(`ALTER TABLE "${table}" SET (autovacuum_enabled = false)`);
  const account = (await createAccount(fresh.prisma, 'stats-settle', 'Settle')).id;
  const DAY = 86_400;
  // One interaction a day with a topic, from day `from` on: one daily interaction rollup row and one topic rollup row a day.
  const days = (from: number, count: number, prefix: string) => Array.from({ length: count }, (_, i) =>
    interaction(`${prefix}${i}`, { startedAt: T((from + i) * DAY), analysis: { outcome: 'SUCCESSFUL', topics: [{ name: `Topic ${(from + i) % 2}`, resolved: true }] } }));
  const lastAnalyzed = async () => Object.fromEntries((await fresh.pool.query<{ relname: string; at: Date | null }>(
    `SELECT relname, last_analyze AS at FROM pg_stat_user_tables WHERE relname IN ('DailyInteractionRollup', 'DailyTopicRollup')`,
  )).rows.map((row) => [row.relname, row.at?.getTime() ?? null]));
  // A load's writes on a pool of their own, ended before its ANALYZEs: connections report their
  // row counts when idle for a while or when they close, and a count reported after an ANALYZE is
  // counted as a change since it.
  const load = async (records: unknown[]) => {
    for (const work of [(pool: pg.Pool) => ingestOk(pool, account, records), async (pool: pg.Pool) => {
      await keepStatisticsFresh(pool, account, 20_000);
      await statisticsRefreshed(pool);
      await settleStatistics(pool);
    }]) {
      const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
      try {
        await work(pool);
      } finally {
        await pool.end();
      }
    }
  };
  try {
    await load(days(0, 400, 'a'));
    const first = await lastAnalyzed();
    expect(first.DailyInteractionRollup).not.toBeNull();
    expect(first.DailyTopicRollup).not.toBeNull();
    // Ten more days: 10 of 410 rows in each table, under 50 + a tenth.
    await load(days(400, 10, 'b'));
    expect(await lastAnalyzed()).toEqual(first);
    // A hundred more: a quarter more rows and pages.
    await load(days(410, 100, 'c'));
    const third = await lastAnalyzed();
    expect(third.DailyInteractionRollup).toBeGreaterThan(first.DailyInteractionRollup!);
    expect(third.DailyTopicRollup).toBeGreaterThan(first.DailyTopicRollup!);
  } finally {
    await fresh.drop();
  }
});
