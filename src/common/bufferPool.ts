/**
 * Buffers used again once given back, instead of new ones. Memory new to the process costs a page
 * fault on the first write to each 4 kB page of it, and on this project's development machine (a
 * Firecracker VM) that is expensive: copying 1,900 bytes 100,000 times took 111-372 ms into new
 * slabs of a megabyte against 5 ms into one slab used again (7 Dec 2026). An import writes every
 * interaction's rows twice into such memory (encoded when checked, then into its COPY's data), and
 * in a profile of one the copies that first touched those pages were a tenth of its main thread.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  /**
   * @param size the bytes of each buffer
   * @param keep the most buffers kept for later (the rest go to the collector): about what the
   *   work in flight at once holds, so that memory stays bounded by what it held anyway
   */
  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {}

  get(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Gives back a buffer get() returned; nothing may read or write it afterwards. */
  put(buffer: Buffer): void {
    if (buffer.length === this.size && this.free.length < this.keep) this.free.push(buffer);
  }
}

const SLAB_BYTES = 1 << 20;

/**
 * Slabs of a megabyte for encoded rows: a bulk load's batch holds about 8 MB of them (4,000 records),
 * and up to three batches are held at once (one read, two written).
 */
const SLABS = new BufferPool(SLAB_BYTES, 32);

/**
 * Where a batch's encoded rows are cut from: slabs of a megabyte, given back together by release()
 * once the batch is written (committed), since its records point into them until then (a
 * transaction that runs again writes them again). Cutting rows from slabs also spares the collector
 * an ArrayBuffer per small buffer (Buffer.allocUnsafe's pool of 8 kB: a new one every five
 * interactions or so).
 */
export class BatchMemory {
  private readonly slabs: Buffer[] = [];
  private used = SLAB_BYTES;

  /** `length` bytes for the batch's lifetime (a row longer than a slab gets a buffer of its own). */
  take(length: number): Buffer {
    if (length > SLAB_BYTES) return Buffer.allocUnsafe(length);
    if (this.used + length > SLAB_BYTES) {
      this.slabs.push(SLABS.get());
      this.used = 0;
    }
    const slab = this.slabs[this.slabs.length - 1]!;
    const bytes = slab.subarray(this.used, this.used + length);
    this.used += length;
    return bytes;
  }

  /** Gives the slabs back: nothing may read what take() returned afterwards. */
  release(): void {
    for (const slab of this.slabs.splice(0)) SLABS.put(slab);
    this.used = SLAB_BYTES;
  }
}
