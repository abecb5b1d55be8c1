// The arena: a first-fit allocator over the module's linear memory, owned by TypeScript (the stub runtime never frees).
// Blocks are 64-byte aligned and padded by at least 16 bytes so vector tails may read past a tensor's end; views are
// rebuilt after memory.grow. Offsets and sizes reach 4 GiB: plain arithmetic only, never signed bit operations on them.
// A refused allocation changes nothing. With guards on (the debug build) the padding after each block holds a fixed
// pattern that checkGuards() verifies (module.ts calls it after every kernel call). Not thread-safe; one per module.

const ALIGN = 64;
const PAD = 16;
const PAGE = 65536;
/** WebAssembly 32-bit memory: at most 65536 pages of 64 KiB (4 GiB). */
export const MAX_PAGES = 65536;
/** The guard pattern, as a little-endian word: byte k of linear memory holds byte (k mod 4) of this word. */
const GUARD_WORD = 0x5afec0de;

interface Block { ptr: number; size: number }

/** A live block's guard: [end, stop) holds the pattern; label names the block in errors; at: its index in `live`. */
interface Guard { ptr: number; end: number; stop: number; label?: string | (() => string); at: number; w0: number; w1: number }

export interface ArenaOptions {
  /** Write a guard pattern after every block and let checkGuards() verify it (the debug build). Default false. */
  guard?: boolean;
  /** The most pages the memory may have (default 65536, WebAssembly's 32-bit limit); growth past it is refused. */
  maxPages?: number;
}

/** The arena's bookkeeping, for tests that check a refused allocation changed nothing. */
export interface ArenaState {
  top: number;
  capacity: number;
  inUse: number;
  blocks: number;
  free: { ptr: number; size: number }[];
}

export class Arena {
  private readonly memory: WebAssembly.Memory;
  private readonly free: Block[] = [];          // sorted by ptr, coalesced
  private readonly used = new Map<number, number>(); // ptr → block size
  private readonly guards: Map<number, Guard> | undefined; // ptr → guard
  private readonly live: Guard[] = [];                       // the same guards, densely, for the check after each call
  private readonly maxBytes: number;
  private top: number;                           // first byte never handed out
  private bytesInUse = 0;
  private buffer: ArrayBuffer;
  private _f32: Float32Array;
  private _i32: Int32Array;
  private _u8: Uint8Array;

  constructor(memory: WebAssembly.Memory, base: number, options: ArenaOptions = {}) {
    this.memory = memory;
    this.top = roundUp(base, ALIGN);
    this.guards = options.guard ? new Map() : undefined;
    const pages = options.maxPages ?? MAX_PAGES;
    if (!Number.isInteger(pages) || pages < 1 || pages > MAX_PAGES) throw new RangeError(`arena: maxPages ${pages} must be an integer in [1, ${MAX_PAGES}]`);
    this.maxBytes = pages * PAGE;
    this.buffer = memory.buffer;
    this._f32 = new Float32Array(this.buffer);
    this._i32 = new Int32Array(this.buffer);
    this._u8 = new Uint8Array(this.buffer);
  }

  /** Float32 view of all of memory (index = byte offset / 4, as `ptr >>> 2`), rebuilt after growth. */
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

  /**
   * Allocates `bytes` (≥ 0) and returns the byte offset, 64-byte aligned; contents are unspecified. `label` names the
   * block in guard errors (debug build). When memory cannot hold it, throws a RangeError and changes nothing.
   */
  alloc(bytes: number, label?: string | (() => string)): number {
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) throw new RangeError(`arena: cannot allocate ${String(bytes)} bytes`);
    if (bytes > this.maxBytes) this.refuse(bytes, bytes, 'it is larger than the limit');
    const size = roundUp(bytes + PAD, ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size >= size) {
        const ptr = b.ptr;
        if (b.size === size) this.free.splice(i, 1);
        else { b.ptr += size; b.size -= size; }
        return this.take(ptr, size, bytes, label);
      }
    }
    // Extend the top, starting at a free block that ends there. Grow first: only a success changes the bookkeeping.
    const last = this.free[this.free.length - 1];
    const merge = last !== undefined && last.ptr + last.size === this.top;
    const ptr = merge ? last.ptr : this.top;
    this.ensure(ptr + size, bytes);
    if (merge) this.free.pop();
    this.top = ptr + size;
    return this.take(ptr, size, bytes, label);
  }

  private take(ptr: number, size: number, bytes: number, label: string | (() => string) | undefined): number {
    this.used.set(ptr, size);
    this.bytesInUse += size;
    if (this.guards) {
      // w0, w1: the guard as int32 indices when its start is 4-byte aligned (else w1 = −1: checked bytewise).
      const end = ptr + bytes, aligned = end % 4 === 0;
      const g: Guard = { ptr, end, stop: ptr + size, label, at: this.live.length, w0: aligned ? end / 4 : 0, w1: aligned ? (ptr + size) / 4 : -1 };
      this.guards.set(ptr, g);
      this.live.push(g);
      this.writeGuard(g);
    }
    return ptr;
  }

  /** Makes linear memory at least `end` bytes long, or throws without changing anything. */
  private ensure(end: number, bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    if (end > this.maxBytes) this.refuse(bytes, end, 'the arena would end past the limit');
    // Grow by at least half of what we have, to amortise (Math.floor, not >> 1: sizes pass 2^31).
    const want = Math.min(Math.max(end, have + Math.floor(have / 2)), this.maxBytes);
    try {
      this.memory.grow(Math.ceil((want - have) / PAGE));
    } catch {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch (e) {
        this.refuse(bytes, end, `the runtime refused to grow memory from ${have} to ${end} bytes (${(e as Error).message})`);
      }
    }
    this.refresh();
  }

  private refuse(bytes: number, end: number, why: string): never {
    const largest = this.free.reduce((m, b) => Math.max(m, b.size), 0);
    throw new RangeError(`arena: out of memory: asked for ${bytes} bytes (${roundUp(bytes + PAD, ALIGN)} with padding), ` +
      `${this.bytesInUse} bytes in use in ${this.used.size} blocks, ${this.capacity()} bytes of linear memory, ` +
      `largest free block ${largest} bytes, arena top ${this.top}; the limit is ${this.maxBytes} bytes ` +
      `(${this.maxBytes / PAGE} pages of 64 KiB) and ${why}` + (end > bytes ? ` (end offset ${end})` : ''));
  }

  /** Returns a block to the arena. Freeing an unknown offset throws; so does a broken guard (after freeing). */
  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`arena: offset ${ptr} is not an allocated block (double free?)`);
    this.used.delete(ptr);
    this.bytesInUse -= size;
    // Insert sorted, then coalesce with neighbours.
    let lo = 0, hi = this.free.length;
    while (lo < hi) { const mid = Math.floor((lo + hi) / 2); if (this.free[mid].ptr < ptr) lo = mid + 1; else hi = mid; }
    this.free.splice(lo, 0, { ptr, size });
    const next = this.free[lo + 1];
    if (next && ptr + size === next.ptr) { this.free[lo].size += next.size; this.free.splice(lo + 1, 1); }
    const prev = this.free[lo - 1];
    if (prev && prev.ptr + prev.size === ptr) { prev.size += this.free[lo].size; this.free.splice(lo, 1); }
    const g = this.guards?.get(ptr);
    if (g) {
      this.guards!.delete(ptr);
      const moved = this.live.pop()!;
      if (moved !== g) { this.live[g.at] = moved; moved.at = g.at; }
      const bad = this.firstBadByte(g);
      if (bad >= 0) throw new Error(guardMessage('JavaScript code (no kernel call since the last check)', g, bad) + ' (found when it was freed)');
    }
  }

  /** Bytes in blocks currently handed out (padding included). */
  inUse(): number { return this.bytesInUse; }

  /** Number of live blocks. */
  blocks(): number { return this.used.size; }

  /** Total bytes of linear memory. */
  capacity(): number { return this.memory.buffer.byteLength; }

  /** The most bytes linear memory may reach. */
  limit(): number { return this.maxBytes; }

  /** A copy of the bookkeeping (top, capacity, bytes and blocks in use, free list). */
  state(): ArenaState {
    return { top: this.top, capacity: this.capacity(), inUse: this.bytesInUse, blocks: this.used.size, free: this.free.map((b) => ({ ...b })) };
  }

  /** True when blocks carry guards (the debug build). */
  get guarded(): boolean { return this.guards !== undefined; }

  /** Names a live block in guard errors (a function is called only when an error needs the name). */
  label(ptr: number, label: string | (() => string)): void {
    const g = this.guards?.get(ptr);
    if (g) g.label = label;
  }

  /**
   * With guards on, checks every live block's guard (the whole padding after it) and throws an Error naming `kernel`
   * and the first block whose guard was overwritten; every broken guard is rewritten first, so one overrun is reported
   * once. The hot path of the debug build (after every kernel call): word compares over a dense list, one view.
   */
  checkGuards(kernel: string): void {
    if (!this.guards) return;
    let first: Guard | undefined, firstBad = -1, broken = 0;
    const i32 = this.i32, live = this.live;
    for (let j = 0; j < live.length; j++) {
      const g = live[j], stop = g.w1;
      let i = stop < 0 ? 0 : g.w0;
      while (i < stop && i32[i] === GUARD_WORD) i++;
      if (stop >= 0 && i === stop) continue;
      const bad = this.firstBadByte(g);
      if (bad < 0) continue;
      if (!first) { first = g; firstBad = bad; }
      broken++;
      this.writeGuard(g);
    }
    if (first) {
      throw new Error(guardMessage(`kernel ${kernel}`, first, firstBad) +
        (broken > 1 ? `; ${broken - 1} more block${broken > 2 ? 's' : ''} had their guard overwritten too` : ''));
    }
  }

  private writeGuard(g: Guard): void {
    const u8 = this.u8;
    for (let k = g.end; k < g.stop; k++) u8[k] = guardByte(k);
  }

  // The offset of the first guard byte that differs from the pattern, or −1.
  private firstBadByte(g: Guard): number {
    const u8 = this.u8;
    for (let k = g.end; k < g.stop; k++) if (u8[k] !== guardByte(k)) return k;
    return -1;
  }
}

function guardByte(k: number): number { return Math.floor(GUARD_WORD / 256 ** (k % 4)) % 256; }

function guardMessage(who: string, g: Guard, bad: number): string {
  let name: string | undefined;
  try { name = typeof g.label === 'function' ? g.label() : g.label; } catch { name = undefined; }
  const block = name !== undefined ? `block "${name}"` : 'an unlabelled block';
  return `canary: ${who} wrote past the end of ${block} at offset ${g.ptr} (${g.end - g.ptr} bytes): ` +
    `the guard byte ${bad - g.end} past its end (offset ${bad}) was overwritten`;
}

function roundUp(n: number, a: number): number { return Math.ceil(n / a) * a; }
