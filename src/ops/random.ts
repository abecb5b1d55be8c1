// Random tensors and dropout from the module's Philox4x32-10 stream: randomUniform, randomNormal, randomPermutation,
// dropout (y and its mask) and dropoutGrad. The same (seed, stream, offset) gives the same numbers in every runtime.
import * as kern from '../backend/kernels/index.js';
import { checkShape, empty, type Shape, type Tensor } from './tensor.js';
import { describe, floatArg, sameShape } from './check.js';

export interface RandomOptions {
  /** The generator's 64-bit key: a non-negative safe integer, or a bigint below 2^64. Required. */
  seed: number | bigint;
  /** A stream id (integer in [0, 2^32)): independent sequences under one seed, e.g. one per layer. Default 0. */
  stream?: number;
  /** The first word of the stream to use (element i reads word offset + i): draw in pieces by advancing it. Default 0. */
  offset?: number;
}

const TWO32 = 4294967296;

/** Stream ids reserved by the training loop and data helpers (layers take 1, 2, 3, … in build order). */
export const SHUFFLE_STREAM = 0x7fff0001;
export const SPLIT_STREAM = 0x7fff0002;

/** The generator position for a model seed (any safe integer ≥ 0) and a stream id. */
export function drawOf(seed: number, stream: number, offset = 0): kern.Draw {
  return { seedLo: seed >>> 0, seedHi: Math.floor(seed / TWO32) >>> 0, stream: stream >>> 0, offset };
}

/** Checks the options and splits the seed into the kernels' two u32 halves. */
function drawFromOptions(op: string, o: RandomOptions | undefined, where: string): kern.Draw {
  if (o === undefined || o === null || typeof o !== 'object') throw new TypeError(`${op}: options { seed } are required${where}`);
  const { seed, stream = 0, offset = 0 } = o;
  let seedLo: number, seedHi: number;
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 1n << 64n) throw new RangeError(`${op}: seed ${seed}${where} must be a bigint in [0, 2^64)`);
    seedLo = Number(seed & 0xffffffffn); seedHi = Number(seed >> 32n);
  } else if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) {
    seedLo = seed % TWO32; seedHi = Math.floor(seed / TWO32);
  } else {
    throw new RangeError(`${op}: seed ${String(seed)}${where} must be a non-negative safe integer or a bigint`);
  }
  if (!Number.isInteger(stream) || stream < 0 || stream >= TWO32) {
    throw new RangeError(`${op}: stream ${stream}${where} must be an integer in [0, 2^32)`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`${op}: offset ${offset}${where} must be a non-negative safe integer`);
  return { seedLo, seedHi, stream, offset };
}

function numberOpt(op: string, name: string, v: number, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${op}: ${name} ${String(v)}${where} must be a finite number`);
  return v;
}

/** A float32 tensor of the given shape, uniform in [lo, hi) (default [0, 1)): 24 random bits per value. */
export function randomUniform(shape: Shape, options: RandomOptions & { lo?: number; hi?: number }): Tensor {
  const op = 'randomUniform';
  checkShape(shape, `${op}: shape`);
  const where = ` (shape [${shape.join(', ')}])`;
  const d = drawFromOptions(op, options, where);
  const lo = numberOpt(op, 'lo', options.lo ?? 0, where), hi = numberOpt(op, 'hi', options.hi ?? 1, where);
  if (!(Math.fround(lo) < Math.fround(hi)) || !Number.isFinite(Math.fround(hi) - Math.fround(lo))) {
    throw new RangeError(`${op}: lo ${lo} and hi ${hi}${where} must satisfy lo < hi with hi − lo finite in float32`);
  }
  const t = empty(shape, 'float32', op);
  kern.randomUniform(t.ptr, t.size, d, lo, hi);
  return t;
}

/** A float32 tensor of the given shape, normal with the given mean (default 0) and std (default 1); |z| ≤ 5.77. */
export function randomNormal(shape: Shape, options: RandomOptions & { mean?: number; std?: number }): Tensor {
  const op = 'randomNormal';
  checkShape(shape, `${op}: shape`);
  const where = ` (shape [${shape.join(', ')}])`;
  const d = drawFromOptions(op, options, where);
  const mean = numberOpt(op, 'mean', options.mean ?? 0, where), std = numberOpt(op, 'std', options.std ?? 1, where);
  if (std < 0) throw new RangeError(`${op}: std ${std}${where} must be ≥ 0`);
  const t = empty(shape, 'float32', op);
  kern.randomNormal(t.ptr, t.size, d, mean, std);
  return t;
}

/** An int32 tensor [n] holding a uniformly random permutation of 0..n−1 (Fisher–Yates), and the stream words used. */
export function randomPermutation(n: number, options: RandomOptions): { indices: Tensor; wordsUsed: number } {
  const op = 'randomPermutation';
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${op}: n ${n} must be a positive integer`);
  const d = drawFromOptions(op, options, ` (n ${n})`);
  const t = empty([n], 'int32', op);
  const wordsUsed = kern.randomPermutation(t.ptr, n, d);
  return { indices: t, wordsUsed };
}

/**
 * Inverted dropout: each element is kept with probability 1 − rate and scaled by 1/(1 − rate), else zeroed.
 * Returns y and the float32 mask (1/(1 − rate) or 0) for dropoutGrad. rate 0 returns a copy of x (mask all 1).
 */
export function dropout(x: Tensor, options: RandomOptions & { rate: number }): { y: Tensor; mask: Tensor } {
  const op = 'dropout';
  floatArg(op, 'x', x);
  const where = ` for x ${describe(x)}`;
  const d = drawFromOptions(op, options, where);
  const rate = options.rate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`${op}: rate ${String(rate)}${where} must be in [0, 1)`);
  const y = empty(x.shape, 'float32', op), mask = empty(x.shape, 'float32', `${op}.mask`);
  kern.dropout(x.ptr, y.ptr, mask.ptr, x.size, rate, d);
  return { y, mask };
}

/** dx = dy·mask, with the mask returned by dropout. */
export function dropoutGrad(dy: Tensor, mask: Tensor): Tensor {
  const op = 'dropoutGrad';
  floatArg(op, 'dy', dy); floatArg(op, 'mask', mask); sameShape(op, dy, 'dy', mask, 'mask');
  const dx = empty(dy.shape, 'float32', op);
  kern.dropoutGrad(dy.ptr, mask.ptr, dx.ptr, dy.size);
  return dx;
}
