import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BufferPool, type BatchMemory } from './bufferPool';

/**
 * Rows for COPY in PostgreSQL's binary format: each field its length and its value in the type's
 * binary form. PostgreSQL then parses no text (timestamps, numbers, arrays) and scans no values for
 * delimiters: 50,000 interactions' rows went into copies of the ingest tables in 1.16 s against
 * 1.39 s as text. Every value's type must be the column's exactly (an int4 is 4 bytes, a float8 8).
 */

/** PostgreSQL's epoch, 2000-01-01 UTC, in epoch milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;

/**
 * Writes a 32-bit integer (signed or not: its low 32 bits) big-endian at `at`. Byte by byte:
 * Buffer#writeInt32BE checks its range and offset on every call, and the rows' lengths and
 * integers are written about 200 times per interaction.
 */
function int32At(buf: Buffer, value: number, at: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = value >>> 16;
  buf[at + 2] = value >>> 8;
  buf[at + 3] = value;
}

/** Writes an int4 field (its length, then the value) at `at`; returns the position after it. */
function int4At(buf: Buffer, value: number, at: number): number {
  int32At(buf, 4, at);
  int32At(buf, value, at + 4);
  return at + 8;
}

/** Writes an int8 field (its length, then a value up to 2^53 in magnitude: internal IDs) at `at`; returns the position after it. */
function int8At(buf: Buffer, value: number, at: number): number {
  const high = Math.floor(value / TWO_32);
  int32At(buf, 8, at);
  int32At(buf, high, at + 4);
  int32At(buf, value - high * TWO_32, at + 8);
  return at + 12;
}

/** Type OIDs of the array elements written here, as node-postgres knows them. */
export const TEXT_OID = pg.types.builtins.TEXT;
export const TIMESTAMPTZ_OID = pg.types.builtins.TIMESTAMPTZ;

/**
 * A growing buffer of binary COPY values, reused row after row. A field whose length is only known
 * once written (text assembled piece by piece, arrays) opens with open() and is closed by close().
 */
export class BinaryWriter {
  protected buf = Buffer.allocUnsafe(1 << 16);
  protected n = 0;

  protected reserve(bytes: number): void {
    if (this.n + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + bytes));
    this.buf.copy(bigger, 0, 0, this.n);
    this.buf = bigger;
  }

  /** A raw byte inside a field opened with open(). */
  byte(c: number): void {
    this.reserve(1);
    this.buf[this.n++] = c;
  }

  /** ASCII text inside a field opened with open(). */
  ascii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.buf[this.n++] = text.charCodeAt(i);
  }

  /** Raw bytes inside a field opened with open(). */
  raw(bytes: Uint8Array, s: number, e: number): void {
    this.reserve(e - s);
    if (e - s < 32) {
      for (let i = s; i < e; i++) this.buf[this.n++] = bytes[i]!;
    } else {
      this.buf.set(bytes.subarray(s, e), this.n);
      this.n += e - s;
    }
  }

  /** Opens a field (or a row) of a length written when closed: returns where that length goes. */
  open(): number {
    this.reserve(4);
    this.n += 4;
    return this.n - 4;
  }

  /** Writes the length of what was written since open() returned `at`. */
  close(at: number): void {
    int32At(this.buf, this.n - at - 4, at);
  }

  null(): void {
    this.reserve(4);
    int32At(this.buf, -1, this.n);
    this.n += 4;
  }

  bool(value: boolean | null): void {
    if (value === null) return this.null();
    this.reserve(5);
    int32At(this.buf, 1, this.n);
    this.buf[this.n + 4] = value ? 1 : 0;
    this.n += 5;
  }

  int2(value: number | null): void {
    if (value === null) return this.null();
    this.reserve(6);
    int32At(this.buf, 2, this.n);
    this.buf.writeInt16BE(value, this.n + 4);
    this.n += 6;
  }

  int4(value: number | null): void {
    if (value === null) return this.null();
    this.reserve(8);
    this.n = int4At(this.buf, value, this.n);
  }

  /** An int8 up to 2^53 in magnitude (internal IDs). */
  int8(value: number): void {
    this.reserve(12);
    this.n = int8At(this.buf, value, this.n);
  }

  float8(value: number | null): void {
    if (value === null) return this.null();
    this.reserve(12);
    int32At(this.buf, 8, this.n);
    // + 0 turns -0 into 0, as text did (String(-0) is "0").
    this.buf.writeDoubleBE(value + 0, this.n + 4);
    this.n += 12;
  }

  /** A timestamptz from epoch milliseconds (exact for every year 1-9999). */
  timestamptz(ms: number | null): void {
    if (ms === null) return this.null();
    this.reserve(12);
    int32At(this.buf, 8, this.n);
    this.instant(ms);
    this.n += 12;
  }

  /** The 8 bytes of an instant (microseconds since PostgreSQL's epoch) after a length at n. */
  private instant(ms: number): void {
    const since = ms - PG_EPOCH_MS;
    const high = Math.floor(since / TWO_32);
    const low = (since - high * TWO_32) * 1000;
    const carry = Math.floor(low / TWO_32);
    int32At(this.buf, high * 1000 + carry, this.n + 4);
    int32At(this.buf, low - carry * TWO_32, this.n + 8);
  }

  /** A field of the bytes s..e of `bytes`. */
  field(bytes: Uint8Array, s: number, e: number): void {
    this.reserve(4);
    int32At(this.buf, e - s, this.n);
    this.n += 4;
    this.raw(bytes, s, e);
  }

  /** Text (or an enum's label) from a string. */
  text(value: string | null): void {
    if (value === null) return this.null();
    const chars = value.length;
    // Short ASCII (enum labels, IDs) byte by byte: cheaper than a call into Buffer.write.
    if (chars <= 32) {
      this.reserve(4 + chars);
      let i = 0;
      for (let c = 0; i < chars && (c = value.charCodeAt(i)) < 0x80; i++) this.buf[this.n + 4 + i] = c;
      if (i === chars) {
        int32At(this.buf, chars, this.n);
        this.n += 4 + chars;
        return;
      }
    }
    this.reserve(4 + chars * 3);
    const length = this.buf.write(value, this.n + 4, 'utf8');
    int32At(this.buf, length, this.n);
    this.n += 4 + length;
  }

  /**
   * Opens a one-dimensional array of `count` elements of type `elementType` (an OID), null flag
   * `hasNull`; its elements follow as fields, then close() with what this returns. An empty array
   * has no dimensions.
   */
  openArray(elementType: number, count: number, hasNull: boolean): number {
    const at = this.open();
    this.reserve(20);
    int32At(this.buf, count > 0 ? 1 : 0, this.n);
    int32At(this.buf, hasNull ? 1 : 0, this.n + 4);
    int32At(this.buf, elementType, this.n + 8);
    if (count === 0) {
      this.n += 12;
      return at;
    }
    int32At(this.buf, count, this.n + 12);
    int32At(this.buf, 1, this.n + 16);
    this.n += 20;
    return at;
  }

  /** A timestamptz[] of epoch milliseconds. */
  timestamptzArray(values: readonly number[]): void {
    const at = this.openArray(TIMESTAMPTZ_OID, values.length, false);
    for (const ms of values) this.timestamptz(ms);
    this.close(at);
  }

  /** The bytes written so far, copied out into `memory` (their batch's: BatchMemory); the writer starts over. */
  take(memory: BatchMemory): Buffer {
    const bytes = memory.take(this.n);
    this.buf.copy(bytes, 0, 0, this.n);
    this.n = 0;
    return bytes;
  }
}

const CHUNK_BYTES = 1 << 16;
/** A batch's COPYs hold about 5 MB of rows, in chunks until written; two batches are written at once. */
const CHUNKS = new BufferPool(CHUNK_BYTES, 256);
const NO_CHUNK = Buffer.alloc(0);
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** The file header (signature, flags, no extension) and trailer of binary COPY. */
const HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]);
const TRAILER = Buffer.from([0xff, 0xff]);

/**
 * The rows of one COPY, packed into buffers as they are added. A row is its table's account, the
 * internal IDs known only when its batch is written (`prefix` of them: the interaction's, its
 * automation's, its end user's), then its encoded fields (ingest/encode.ts), which `source` holds
 * after their byte length.
 */
export class CopyRows {
  /** The rows so far: whole chunks (from CHUNKS, or longer for a long transcript), and how much of each is used. */
  private readonly chunks: Buffer[] = [];
  private readonly lengths: number[] = [];
  private chunk: Buffer = NO_CHUNK;
  private used = 0;

  /**
   * @param columns the COPY's columns after accountId (those the prefix fills, then the encoded ones)
   * @param prefix how many of the internal IDs each row starts with
   * @param firstArrayType the element type (OID) of the first encoded field, an enum array. An
   *   enum's OID differs from database to database, so rows are encoded with 0 there and the
   *   element type is written here, where the database is known.
   */
  constructor(
    private readonly accountId: number,
    private readonly columns: readonly string[],
    private readonly prefix: 1 | 2 | 3,
    private readonly firstArrayType = 0,
  ) {}

  /**
   * A row of the interaction `id` (int8), its automation (int4, none for null) and its end user
   * (int4), as many as the prefix takes, then the encoded fields in `source` at `start`. Returns
   * the position after them.
   */
  add(source: Buffer, start: number, id: number, automationId: number | null = null, endUserId = 0): number {
    const length = source.readInt32BE(start);
    const bytes = 2 + 8 + 12 + (this.prefix > 1 ? 8 : 0) + (this.prefix > 2 ? 8 : 0) + length;
    if (this.used + bytes > this.chunk.length) this.flush(bytes);
    const c = this.chunk;
    let n = c.writeInt16BE(this.columns.length + 1, this.used);
    n = int4At(c, this.accountId, n);
    n = int8At(c, id, n);
    if (this.prefix > 1 && automationId === null) {
      int32At(c, -1, n);
      n += 4;
    } else if (this.prefix > 1) n = int4At(c, automationId!, n);
    if (this.prefix > 2) n = int4At(c, endUserId, n);
    this.used = n + source.copy(c, n, start + 4, start + 4 + length);
    // The array's element type follows its field length, its dimensions and its null flag.
    if (this.firstArrayType !== 0 && c.readInt32BE(n) >= 0) int32At(c, this.firstArrayType, n + 12);
    return start + 4 + length;
  }

  /** Appends the rows to `table` with COPY, the fastest way PostgreSQL takes new rows (no conflict handling: the caller makes sure they are new). */
  async copyInto(client: pg.ClientBase, table: string): Promise<void> {
    this.flush(0);
    if (this.chunks.length === 0) return;
    const names = ['accountId', ...this.columns].map((name) => `"${name}"`).join(', ');
    const sink = client.query(copyFrom(`COPY "${table}" (${names}) FROM STDIN WITH (FORMAT binary)`));
    await pipeline(Readable.from([HEADER, ...this.chunks.map((chunk, i) => chunk.subarray(0, this.lengths[i])), TRAILER]), sink);
    // PostgreSQL has read every chunk once the COPY has ended: they go back to the pool. (After a
    // failure they are left to the collector: the transaction runs again with rows of its own.)
    for (const chunk of this.chunks.splice(0)) CHUNKS.put(chunk);
    this.lengths.length = 0;
  }

  /** Ends the current chunk; the next one holds at least `bytes` (a long transcript can exceed a chunk), none when 0. */
  private flush(bytes: number): void {
    if (this.used > 0) {
      this.chunks.push(this.chunk);
      this.lengths.push(this.used);
    }
    this.chunk = bytes === 0 ? NO_CHUNK : bytes <= CHUNK_BYTES ? CHUNKS.get() : Buffer.allocUnsafe(bytes);
    this.used = 0;
  }
}
