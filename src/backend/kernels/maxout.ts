// Typed wrappers of assembly/maxout.ts (maxout over groups of k channels, and its gradient): check offsets and sizes,
// then call the module. No math here.
import { backend } from '../module.js';
import { count, span, type Ptr } from '../checks.js';

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
