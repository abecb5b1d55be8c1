// Typed wrapper of assembly/augment.ts (seeded shift, flip, rotation and noise of an NHWC batch into a separate
// buffer): checks offsets, shape, parameters and the draw's seed/stream/first sample, then calls the module. No math.
import { backend } from '../module.js';
import { bad, count, span, u32, type Ptr } from '../checks.js';

/** Largest shift in pixels the kernel takes (beyond the image everything is fill anyway). */
export const AUGMENT_MAX_SHIFT = 65535;

/** What one augmentation draws: shift (pixels), flip probability, rotation (degrees), noise σ, fill. */
export interface AugmentParams { shift: number; flip: number; rotate: number; noise: number; edge: boolean }

/** Where the draws come from: the seed halves, the stream, and the index of the batch's first sample. */
export interface AugmentDraw { seedLo: number; seedHi: number; stream: number; first: number }

/** Words one sample uses: 4 for its parameters, then its H·W·C noise elements rounded up to 4. */
export function augmentStride(per: number): number { return 4 + Math.ceil(per / 4) * 4; }

/**
 * y = augment(x), x and y [N, H, W, C] in separate buffers. Sample n is transformed with the draws of sample
 * first + n: a shift in [−shift, shift]², a horizontal flip with probability flip, a rotation by an angle in
 * [−rotate, rotate] degrees (bilinear about the centre), noise N(0, noise²); outside the image zeros or (edge) the
 * nearest edge pixel.
 */
export function augment(x: Ptr, y: Ptr, N: number, H: number, W: number, C: number, p: AugmentParams, d: AugmentDraw): void {
  const k = 'augment';
  count(k, 'N', N); count(k, 'H', H, 1); count(k, 'W', W, 1); count(k, 'C', C, 1);
  const per = H * W * C;
  if (per > 2 ** 30) bad(k, `H·W·C = ${per} exceeds 2^30`);
  span(k, 'x', x, N * per); span(k, 'y', y, N * per);
  if (x < y + N * per * 4 && y < x + N * per * 4 && N > 0) bad(k, 'x and y must not overlap');
  if (!(Number.isInteger(p.shift) && p.shift >= 0 && p.shift <= AUGMENT_MAX_SHIFT)) bad(k, `shift = ${p.shift} must be an integer in [0, ${AUGMENT_MAX_SHIFT}]`);
  if (!(p.flip >= 0 && p.flip <= 1)) bad(k, `flip = ${p.flip} must be a probability in [0, 1]`);
  if (!(p.rotate >= 0 && p.rotate <= 180)) bad(k, `rotate = ${p.rotate} must be in [0, 180] degrees`);
  if (!(p.noise >= 0 && Number.isFinite(Math.fround(p.noise)))) bad(k, `noise = ${p.noise} must be a finite σ ≥ 0`);
  u32(k, 'seedLo', d.seedLo); u32(k, 'seedHi', d.seedHi); u32(k, 'stream', d.stream);
  if (!(Number.isSafeInteger(d.first) && d.first >= 0 && (d.first + N) * augmentStride(per) < 2 ** 53)) {
    bad(k, `first = ${d.first} must be an integer ≥ 0 with (first + N)·${augmentStride(per)} < 2^53 (the words of its samples)`);
  }
  backend().exports.augment(x, y, N, H, W, C, p.shift, p.flip, p.rotate, p.noise, p.edge ? 1 : 0, d.seedLo, d.seedHi, d.stream, d.first);
}
