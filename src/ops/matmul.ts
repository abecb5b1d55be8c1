// matMul: C = op(A)·op(B) for 2-D tensors through the packed SIMD GEMM. a: [M, K] ([K, M] if transposeA),
// b: [K, N] ([N, K] if transposeB) → [M, N].
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from './tensor.js';
import { building, describe, floatArg, output } from './check.js';
import { StrictOptions } from './options.js';

/** Options of ops.matMul(): transpose either operand. */
export interface MatMulOptions { transposeA?: boolean; transposeB?: boolean }

/** The matrix product op(a)·op(b) of two rank-2 tensors, op transposing when asked. */
export function matMul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const op = 'matMul';
  floatArg(op, 'a', a); floatArg(op, 'b', b);
  const o = StrictOptions.read(op, options, ['transposeA', 'transposeB']);
  const ta = o.bool('transposeA', false), tb = o.bool('transposeB', false);
  if (a.rank !== 2 || b.rank !== 2) throw new RangeError(`matMul: a ${describe(a)} and b ${describe(b)} must both be 2-D`);
  const [M, Ka] = ta ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [Kb, N] = tb ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (Ka !== Kb) {
    throw new RangeError(`matMul: inner dimensions differ: a ${describe(a)}${ta ? ' (transposed)' : ''} gives K = ${Ka}, ` +
      `b ${describe(b)}${tb ? ' (transposed)' : ''} gives K = ${Kb}`);
  }
  return building((own) => {
    const c = own(output(op, [M, N]));
    kern.gemm({ transA: ta, transB: tb, M, N, K: Ka, a: a.ptr, lda: a.shape[1], b: b.ptr, ldb: b.shape[1], c: c.ptr, ldc: N });
    return c;
  });
}
