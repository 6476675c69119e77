import type pg from 'pg';
import { storeBatch, validateBatch, type IngestResult, type PositionedRecord } from './ingest';

export interface BatchPipeline {
  /** Validates the batch while the one before it is written, then waits for that one and starts writing this one. */
  push(batch: PositionedRecord[]): Promise<void>;
  /** Waits for the last batch; rejects if any write failed. */
  drain(): Promise<void>;
}

/**
 * Writes batches strictly one after another, in order, while the caller reads and validates the
 * next one: Node's work on batch N+1 overlaps PostgreSQL's on batch N. Bulk loads (import, seed)
 * use it; `onWritten` sees each batch's result in order.
 */
export function batchPipeline(
  pool: pg.Pool,
  accountId: string,
  onWritten: (result: IngestResult, batch: PositionedRecord[]) => void | Promise<void>,
): BatchPipeline {
  let inFlight: Promise<void> = Promise.resolve();
  return {
    async push(batch) {
      const validated = await validateBatch(batch);
      await inFlight;
      inFlight = storeBatch(pool, accountId, validated).then((result) => onWritten(result, batch));
      // Handled here so that a failure while the caller reads on is not an unhandled rejection;
      // the next push or drain still throws it.
      inFlight.catch(() => undefined);
    },
    drain: () => inFlight,
  };
}
