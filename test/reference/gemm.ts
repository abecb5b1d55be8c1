// Float64 reference GEMM: the specification for assembly/gemm.ts (with its optional bias row). Also returns Σ|terms| per
// element (|alpha|·Σ|a·b| + |beta·C0| + |bias|) for the tolerance.

export interface GemmRef { c: Float64Array; absSum: Float64Array }

/** C = alpha·op(A)·op(B) + beta·C0 (+ bias[j] in every row i), C0 ignored when beta = 0; row-major with leading dimensions. */
export function gemmRef(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  a: ArrayLike<number>, lda: number, b: ArrayLike<number>, ldb: number, beta: number, c0: ArrayLike<number> | null, ldc: number,
  bias: ArrayLike<number> | null = null): GemmRef {
  const c = new Float64Array(M * N), absSum = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0, as = 0;
      for (let k = 0; k < K; k++) {
        const av = transA ? a[k * lda + i] : a[i * lda + k];
        const bv = transB ? b[j * ldb + k] : b[k * ldb + j];
        s += av * bv; as += Math.abs(av * bv);
      }
      const prev = beta !== 0 && c0 ? c0[i * ldc + j] : 0;
      const bj = bias ? bias[j] : 0;
      c[i * N + j] = alpha * s + beta * prev + bj;
      absSum[i * N + j] = Math.abs(alpha) * as + Math.abs(beta * prev) + Math.abs(bj);
    }
  }
  return { c, absSum };
}
