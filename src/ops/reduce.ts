// sum, mean, max and argMax over one axis (negative counts from the end) or over everything (axis omitted).
import * as kern from '../backend/kernels/index.js';
import { empty, sizeOf, type Tensor } from './tensor.js';
import { axisArg, floatArg } from './check.js';

interface Plan { outer: number; n: number; inner: number; shape: number[] }

function plan(op: string, x: Tensor, axis: number | undefined, keepDims: boolean): Plan {
  if (axis === undefined) return { outer: 1, n: x.size, inner: 1, shape: keepDims ? x.shape.map(() => 1) : [1] };
  const a = axisArg(op, axis, x);
  const shape = keepDims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  return {
    outer: sizeOf(x.shape.slice(0, a)), n: x.shape[a], inner: sizeOf(x.shape.slice(a + 1)),
    shape: shape.length ? shape : [1],
  };
}

/** Σ over axis (all when omitted). Contiguous rows accumulate in float64. */
export function sum(x: Tensor, axis?: number, keepDims = false): Tensor {
  floatArg('sum', 'x', x);
  const p = plan('sum', x, axis, keepDims);
  const out = empty(p.shape, 'float32', 'sum');
  kern.reduceSum(x.ptr, out.ptr, p.outer, p.n, p.inner);
  return out;
}

/** Mean over axis (all when omitted). */
export function mean(x: Tensor, axis?: number, keepDims = false): Tensor {
  floatArg('mean', 'x', x);
  const p = plan('mean', x, axis, keepDims);
  const out = empty(p.shape, 'float32', 'mean');
  kern.reduceSum(x.ptr, out.ptr, p.outer, p.n, p.inner);
  kern.scale(out.ptr, 1 / p.n, out.ptr, out.size);
  return out;
}

/** Maximum over axis (all when omitted); NaN if any element is NaN. */
export function max(x: Tensor, axis?: number, keepDims = false): Tensor {
  floatArg('max', 'x', x);
  const p = plan('max', x, axis, keepDims);
  const out = empty(p.shape, 'float32', 'max');
  kern.reduceMax(x.ptr, out.ptr, p.outer, p.n, p.inner);
  return out;
}

/** Index of the first maximum over axis (over the flattened tensor when omitted), as int32. NaN counts as largest. */
export function argMax(x: Tensor, axis?: number): Tensor {
  floatArg('argMax', 'x', x);
  const p = plan('argMax', x, axis, false);
  const out = empty(p.shape, 'int32', 'argMax');
  kern.argMax(x.ptr, out.ptr, p.outer, p.n, p.inner);
  return out;
}
