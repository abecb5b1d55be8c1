// Typed wrappers of assembly/dropout.ts (inverted dropout with its mask drawn in the module, and its gradient): check
// offsets, sizes and the rate, then call the module. No math here.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';
import { draw, type Draw } from './random.js';

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
