import type pg from 'pg';
import { ingestBatch, type IngestResult } from '../ingest/ingest';
import { refreshUserBitmaps } from '../rollups/userBitmaps';
import { demoRecords, type DemoOptions } from './generator';

/** Writes the demo dataset through the ingest module, in batches, then builds its days' user bitmaps; returns the totals. */
export async function seedDemoData(
  pool: pg.Pool,
  accountId: string,
  options: DemoOptions,
  onProgress?: (done: number) => void,
): Promise<IngestResult> {
  const total: IngestResult = { stored: 0, rejected: [] };
  let batch: Array<{ index: number; value: unknown }> = [];
  let index = 0;
  const flush = async () => {
    const result = await ingestBatch(pool, accountId, batch);
    total.stored += result.stored;
    total.rejected.push(...result.rejected);
    batch = [];
    onProgress?.(total.stored);
  };
  for (const record of demoRecords(options)) {
    batch.push({ index: index++, value: record });
    if (batch.length >= 2000) await flush();
  }
  if (batch.length > 0) await flush();
  await refreshUserBitmaps(pool, accountId);
  return total;
}
