// The arena: a first-fit allocator over the module's linear memory, owned by TypeScript (the stub runtime never frees).
// Blocks are 64-byte aligned and padded by 16 bytes so vector tails may read past a tensor's end; views are rebuilt
// after memory.grow. Not thread-safe; one arena per module instance.

const ALIGN = 64;
const PAD = 16;
const PAGE = 65536;

interface Block { ptr: number; size: number }

export class Arena {
  private readonly memory: WebAssembly.Memory;
  private readonly free: Block[] = [];          // sorted by ptr, coalesced
  private readonly used = new Map<number, number>(); // ptr → block size
  private top: number;                           // first byte never handed out
  private bytesInUse = 0;
  private buffer: ArrayBuffer;
  private _f32: Float32Array;
  private _i32: Int32Array;
  private _u8: Uint8Array;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.top = roundUp(base, ALIGN);
    this.buffer = memory.buffer;
    this._f32 = new Float32Array(this.buffer);
    this._i32 = new Int32Array(this.buffer);
    this._u8 = new Uint8Array(this.buffer);
  }

  /** Float32 view of all of memory (index = byte offset / 4), rebuilt after growth. */
  get f32(): Float32Array { this.refresh(); return this._f32; }
  get i32(): Int32Array { this.refresh(); return this._i32; }
  get u8(): Uint8Array { this.refresh(); return this._u8; }

  private refresh(): void {
    if (this.memory.buffer !== this.buffer) {
      this.buffer = this.memory.buffer;
      this._f32 = new Float32Array(this.buffer);
      this._i32 = new Int32Array(this.buffer);
      this._u8 = new Uint8Array(this.buffer);
    }
  }

  /** Allocates `bytes` (≥ 0) and returns the byte offset, 64-byte aligned; contents are unspecified. */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`arena: cannot allocate ${bytes} bytes`);
    const size = roundUp(bytes + PAD, ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size >= size) {
        const ptr = b.ptr;
        if (b.size === size) this.free.splice(i, 1);
        else { b.ptr += size; b.size -= size; }
        return this.take(ptr, size);
      }
    }
    // Extend the top, merging a free block that ends at the top.
    let ptr = this.top;
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.size === this.top) { ptr = last.ptr; this.free.pop(); }
    this.ensure(ptr + size);
    this.top = ptr + size;
    return this.take(ptr, size);
  }

  private take(ptr: number, size: number): number {
    this.used.set(ptr, size);
    this.bytesInUse += size;
    return ptr;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least half of what we have, to amortise.
    const want = Math.max(end, have + (have >> 1));
    const maxBytes = 65536 * PAGE;
    if (want > maxBytes && end > maxBytes) {
      throw new RangeError(`arena: out of memory: need ${end} bytes, WebAssembly allows ${maxBytes}`);
    }
    const pages = Math.ceil((Math.min(want, maxBytes) - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      this.memory.grow(Math.ceil((end - have) / PAGE));
    }
    this.refresh();
  }

  /** Returns a block to the arena. Freeing an unknown offset throws. */
  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`arena: offset ${ptr} is not an allocated block (double free?)`);
    this.used.delete(ptr);
    this.bytesInUse -= size;
    // Insert sorted, then coalesce with neighbours.
    let lo = 0, hi = this.free.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.free[mid].ptr < ptr) lo = mid + 1; else hi = mid; }
    this.free.splice(lo, 0, { ptr, size });
    const next = this.free[lo + 1];
    if (next && ptr + size === next.ptr) { this.free[lo].size += next.size; this.free.splice(lo + 1, 1); }
    const prev = this.free[lo - 1];
    if (prev && prev.ptr + prev.size === ptr) { prev.size += this.free[lo].size; this.free.splice(lo, 1); }
  }

  /** Bytes in blocks currently handed out (padding included). */
  inUse(): number { return this.bytesInUse; }

  /** Number of live blocks. */
  blocks(): number { return this.used.size; }

  /** Total bytes of linear memory. */
  capacity(): number { return this.memory.buffer.byteLength; }
}

function roundUp(n: number, a: number): number { return Math.ceil(n / a) * a; }
