// Random tensors and dropout from the module's Philox4x32-10 stream: randomUniform, randomNormal, randomPermutation,
// dropout (y and its mask) and dropoutGrad. The same (seed, stream, offset) gives the same numbers in every runtime.
import * as kern from '../backend/kernels/index.js';
import { checkShape, sizeOf, type Shape, type Tensor } from './tensor.js';
import { building, describe, floatArg, fmt, MAX_VALUES, output, sameShape } from './check.js';
import { given, numberArg, StrictOptions } from './options.js';

/** Options of the random ops: the Philox generator's key and stream. */
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
export const AUGMENT_STREAM = 0x7fff0003;

/** The generator position for a model seed (any safe integer ≥ 0) and a stream id. */
export function drawOf(seed: number, stream: number, offset = 0): kern.Draw {
  return { seedLo: seed >>> 0, seedHi: Math.floor(seed / TWO32) >>> 0, stream: stream >>> 0, offset };
}

const DRAW_KEYS = ['seed', 'stream', 'offset'] as const;

/** A seed (a non-negative safe integer, or a bigint below 2^64) as the kernels' two u32 halves; errors name op and where. */
export function seedHalves(op: string, seed: unknown, where: string): { seedLo: number; seedHi: number } {
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 1n << 64n) throw new RangeError(`${op}: seed ${seed}n${where} must be a bigint in [0, 2^64)`);
    return { seedLo: Number(seed & 0xffffffffn), seedHi: Number(seed >> 32n) };
  }
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return { seedLo: seed % TWO32, seedHi: Math.floor(seed / TWO32) };
  const msg = `${op}: seed ${given(seed)}${where} must be a non-negative safe integer or a bigint`;
  throw typeof seed === 'number' ? new RangeError(msg) : new TypeError(msg);
}

/** Checks the options (required: seed) and splits the seed into the kernels' two u32 halves; n: the words drawn. */
function drawFromOptions(o: StrictOptions, n: number, where: string): kern.Draw {
  const op = o.owner;
  if (!o.has('seed')) throw new TypeError(`${op}: options { seed } are required${where} (seed: a non-negative safe integer or a bigint)`);
  const { seedLo, seedHi } = seedHalves(op, o.get('seed'), where);
  const stream = o.number('stream', { integer: true, min: 0, max: TWO32, maxExclusive: true, default: 0, expected: 'an integer in [0, 2^32)' });
  const offset = o.number('offset', { integer: true, min: 0, default: 0, expected: 'a non-negative safe integer' });
  if (!Number.isSafeInteger(offset + n)) o.outOfRange('offset', `at most 2^53 − ${n} (the draw reads words offset … offset + ${n})`);
  return { seedLo, seedHi, stream, offset };
}

/** Reads the options of a random op: required (they hold the seed), strictly. */
function readDraw(op: string, options: unknown, keys: readonly string[], where: string): StrictOptions {
  if (options === undefined) throw new TypeError(`${op}: options { seed } are required${where}`);
  return StrictOptions.read(op, options, keys, true, where);
}

/** Checks a shape argument: an array of positive integers holding at most MAX_VALUES values. */
function shapeArg(op: string, shape: Shape): string {
  checkShape(shape, `${op}: shape`);
  if (!(sizeOf(shape) <= MAX_VALUES)) {
    throw new RangeError(`${op}: shape ${fmt(shape)} holds ${sizeOf(shape).toLocaleString('en-US')} values, more than linear memory can (2^30)`);
  }
  return ` (shape ${fmt(shape)})`;
}

/** A float32 tensor of the given shape, uniform in [lo, hi) (default [0, 1)): 24 random bits per value. */
export function randomUniform(shape: Shape, options: RandomOptions & { lo?: number; hi?: number }): Tensor {
  const op = 'randomUniform';
  const where = shapeArg(op, shape);
  const o = readDraw(op, options, [...DRAW_KEYS, 'lo', 'hi'], where);
  const d = drawFromOptions(o, sizeOf(shape), where);
  const lo = o.number('lo', { default: 0 }), hi = o.number('hi', { default: 1 });
  if (!(Math.fround(lo) < Math.fround(hi)) || !Number.isFinite(Math.fround(hi) - Math.fround(lo))) {
    throw new RangeError(`${op}: lo ${lo} and hi ${hi}${where} must satisfy lo < hi with hi − lo finite in float32`);
  }
  return building((own) => {
    const t = own(output(op, shape));
    kern.randomUniform(t.ptr, t.size, d, lo, hi);
    return t;
  });
}

/** A float32 tensor of the given shape, normal with the given mean (default 0) and std (default 1); |z| ≤ 5.77. */
export function randomNormal(shape: Shape, options: RandomOptions & { mean?: number; std?: number }): Tensor {
  const op = 'randomNormal';
  const where = shapeArg(op, shape);
  const o = readDraw(op, options, [...DRAW_KEYS, 'mean', 'std'], where);
  const d = drawFromOptions(o, sizeOf(shape), where);
  const mean = o.number('mean', { default: 0 }), std = o.number('std', { min: 0, default: 1 });
  return building((own) => {
    const t = own(output(op, shape));
    kern.randomNormal(t.ptr, t.size, d, mean, std);
    return t;
  });
}

/** An int32 tensor [n] holding a uniformly random permutation of 0..n−1 (Fisher–Yates), and the stream words used. */
export function randomPermutation(n: number, options: RandomOptions): { indices: Tensor; wordsUsed: number } {
  const op = 'randomPermutation';
  numberArg(op, 'n', n, { integer: true, min: 1, max: MAX_VALUES, expected: 'an integer in [1, 2^30]' }, '');
  const where = ` (n ${n})`;
  const d = drawFromOptions(readDraw(op, options, DRAW_KEYS, where), 2 * n, where);
  return building((own) => {
    const t = own(output(op, [n], 'int32'));
    const wordsUsed = kern.randomPermutation(t.ptr, n, d);
    return { indices: t, wordsUsed };
  });
}

/**
 * Inverted dropout: each element is kept with probability 1 − rate and scaled by 1/(1 − rate), else zeroed.
 * Returns y and the float32 mask (1/(1 − rate) or 0) for dropoutGrad. rate 0 returns a copy of x (mask all 1).
 */
export function dropout(x: Tensor, options: RandomOptions & { rate: number }): { y: Tensor; mask: Tensor } {
  const op = 'dropout';
  floatArg(op, 'x', x);
  const where = ` for x ${describe(x)}`;
  const o = readDraw(op, options, [...DRAW_KEYS, 'rate'], where);
  const d = drawFromOptions(o, x.size, where);
  const rate = o.number('rate', { min: 0, max: 1, maxExclusive: true });
  return building((own) => {
    const y = own(output(op, x.shape)), mask = own(output(op, x.shape, 'float32', `${op}.mask`));
    kern.dropout(x.ptr, y.ptr, mask.ptr, x.size, rate, d);
    return { y, mask };
  });
}

/** dx = dy·mask, with the mask returned by dropout. */
export function dropoutGrad(dy: Tensor, mask: Tensor): Tensor {
  const op = 'dropoutGrad';
  floatArg(op, 'dy', dy); floatArg(op, 'mask', mask); sameShape(op, dy, 'dy', mask, 'mask');
  return building((own) => {
    const dx = own(output(op, dy.shape));
    kern.dropoutGrad(dy.ptr, mask.ptr, dx.ptr, dy.size);
    return dx;
  });
}
