// Threaded kernels (loaded on demand by the entries): the threaded module over one shared memory, instantiated here
// and in N − 1 worker threads (Node's worker_threads, also in Deno and Bun; Web Workers in cross-origin-isolated pages
// and workers, threads-web.ts), and the split of each large kernel call into output blocks (GEMM rows or column panels
// of C; conv forward and backprop to the input by images; im2col by pixels; pooling by images; elementwise and
// optimizer updates by element ranges) or, for the filter gradient, into the products of its pixel blocks (added in
// block order after) or bands of filter rows. Every float operation happens in the single-thread order: the same bits
// for any thread count. The calling thread claims chunks alongside the workers; calls below a size threshold stay on it.
// The kernels keep no state in static memory, except augment's noise block: augment is never split.
import type { Arena } from './memory.js';
import type { KernelExports } from './exports.js';
import type { Backend, KernelName, Threads } from './backend-types.js';
import { ARGS_BYTE, BLOCK_BYTES, FLAGS_WORD, MAX_ARGS, MAX_CHUNKS, NODE_WORKER_SOURCE, SPIN_US, WAIT_SPIN_MS, type PoolWorker,
  type SpawnWorkers } from './thread-worker.js';

/**
 * Work (multiply-adds, or elements for memory-bound kernels) below which a call stays on the calling thread; measured
 * with bench/threads-crossover.ts on 2 cores: square GEMMs split paid from about 110k multiply-adds (the threshold is
 * 2·MIN_MACS), copy from 131k–262k elements, Adam from 32k (ROOT_DIVIDE), tanh from 8k (TRANSCENDENTAL).
 */
export const MIN_MACS = 1 << 17;
export const MIN_ELEMENTS = 1 << 17;
/** Work (multiply-adds or equivalent) from which a call wakes sleeping workers: about 50–100 µs on one thread. */
export const WAKE_WORK = 1 << 20;
/**
 * Calls run on the calling thread alone once split calls lose too much time to workers without a core (a busy
 * machine: see Pool.pace): 64, then twice as many each time it happens again within CALM_CALLS calls of a retry, up to
 * 64 · 2^6.
 */
const BACKOFF_CALLS = 64;
const BACKOFF_LEVELS = 6;
const CALM_CALLS = 512;
/** Per-call decay of the lost and spent times, the share of lost time that sends calls back, and the evidence needed (ms). */
const LOSS_DECAY = 0.995;
const LOSS_SHARE = 0.35;
const LOSS_EVIDENCE_MS = 5;
/** Elementwise ranges start at multiples of this many elements (whole unrolled vector blocks: the same tails). */
const ELEMENT_ALIGN = 64;
/**
 * Chunks per thread for calls whose chunks cost nothing extra (elementwise, pooling, conv forward by images): a
 * descheduled worker then holds up little. GEMM and the conv backward passes use one chunk per thread (each chunk packs
 * a shared operand, or forms im2col, again).
 */
const CHUNKS_PER_THREAD = 4;

interface NodeWorker extends PoolWorker { once(e: string, f: (m: unknown) => void): void; on(e: string, f: (m: unknown) => void): void; unref(): void }
interface WorkerThreads { Worker: new (src: string, o: { eval: boolean; execArgv: string[]; workerData: unknown }) => NodeWorker }
interface NodeHost { getBuiltinModule?(id: string): unknown; versions: { node: string } }

async function workerThreads(): Promise<WorkerThreads> {
  const p = (globalThis as unknown as { process: NodeHost }).process;
  const id = 'node:worker_threads';
  return (p.getBuiltinModule?.(id) ?? await import(/* @vite-ignore */ id)) as WorkerThreads;
}

async function cores(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const p = (globalThis as unknown as { process: NodeHost }).process;
  const id = 'node:os';
  const os = (p.getBuiltinModule?.(id) ?? await import(/* @vite-ignore */ id)) as { availableParallelism?(): number; cpus(): unknown[] };
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** [lo, hi) ranges of [0, n) for up to `parts` threads, cut at multiples of `unit`, at least `min` long (but one). */
export function ranges(n: number, unit: number, parts: number, min = unit): [number, number][] {
  const units = Math.ceil(n / unit);
  const k = Math.max(1, Math.min(parts, units, Math.floor(n / Math.max(min, 1))));
  const out: [number, number][] = [];
  for (let t = 0, lo = 0; t < k; t++) {
    const hi = t === k - 1 ? n : Math.min(n, Math.round((units * (t + 1)) / k) * unit);
    if (hi > lo) out.push([lo, hi]);
    lo = hi;
  }
  return out;
}

/** One call's arguments per chunk, and its work in multiply-adds (or equivalent), or undefined: run it whole here. */
type Split = (a: number[], t: number, ctx: SplitContext) => Chunks | undefined;
type Chunks = number[][] & { work?: number };
const withWork = (chunks: number[][], work: number): Chunks => Object.assign(chunks, { work });

interface SplitContext {
  /** The size thresholds in force (MIN_MACS, MIN_ELEMENTS unless a test lowers them to split the smallest calls). */
  minMacs: number;
  minElements: number;
  /** Work from which a call wakes sleeping workers (smaller ones go to workers that are spinning, if any). */
  wakeWork: number;
  /** GEMM workspace of chunk i (CHUNKS_PER_THREAD per thread; 0: the backend's gemmWork): chunks run at once never share one. */
  gemmWork: number[];
  exports: KernelExports;
  /** Bytes of one thread's slice of a conv workspace planned by convWorkBytes. */
  convSlice(bytes: number): number;
  /** Slices a conv workspace holds (one per thread started), before the filter gradient's partials. */
  slices: number;
}

// Output size along one axis (conv2d.ts's convOutDim with the padding summed).
const out = (n: number, k: number, s: number, pad: number, d: number): number => Math.floor((n + pad - ((k - 1) * d + 1)) / s) + 1;

// gemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work, bias): rows of C when M ≥ N (each thread
// packs all of B), else column panels (each packs all of A); every C element sums its K in the one fixed order.
const gemmSplit: Split = (g, t, ctx) => {
  const [tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, , bias] = g;
  if (M * N * K < ctx.minMacs * 2) return undefined;
  if (M >= N) {
    return withWork(ranges(M, 4, t, ctx.minMacs ? 8 : 4).map(([lo, hi], i) =>
      [tA, tB, hi - lo, N, K, alpha, a + (tA ? lo : lo * lda) * 4, lda, b, ldb, beta, c + lo * ldc * 4, ldc, ctx.gemmWork[i], bias]), M * N * K);
  }
  return withWork(ranges(N, 8, t, ctx.minMacs ? 16 : 8).map(([lo, hi], i) =>
    [tA, tB, M, hi - lo, K, alpha, a, lda, b + (tB ? lo * ldb : lo) * 4, ldb, beta, c + lo * 4, ldc, ctx.gemmWork[i], bias ? bias + lo * 4 : 0]), M * N * K);
};

// The 15 geometry arguments of the conv kernels: N, H, W, Cin, Cout, kh, kw, strH, strW, dilH, dilW, padT, padB, padL, padR.
function convDims(geo: number[]): { N: number; HWC: number; OHOW: number; Cout: number; K: number; ws: number[] } {
  const [N, H, W, Cin, Cout, kh, kw, sH, sW, dH, dW, pT, pB, pL, pR] = geo;
  const OH = out(H, kh, sH, pT + pB, dH), OW = out(W, kw, sW, pL + pR, dW);
  return { N, HWC: H * W * Cin, OHOW: OH * OW, Cout, K: kh * kw * Cin, ws: geo };
}

/** Bytes of one thread's slice of the conv workspace for these 15 geometry arguments (convWorkBytes plans one each). */
const convSliceOf = (ctx: SplitContext, geo: number[]): number =>
  ctx.convSlice(ctx.exports.conv2dWorkspaceBytes(...(geo as Parameters<KernelExports['conv2dWorkspaceBytes']>)));

// conv2d(x, w, bias, y, gemmWork, …geometry): by images.
const conv2dSplit: Split = (g, t, ctx) => {
  const [x, w, bias, y] = g, d = convDims(g.slice(5));
  if (d.N < 2 || d.N * d.OHOW * d.Cout * d.K < ctx.minMacs * 2) return undefined;
  return withWork(ranges(d.N, 1, t * CHUNKS_PER_THREAD).map(([lo, hi], i) =>
    [x + lo * d.HWC * 4, w, bias, y + lo * d.OHOW * d.Cout * 4, ctx.gemmWork[i], hi - lo, ...d.ws.slice(1)]), d.N * d.OHOW * d.Cout * d.K);
};

// conv2dBackpropInput(dy, w, dx, work, gemmWork, n0, n1, …geometry): by images, one work slice each.
const backpropInputSplit: Split = (g, t, ctx) => {
  const [dy, w, dx, work, , n0, n1] = g, geo = g.slice(7), d = convDims(geo);
  if (n0 !== 0 || n1 !== d.N) return undefined;
  if (d.N < 2 || d.N * d.OHOW * d.Cout * d.K < ctx.minMacs * 2) return undefined;
  const slice = convSliceOf(ctx, geo);
  return withWork(ranges(d.N, 1, t).map(([lo, hi], i) => [dy, w, dx, work + i * slice, ctx.gemmWork[i], lo, hi, ...geo]), d.N * d.OHOW * d.Cout * d.K);
};

// im2col(x, col, q0, P, H, W, Cin, OH, OW, kh, kw, strH, strW, dilH, dilW, padT, padL): by output pixels (rows of col).
const im2colSplit: Split = (g, t, ctx) => {
  const [x, col, q0, P] = g, K = g[9] * g[10] * g[6];
  if (P * K < ctx.minElements) return undefined;
  return withWork(ranges(P, 4, t * CHUNKS_PER_THREAD).map(([lo, hi]) => [x, col + lo * K * 4, q0 + lo, hi - lo, ...g.slice(4)]), P * K * 8);
};

/** Filter rows (kh·kw·Cin) from which the filter gradient splits by bands of rows, when not by pixel blocks. */
const BAND_MIN_K = 64;
/** Floats of per-block products (blocks · K · Cout) up to which the filter gradient splits by pixel blocks. */
const BLOCK_PARTIALS_MAX = 1 << 20;

/**
 * The filter gradient's pixel blocks for these 15 geometry arguments when it splits by them (conv2dBackpropFilterBlocks:
 * one product per GEMM K block of pixels, added to dw in block order), else 0: 1×1 pointwise geometries (a plain GEMM),
 * one block, or more partial products than BLOCK_PARTIALS_MAX.
 */
function filterBlocks(exports: KernelExports, geo: number[]): number {
  const [, , , Cin, Cout, kh, kw, sH, sW, , , pT, pB, pL, pR] = geo, KC = kh * kw * Cin * Cout;
  if ((kh === 1 && kw === 1 && sH === 1 && sW === 1 && pT + pB + pL + pR === 0) || KC < 2) return 0;
  const blocks = exports.conv2dBackpropFilterBlocks(0, 0, 0, 0, 0, 0, 0, ...(geo as [number, number, number, number, number, number,
    number, number, number, number, number, number, number, number, number]));
  return blocks >= 2 && blocks * KC <= BLOCK_PARTIALS_MAX ? blocks : 0;
}

// conv2dBackpropFilter(x, dy, dw, db, work, gemmWork, …geometry), three ways, each giving every dw element the bits of
// one thread (which is what keeps a reduction over pixels splittable): by pixel blocks (the products of each thread's blocks of pixels, its own images, into the partials
// after the workspace slices, then added to dw in block order by reduceSum on the calling thread); by bands of filter
// rows (dw [K, Cout], each thread forming im2col for its band and summing its rows over every pixel in the one order:
// conv2dBackpropFilterBand) when the partials would take too much memory; 1×1 pointwise geometries as one GEMM,
// split as GEMMs. db after, on the calling thread. False: run it whole here.
function backpropFilterSplit(pool: Pool, g: number[], ctx: SplitContext): boolean {
  const [x, dy, dw, db, work, gemmWork] = g, geo = g.slice(6), d = convDims(geo);
  if (d.N * d.OHOW * d.Cout * d.K < ctx.minMacs * 2) return false;
  const [, , , Cin, Cout, kh, kw, sH, sW, , , pT, pB, pL, pR] = geo;
  const NPix = d.N * d.OHOW, pointwise = kh === 1 && kw === 1 && sH === 1 && sW === 1 && pT + pB + pL + pR === 0;
  const blocks = filterBlocks(ctx.exports, geo);
  if (pointwise) {
    pool.run('gemm', [1, 0, Cin, Cout, NPix, 1, x, Cin, dy, Cout, 1, dw, Cout, gemmWork, 0]);
  } else if (blocks > 0) {
    const slice = convSliceOf(ctx, geo), partials = work + slice * ctx.slices;
    pool.runChunks('conv2dBackpropFilterBlocks', ranges(blocks, 1, pool.count).map(([b0, b1], i) =>
      [x, dy, partials, work + i * slice, ctx.gemmWork[i], b0, b1, ...geo]));
    ctx.exports.reduceSum(partials, dw, 1, blocks, d.K * Cout, 1);
  } else if (d.K >= BAND_MIN_K) {
    // (With fewer filter rows, bands ran 0.79× of one thread on LeNet's first layer: each band still runs the whole
    // per-pixel im2col loop for a few floats per pixel. Those run whole.)
    const slice = convSliceOf(ctx, geo);
    pool.runChunks('conv2dBackpropFilterBand', ranges(d.K, 4, pool.count).map(([k0, k1], i) => [x, dy, dw, work + i * slice, ctx.gemmWork[i], k0, k1, ...geo]));
  } else return false;
  if (db) ctx.exports.reduceSum(dy, db, 1, NPix, Cout, 1);
  return true;
}

// Poolings (…pointers, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR[, countPad]) by images; `sides` says
// which pointers advance by an input image (H·W·C) and which by an output image (OH·OW·C).
function poolSplit(sides: ('in' | 'out')[]): Split {
  return (g, t, ctx) => {
    const p = sides.length, [N, H, W, C, ph, pw, sH, sW, pT, pB, pL, pR] = g.slice(p);
    const HWC = H * W * C, OHOWC = out(H, ph, sH, pT + pB, 1) * out(W, pw, sW, pL + pR, 1) * C;
    if (N < 2 || N * Math.max(HWC, OHOWC * ph * pw) < ctx.minElements) return undefined;
    return withWork(ranges(N, 1, t * CHUNKS_PER_THREAD).map(([lo, hi]) =>
      [...sides.map((s, i) => g[i] + lo * (s === 'in' ? HWC : OHOWC) * 4), hi - lo, ...g.slice(p + 1)]), N * Math.max(HWC, OHOWC * ph * pw) * 4);
  };
}

// Elementwise kernels: n at index `at`, the pointers at `ptrs` advance with the range. cost: work per element relative to
// a copy (the transcendental activations, our own exp inside, cost about 16), so the compute-bound ones split at
// shorter lengths than the memory-bound ones.
function elementSplit(at: number, ptrs: number[], cost = 1): Split {
  return (g, t, ctx) => {
    const n = g[at];
    if (n * cost < ctx.minElements) return undefined;
    return withWork(ranges(n, ELEMENT_ALIGN, t * CHUNKS_PER_THREAD, ctx.minElements / (2 * CHUNKS_PER_THREAD * cost)).map(([lo, hi]) =>
      g.map((v, i) => (i === at ? hi - lo : ptrs.includes(i) ? v + lo * 4 : v))), n * 8 * cost);
  };
}

/** Work per element of the activations that evaluate exp (or expm1) per element, relative to a copy. */
const TRANSCENDENTAL = 16;
/** Work per element of the optimizer updates with a square root and a division per element (4 arrays in, 3 out). */
const ROOT_DIVIDE = 4;

const SPLITS: Partial<Record<KernelName, Split>> = {
  gemm: gemmSplit, conv2d: conv2dSplit,
  conv2dBackpropInput: backpropInputSplit, im2col: im2colSplit,
  maxPool2d: poolSplit(['in', 'out']), avgPool2d: poolSplit(['in', 'out']),
  maxPool2dGrad: poolSplit(['in', 'out', 'in']), avgPool2dGrad: poolSplit(['out', 'in']),
  relu: elementSplit(2, [0, 1]), sigmoid: elementSplit(2, [0, 1], TRANSCENDENTAL), tanh: elementSplit(2, [0, 1], TRANSCENDENTAL),
  softplus: elementSplit(2, [0, 1], TRANSCENDENTAL), leakyRelu: elementSplit(2, [0, 1]), elu: elementSplit(2, [0, 1], TRANSCENDENTAL),
  reluGrad: elementSplit(3, [0, 1, 2]), sigmoidGrad: elementSplit(3, [0, 1, 2]), tanhGrad: elementSplit(3, [0, 1, 2]),
  softplusGrad: elementSplit(3, [0, 1, 2], TRANSCENDENTAL), leakyReluGrad: elementSplit(3, [0, 1, 2]), eluGrad: elementSplit(4, [0, 1, 2, 3]),
  add: elementSplit(3, [0, 1, 2]), sub: elementSplit(3, [0, 1, 2]), mul: elementSplit(3, [0, 1, 2]),
  scale: elementSplit(3, [0, 2]), axpy: elementSplit(3, [1, 2]), fill: elementSplit(2, [0]), copy: elementSplit(2, [0, 1]),
  sgdUpdate: elementSplit(2, [0, 1]), momentumUpdate: elementSplit(3, [0, 1, 2]), adagradUpdate: elementSplit(3, [0, 1, 2], ROOT_DIVIDE),
  rmspropUpdate: elementSplit(3, [0, 1, 2], ROOT_DIVIDE), adamUpdate: elementSplit(4, [0, 1, 2, 3], ROOT_DIVIDE),
  nadamUpdate: elementSplit(4, [0, 1, 2, 3], ROOT_DIVIDE),
  clipByValue: elementSplit(1, [0]),
};

export class Pool implements Threads {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly ids = new Map<string, number>();
  private seq = 0;
  private active: number;
  private readonly ctx: SplitContext;
  private readonly w: number; // int32 index of the command block
  private readonly a: number; // float64 index of its arguments

  constructor(private readonly exports: KernelExports, memory: WebAssembly.Memory, block: number,
    private readonly workers: PoolWorker[], names: readonly string[], gemmWork: number[], private readonly canWait = true) {
    this.i32 = new Int32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.w = block >>> 2;
    this.a = (block + ARGS_BYTE) >>> 3;
    names.forEach((n, i) => this.ids.set(n, i));
    this.active = workers.length + 1;
    this.ctx = { gemmWork, exports, convSlice: (b) => Math.ceil(b / 64) * 64, slices: workers.length + 1, minMacs: MIN_MACS, minElements: MIN_ELEMENTS, wakeWork: WAKE_WORK };
  }

  get count(): number { return this.active; }

  /** Calls split over more than one thread so far, and the times a busy machine sent calls back to this thread. */
  splits = 0;
  backoffs = 0;
  private skip = 0;
  private level = 0;
  private calm = 0;
  private lost = 0;
  private spent = 0;
  private adaptive = true;
  /** Set when a worker thread died (its claimed chunk will never be done). */
  broken: string | undefined;

  /**
   * For tests and benchmarks: the threads the calls are split for from now on (1 … the count started; the same bits
   * for any) and, when given, the size thresholds (0 splits every call that has more than one output block) and
   * whether a busy machine sends calls back to this thread (adaptive), and the µs a worker polls before it sleeps
   * (spinUs). What the pool learnt about the machine's load is kept across calls of tune.
   */
  tune(active: number, limits?: { minMacs?: number; minElements?: number; wakeWork?: number; adaptive?: boolean; spinUs?: number }): void {
    if (!Number.isInteger(active) || active < 1 || active > this.workers.length + 1) throw new RangeError(`threads: ${active} must be an integer in [1, ${this.workers.length + 1}]`);
    this.active = active;
    if (!limits) return;
    this.ctx.minMacs = limits.minMacs ?? MIN_MACS;
    this.ctx.minElements = limits.minElements ?? MIN_ELEMENTS;
    this.ctx.wakeWork = limits.wakeWork ?? WAKE_WORK;
    this.adaptive = limits.adaptive ?? true;
    Atomics.store(this.i32, this.w + 6, limits.spinUs ?? SPIN_US);
  }

  /**
   * A conv workspace for these 15 geometry arguments (of `bytes` on one thread): one slice per thread, then the
   * filter gradient's per-block products when it splits by pixel blocks.
   */
  convWorkBytes(bytes: number, geo: number[]): number {
    if (this.workers.length === 0 || bytes === 0) return bytes;
    const blocks = filterBlocks(this.exports, geo), [, , , Cin, Cout, kh, kw] = geo;
    return this.ctx.convSlice(bytes) * this.ctx.slices + blocks * kh * kw * Cin * Cout * 4;
  }

  /**
   * Splits the call into chunks (output blocks), publishes them in the command block and claims them alongside the
   * workers, then waits for the chunks others claimed. A worker that is asleep or descheduled claims nothing, so this
   * thread never waits for work nobody started.
   */
  run(name: KernelName, args: number[]): unknown {
    if (this.skip > 0 && this.active > 1 && this.adaptive) { this.skip--; return (this.exports[name] as (...a: number[]) => unknown)(...args); }
    if (name === 'conv2dBackpropFilter' && this.active > 1 && backpropFilterSplit(this, args, this.ctx)) return undefined;
    const split = this.active > 1 ? SPLITS[name] : undefined;
    const chunks = split?.(args, this.active, this.ctx);
    if (!chunks || chunks.length === 0) return (this.exports[name] as (...a: number[]) => unknown)(...args);
    return this.runChunks(name, chunks);
  }

  /** Runs the chunks of one call (each a call of `name` with its arguments) on the threads; returns when all are done. */
  runChunks(name: KernelName, chunks: Chunks): unknown {
    const f = name, fn = this.exports[f] as (...a: number[]) => unknown;
    if (chunks.length < 2) return fn(...chunks[0]);
    this.splits++;
    const n = chunks[0].length, C = chunks.length, { i32, f64, w } = this;
    if (C > MAX_CHUNKS || C * n > MAX_ARGS) throw new Error(`threads: ${C} chunks of ${n} arguments do not fit the command block`);
    for (let c = 0; c < C; c++) for (let k = 0; k < n; k++) f64[this.a + c * n + k] = chunks[c][k];
    i32[w + 1] = this.ids.get(f)!;
    i32[w + 2] = n;
    i32[w + 3] = this.active;
    Atomics.store(i32, w + 16, 0);
    for (let c = 0; c < C; c++) Atomics.store(i32, w + FLAGS_WORD + c, 0);
    this.seq = (this.seq + 1) & 0xffff;
    Atomics.store(i32, w, (this.seq << 16) | (C << 8));
    // Sleeping workers are woken for large calls only; spinning ones join any.
    const asleep = Atomics.load(i32, w + 4) > 0, wake = (chunks.work ?? Infinity) >= this.ctx.wakeWork;
    if (wake && asleep) Atomics.notify(i32, w, C - 1);
    const t0 = this.adaptive ? performance.now() : 0;
    let failed: unknown;
    // This thread's own chunks first (the first C/T: the output blocks it computed in the last call of this size), then
    // any a worker has not claimed, from the last (the farthest from where the workers start).
    const own = Math.max(1, Math.floor(C / this.active));
    let mine = 0;
    for (let k = 0; k < C; k++) {
      const c = k < own ? k : C - 1 - (k - own);
      if (Atomics.load(i32, w + FLAGS_WORD + c) !== 0 || Atomics.compareExchange(i32, w + FLAGS_WORD + c, 0, 1) !== 0) continue;
      try { fn(...chunks[c]); } catch (e) { failed ??= e; }
      Atomics.add(i32, w + 16, 1);
      mine++;
    }
    const t1 = performance.now();
    for (let k = 0, d = Atomics.load(i32, w + 16); d < C; k++, d = Atomics.load(i32, w + 16)) {
      if ((k & 1023) !== 1023 || performance.now() - t1 < WAIT_SPIN_MS) continue;
      if (this.broken) throw new Error(`simdnet: a kernel worker thread ended (${this.broken}); call releaseThreads() and go on with one thread`);
      if (!this.canWait) continue; // a page's main thread cannot sleep (Atomics.wait throws there): it polls
      Atomics.store(i32, w + 17, 1);
      Atomics.wait(i32, w + 16, d, 5);
      Atomics.store(i32, w + 17, 0);
    }
    // A call the workers took no part in counts as late only when none was asleep: waking one takes from tens of µs to
    // a millisecond (an idle virtual CPU), longer than many calls last, and costs this thread nothing.
    if (this.adaptive) this.pace(t1 - t0, performance.now() - t1, mine === C && !asleep);
    if (failed !== undefined) throw failed;
    if (Atomics.exchange(i32, w + 18, 0) !== 0) throw new Error(`simdnet: kernel ${f} failed on a worker thread`);
    return undefined;
  }

  /**
   * Politeness on a busy machine, from the time split calls lose: the calling thread's wait for chunks a worker
   * claimed, and the share a worker should have taken of a call it took no part in (spinning, so it had no core: a
   * sleeping one is woken, which takes from tens of µs to a millisecond on an idle virtual CPU, and costs nothing). Both
   * sums decay by LOSS_DECAY per call (about the last 200 calls count, so one stall of a virtual CPU, every few hundred
   * calls here, does not decide alone). Once over LOSS_SHARE of the time, the workers
   * are not getting a core (another job has it) and the next calls run here alone, the workers asleep: BACKOFF_CALLS,
   * twice as many each time the threads lose again within CALM_CALLS calls of a retry (a machine that stays busy costs
   * a few slow calls per thousands), up to 64 · 2^6. Not seen: this thread's own time off its core (a busy machine
   * takes it from both threads), for want of a per-thread CPU clock in JavaScript.
   */
  private pace(own: number, waited: number, alone: boolean): void {
    this.lost = this.lost * LOSS_DECAY + waited + (alone ? (own * (this.active - 1)) / this.active : 0);
    this.spent = this.spent * LOSS_DECAY + own + waited;
    if (this.spent > LOSS_EVIDENCE_MS && this.lost > LOSS_SHARE * this.spent) {
      this.lost = this.spent = this.calm = 0;
      this.skip = BACKOFF_CALLS << this.level;
      this.level = Math.min(BACKOFF_LEVELS, this.level + 1);
      this.backoffs++;
    } else if (++this.calm >= CALM_CALLS) this.level = this.calm = 0;
  }

  async release(): Promise<void> {
    Atomics.store(this.i32, this.w + 5, 1);
    Atomics.notify(this.i32, this.w);
    await Promise.all(this.workers.map((wk) => wk.terminate()));
    this.workers.length = 0;
    this.active = 1;
  }
}

/** Node's worker_threads running the claim loop (NODE_WORKER_SOURCE), started one after another; never keep a process alive. */
const spawnNodeWorkers: SpawnWorkers = async (n, data, broken) => {
  const { Worker } = await workerThreads();
  const workers: NodeWorker[] = [];
  try {
    for (let w = 0; w < n; w++) {
      // execArgv []: no loaders or --input-type from the parent (the source is a plain script).
      const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ...data, id: w + 1 } });
      workers.push(worker);
      await new Promise<void>((ok, fail) => {
        worker.once('message', () => ok());
        worker.once('error', (e) => fail(e as Error));
      });
      worker.unref(); // never keeps the process alive
    }
  } catch (e) {
    await Promise.all(workers.map((wk) => wk.terminate()));
    throw e;
  }
  for (const wk of workers) wk.on('error', (e) => broken(String((e as Error)?.message ?? e)));
  return workers;
};

/**
 * How this runtime starts kernel workers, or undefined (one thread): Node, Deno and Bun (worker_threads); browsers
 * in a cross-origin-isolated page or worker (Web Workers, threads-web.ts, loaded only then). Edge runtimes: none.
 */
async function workerHost(): Promise<{ spawn: SpawnWorkers; canWait: boolean } | undefined> {
  const g = globalThis as { SharedArrayBuffer?: unknown; Worker?: unknown; crossOriginIsolated?: boolean; process?: { versions?: { node?: unknown } } };
  if (typeof g.SharedArrayBuffer !== 'function') return undefined;
  if (typeof g.process?.versions?.node === 'string') return { spawn: spawnNodeWorkers, canWait: true };
  if (g.crossOriginIsolated !== true || typeof g.Worker !== 'function') return undefined;
  const web = await import('./threads-web.js');
  return { spawn: web.spawnWebWorkers, canWait: web.canWait() };
}

/**
 * A backend over the threaded module: one shared memory, the calling thread's instance, and `threads` − 1 workers
 * ('auto' or undefined: one per core, at most 16; 1 where worker threads are unavailable). Its exports dispatch the kernels that
 * split to the pool, and conv2dWorkspaceBytes plans one slice per thread, so the typed wrappers stay as they are.
 * `arenaClass` is memory.ts's Arena, given by module.ts (which loads this file when a module imports its memory).
 */
export async function startThreads(module: WebAssembly.Module, threads: number | 'auto' | undefined, arenaClass: typeof Arena): Promise<Omit<Backend, 'info'>> {
  const host = await workerHost();
  const count = !host ? 1 : threads === undefined || threads === 'auto' ? Math.min(16, await cores()) : threads;
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
  const raw = { ...new WebAssembly.Instance(module, { env: { memory } }).exports, memory } as unknown as KernelExports;
  const arena = new arenaClass(memory, raw.heapBase());
  const gemmWork = arena.alloc(raw.gemmWorkspaceBytes(), 'gemmWorkspace');
  if (!host || count <= 1) return { exports: raw, arena, gemmWork, debug: false };
  const block = arena.alloc(BLOCK_BYTES, 'thread command block');
  arena.u8.fill(0, block, block + BLOCK_BYTES);
  new Int32Array(memory.buffer, block, FLAGS_WORD + MAX_CHUNKS + 1).fill(1, FLAGS_WORD); // every chunk claimed: none published
  const works = [gemmWork];
  for (let c = 1; c < count * CHUNKS_PER_THREAD; c++) works.push(arena.alloc(raw.gemmWorkspaceBytes(), `gemmWorkspace of chunk ${c}`));
  const names = Object.keys(raw).filter((k) => typeof (raw as unknown as Record<string, unknown>)[k] === 'function');
  // A worker that dies later marks the pool broken (the hook runs from an event, after the pool exists).
  new Int32Array(memory.buffer, block)[6] = SPIN_US;
  const workers = await host.spawn(count - 1, { memory, module, block, names }, (why) => { pool.broken = why; });
  const pool = new Pool(raw, memory, block, workers, names, works, host.canWait);
  const exports: Record<string, unknown> = { ...raw };
  for (const name of [...Object.keys(SPLITS), 'conv2dBackpropFilter'] as KernelName[]) exports[name] = (...a: number[]) => pool.run(name, a);
  exports.conv2dWorkspaceBytes = (...a: Parameters<KernelExports['conv2dWorkspaceBytes']>) => pool.convWorkBytes(raw.conv2dWorkspaceBytes(...a), a);
  return { exports: exports as unknown as KernelExports, arena, gemmWork, debug: false, threads: pool };
}
