import fs from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import type pg from 'pg';
import { FieldError } from './fieldReader';
import { batchPipeline, BULK_BATCH_RECORDS, finishBulkLoad } from './batchPipeline';
import { addChecked, addScanned, emptyBatch, RECORDS_PER_TURN, type IngestResult, type ValidatedBatch } from './ingest';
import { scanInteraction } from './scanInteraction';

export interface ImportCounts {
  lines: number;
  stored: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportProgress extends ImportCounts {
  /**
   * Set once every line is written, while the import builds the user bitmaps of the days it
   * changed and settles the statistics (finishBulkLoad): about 6 s after the last line of a 1.2 M
   * import, which a progress bar standing at 100 % would leave unexplained.
   */
  finishing: boolean;
}

export interface ImportSummary extends ImportCounts {
  /** Where rejected lines were written, when there were any. */
  rejectedFile: string | null;
  /** True when `signal` stopped the import before the end of the file. */
  interrupted: boolean;
}

export interface ImportOptions {
  /** Records per batch (at most; a batch also ends after MAX_BATCH_BYTES of lines). */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Stops reading: the batches being written are finished (committed), nothing after them is started. */
  signal?: AbortSignal;
}

/** Large records (long transcripts) make smaller batches, so memory stays bounded whatever their size. */
const MAX_BATCH_BYTES = 8 << 20;

export function rejectedFilePath(file: string): string {
  return `${file}.rejected.ndjson`;
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return new FieldError(null, `not valid JSON: ${(error as Error).message}`);
  }
}

const LINE_BREAK = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const READ_BYTES = 1 << 20;

/**
 * A file's bytes as buffers of whole lines (the last one may lack its line break); a line ends at
 * \n. Lines stay bytes: interaction lines are read from them directly (scanInteraction.ts), and
 * only the others are decoded. Split here rather than by readline, whose async iterator resolved a
 * promise per line (about 0.15 s per 100,000 lines), and which also broke lines at a lone \r,
 * which JSON allows as whitespace between tokens.
 */
async function* wholeLinesOf(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of input) {
    const last = chunk.lastIndexOf(LINE_BREAK);
    if (last < 0) {
      pending.push(chunk);
      continue;
    }
    let whole = 0;
    if (pending.length > 0) {
      // Only the line that straddles the reads is copied together, not the whole read.
      whole = chunk.indexOf(LINE_BREAK) + 1;
      yield Buffer.concat([...pending, chunk.subarray(0, whole)]);
    }
    if (whole <= last) yield chunk.subarray(whole, last + 1);
    pending = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
  }
  if (pending.length > 0) yield Buffer.concat(pending);
}

/**
 * Streams an NDJSON file of records into the account, a batch at a time (memory stays flat
 * whatever the file's size). The result is the one of applying batches in file order (two are
 * written at once when that cannot change it: batchPipeline); meanwhile the next is read and
 * parsed. Rejected lines go to FILE.rejected.ndjson with their line number and reason. Blank lines
 * are skipped (they still count in line numbers); a byte order mark opening the file is ignored.
 * At the end the user bitmaps of the days it changed are rebuilt.
 */
export async function importNdjson(pool: pg.Pool, accountId: number, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? BULK_BATCH_RECORDS;
  const totalBytes = fs.statSync(file).size;
  const rejectedPath = rejectedFilePath(file);
  fs.rmSync(rejectedPath, { force: true });
  let rejectedOut: fs.WriteStream | null = null;

  // Reads of 1 MB: at 64 kB, reading took 0.15-0.2 s of CPU per 100,000 interactions (157 MB), at
  // 1 MB 0.05 s. The event loop still gets a turn every RECORDS_PER_TURN lines, so the batches
  // being written get their replies while a read's lines are parsed.
  const input = fs.createReadStream(file, { highWaterMark: READ_BYTES });
  const progress: ImportCounts = { lines: 0, stored: 0, rejected: 0, bytesRead: 0, totalBytes };
  // The text of every line read and not yet written that is or may yet be rejected (a late record
  // can find no interaction), for FILE.rejected.ndjson; interaction records are stored once they
  // pass their checks.
  const texts = new Map<number, string>();

  const pipeline = batchPipeline(pool, accountId, async (result: IngestResult, written: ValidatedBatch) => {
    progress.stored += result.stored;
    progress.rejected += result.rejected.length;
    for (const rejection of result.rejected) {
      rejectedOut ??= fs.createWriteStream(rejectedPath);
      const line = JSON.stringify({ line: rejection.index, path: rejection.path, reason: rejection.reason, record: texts.get(rejection.index) });
      if (!rejectedOut.write(line + '\n')) await new Promise<void>((resolve) => rejectedOut!.once('drain', () => resolve()));
    }
    for (const { index } of written.valid) texts.delete(index);
    for (const { index } of written.rejected) texts.delete(index);
    progress.bytesRead = input.bytesRead;
    options.onProgress?.({ ...progress, finishing: false });
  });

  let batch = emptyBatch();
  let batchLines = 0;
  let batchBytes = 0;
  try {
    let lineNumber = 0;
    reading: for await (const bytes of wholeLinesOf(input)) {
      for (let next = 0; next < bytes.length; ) {
        if (options.signal?.aborted) break reading;
        const start = next;
        let end = bytes.indexOf(LINE_BREAK, start);
        next = end < 0 ? bytes.length : end + 1;
        if (end < 0) end = bytes.length;
        if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
        lineNumber++;
        const scanned = scanInteraction(bytes, start, end, batch.memory);
        if (scanned) {
          addScanned(batch, lineNumber, scanned, bytes, start, end);
        } else {
          const line = bytes.toString('utf8', start, end);
          // A byte order mark at the start of the file (editors on Windows write one) is not part of
          // the first record; RFC 8259 lets a JSON parser ignore it.
          const text = lineNumber === 1 && line.startsWith('\uFEFF') ? line.slice(1) : line;
          if (text.trim() === '') continue;
          const rejectedBefore = batch.rejected.length;
          addChecked(batch, lineNumber, parseLine(text), () => JSON.parse(text));
          if (batch.rejected.length > rejectedBefore || batch.valid.at(-1)!.record.record !== 'interaction') texts.set(lineNumber, text);
        }
        progress.lines++;
        if (progress.lines % RECORDS_PER_TURN === 0) await setImmediate();
        batchLines++;
        batchBytes += end - start;
        if (batchLines >= batchSize || batchBytes >= MAX_BATCH_BYTES) {
          const full = batch;
          batch = emptyBatch();
          batchLines = 0;
          batchBytes = 0;
          await pipeline.push(full);
        }
      }
    }
    if (batchLines > 0 && !options.signal?.aborted) await pipeline.push(batch);
    await pipeline.drain();
  } finally {
    await pipeline.drain().catch(() => undefined);
    input.destroy();
    const out = rejectedOut as fs.WriteStream | null;
    if (out) await new Promise((resolve) => out.end(resolve));
  }
  const interrupted = options.signal?.aborted ?? false;
  if (!interrupted) progress.bytesRead = totalBytes;
  options.onProgress?.({ ...progress, finishing: true });
  await finishBulkLoad(pool, accountId);
  return { ...progress, rejectedFile: progress.rejected > 0 ? rejectedPath : null, interrupted };
}
