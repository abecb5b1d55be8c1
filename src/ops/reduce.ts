// sum, mean, max and argMax over one axis (negative counts from the end) or over everything (axis omitted).
import * as kern from '../backend/kernels/index.js';
import { sizeOf, type Tensor } from './tensor.js';
import { axisArg, building, floatArg, output } from './check.js';
import { given } from './options.js';

interface Plan { outer: number; n: number; inner: number; shape: number[] }

function plan(op: string, x: Tensor, axis: number | undefined, keepDims: boolean): Plan {
  floatArg(op, 'x', x);
  if (typeof keepDims !== 'boolean') throw new TypeError(`${op}: keepDims must be true or false, got ${given(keepDims)}`);
  if (axis === undefined) return { outer: 1, n: x.size, inner: 1, shape: keepDims ? x.shape.map(() => 1) : [1] };
  const a = axisArg(op, axis, x);
  const shape = keepDims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  return {
    outer: sizeOf(x.shape.slice(0, a)), n: x.shape[a], inner: sizeOf(x.shape.slice(a + 1)),
    shape: shape.length ? shape : [1],
  };
}

function reduce(op: string, x: Tensor, axis: number | undefined, keepDims: boolean, dtype: 'float32' | 'int32',
  run: (out: Tensor, p: Plan) => void): Tensor {
  const p = plan(op, x, axis, keepDims);
  return building((own) => {
    const out = own(output(op, p.shape, dtype));
    run(out, p);
    return out;
  });
}

/** Σ over axis (all when omitted). Contiguous rows accumulate in float64. */
export function sum(x: Tensor, axis?: number, keepDims = false): Tensor {
  return reduce('sum', x, axis, keepDims, 'float32', (out, p) => kern.reduceSum(x.ptr, out.ptr, p.outer, p.n, p.inner));
}

/** Mean over axis (all when omitted). */
export function mean(x: Tensor, axis?: number, keepDims = false): Tensor {
  return reduce('mean', x, axis, keepDims, 'float32', (out, p) => {
    kern.reduceSum(x.ptr, out.ptr, p.outer, p.n, p.inner);
    kern.scale(out.ptr, 1 / p.n, out.ptr, out.size);
  });
}

/** Maximum over axis (all when omitted); NaN if any element is NaN. */
export function max(x: Tensor, axis?: number, keepDims = false): Tensor {
  return reduce('max', x, axis, keepDims, 'float32', (out, p) => kern.reduceMax(x.ptr, out.ptr, p.outer, p.n, p.inner));
}

/** Index of the first maximum over axis (over the flattened tensor when omitted), as int32. NaN counts as largest. */
export function argMax(x: Tensor, axis?: number): Tensor {
  return reduce('argMax', x, axis, false, 'int32', (out, p) => kern.argMax(x.ptr, out.ptr, p.outer, p.n, p.inner));
}
