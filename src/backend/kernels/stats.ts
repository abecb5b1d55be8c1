// Typed wrappers of assembly/stats.ts (training-diagnostics statistics: tensor moments and extremes, histograms,
// per-column positive/saturated counts, Σ(a − b)²): check sizes, offsets and options, then call the module. The only
// arithmetic is tensorStats turning the kernel's eight float64 slots into means and norms.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';

/** float64 slots tensorStats writes: [finite count, Σx, Σx², min, max, zeros, non-finite count, Σ|x|]. */
export const TENSOR_STATS_SLOTS = 8;
/** The largest histogram bin count. */
export const MAX_HISTOGRAM_BINS = 4096;

/** What tensorStats reports of x[0..n). Sums, min and max cover the finite values only. */
export interface TensorStats {
  /** Elements of x (finite or not). */
  n: number;
  /** Finite elements. */
  count: number;
  /** Σx / count (NaN when count = 0). */
  mean: number;
  /** Population standard deviation √max(0, Σx²/count − mean²) (NaN when count = 0). */
  std: number;
  /** Of the finite values; +Infinity / −Infinity when there are none. */
  min: number;
  max: number;
  /** √Σx². */
  l2: number;
  /** Elements equal to ±0, over n (NaN when n = 0). */
  zeroFraction: number;
  /** NaN and ±Inf elements. */
  nonFinite: number;
  /** Σ|x| / count (NaN when count = 0). */
  meanAbs: number;
  /** The raw float64 sums and the zero count, so several results pool exactly. */
  sum: number;
  sumSquares: number;
  sumAbs: number;
  zeros: number;
}

/** The TensorStats of the eight slots (as tensorStats leaves them in out) for n elements. */
export function statsFromSlots(s: ArrayLike<number>, n: number): TensorStats {
  const c = s[0], sum = s[1], sumSquares = s[2], zeros = s[5], sumAbs = s[7];
  const mean = c > 0 ? sum / c : NaN;
  const std = c > 0 ? Math.sqrt(Math.max(0, sumSquares / c - mean * mean)) : NaN;
  return {
    n, count: c, mean, std, min: s[3], max: s[4], l2: Math.sqrt(sumSquares), zeroFraction: n > 0 ? zeros / n : NaN,
    nonFinite: s[6], meanAbs: c > 0 ? sumAbs / c : NaN, sum, sumSquares, sumAbs, zeros,
  };
}

/**
 * Statistics of x: [n]. out, when given, is a block of 8 float64 (64 bytes, 8-byte aligned) left holding the raw slots
 * (TENSOR_STATS_SLOTS); without it a temporary block is taken from the arena and returned.
 */
export function tensorStats(x: Ptr, n: number, out?: Ptr): TensorStats {
  const k = 'tensorStats';
  count(k, 'n', n);
  span(k, 'x', x, n);
  const arena = backend().arena;
  const own = out === undefined;
  if (!own) {
    span(k, 'out', out, 2 * TENSOR_STATS_SLOTS);
    if (out % 8 !== 0) bad(k, `out offset ${out} is not 8-byte aligned (it holds float64 slots)`);
  }
  const o = own ? arena.alloc(8 * TENSOR_STATS_SLOTS, 'tensorStats slots') : out;
  try {
    backend().exports.tensorStats(x, n, o);
    return statsFromSlots(new Float64Array(arena.u8.buffer, o, TENSOR_STATS_SLOTS), n);
  } finally {
    if (own) arena.release(o);
  }
}

/**
 * counts: int32 [bins] (+)= how many finite x: [n] fall in each of bins equal bins over [lo, hi): bin
 * floor(bins·(x − lo)/(hi − lo)) in exact arithmetic, x < lo in bin 0, x ≥ hi in the last; NaN and ±Inf not counted.
 * lo and hi are rounded to float32 first and must then be finite with lo < hi; 1 ≤ bins ≤ 4096. accumulate adds into
 * counts (int32, wrapping past 2^31 − 1), otherwise overwrites them.
 */
export function histogram(x: Ptr, n: number, lo: number, hi: number, bins: number, counts: Ptr,
  accumulate = false): void {
  const k = 'histogram';
  count(k, 'n', n);
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_HISTOGRAM_BINS) {
    bad(k, `bins = ${bins} must be an integer in [1, ${MAX_HISTOGRAM_BINS}]`);
  }
  const lo32 = Math.fround(lo), hi32 = Math.fround(hi);
  if (!Number.isFinite(lo32) || !Number.isFinite(hi32)) {
    bad(k, `lo = ${lo} and hi = ${hi} must be finite float32 values`);
  }
  if (!(lo32 < hi32)) bad(k, `lo = ${lo} must be below hi = ${hi} as float32 values (${lo32} vs ${hi32})`);
  span(k, 'x', x, n);
  span(k, 'counts', counts, bins);
  backend().exports.histogram(x, n, lo32, hi32, bins, counts, accumulate ? 1 : 0);
}

function columnSpans(k: string, x: Ptr, rows: number, cols: number, counts: Ptr): void {
  count(k, 'rows', rows); count(k, 'cols', cols);
  span(k, 'x', x, rows * cols);
  span(k, 'counts', counts, cols);
}

/** counts: int32 [cols] += the number of rows r with x[r, c] > 0 (NaN never counts). x: [rows, cols]. */
export function columnsPositive(x: Ptr, rows: number, cols: number, counts: Ptr): void {
  columnSpans('columnsPositive', x, rows, cols, counts);
  backend().exports.columnsPositive(x, rows, cols, counts);
}

/**
 * counts: int32 [cols] += the number of rows r with |x[r, c]| > t (NaN never counts). x: [rows, cols]; t is rounded to
 * float32 and must be finite and ≥ 0.
 */
export function columnsBeyond(x: Ptr, rows: number, cols: number, t: number, counts: Ptr): void {
  const k = 'columnsBeyond';
  const t32 = Math.fround(t);
  if (!(Number.isFinite(t32) && t32 >= 0)) bad(k, `t = ${t} must be finite and ≥ 0 (as a float32 value)`);
  columnSpans(k, x, rows, cols, counts);
  backend().exports.columnsBeyond(x, rows, cols, t32, counts);
}

/** Σ (a[i] − b[i])² over a, b: [n], in float64 (each difference and square too), in the kernels' fixed order. */
export function diffSquares(a: Ptr, b: Ptr, n: number): number {
  count('diffSquares', 'n', n);
  span('diffSquares', 'a', a, n); span('diffSquares', 'b', b, n);
  return backend().exports.diffSquares(a, b, n);
}
