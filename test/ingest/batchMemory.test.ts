/**
 * A batch's encoded rows are cut from pooled slabs of a megabyte (src/common/bufferPool.ts), given
 * back when the batch is written, so that an import writes into memory it has touched before.
 * Whether an import still stores exactly what it read with slabs going round is checked end to end
 * by lateRecordsProperty.test.ts (batches of 3 to 12 records, each one's slab used again two
 * batches later) and import.test.ts.
 */
import { BatchMemory, BufferPool } from '../../src/common/bufferPool';

const MB = 1 << 20;

it('cuts rows one after another from a slab, starts a new slab when one does not fit, and gives a row longer than a slab its own buffer', () => {
  const memory = new BatchMemory();
  const a = memory.take(100);
  const b = memory.take(MB - 100);
  const c = memory.take(1);
  const long = memory.take(MB + 1);
  expect([a.length, b.length, c.length, long.length]).toEqual([100, MB - 100, 1, MB + 1]);
  expect(b.buffer).toBe(a.buffer);
  expect(b.byteOffset - a.byteOffset).toBe(100);
  expect(c.buffer).not.toBe(a.buffer);
  expect(long.buffer).not.toBe(a.buffer);
  expect(long.buffer).not.toBe(c.buffer);
  // Rows of one batch never share bytes: writing one leaves the others as they were.
  a.fill(1);
  b.fill(2);
  c.fill(3);
  expect([a[99], b[0], b[MB - 101], c[0]]).toEqual([1, 2, 2, 3]);
});

it('hands a released batch\'s slabs to the next batch, and never one still held by a batch not released', () => {
  const first = new BatchMemory();
  const held = new BatchMemory();
  const firstSlab = first.take(10).buffer;
  const heldSlab = held.take(10).buffer;
  first.release();
  const next = new BatchMemory();
  expect(next.take(10).buffer).toBe(firstSlab);
  const another = next.take(MB).buffer;
  expect(another).not.toBe(firstSlab);
  expect(another).not.toBe(heldSlab);
});

it('keeps at most `keep` buffers, and only buffers of its size', () => {
  const pool = new BufferPool(16, 2);
  const [a, b, c] = [pool.get(), pool.get(), pool.get()];
  pool.put(a);
  pool.put(b);
  pool.put(c);
  pool.put(Buffer.alloc(32));
  const again = [pool.get(), pool.get(), pool.get()];
  expect(again[0]).toBe(b);
  expect(again[1]).toBe(a);
  expect(again[2]).not.toBe(c);
  expect(again.map((buffer) => buffer.length)).toEqual([16, 16, 16]);
});
