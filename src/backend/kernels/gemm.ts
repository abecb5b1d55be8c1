// Typed wrapper of assembly/gemm.ts: checks transposes, leading dimensions, sizes and offsets, then calls the module.
// No math here. Offsets are byte addresses in linear memory; sizes are element counts.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';

export interface GemmArgs {
  transA: boolean; transB: boolean; M: number; N: number; K: number; alpha?: number; beta?: number;
  a: Ptr; lda: number; b: Ptr; ldb: number; c: Ptr; ldc: number;
  /** [N], added to every row after the product (in the GEMM's last pass over C). */
  bias?: Ptr;
}

/** C[M,N] = alpha·op(A)·op(B) + beta·C (+ bias). With beta = 0, C is only written. */
export function gemm(g: GemmArgs): void {
  const k = 'gemm';
  count(k, 'M', g.M, 1); count(k, 'N', g.N, 1); count(k, 'K', g.K, 1);
  const [ar, ac] = g.transA ? [g.K, g.M] : [g.M, g.K];
  const [br, bc] = g.transB ? [g.N, g.K] : [g.K, g.N];
  if (g.lda < ac) bad(k, `lda = ${g.lda} < ${ac} columns of A`);
  if (g.ldb < bc) bad(k, `ldb = ${g.ldb} < ${bc} columns of B`);
  if (g.ldc < g.N) bad(k, `ldc = ${g.ldc} < N = ${g.N}`);
  span(k, 'A', g.a, (ar - 1) * g.lda + ac);
  span(k, 'B', g.b, (br - 1) * g.ldb + bc);
  span(k, 'C', g.c, (g.M - 1) * g.ldc + g.N);
  if (g.bias) span(k, 'bias', g.bias, g.N);
  const be = backend();
  be.exports.gemm(g.transA ? 1 : 0, g.transB ? 1 : 0, g.M, g.N, g.K, g.alpha ?? 1, g.a, g.lda, g.b, g.ldb,
    g.beta ?? 0, g.c, g.ldc, be.gemmWork, g.bias ?? 0);
}
