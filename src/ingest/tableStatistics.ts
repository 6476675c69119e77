import pg from 'pg';
import { inTransaction } from '../db/transaction';
import { ROLLUPS } from '../rollups/rollupTables';
import { USER_BITMAP_TABLES } from '../rollups/userBitmaps';
import { CHILD_TABLES } from './write';

/**
 * The tables a batch writes into and later looks rows up in by key (the interaction by external
 * ID, its child rows by internal ID, end users by external ID), whose plans depend on how many
 * rows the planner thinks an account has: each has an index beside its primary key that a plan
 * could take instead.
 *
 * Not the transcripts: their one index is the primary key (account, interaction), and every read
 * names both, so no estimate changes their plan. They are also the largest table by far (8.2 GB in
 * the 10 M benchmark database, against 3.4 GB of interactions), and their ANALYZE took 380 of the
 * 830 ms of an analysis there (alone; 2.1 s of PostgreSQL's 14 s for 100 k more interactions
 * while the import ran, at 10 M). Autovacuum still analyzes them.
 */
const INGEST_TABLES = ['Interaction', ...CHILD_TABLES.filter((table) => table !== 'InteractionTranscript'), 'EndUser'];

/**
 * The tables figures are read from, which a bulk load fills: rollups, user bitmaps, funnel reach.
 * Right after a 1 M import, dashboards took 1.5 to 2 times as long until autovacuum had analyzed
 * them (whole month 17.6 against 10.4 ms p50, two senders 25.5 against 13.9).
 */
const FIGURE_TABLES = [...ROLLUPS.map((t) => t.table), ...USER_BITMAP_TABLES, 'FunnelReach'];

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
  /** `running` is a new database's first ANALYZE, which batches wait for. */
  first: boolean;
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
 * ANALYZE samples a fixed number of rows).
 *
 * Tables never analyzed (a new database) are analyzed after the first batch that wrote to them.
 * Without statistics the planner took any key lookup of an account of 500 to 1,500 interactions
 * for one of two rows, read the account's rows through its start index and compared each with
 * every key of the batch; a generic plan made then (keyLookups.ts) stays until the next ANALYZE:
 * an import whose first batches were that small locked its interactions in up to 0.8 s a batch
 * instead of 2 ms, until the ANALYZE at 20,000.
 *
 * Called after a batch commits, with the number of interactions it wrote. Ingest does not wait
 * for an ANALYZE of a table that has statistics: a GraphQL call that crossed a threshold waited
 * 0.3 s for an ANALYZE it has no use for. The returned promise waits for a new database's first
 * ANALYZE, which a GraphQL call awaits: its tables are small then (58 ms after an import's first
 * batch of 4,000 records), and the calls after it want it. A bulk load goes on with its next
 * batches (storeBatch `bulk`).
 */
export async function keepStatisticsFresh(pool: pg.Pool, accountId: number, interactionsWritten: number): Promise<void> {
  let p = trackers.get(pool);
  if (!p) trackers.set(pool, (p = { accounts: new Map(), analyze: null, loaded: false, running: null, first: false }));
  let t = p.accounts.get(accountId);
  if (!t) p.accounts.set(accountId, (t = { estimatedRows: null, writtenSince: 0 }));
  t.writtenSince += interactionsWritten;
  if (!p.running) {
    try {
      t.estimatedRows ??= await estimatedInteractions(pool, accountId);
    } catch {
      return;
    }
  }
  // One ANALYZE at a time (another call may have started one during the look above).
  if (!p.running) {
    const estimate = t.estimatedRows;
    if (estimate === null) return;
    const first = estimate === NEVER_ANALYZED;
    if (t.writtenSince < (first ? 1 : Math.max(MIN_ROWS, (GROWTH - 1) * estimate))) return;
    const running = analyzeIngestTables(pool, p, t, first);
    p.running = running;
    p.first = first;
    // Cleared once settled (a callback, so never before the assignment above has happened).
    void running.finally(() => {
      if (p.running === running) p.running = null;
    });
  }
  if (p.first) await p.running;
}

/** The ANALYZE keepStatisticsFresh decided on; every account's estimate is looked at again afterwards. */
async function analyzeIngestTables(pool: pg.Pool, p: PoolTrackers, t: Tracker, first: boolean): Promise<void> {
  try {
    p.analyze ??= await analyzeStatement(pool, INGEST_TABLES);
    await analyze(pool, p.analyze);
    // A new database's first analysis is no reason to analyze the figure tables at the end.
    if (!first) p.loaded = true;
    for (const account of p.accounts.values()) account.estimatedRows = null;
    t.writtenSince = 0;
  } catch {
    // Statistics only speed the next batches up; the batch that got here is committed, so a
    // failed ANALYZE (a connection lost meanwhile) must not fail it. Autovacuum analyzes later.
  }
}

/** Waits for the ANALYZE keepStatisticsFresh has running on the pool, if any. */
export async function statisticsRefreshed(pool: pg.Pool): Promise<void> {
  await trackers.get(pool)?.running;
}

/**
 * The end of a bulk load (import, seed), once its user bitmaps are built: waits for an ANALYZE
 * keepStatisticsFresh started (so the load's connections close with nothing running), and when
 * the load was large enough to start one, analyzes the figure tables that autovacuum would analyze
 * next (staleFigureTables), so the first dashboards after it are planned with their statistics
 * rather than a minute later.
 */
export async function settleStatistics(pool: pg.Pool): Promise<void> {
  const p = trackers.get(pool);
  if (!p) return;
  await p.running;
  if (!p.loaded) return;
  p.loaded = false;
  try {
    const tables = await staleFigureTables(pool);
    if (tables.length > 0) await analyze(pool, await analyzeStatement(pool, tables));
  } catch {
    // As in analyzeIngestTables: the load is stored; autovacuum analyzes later.
  }
}

/**
 * The figure tables never analyzed, or grown since their last ANALYZE by more than autovacuum's
 * threshold for analyzing a table (50 rows and a tenth of it, by default), in rows or in pages (the
 * row counts of the last second's writes, the bitmaps built just before, may not have reached the
 * statistics views yet). Growth rather than PostgreSQL's count of changes, which an ANALYZE of
 * named columns, as ingest's, does not reset. The others' statistics are as representative as
 * autovacuum keeps them. In the 10 M benchmark database a load of 100 k interactions into a new
 * account grows the user bitmaps by well under a tenth; analyzing them took 0.35 to 0.45 s of the
 * import's end (the daily bitmaps' 10 GB alone 0.2 s) and changed none of that account's dashboards
 * afterwards by more than 3 ms p50 (five queries; the drill-down within its noise).
 */
async function staleFigureTables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ table: string }>(
    `WITH t AS (SELECT current_setting('autovacuum_analyze_threshold')::float8 AS rows,
                       current_setting('autovacuum_analyze_scale_factor')::float8 AS share)
     SELECT c.relname AS table FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid, t
      WHERE c.oid = ANY($1::regclass[])
        AND (c.reltuples < 0 OR s.n_live_tup - c.reltuples > t.rows + t.share * c.reltuples
             OR pg_relation_size(c.oid) / current_setting('block_size')::int8 - c.relpages > t.share * c.relpages)
      ORDER BY 1`,
    [FIGURE_TABLES.map((table) => `"${table}"`)],
  );
  return rows.map((row) => row.table);
}

const NEVER_ANALYZED = -1;

/** The planner's estimate of the account's interactions (what it plans a batch's lookups by), or NEVER_ANALYZED. */
async function estimatedInteractions(pool: pg.Pool, accountId: number): Promise<number> {
  const { rows } = await pool.query<{ analyzed: boolean }>(`SELECT reltuples >= 0 AS analyzed FROM pg_class WHERE oid = '"Interaction"'::regclass`);
  if (!rows[0]?.analyzed) return NEVER_ANALYZED;
  const plan = await pool.query<Record<string, Array<{ Plan: { 'Plan Rows': number } }>>>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM "Interaction" WHERE "accountId" = ${Math.trunc(accountId)}`,
  );
  return plan.rows[0]!['QUERY PLAN']![0]!.Plan['Plan Rows'];
}
