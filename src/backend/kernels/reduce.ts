// Typed wrappers of assembly/reduce.ts (sum, max, argMax over one axis of [outer, n, inner]): check sizes and offsets,
// then call the module. No math here.
import { backend } from '../module.js';
import { count, span, type Ptr } from '../checks.js';

/** Reductions over x viewed as [outer, n, inner] along n. */
export function reduceSum(x: Ptr, out: Ptr, outer: number, n: number, inner: number, accumulate = false): void {
  count('reduceSum', 'outer', outer); count('reduceSum', 'n', n); count('reduceSum', 'inner', inner);
  span('reduceSum', 'x', x, outer * n * inner); span('reduceSum', 'out', out, outer * inner);
  backend().exports.reduceSum(x, out, outer, n, inner, accumulate ? 1 : 0);
}

export function reduceMax(x: Ptr, out: Ptr, outer: number, n: number, inner: number): void {
  count('reduceMax', 'outer', outer); count('reduceMax', 'n', n, 1); count('reduceMax', 'inner', inner);
  span('reduceMax', 'x', x, outer * n * inner); span('reduceMax', 'out', out, outer * inner);
  backend().exports.reduceMax(x, out, outer, n, inner);
}

export function argMax(x: Ptr, out: Ptr, outer: number, n: number, inner: number): void {
  count('argMax', 'outer', outer); count('argMax', 'n', n, 1); count('argMax', 'inner', inner);
  span('argMax', 'x', x, outer * n * inner); span('argMax', 'out', out, outer * inner);
  backend().exports.argMax(x, out, outer, n, inner);
}
