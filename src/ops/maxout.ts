// Maxout over groups of k consecutive channels of the last axis, x [..., C·k] → [..., C], and its gradient, which
// routes dy to the first maximum of each group.
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from './tensor.js';
import { building, describe, floatArg, fmt, hasAxis, output, withScratch } from './check.js';
import { numberArg } from './options.js';

function plan(op: string, x: Tensor, k: number): { M: number; C: number; shape: number[] } {
  floatArg(op, 'x', x);
  hasAxis(op, 'x', x, 'a channel axis');
  numberArg(op, 'k', k, { integer: true, min: 1 }, ` for x ${describe(x)}`);
  const last = x.shape[x.rank - 1];
  if (last % k !== 0) {
    throw new RangeError(`${op}: the last dimension ${last} of x ${describe(x)} is not divisible by k = ${k}`);
  }
  const C = last / k;
  return { M: x.size / last, C, shape: [...x.shape.slice(0, -1), C] };
}

/** y[..., c] = max_j x[..., c·k + j]. */
export function maxout(x: Tensor, k: number): Tensor {
  const op = 'maxout';
  const p = plan(op, x, k);
  return building((own) => {
    const y = own(output(op, p.shape));
    withScratch(output(op, p.shape, 'int32', `${op}.arg`), (arg) => kern.maxout(x.ptr, y.ptr, arg.ptr, p.M, p.C, k));
    return y;
  });
}

/** dx (like x) = dy at each group's first maximum, 0 elsewhere; dy has maxout(x, k)'s shape. */
export function maxoutGrad(x: Tensor, dy: Tensor, k: number): Tensor {
  const op = 'maxoutGrad';
  const p = plan(op, x, k);
  floatArg(op, 'dy', dy);
  if (dy.rank !== p.shape.length || dy.shape.some((d, i) => d !== p.shape[i])) {
    throw new RangeError(`${op}: dy ${describe(dy)} must have shape ${fmt(p.shape)}, maxout of x ${describe(x)} with k = ${k}`);
  }
  return building((own) => {
    const dx = own(output(op, x.shape));
    withScratch(output(op, p.shape, 'float32', `${op}.y`), (y) => withScratch(output(op, p.shape, 'int32', `${op}.arg`), (arg) => {
      kern.maxout(x.ptr, y.ptr, arg.ptr, p.M, p.C, k);
      kern.maxoutGrad(dy.ptr, arg.ptr, dx.ptr, p.M, p.C, k);
    }));
    return dx;
  });
}
