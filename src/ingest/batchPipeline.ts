import type pg from 'pg';
import { storeBatch, type IngestResult, type ValidatedBatch } from './ingest';

/**
 * Records per transaction of a bulk load (import, seed). Each batch adds to the rollup rows of its
 * hours and days, whatever its size, and pays its statements' round trips: 4,000 records a batch
 * imported 100 k demo interactions in 7.7-8.2 s against 8.7 s with 2,000 (alternated; peak RSS
 * 215-221 MB against 168-172 MB), 5,000 no faster.
 */
export const BULK_BATCH_RECORDS = 4000;

export interface BatchPipeline {
  /**
   * Starts writing a checked batch (the caller checked it while earlier ones were written): beside
   * the batch before it when the two are independent (see overlaps), after it otherwise.
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
  const names = new Map<string, string>();
  for (const { record } of valid) {
    if (record.record !== 'interaction') {
      interactions.add(record.interactionId);
      continue;
    }
    interactions.add(record.id);
    const a = record.automation;
    if (!a) continue;
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
 * Writes batches in two transactions at once while the caller reads and validates the next one:
 * Node's work on one batch (building rows, encoding COPY) overlaps PostgreSQL's on the other, and
 * the database no longer waits on Node between a transaction's statements. A batch that depends
 * on the one before it (overlaps) waits for it, so the stored result is the one of writing them
 * in order; `onWritten` sees each batch's result in order. Bulk loads (import, seed) use it.
 */
export function batchPipeline(
  pool: pg.Pool,
  accountId: string,
  onWritten: (result: IngestResult) => void | Promise<void>,
): BatchPipeline {
  // Settles when every batch pushed so far is stored and reported; and the same up to the one before.
  let written: Promise<void> = Promise.resolve();
  let writtenBefore: Promise<void> = Promise.resolve();
  let previous: Footprint | null = null;
  // The transactions of the last two batches.
  let storing: Array<Promise<unknown>> = [];
  return {
    async push(validated) {
      const footprint = footprintOf(validated);
      // At most two transactions: the batch before the previous one is done (throws if any failed).
      await writtenBefore;
      if (previous && overlaps(footprint, previous)) await written;
      const stored = storeBatch(pool, accountId, validated);
      // Handled here so that a failure while the caller reads on is not an unhandled rejection;
      // the next push or drain still throws it.
      stored.catch(() => undefined);
      storing = [...storing.slice(-1), stored];
      writtenBefore = written;
      written = Promise.all([written, stored]).then(([, result]) => onWritten(result));
      written.catch(() => undefined);
      previous = footprint;
    },
    async drain() {
      // Both transactions end (committed or rolled back) before a failure is reported.
      await Promise.allSettled(storing);
      await written;
    },
  };
}
