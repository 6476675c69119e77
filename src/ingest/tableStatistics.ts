import type pg from 'pg';
import { CHILD_TABLES } from './write';

/**
 * The tables a batch writes into and later looks rows up in by key (the interaction by external
 * ID, its child rows by internal ID, end users by external ID).
 */
const INGEST_TABLES = ['Interaction', ...CHILD_TABLES, 'EndUser'];

/**
 * ANALYZE of the ingest tables' indexed columns only, the ones the planner's choice between those
 * indexes and a scan depends on (read from the catalog, so it follows the schema). The others
 * (texts, arrays, JSON transcripts) made up about three quarters of an ANALYZE's time (860 ms
 * against 240 ms at 100 k interactions); autovacuum analyzes every column later.
 */
async function analyzeStatement(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ table: string; columns: string[] }>(
    `SELECT c.relname AS table, array_agg(DISTINCT a.attname::text ORDER BY a.attname::text) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = ANY($1::regclass[])
      GROUP BY c.relname ORDER BY c.relname`,
    [INGEST_TABLES.map((table) => `"${table}"`)],
  );
  return `ANALYZE ${rows.map(({ table, columns }) => `"${table}" (${columns.map((c) => `"${c}"`).join(', ')})`).join(', ')}`;
}

/** Below this many rows a table's statistics hardly matter. */
const MIN_ROWS = 20_000;
/**
 * Once analyzed, the planner scales its row estimates by the table's current size on its own;
 * the statistics are taken again when the table has grown this many times over.
 */
const GROWTH = 10;

interface Tracker {
  /** Interactions in the table when its statistics were last taken (from pg_class), or null before the first look. */
  analyzedRows: number | null;
  analyze: string | null;
  writtenSince: number;
  running: Promise<void> | null;
}

const trackers = new WeakMap<pg.Pool, Tracker>();

/**
 * Keeps the planner's statistics of the ingest tables in step with a bulk load. A table that was
 * never analyzed looks tiny to the planner, which then finds a batch's rows by scanning the
 * account's whole table instead of its key index: every batch gets slower as the table grows.
 * Autovacuum analyzes only once a minute at best, and a large import outruns it, so ingest
 * analyzes the tables itself once 20,000 interactions are in, and again whenever they have grown
 * tenfold since (a logarithmic number of times over a load; ANALYZE samples a fixed number of rows).
 * Called after a batch commits, with the number of interactions it wrote. Ingest does not wait for
 * it: a GraphQL call that crossed a threshold waited 0.3 s for an ANALYZE it has no use for.
 */
export async function keepStatisticsFresh(pool: pg.Pool, interactionsWritten: number): Promise<void> {
  let tracker = trackers.get(pool);
  if (!tracker) trackers.set(pool, (tracker = { analyzedRows: null, analyze: null, writtenSince: 0, running: null }));
  tracker.writtenSince += interactionsWritten;
  if (tracker.running) return tracker.running;
  const t = tracker;
  t.running = (async () => {
    try {
      t.analyzedRows ??= await estimatedInteractions(pool);
      if (t.writtenSince < Math.max(MIN_ROWS, (GROWTH - 1) * t.analyzedRows)) return;
      t.analyze ??= await analyzeStatement(pool);
      await pool.query(t.analyze);
      t.analyzedRows = await estimatedInteractions(pool);
      t.writtenSince = 0;
    } catch {
      // Statistics only speed the next batches up; the batch that got here is committed, so a
      // failed ANALYZE (a connection lost meanwhile) must not fail it. Autovacuum analyzes later.
    }
    // Cleared once settled (a callback, so never before the assignment below has happened).
  })().finally(() => {
    t.running = null;
  });
  return t.running;
}

/** Settles when no ANALYZE started by keepStatisticsFresh on this pool is running (bulk loads wait for it before they return). */
export function statisticsSettled(pool: pg.Pool): Promise<void> {
  return trackers.get(pool)?.running ?? Promise.resolve();
}

/** The planner's row count of the interaction table: 0 until it is first analyzed (reltuples -1). */
async function estimatedInteractions(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ rows: number }>(`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = '"Interaction"'::regclass`);
  return Math.max(rows[0]?.rows ?? 0, 0);
}
