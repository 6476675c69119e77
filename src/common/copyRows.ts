import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value in COPY's text format: \N for null, and backslash escapes for the few special characters. */
function copyText(value: unknown): string {
  // Strings and numbers first: they are most of the values.
  if (typeof value === 'string') {
    return /[\\\n\r\t]/.test(value)
      ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
      : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  // An array literal, itself escaped for COPY like any text.
  if (Array.isArray(value)) return copyText(`{${value.map(arrayElement).join(',')}}`);
  return String(value);
}

/** An element of an array literal: NULL, or the value double-quoted (text may hold commas, braces, quotes). */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  return `"${/["\\]/.test(text) ? text.replace(/["\\]/g, '\\$&') : text}"`;
}

/** Values as (part of) a line of COPY's text format: each encoded, tab-separated. */
export function copyLine(values: readonly unknown[]): string {
  // Appending value by value: no per-row array and join (this loop encodes millions of values).
  let line = copyText(values[0]);
  for (let c = 1; c < values.length; c++) line += '\t' + copyText(values[c]);
  return line;
}

const CHUNK_BYTES = 1 << 16;
const LINE_BREAK = 10;

/**
 * The lines of one COPY, packed into buffers as they are added: each line the account, a prefix
 * (IDs known only when the batch is written) and its encoded rest (ingest/encode.ts).
 */
export class CopyLines {
  private readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private readonly lead: string;

  constructor(accountId: number) {
    this.lead = copyText(accountId) + '\t';
  }

  /**
   * A line: the account, `prefix` (ASCII: internal IDs, tabs, \N), and the bytes of `source` from
   * `start` to its next line break, which it returns the position after.
   */
  add(prefix: string, source: Buffer, start: number): number {
    const end = source.indexOf(LINE_BREAK, start) + 1;
    const head = this.lead + prefix;
    const bytes = head.length + end - start;
    if (this.used + bytes > this.chunk.length) this.flush(bytes);
    this.used += this.chunk.write(head, this.used, 'latin1');
    this.used += source.copy(this.chunk, this.used, start, end);
    return end;
  }

  /** Appends the lines to `table` with COPY, the fastest way PostgreSQL takes new rows (no conflict handling: the caller makes sure they are new). */
  async copyInto(client: pg.ClientBase, table: string, columns: readonly string[]): Promise<void> {
    this.flush(0);
    if (this.chunks.length === 0) return;
    const names = ['accountId', ...columns].map((name) => `"${name}"`).join(', ');
    const sink = client.query(copyFrom(`COPY "${table}" (${names}) FROM STDIN`));
    await pipeline(Readable.from(this.chunks), sink);
  }

  /** Ends the current chunk; the next one holds at least `bytes` (a long transcript can exceed a chunk), none when 0. */
  private flush(bytes: number): void {
    if (this.used > 0) this.chunks.push(this.chunk.subarray(0, this.used));
    this.chunk = bytes > 0 ? Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes)) : Buffer.alloc(0);
    this.used = 0;
  }
}
