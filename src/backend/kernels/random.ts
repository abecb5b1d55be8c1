// Typed wrappers of assembly/random.ts (the Philox4x32-10 counter-based generator: bits, uniform, normal, truncated
// normal, permutations): check offsets, sizes and the draw's seed/stream/offset, then call the module.
import { backend } from '../module.js';
import { bad, count, finite, span, u32, type Ptr } from '../checks.js';

/** Where a draw comes from: the 64-bit seed as two u32 halves, a u32 stream id, and the word offset (< 2^53). */
export interface Draw { seedLo: number; seedHi: number; stream: number; offset: number }

/** Checks a draw's seed halves, stream and word offset (offset + n stays below 2^53). */
export function draw(kernel: string, d: Draw, n: number): void {
  u32(kernel, 'seedLo', d.seedLo); u32(kernel, 'seedHi', d.seedHi); u32(kernel, 'stream', d.stream);
  if (!Number.isSafeInteger(d.offset) || d.offset < 0 || !Number.isSafeInteger(d.offset + n)) {
    bad(kernel, `offset = ${d.offset} must be an integer with offset + n ≤ 2^53`);
  }
}

/** out[i] = word offset + i of the Philox stream (as int32 bits). out: [n]. */
export function randomBits(out: Ptr, n: number, d: Draw): void {
  const k = 'randomBits';
  count(k, 'n', n); span(k, 'out', out, n); draw(k, d, n);
  backend().exports.randomBits(out, n, d.seedLo, d.seedHi, d.stream, d.offset);
}

/** out[i] uniform in [lo, hi) from word offset + i. out: [n]; lo < hi, both finite. */
export function randomUniform(out: Ptr, n: number, d: Draw, lo: number, hi: number): void {
  const k = 'randomUniform';
  count(k, 'n', n); span(k, 'out', out, n); draw(k, d, n); finite(k, 'lo', lo); finite(k, 'hi', hi);
  if (!(Math.fround(lo) < Math.fround(hi))) bad(k, `lo = ${lo} must be below hi = ${hi} in float32`);
  backend().exports.randomUniform(out, n, d.seedLo, d.seedHi, d.stream, d.offset, lo, hi);
}

/** out[i] = mean + std·z, z standard normal (Box–Muller) from the words of element offset + i. out: [n]. */
export function randomNormal(out: Ptr, n: number, d: Draw, mean: number, std: number): void {
  const k = 'randomNormal';
  count(k, 'n', n); span(k, 'out', out, n); draw(k, d, n); finite(k, 'mean', mean); finite(k, 'std', std);
  backend().exports.randomNormal(out, n, d.seedLo, d.seedHi, d.stream, d.offset, mean, std);
}

/** randomNormal with every value outside mean ± 2·|std| redrawn (Keras' truncated normal). out: [n]. */
export function randomTruncatedNormal(out: Ptr, n: number, d: Draw, mean: number, std: number): void {
  const k = 'randomTruncatedNormal';
  count(k, 'n', n); span(k, 'out', out, n); draw(k, d, n); finite(k, 'mean', mean); finite(k, 'std', std);
  if (!Number.isSafeInteger(d.offset + n + 64 * 2 ** 40)) bad(k, `offset = ${d.offset} leaves no room for redraws`);
  backend().exports.randomTruncatedNormal(out, n, d.seedLo, d.seedHi, d.stream, d.offset, mean, std);
}

/** out = a random permutation of 0..n−1 (int32). Returns the number of stream words used from offset. */
export function randomPermutation(out: Ptr, n: number, d: Draw): number {
  const k = 'randomPermutation';
  count(k, 'n', n); span(k, 'out', out, n); draw(k, d, 0);
  // Words used: n − 1 plus rare rejections; the offset after them must stay below 2^53.
  if (!Number.isSafeInteger(d.offset + 2 * n)) bad(k, `offset = ${d.offset} leaves no room for the draws`);
  return backend().exports.randomPermutation(out, n, d.seedLo, d.seedHi, d.stream, d.offset);
}
