// Typed wrappers for the random, dropout, batchnorm and maxout kernels: check offsets, sizes and scalar arguments,
// then call the module. No math here. Offsets are byte addresses in linear memory; sizes are element counts.
import { backend } from './module.js';
import { bad, count, finite, optionalSpan, span, u32, type Ptr } from './checks.js';

/** Where a draw comes from: the 64-bit seed as two u32 halves, a u32 stream id, and the word offset (< 2^53). */
export interface Draw { seedLo: number; seedHi: number; stream: number; offset: number }

function draw(kernel: string, d: Draw, n: number): void {
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

/** Inverted dropout: mask [n] (float32, 1/(1 − rate) or 0) from words offset + i; y = x·mask. y may alias x. */
export function dropout(x: Ptr, y: Ptr, mask: Ptr, n: number, rate: number, d: Draw): void {
  const k = 'dropout';
  count(k, 'n', n); span(k, 'x', x, n); span(k, 'y', y, n); span(k, 'mask', mask, n); draw(k, d, n);
  if (!(rate >= 0 && rate < 1)) bad(k, `rate = ${rate} must be in [0, 1)`);
  if (mask === x || mask === y) bad(k, 'mask must not alias x or y');
  backend().exports.dropout(x, y, mask, n, rate, d.seedLo, d.seedHi, d.stream, d.offset);
}

/** dx = dy·mask. */
export function dropoutGrad(dy: Ptr, mask: Ptr, dx: Ptr, n: number): void {
  const k = 'dropoutGrad';
  count(k, 'n', n); span(k, 'dy', dy, n); span(k, 'mask', mask, n); span(k, 'dx', dx, n);
  backend().exports.dropoutGrad(dy, mask, dx, n);
}

export interface BatchNormTrainArgs {
  x: Ptr; y: Ptr; M: number; C: number; gamma: Ptr; beta: Ptr; eps: number; momentum: number;
  saveMean: Ptr; saveInvStd: Ptr;
  /** Running statistics updated in place; 0 skips the update. */
  runMean: Ptr; runVar: Ptr;
}

function epsilon(k: string, eps: number): void {
  if (!(Number.isFinite(eps) && Math.fround(eps) > 0)) bad(k, `eps = ${eps} must be a positive float32`);
}

/** Training forward over x viewed as [M, C]: batch statistics saved, running statistics updated, y written. */
export function batchNormTrain(a: BatchNormTrainArgs): void {
  const k = 'batchNormTrain';
  count(k, 'M', a.M, 1); count(k, 'C', a.C, 1); epsilon(k, a.eps);
  if (!(a.momentum >= 0 && a.momentum <= 1)) bad(k, `momentum = ${a.momentum} must be in [0, 1]`);
  const n = a.M * a.C;
  span(k, 'x', a.x, n); span(k, 'y', a.y, n); span(k, 'gamma', a.gamma, a.C); span(k, 'beta', a.beta, a.C);
  span(k, 'saveMean', a.saveMean, a.C); span(k, 'saveInvStd', a.saveInvStd, a.C);
  optionalSpan(k, 'runMean', a.runMean, a.C); optionalSpan(k, 'runVar', a.runVar, a.C);
  backend().exports.batchNormTrain(a.x, a.y, a.M, a.C, a.gamma, a.beta, a.eps, a.momentum, a.saveMean, a.saveInvStd,
    a.runMean, a.runVar);
}

/** Inference forward with running statistics. x, y: [M, C]; gamma, beta, runMean, runVar: [C]. */
export function batchNormInfer(x: Ptr, y: Ptr, M: number, C: number, gamma: Ptr, beta: Ptr, runMean: Ptr, runVar: Ptr,
  eps: number): void {
  const k = 'batchNormInfer';
  count(k, 'M', M, 1); count(k, 'C', C, 1); epsilon(k, eps);
  span(k, 'x', x, M * C); span(k, 'y', y, M * C); span(k, 'gamma', gamma, C); span(k, 'beta', beta, C);
  span(k, 'runMean', runMean, C); span(k, 'runVar', runVar, C);
  backend().exports.batchNormInfer(x, y, M, C, gamma, beta, runMean, runVar, eps);
}

/** Backward: dx overwritten, dgamma and dbeta accumulated (+=). x, dy, dx: [M, C]; the rest [C]. */
export function batchNormGrad(x: Ptr, dy: Ptr, dx: Ptr, M: number, C: number, gamma: Ptr, saveMean: Ptr, saveInvStd: Ptr,
  dgamma: Ptr, dbeta: Ptr): void {
  const k = 'batchNormGrad';
  count(k, 'M', M, 1); count(k, 'C', C, 1);
  span(k, 'x', x, M * C); span(k, 'dy', dy, M * C); span(k, 'dx', dx, M * C);
  span(k, 'gamma', gamma, C); span(k, 'saveMean', saveMean, C); span(k, 'saveInvStd', saveInvStd, C);
  span(k, 'dgamma', dgamma, C); span(k, 'dbeta', dbeta, C);
  backend().exports.batchNormGrad(x, dy, dx, M, C, gamma, saveMean, saveInvStd, dgamma, dbeta);
}

/** Maxout over groups of k: x [M, C·k] → y [M, C] and the first maximum's index arg [M, C] (int32, 0..k−1). */
export function maxout(x: Ptr, y: Ptr, arg: Ptr, M: number, C: number, k: number): void {
  const kn = 'maxout';
  count(kn, 'M', M); count(kn, 'C', C); count(kn, 'k', k, 1);
  span(kn, 'x', x, M * C * k); span(kn, 'y', y, M * C); span(kn, 'arg', arg, M * C);
  backend().exports.maxout(x, y, arg, M, C, k);
}

/** dx [M, C·k] = dy routed to each group's saved maximum, zero elsewhere. arg must come from maxout with the same k. */
export function maxoutGrad(dy: Ptr, arg: Ptr, dx: Ptr, M: number, C: number, k: number): void {
  const kn = 'maxoutGrad';
  count(kn, 'M', M); count(kn, 'C', C); count(kn, 'k', k, 1);
  span(kn, 'dy', dy, M * C); span(kn, 'arg', arg, M * C); span(kn, 'dx', dx, M * C * k);
  backend().exports.maxoutGrad(dy, arg, dx, M, C, k);
}
