import type pg from 'pg';

/** Serialization failure and deadlock: the transaction can simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

export interface TransactionOptions {
  readOnly?: boolean;
  /** Runs this many times at most when PostgreSQL reports a serialization failure or deadlock. */
  attempts?: number;
  /**
   * Commits without waiting for the WAL to reach the disk (`synchronous_commit` off for this
   * transaction). A crash can then lose the transaction whole, never half of it. For work whose
   * durability something later guarantees: a commit that waits flushes every commit before it
   * (the WAL is one sequence), so see flushCommits.
   */
  asyncCommit?: boolean;
  /**
   * Plans named statements generically (GENERIC_PLANS), for transactions that only look keys up
   * (ingest/keyLookups.ts says why): set with the BEGIN, in its round trip.
   */
  genericPlans?: boolean;
}

/**
 * Named statements run after it get a generic plan, made without their parameters' values, and
 * one that searches an index: a key lookup's plan is kept for the connection, and PostgreSQL 15
 * and 16 cost a list of keys as one search each, so a plan made while the table was small (2,000
 * interactions, analyzed after a new database's first batch) read the table whole, comparing
 * each row with every key; 1.2 s a lock of 4,000 keys at 20,000 rows (PostgreSQL 15.18), until
 * the next ANALYZE. Key lookups are by a unique index, which is always the right plan.
 */
export const GENERIC_PLANS = 'SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off';

/** Undoes GENERIC_PLANS for the rest of a transaction. */
export const DEFAULT_PLANS = 'SET LOCAL plan_cache_mode TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT';

/** The statements that open a transaction with these options, sent as one query. */
function beginStatements(options: TransactionOptions): string {
  return [
    options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN',
    ...(options.asyncCommit ? ['SET LOCAL synchronous_commit TO off'] : []),
    ...(options.genericPlans ? [GENERIC_PLANS] : []),
  ].join('; ');
}

/**
 * Runs `work` in one transaction on one pooled connection: committed, or rolled back on error.
 * `work` is told which attempt it is (from 1), for work that runs differently once retried.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient, attempt: number) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 1;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      // One round trip: a query without parameters may hold several statements.
      await client.query(beginStatements(options));
      const result = await work(client, attempt);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt * (0.5 + Math.random())));
    } finally {
      client.release();
    }
  }
}

/**
 * Returns once every transaction committed so far, on any connection, is on disk: it commits one
 * that waits for the WAL flush, and the WAL up to its commit holds every earlier commit. Work
 * committed with asyncCommit is durable after it. PostgreSQL flushes at commit only for a
 * transaction that wrote WAL of its own (a transaction ID alone does not count), so it writes a
 * transactional logical-decoding message, a WAL record that changes no table and that any role
 * may write.
 */
export async function flushCommits(pool: pg.Pool): Promise<void> {
  // The session's own setting: an administrator's remote_apply stays remote_apply.
  await inTransaction(pool, async (client) => {
    await client.query(FLUSH_MARK);
  });
}

/** The WAL record flushCommits writes. */
export const FLUSH_MARK = `SELECT pg_logical_emit_message(true, 'touchpoint', 'flush commits')`;
