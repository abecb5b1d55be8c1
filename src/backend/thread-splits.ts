// How the threads split each kernel call (src/backend/threads.ts runs the chunks): into output blocks (GEMM rows or
// column panels of C; conv forward and backprop to the input by images; im2col by pixels; pooling by images;
// elementwise and optimizer updates by element ranges) or, for the filter gradient, into the products of its pixel
// blocks (added in block order after) or bands of filter rows; and the size thresholds below which a call stays whole.
// Every float operation happens in the single-thread order: the same bits for any thread count.
import type { ThreadedKernelExports } from './exports.js';
import type { FunctionNames, KernelName } from './backend-types.js';

/**
 * Work (multiply-adds, or elements for memory-bound kernels) below which a call stays on the calling thread; measured
 * with bench/threads-crossover.ts on 2 cores: square GEMMs split paid from about 110k multiply-adds (the threshold is
 * 2·MIN_MACS), copy from 131k–262k elements, Adam from 32k (ROOT_DIVIDE), tanh from 8k (TRANSCENDENTAL).
 */
export const MIN_MACS = 1 << 17;
export const MIN_ELEMENTS = 1 << 17;
/** Work (multiply-adds or equivalent) from which a call wakes sleeping workers: about 50–100 µs on one thread. */
export const WAKE_WORK = 1 << 20;
/** Elementwise ranges start at multiples of this many elements (whole unrolled vector blocks: the same tails). */
const ELEMENT_ALIGN = 64;
/**
 * Chunks per thread for calls whose chunks cost nothing extra (elementwise, pooling, conv forward by images): a
 * descheduled worker then holds up little. GEMM and the conv backward passes use one chunk per thread (each chunk packs
 * a shared operand, or forms im2col, again).
 */
export const CHUNKS_PER_THREAD = 4;

/** What the filter gradient's split needs of the pool: the threads working, a call split as usual, chunks run as given. */
export interface ChunkRunner {
  readonly count: number;
  run(name: KernelName, args: number[]): unknown;
  runChunks(name: ThreadedKernelName, chunks: Chunks): unknown;
}
/** The kernels the threads run: every kernel, and the threaded modules' own (ThreadedKernelExports). */
export type ThreadedKernelName = FunctionNames<ThreadedKernelExports>;

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
export type Chunks = number[][] & { work?: number };
const withWork = (chunks: number[][], work: number): Chunks => Object.assign(chunks, { work });

export interface SplitContext {
  /** The size thresholds in force (MIN_MACS, MIN_ELEMENTS unless a test lowers them to split the smallest calls). */
  minMacs: number;
  minElements: number;
  /** Work from which a call wakes sleeping workers (smaller ones go to workers that are spinning, if any). */
  wakeWork: number;
  /** GEMM workspace of chunk i (CHUNKS_PER_THREAD per thread; 0: the backend's gemmWork): chunks run at once never share one. */
  gemmWork: number[];
  exports: ThreadedKernelExports;
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
  ctx.convSlice(ctx.exports.conv2dWorkspaceBytes(...(geo as Parameters<ThreadedKernelExports['conv2dWorkspaceBytes']>)));

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

// A 1×1, stride-1, unpadded convolution (conv2d.ts's isPointwise): its filter gradient is one GEMM.
const isPointwise = (geo: number[]): boolean => {
  const [, , , , , kh, kw, sH, sW, , , pT, pB, pL, pR] = geo;
  return kh === 1 && kw === 1 && sH === 1 && sW === 1 && pT + pB + pL + pR === 0;
};

/**
 * The filter gradient's pixel blocks for these 15 geometry arguments when it splits by them (conv2dBackpropFilterBlocks:
 * one product per GEMM K block of pixels, added to dw in block order), else 0: 1×1 pointwise geometries (a plain GEMM),
 * one block, or more partial products than BLOCK_PARTIALS_MAX.
 */
function filterBlocks(exports: ThreadedKernelExports, geo: number[]): number {
  const [, , , Cin, Cout, kh, kw] = geo, KC = kh * kw * Cin * Cout;
  if (isPointwise(geo) || KC < 2) return 0;
  const blocks = exports.conv2dBackpropFilterBlocks(0, 0, 0, 0, 0, 0, 0, ...(geo as [number, number, number, number, number, number,
    number, number, number, number, number, number, number, number, number]));
  return blocks >= 2 && blocks * KC <= BLOCK_PARTIALS_MAX ? blocks : 0;
}

/** Bytes of the filter gradient's per-block products a conv workspace holds after its slices (0: no split by blocks). */
export function filterPartialBytes(exports: ThreadedKernelExports, geo: number[]): number {
  const [, , , Cin, Cout, kh, kw] = geo;
  return filterBlocks(exports, geo) * kh * kw * Cin * Cout * 4;
}

// conv2dBackpropFilter(x, dy, dw, db, work, gemmWork, …geometry), three ways, each giving every dw element the bits of
// one thread (which is what keeps a reduction over pixels splittable): by pixel blocks (the products of each thread's
// blocks of pixels, its own images, into the partials after the workspace slices, then added to dw in block order by
// reduceSum on the calling thread); by bands of filter rows (dw [K, Cout], each thread forming im2col for its band and
// summing its rows over every pixel in the one order: conv2dBackpropFilterBand) when the partials would take too much
// memory; 1×1 pointwise geometries as one GEMM, split as GEMMs. db after, on the calling thread. False: run it whole.
export function backpropFilterSplit(pool: ChunkRunner, g: number[], ctx: SplitContext): boolean {
  const [x, dy, dw, db, work, gemmWork] = g, geo = g.slice(6), d = convDims(geo);
  if (d.N * d.OHOW * d.Cout * d.K < ctx.minMacs * 2) return false;
  const Cin = geo[3], Cout = geo[4], NPix = d.N * d.OHOW;
  if (isPointwise(geo)) {
    pool.run('gemm', [1, 0, Cin, Cout, NPix, 1, x, Cin, dy, Cout, 1, dw, Cout, gemmWork, 0]);
  } else {
    const blocks = filterBlocks(ctx.exports, geo);
    // (With fewer filter rows than BAND_MIN_K, bands ran 0.79× of one thread on LeNet's first layer: each band still
    // runs the whole per-pixel im2col loop for a few floats per pixel. Those run whole.)
    if (blocks === 0 && d.K < BAND_MIN_K) return false;
    const slice = convSliceOf(ctx, geo);
    if (blocks > 0) {
      const partials = work + slice * ctx.slices;
      pool.runChunks('conv2dBackpropFilterBlocks', ranges(blocks, 1, pool.count).map(([b0, b1], i) =>
        [x, dy, partials, work + i * slice, ctx.gemmWork[i], b0, b1, ...geo]));
      ctx.exports.reduceSum(partials, dw, 1, blocks, d.K * Cout, 1);
    } else {
      pool.runChunks('conv2dBackpropFilterBand', ranges(d.K, 4, pool.count).map(([k0, k1], i) =>
        [x, dy, dw, work + i * slice, ctx.gemmWork[i], k0, k1, ...geo]));
    }
  }
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

export const SPLITS: Partial<Record<KernelName, Split>> = {
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

