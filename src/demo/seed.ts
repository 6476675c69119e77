import { setImmediate } from 'node:timers/promises';
import type pg from 'pg';
import { batchPipeline, BULK_BATCH_RECORDS, finishBulkLoad } from '../ingest/batchPipeline';
import { addChecked, emptyBatch, RECORDS_PER_TURN, type IngestResult } from '../ingest/ingest';
import { demoRecords, type DemoOptions } from './generator';

/** Writes the demo dataset through the ingest module, in batches, then builds its days' user bitmaps; returns the totals. */
export async function seedDemoData(
  pool: pg.Pool,
  accountId: number,
  options: DemoOptions,
  onProgress?: (done: number) => void,
): Promise<IngestResult> {
  const total: IngestResult = { stored: 0, rejected: [] };
  const pipeline = batchPipeline(pool, accountId, (result) => {
    total.stored += result.stored;
    total.rejected.push(...result.rejected);
    onProgress?.(total.stored);
  });
  let batch = emptyBatch();
  let size = 0;
  let index = 0;
  for (const record of demoRecords(options)) {
    // Turns of the event loop, as an import takes them, let the batches being written get their replies.
    if (index % RECORDS_PER_TURN === 0) await setImmediate();
    addChecked(batch, index++, record);
    if (++size >= BULK_BATCH_RECORDS) {
      await pipeline.push(batch);
      batch = emptyBatch();
      size = 0;
    }
  }
  if (size > 0) await pipeline.push(batch);
  await pipeline.drain();
  await finishBulkLoad(pool, accountId);
  return total;
}
