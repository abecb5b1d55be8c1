// Seeded image augmentation without a layer: augment(x, options, seed) returns a shifted, flipped, rotated and noised
// copy of an NHWC batch (the kernels' augment family), and the pieces fit uses to do the same into a planned buffer.
import * as kern from '../backend/kernels/index.js';
import { AUGMENT_MAX_SHIFT, augmentStride, type AugmentParams } from '../backend/kernels/augment.js';
import type { Tensor } from './tensor.js';
import { building, describe, floatArg, output } from './check.js';
import { StrictOptions } from './options.js';
import { AUGMENT_STREAM, seedHalves } from './random.js';

/** What to draw per sample. Every transform is off by default; each sample draws its own values. */
export interface AugmentOptions {
  /** Largest shift in pixels on each axis: dy, dx uniform integers in [−shift, shift]. Default 0. */
  shift?: number;
  /** Probability of a horizontal (left–right) flip. Default 0. */
  flip?: number;
  /** Largest rotation in degrees, in [0, 180]: an angle uniform in [−rotate, rotate], bilinear, about the centre. Default 0. */
  rotate?: number;
  /** Standard deviation of Gaussian noise added to every value (after the geometric transforms). Default 0. */
  noise?: number;
  /** What fills pixels that come from outside the image: 'zeros' (default) or 'edge' (the nearest edge pixel). */
  fill?: 'zeros' | 'edge';
}

/** The layer-free transform's options: the transforms, and where in the random sequence the batch starts. */
export interface AugmentCallOptions extends AugmentOptions {
  /** Sample n of x gets the draws of sample offset + n (default 0): advance it to get fresh draws for the next batch. */
  offset?: number;
}

export const AUGMENT_KEYS = ['shift', 'flip', 'rotate', 'noise', 'fill'] as const;

/** Reads the transform options from a strict reader (the keys were already checked). */
export function augmentParams(o: StrictOptions): AugmentParams {
  return {
    shift: o.number('shift', { integer: true, min: 0, max: AUGMENT_MAX_SHIFT, default: 0 }),
    flip: o.number('flip', { min: 0, max: 1, default: 0 }),
    rotate: o.number('rotate', { min: 0, max: 180, default: 0 }),
    noise: o.number('noise', { min: 0, max: 1e30, default: 0 }),
    edge: o.oneOf('fill', ['zeros', 'edge'] as const, 'zeros') === 'edge',
  };
}

/** [H, W, C] of one sample of the given shape (rank 3: [H, W, C]; rank 2: [H, W], one channel), or a message why not. */
export function imageDims(sample: readonly number[]): [number, number, number] | string {
  if (sample.length === 3) return [sample[0], sample[1], sample[2]];
  if (sample.length === 2) return [sample[0], sample[1], 1];
  return `images must be [H, W, C] or [H, W] per sample, got [${sample.join(', ')}]`;
}

/** The largest sample index a batch may start at so that every draw stays below 2^53. */
export function maxAugmentOffset(n: number, perSample: number): number {
  return Math.floor((2 ** 53 - 1) / augmentStride(perSample)) - n;
}

/**
 * A new tensor: x ([N, H, W, C] or [N, H, W]) with each sample shifted, flipped, rotated and noised as drawn from
 * the seed (a non-negative safe integer or a bigint below 2^64). The same seed and offset give the same bits in every
 * runtime; x is not modified. fit(…, { augment }) applies the same transform to each training batch.
 */
export function augment(x: Tensor, options: AugmentCallOptions, seed: number | bigint): Tensor {
  const op = 'augment';
  floatArg(op, 'x', x);
  const where = ` for x ${describe(x)}`;
  const dims = imageDims(x.shape.slice(1));
  if (typeof dims === 'string') throw new RangeError(`${op}: x ${describe(x)}: ${dims.replace('per sample', 'per sample (x is [N, H, W, C] or [N, H, W])')}`);
  const [H, W, C] = dims, N = x.shape[0];
  const o = StrictOptions.read(op, options, [...AUGMENT_KEYS, 'offset'], true, where);
  const params = augmentParams(o);
  const offset = o.number('offset', { integer: true, min: 0, max: maxAugmentOffset(N, H * W * C), default: 0 });
  const { seedLo, seedHi } = seedHalves(op, seed, where);
  return building((own) => {
    const y = own(output(op, x.shape));
    kern.augment(x.ptr, y.ptr, N, H, W, C, params, { seedLo, seedHi, stream: AUGMENT_STREAM, first: offset });
    return y;
  });
}

/** fit's `augment` option: the transforms, and the seed of their draws (default: the model's seed). */
export interface FitAugmentOptions extends AugmentOptions {
  /** The seed of the draws: a non-negative safe integer or a bigint below 2^64. Default: the model's seed. */
  seed?: number | bigint;
}

/** What fit needs to augment each batch: the image dims, the transforms and the seed halves. */
export interface BatchAugmenter { H: number; W: number; C: number; params: AugmentParams; seedLo: number; seedHi: number }

/**
 * Reads fit's `augment` option strictly (unknown keys refused with the nearest name) against the model's input shape
 * ([H, W, C] or [H, W]); undefined when the option is absent. Allocates nothing.
 */
export function fitAugmentation(spec: unknown, inputShape: readonly number[], modelSeed: number): BatchAugmenter | undefined {
  if (spec === undefined) return undefined;
  const op = 'fit: augment';
  const o = StrictOptions.read(op, spec, [...AUGMENT_KEYS, 'seed'], true);
  const params = augmentParams(o);
  const dims = imageDims(inputShape);
  if (typeof dims === 'string') throw new RangeError(`${op}: the model's input ${dims.replace('got', 'its inputShape is')}`);
  const { seedLo, seedHi } = seedHalves(op, o.has('seed') ? o.get('seed') : modelSeed, '');
  return { H: dims[0], W: dims[1], C: dims[2], params, seedLo, seedHi };
}

/** y ← the augmented first n samples of x (planned buffers), drawn as samples first … first + n − 1. */
export function augmentBatch(a: BatchAugmenter, x: number, y: number, n: number, first: number): void {
  kern.augment(x, y, n, a.H, a.W, a.C, a.params, { seedLo: a.seedLo, seedHi: a.seedHi, stream: AUGMENT_STREAM, first });
}
