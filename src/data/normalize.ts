// Normalisation of loaded data on the module's kernels: `scale` divides bytes by 255 (to [0, 1]), `standardize` maps
// each channel (the innermost axis, NHWC) to (x − mean) / std. The numbers applied are returned, to reuse on test data.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { empty, tensor, untracked, type Tensor } from '../ops/tensor.js';
import { checkBoolean, checkOptions, checkTensor, describe } from './checks.js';

/** Per-channel mean and standard deviation to standardize with. */
export interface Standardize { mean: readonly number[]; std: readonly number[] }

/** Options every loader takes: scale bytes to [0, 1], and standardize per channel. */
export interface NormalizeOptions {
  /** Divide by 255 (bytes to [0, 1]) before standardizing. */
  scale?: boolean;
  /**
   * Per channel (x − mean) / std, after scaling; one number serves every channel. 'fit': the mean and the population
   * std of these data (a constant channel gets std 1), returned in the Normalization to apply to test data.
   */
  standardize?: Standardize | 'fit';
}

/** What was applied, with the numbers (float32 values): pass it as the options when loading test data. */
export interface Normalization { scale: boolean; standardize?: { mean: number[]; std: number[] } }

// Rows per partial sum of the statistics: float32 sums over at most this many values, then added in float64.
const CHUNK_ROWS = 4096;

/**
 * A normalised copy of the float32 tensor x, channels innermost (NHWC, or features): given numbers apply per channel
 * (one number, or one per channel with x's last axis a multiple of their count); 'fit' treats x's last axis as the
 * channels. Returns the copy and the numbers, e.g. to apply a training set's statistics to new data.
 */
export function normalize(x: Tensor, options: NormalizeOptions): { x: Tensor; normalization: Normalization } {
  checkTensor('data.normalize', 'x', x);
  if (x.dtype !== 'float32' || x.rank === 0) throw new TypeError(`data.normalize: x must be a float32 tensor of rank ≥ 1, got ${x.toString()}`);
  options = checkOptions('data.normalize', options, ['scale', 'standardize']);
  checkNormalizeOptions('data.normalize', options);
  const std = options.standardize;
  const last = x.shape[x.rank - 1];
  const C = std === undefined || std === 'fit' ? last : Math.max(1, std.mean.length, std.std.length);
  if (last % C !== 0) throw new RangeError(`data.normalize: ${C} channels do not divide the last axis of ${x.toString()}`);
  const out = empty(x.shape, 'float32', `normalize(${x.name})`);
  try {
    kern.copy(x.ptr, out.ptr, x.size);
    return { x: out, normalization: normalizeInPlace(out, options, C, 'data.normalize') };
  } catch (e) { out.dispose(); throw e; }
}

/** Checks the types of `scale` and `standardize` in a loader's options (fn names the loader); counts come later. */
export function checkNormalizeOptions(fn: string, o: NormalizeOptions): void {
  checkBoolean(fn, 'options.scale', o.scale);
  const s = o.standardize;
  if (s === undefined || s === 'fit') return;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.mean) || !Array.isArray(s.std)) {
    throw new TypeError(`${fn}: options.standardize must be 'fit' or { mean: number[], std: number[] }, got ${describe(s)}`);
  }
}

/**
 * Applies the options to the float32 tensor x in place, x viewed as [M, C] with C = `channels` (so C must divide
 * x.size). `where` prefixes errors. Returns the numbers applied.
 */
export function normalizeInPlace(x: Tensor, options: NormalizeOptions, channels: number, where: string): Normalization {
  const std = options.standardize;
  const C = channels;
  if (x.dtype !== 'float32' || x.size % C !== 0) throw new Error(`${where}: cannot normalise ${x.toString()} by ${C} channels`);
  if (options.scale !== undefined && typeof options.scale !== 'boolean') throw new TypeError(`${where}: scale must be true or false, got ${describe(options.scale)}`);
  const given = std === undefined || std === 'fit' ? undefined : checkStandardize(std, C, where);
  if (options.scale) kern.scale(x.ptr, 1 / 255, x.ptr, x.size); // × float32(1/255): 255 → exactly 1, others within 1 ulp of float32(b/255)
  if (std === undefined) return { scale: options.scale === true };
  const stats = given ?? channelStats(x, C);
  const inv = stats.std.map((s) => 1 / s); // C numbers, once; the data see only kernels
  perChannel('sub', x, stats.mean, C);
  perChannel('mul', x, inv, C);
  return { scale: options.scale === true, standardize: stats };
}

/** Checks user numbers: finite means, positive finite stds, one or C of each. Returns them as float32 per channel. */
function checkStandardize(s: Standardize, C: number, where: string): { mean: number[]; std: number[] } {
  if (typeof s !== 'object' || s === null || !Array.isArray(s.mean) || !Array.isArray(s.std)) {
    throw new TypeError(`${where}: standardize must be 'fit' or { mean: number[], std: number[] }, got ${describe(s)}`);
  }
  const expand = (field: 'mean' | 'std', v: readonly number[]): number[] => {
    if (v.length !== 1 && v.length !== C) throw new RangeError(`${where}: standardize.${field} has ${v.length} values; expected ${C === 1 ? '1' : `1 or ${C}`} (one per channel)`);
    v.forEach((e, i) => {
      const ok = field === 'mean' ? Number.isFinite(e) : Number.isFinite(e) && Math.fround(e) > 0;
      if (!ok) throw new RangeError(`${where}: standardize.${field}[${i}] = ${e} must be ${field === 'mean' ? 'finite' : 'a positive finite number'}`);
    });
    return Array.from({ length: C }, (_, c) => Math.fround(v.length === 1 ? v[0] : v[c]));
  };
  return { mean: expand('mean', s.mean), std: expand('std', s.std) };
}

/** x[m, c] = x[m, c] op values[c] over x viewed as [M, C]. */
function perChannel(kind: 'sub' | 'mul', x: Tensor, values: readonly number[], C: number): void {
  const v = untracked(() => tensor(values, [C]));
  try { kern.binaryRows(kind, x.ptr, v.ptr, x.ptr, x.size / C, C); } finally { v.dispose(); }
}

/** Per-channel mean and population std of x viewed as [M, C]: float32 partial sums on the kernels, added in float64. */
function channelStats(x: Tensor, C: number): { mean: number[]; std: number[] } {
  const M = x.size / C;
  const mean = columnSums(x, C).map((s) => Math.fround(s / M));
  const std = columnSums(x, C, mean).map((s) => Math.fround(Math.sqrt(s / M)) || 1);
  return { mean, std };
}

// Per channel, Σ over the rows of x, or of (x − center)² when center is given.
function columnSums(x: Tensor, C: number, center?: number[]): number[] {
  const M = x.size / C, n = Math.min(CHUNK_ROWS, M);
  const out = new Array<number>(C).fill(0);
  const [part, tmp, mid] = untracked(() => [empty([C]), empty([n * C]), tensor(center ?? out, [C])]);
  try {
    for (let row = 0; row < M; row += n) {
      const rows = Math.min(n, M - row);
      let src = x.ptr + row * C * 4;
      if (center) {
        kern.binaryRows('sub', src, mid.ptr, tmp.ptr, rows, C);
        kern.binary('mul', tmp.ptr, tmp.ptr, tmp.ptr, rows * C);
        src = tmp.ptr;
      }
      kern.reduceSum(src, part.ptr, 1, rows, C);
      const p = backend().arena.f32, o = part.ptr >>> 2;
      for (let c = 0; c < C; c++) out[c] += p[o + c];
    }
  } finally { part.dispose(); tmp.dispose(); mid.dispose(); }
  return out;
}
