import type pg from 'pg';
import { flushCommits } from '../db/transaction';
import { refreshAllUserBitmaps } from '../rollups/userBitmaps';
import { emptyBatch, storeBatch, type IngestResult, type ValidatedBatch } from './ingest';
import { settleStatistics } from './tableStatistics';
import { namedAutomations } from './write';

/**
 * Records per transaction of a bulk load (import, seed). Each batch adds to the rollup rows of its
 * hours and days, whatever its size, and pays its statements' round trips: 4,000 records a batch
 * imported 100 k demo interactions in 7.7-8.2 s against 8.7 s with 2,000 (alternated; peak RSS
 * 215-221 MB against 168-172 MB), 5,000 no faster.
 */
export const BULK_BATCH_RECORDS = 4000;

/**
 * The end of a bulk load (import, seed), once its batches are written: builds the user bitmaps of
 * the days it marked stale (rather than the first dashboard after it), then settles the planner's
 * statistics, after the bitmaps so that their tables are analyzed with them in. Last, it waits
 * until every batch's commit is on disk (batches commit without waiting: batchPipeline), so that
 * what the load reports stored is durable when it returns.
 */
export async function finishBulkLoad(pool: pg.Pool, accountId: number): Promise<void> {
  await refreshAllUserBitmaps(pool, accountId);
  await settleStatistics(pool);
  await flushCommits(pool);
}

/**
 * A bulk load's batches (storeBatch `bulk`) commit without waiting for the WAL to reach the disk,
 * and finishBulkLoad waits once for all of them. A crash during the load can lose its last batches whole (never part
 * of one, nor rollups out of step with them); the load then ends with an error, and running it
 * again stores them (ingest is idempotent). Each batch's commit had waited for the flush of its
 * megabytes of WAL (a 1 M import's connections sampled every 10 ms: a COMMIT waiting on the WAL
 * in 428 of 5,379 samples). With wal_init_zero off (db/embedded.ts), 1 M into an empty database
 * took 53.6-55.3 s against 56.3-57.8 s (3 alternated runs each); a GraphQL call still commits
 * durably before it answers.
 */
const BULK = { bulk: true } as const;

export interface BatchPipeline {
  /**
   * Starts writing a checked batch (the caller checked it while earlier ones were written): beside
   * the batch before it when the two are independent (see overlaps), without its late records for
   * that batch (written with the next one) when that makes them so, after it otherwise.
   */
  push(batch: ValidatedBatch): Promise<void>;
  /** Waits for every batch; rejects if any write failed. */
  drain(): Promise<void>;
}

/** What orders a batch after an earlier one: the interactions it names, and the names it gives automations and versions. */
interface Footprint {
  interactions: Set<string>;
  names: Map<string, string>;
}

function footprintOf({ valid }: ValidatedBatch): Footprint {
  const interactions = new Set<string>();
  for (const { record } of valid) interactions.add(record.record === 'interaction' ? record.id : record.interactionId);
  const names = new Map<string, string>();
  for (const a of namedAutomations(valid.map(({ record }) => (record.record === 'interaction' ? record.automation : null)))) {
    names.set(`automation\u0000${a.id}`, `${a.type}\u0000${a.name}`);
    if (a.automationVersionId) names.set(`version\u0000${a.id}\u0000${a.automationVersionId}`, a.versionId ?? '');
  }
  return { interactions, names };
}

/**
 * Whether a batch written beside an earlier one could end differently than written after it: it
 * names one of the earlier batch's interactions (a late record could find it missing, a re-sent
 * interaction could land first), or names an automation or version otherwise than the earlier
 * batch does (the latest name must win). Everything else a batch writes commutes: rollups add up,
 * end users and stale days are only inserted.
 */
function overlaps(later: Footprint, earlier: Footprint): boolean {
  for (const id of later.interactions) if (earlier.interactions.has(id)) return true;
  for (const [key, name] of later.names) {
    const earlierName = earlier.names.get(key);
    if (earlierName !== undefined && earlierName !== name) return true;
  }
  return false;
}

/**
 * A batch that overlaps the one being written before it (overlaps) split so that most of it need
 * not wait: `now`, which no longer overlaps it, and `later`, its late records that name that
 * batch's interactions, to be written after it. Null when a split does not help: the batch
 * re-sends one of those interactions, or names an automation or version otherwise.
 *
 * Written after `now`, those late records still come in record order where it matters: every
 * record of the batch naming one of those interactions is in `later`, in its order, and nothing
 * else a batch writes depends on it (overlaps). Late records arrive a little after their
 * interactions, so most batches of an import had a few for the batch before them, and every such
 * batch waited for the whole transaction before it.
 */
function splitOffLateRecords(batch: ValidatedBatch, earlier: Footprint): { now: ValidatedBatch; later: ValidatedBatch['valid']; footprint: Footprint } | null {
  const now: ValidatedBatch['valid'] = [];
  const later: ValidatedBatch['valid'] = [];
  for (const entry of batch.valid) {
    const { record } = entry;
    if (record.record === 'interaction') {
      if (earlier.interactions.has(record.id)) return null;
      now.push(entry);
    } else {
      (earlier.interactions.has(record.interactionId) ? later : now).push(entry);
    }
  }
  const split = { now: { valid: now, rejected: batch.rejected, memory: batch.memory }, later };
  const footprint = footprintOf(split.now);
  return overlaps(footprint, earlier) ? null : { ...split, footprint };
}

/**
 * Writes batches in two transactions at once while the caller reads and validates the next one:
 * Node's work on one batch (building rows, encoding COPY) overlaps PostgreSQL's on the other, and
 * the database no longer waits on Node between a transaction's statements. A batch that depends
 * on the one before it (overlaps) has its late records for it moved to the next batch
 * (splitOffLateRecords), or waits for it, so the stored result is the one of writing them in order.
 * `onWritten` sees each written batch's result, and the batch, in the order they were written.
 * Bulk loads (import, seed) use it.
 */
export function batchPipeline(
  pool: pg.Pool,
  accountId: number,
  onWritten: (result: IngestResult, batch: ValidatedBatch) => void | Promise<void>,
): BatchPipeline {
  // Settles when every batch started so far is stored and reported; and the same up to the one before.
  let written: Promise<void> = Promise.resolve();
  let writtenBefore: Promise<void> = Promise.resolve();
  let previous: Footprint | null = null;
  // The transactions of the last two batches.
  let storing: Array<Promise<unknown>> = [];
  // Late records moved out of a batch (splitOffLateRecords): the next batch starts with them.
  let carried: ValidatedBatch['valid'] = [];

  async function start(validated: ValidatedBatch): Promise<void> {
    let batch: ValidatedBatch = carried.length > 0 ? { ...validated, valid: [...carried, ...validated.valid] } : validated;
    carried = [];
    // At most two transactions: the batch before the previous one is done (throws if any failed).
    // Only `previous` may still be in flight, so that is the one batch this one can depend on.
    await writtenBefore;
    let footprint = footprintOf(batch);
    if (previous && overlaps(footprint, previous)) {
      const split = splitOffLateRecords(batch, previous);
      if (split) ({ now: batch, later: carried, footprint } = split);
      else await written;
    }
    if (batch.valid.length === 0 && batch.rejected.length === 0) return;
    const stored = storeBatch(pool, accountId, batch, BULK);
    // Handled here so that a failure while the caller reads on is not an unhandled rejection;
    // the next push or drain still throws it. (The batch written shares the memory of the one
    // pushed: every interaction of it is in the one written, only late records are carried.)
    stored.catch(() => undefined);
    storing = [...storing.slice(-1), stored];
    writtenBefore = written;
    written = Promise.all([written, stored]).then(([, result]) => onWritten(result, batch));
    written.catch(() => undefined);
    previous = footprint;
  }

  return {
    push: start,
    async drain() {
      // Both transactions end (committed or rolled back) before a failure is reported.
      await Promise.allSettled(storing);
      await written;
      if (carried.length === 0) return;
      // Late records still carried are written last: nothing is in flight any more.
      previous = null;
      await start(emptyBatch());
      await Promise.allSettled(storing);
      await written;
    },
  };
}
