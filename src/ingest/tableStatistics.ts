import pg from 'pg';
import { inTransaction } from '../db/transaction';
import { ROLLUPS } from '../rollups/rollupTables';
import { CHILD_TABLES } from './write';

/**
 * The tables a batch writes into and later looks rows up in by key (the interaction by external
 * ID, its child rows by internal ID, end users by external ID).
 */
const INGEST_TABLES = ['Interaction', ...CHILD_TABLES, 'EndUser'];

/**
 * The tables figures are read from, which a bulk load fills: rollups, user bitmaps, funnel reach.
 * Right after a 1 M import, dashboards took 1.5 to 2 times as long until autovacuum had analyzed
 * them (whole month 17.6 against 10.4 ms p50, two senders 25.5 against 13.9).
 */
const FIGURE_TABLES = [...ROLLUPS.map((t) => t.table), 'DailyUserBitmap', 'WeeklyUserBitmap', 'FunnelReach'];

/**
 * ANALYZE of the tables' indexed columns only, the ones the planner's choices between those
 * indexes and a scan depend on (read from the catalog, so it follows the schema): key columns,
 * not the INCLUDE columns an index merely carries. The others
 * (texts, arrays, JSON transcripts, bitmaps) made up about three quarters of an ANALYZE's time
 * (860 ms against 240 ms at 100 k interactions); autovacuum analyzes every column later.
 */
async function analyzeStatement(pool: pg.Pool, tables: string[]): Promise<string> {
  const { rows } = await pool.query<{ table: string; columns: string[] }>(
    `SELECT c.relname AS table, array_agg(DISTINCT a.attname::text ORDER BY a.attname::text) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY((i.indkey::int2[])[0:i.indnkeyatts - 1])
      WHERE i.indrelid = ANY($1::regclass[])
      GROUP BY c.relname ORDER BY c.relname`,
    [tables.map((table) => `"${table}"`)],
  );
  return `ANALYZE ${rows.map(({ table, columns }) => `"${table}" (${columns.map((c) => `"${c}"`).join(', ')})`).join(', ')}`;
}

/** Runs an analyzeStatement with ingest's sample size (SAMPLE_TARGET). */
function analyze(pool: pg.Pool, statement: string): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query(`SET LOCAL default_statistics_target = ${SAMPLE_TARGET}`);
    await client.query(statement);
  });
}

/**
 * The statistics target of ingest's ANALYZE: a sample of 3,000 rows a table instead of 30,000.
 * What it is for, the planner's estimate of how many rows an account has, needs no more; the
 * sample's pages were most of the cost on a large database (the 10 M benchmark database: 0.5 s
 * against 5 s, reading pages a large table keeps out of memory), which an import waits for before
 * it returns. Autovacuum analyzes with the full target later.
 */
const SAMPLE_TARGET = 10;

/** Below this many rows a table's statistics hardly matter. */
const MIN_ROWS = 20_000;
/**
 * Once analyzed, the planner scales its row estimates by the table's current size on its own (an
 * account's by its share of the sample); the statistics are taken again when the account has grown
 * this many times over.
 */
const GROWTH = 10;

interface Tracker {
  /** The planner's estimate of the account's interactions when last looked at, or null before the next look. */
  estimatedRows: number | null;
  writtenSince: number;
}

interface PoolTrackers {
  accounts: Map<number, Tracker>;
  analyze: string | null;
  /** An ANALYZE ran since the last settleStatistics: a bulk load was large enough to want the figure tables analyzed too. */
  loaded: boolean;
  /** The ANALYZE in flight on this pool, if any (one at a time). */
  running: Promise<void> | null;
}

const trackers = new WeakMap<pg.Pool, PoolTrackers>();

/**
 * Keeps the planner's statistics of the ingest tables in step with an account's bulk load. An
 * account the statistics have not seen looks tiny to the planner, which then finds a batch's rows
 * by scanning all of the account's rows through any index that starts with it instead of by key:
 * every batch gets slower as the account grows. That holds for a table never analyzed, and for a
 * new account in a large table: importing 1 M interactions for a new account into the 10 M
 * benchmark database ran at 4,400-5,600/s, each batch's rollup statement reading the account's
 * rows through its start index (0.4-0.6 s a statement, against 3 ms by key). Autovacuum analyzes
 * a table only once a tenth of it has changed, so ingest analyzes the tables itself once an
 * account has written 20,000 interactions in this process, and again whenever it has written nine
 * times what the planner then estimates it has (a logarithmic number of times over a load;
 * ANALYZE samples a fixed number of rows). Called after a batch commits, with the number of
 * interactions it wrote. Ingest does not wait for it: a GraphQL call that crossed a threshold
 * waited 0.3 s for an ANALYZE it has no use for.
 */
export async function keepStatisticsFresh(pool: pg.Pool, accountId: number, interactionsWritten: number): Promise<void> {
  let pooled = trackers.get(pool);
  if (!pooled) trackers.set(pool, (pooled = { accounts: new Map(), analyze: null, loaded: false, running: null }));
  let tracker = pooled.accounts.get(accountId);
  if (!tracker) pooled.accounts.set(accountId, (tracker = { estimatedRows: null, writtenSince: 0 }));
  tracker.writtenSince += interactionsWritten;
  if (pooled.running) return pooled.running;
  const [p, t] = [pooled, tracker];
  p.running = (async () => {
    try {
      t.estimatedRows ??= await estimatedInteractions(pool, accountId);
      if (t.writtenSince < Math.max(MIN_ROWS, (GROWTH - 1) * t.estimatedRows)) return;
      p.analyze ??= await analyzeStatement(pool, INGEST_TABLES);
      await analyze(pool, p.analyze);
      p.loaded = true;
      // Every account's estimate changed: each is looked at again when it next writes.
      for (const account of p.accounts.values()) account.estimatedRows = null;
      t.writtenSince = 0;
    } catch {
      // Statistics only speed the next batches up; the batch that got here is committed, so a
      // failed ANALYZE (a connection lost meanwhile) must not fail it. Autovacuum analyzes later.
    }
    // Cleared once settled (a callback, so never before the assignment below has happened).
  })().finally(() => {
    p.running = null;
  });
  return p.running;
}

/**
 * The end of a bulk load (import, seed), once its user bitmaps are built: waits for an ANALYZE
 * keepStatisticsFresh started (so the load's connections close with nothing running), and when
 * the load was large enough to start one, analyzes the figure tables too, so the first dashboards
 * after it are planned with their statistics.
 */
export async function settleStatistics(pool: pg.Pool): Promise<void> {
  const p = trackers.get(pool);
  if (!p) return;
  await p.running;
  if (!p.loaded) return;
  p.loaded = false;
  await analyze(pool, await analyzeStatement(pool, FIGURE_TABLES)).catch(() => undefined);
}

/** The planner's estimate of the account's interactions (what it plans a batch's lookups by): 0 until the table is first analyzed. */
async function estimatedInteractions(pool: pg.Pool, accountId: number): Promise<number> {
  const { rows } = await pool.query<{ analyzed: boolean }>(`SELECT reltuples >= 0 AS analyzed FROM pg_class WHERE oid = '"Interaction"'::regclass`);
  if (!rows[0]?.analyzed) return 0;
  const plan = await pool.query<Record<string, Array<{ Plan: { 'Plan Rows': number } }>>>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM "Interaction" WHERE "accountId" = ${Math.trunc(accountId)}`,
  );
  return plan.rows[0]!['QUERY PLAN']![0]!.Plan['Plan Rows'];
}
