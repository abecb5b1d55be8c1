// add, sub, mul: same shapes, b broadcast over a's leading axes (b's shape a suffix of a's), or b a number.
import * as kern from '../backend/kernels/index.js';
import { Tensor } from './tensor.js';
import { building, describe, floatArg, output, withScratch } from './check.js';
import { given } from './options.js';

function binaryOp(op: kern.BinaryKernel, a: Tensor, b: Tensor | number): Tensor {
  floatArg(op, 'a', a);
  if (typeof b === 'number') {
    return building((own) => {
      const out = own(output(op, a.shape));
      if (op === 'mul') kern.scale(a.ptr, b, out.ptr, a.size);
      else {
        withScratch(output(op, [1], 'float32', `${op}.scalar`), (s) => {
          kern.fill(s.ptr, op === 'add' ? b : -b, 1);
          kern.binaryRows('add', a.ptr, s.ptr, out.ptr, a.size, 1);
        });
      }
      return out;
    });
  }
  if (!(b instanceof Tensor)) throw new TypeError(`${op}: b must be a Tensor or a number, got ${given(b)}`);
  floatArg(op, 'b', b);
  const ar = a.rank, br = b.rank;
  const suffix = br <= ar && b.shape.every((d, i) => d === a.shape[ar - br + i]);
  if (!suffix) {
    throw new RangeError(`${op}: shapes do not broadcast: a ${describe(a)}, b ${describe(b)} (b must equal a's shape or its trailing dimensions)`);
  }
  return building((own) => {
    const out = own(output(op, a.shape));
    if (br === ar) kern.binary(op, a.ptr, b.ptr, out.ptr, a.size);
    else kern.binaryRows(op, a.ptr, b.ptr, out.ptr, a.size / b.size, b.size);
    return out;
  });
}

/** a + b. */
export function add(a: Tensor, b: Tensor | number): Tensor { return binaryOp('add', a, b); }
/** a − b. */
export function sub(a: Tensor, b: Tensor | number): Tensor { return binaryOp('sub', a, b); }
/** a · b elementwise. */
export function mul(a: Tensor, b: Tensor | number): Tensor { return binaryOp('mul', a, b); }
