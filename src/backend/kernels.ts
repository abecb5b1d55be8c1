// Typed wrappers, one per kernel: check that offsets and sizes are sane, then call the module. No math here.
// Offsets are byte addresses in linear memory (from the arena); sizes are element counts.
import { backend } from './module.js';
import { bad, count, span, type Ptr } from './checks.js';

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

export type BinaryKernel = 'add' | 'sub' | 'mul';

/** out[i] = a[i] op b[i]. */
export function binary(op: BinaryKernel, a: Ptr, b: Ptr, out: Ptr, n: number): void {
  count(op, 'n', n); span(op, 'a', a, n); span(op, 'b', b, n); span(op, 'out', out, n);
  backend().exports[op](a, b, out, n);
}

/** out[r, c] = a[r, c] op b[c]. */
export function binaryRows(op: BinaryKernel, a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void {
  const k = `${op}Rows` as const;
  count(k, 'rows', rows); count(k, 'cols', cols);
  span(k, 'a', a, rows * cols); span(k, 'b', b, cols); span(k, 'out', out, rows * cols);
  backend().exports[k](a, b, out, rows, cols);
}

export function scale(x: Ptr, alpha: number, out: Ptr, n: number): void {
  count('scale', 'n', n); span('scale', 'x', x, n); span('scale', 'out', out, n);
  backend().exports.scale(x, alpha, out, n);
}

export function axpy(alpha: number, x: Ptr, y: Ptr, n: number): void {
  count('axpy', 'n', n); span('axpy', 'x', x, n); span('axpy', 'y', y, n);
  backend().exports.axpy(alpha, x, y, n);
}

export function biasAdd(x: Ptr, bias: Ptr, out: Ptr, rows: number, cols: number): void {
  count('biasAdd', 'rows', rows); count('biasAdd', 'cols', cols);
  span('biasAdd', 'x', x, rows * cols); span('biasAdd', 'bias', bias, cols); span('biasAdd', 'out', out, rows * cols);
  backend().exports.biasAdd(x, bias, out, rows, cols);
}

export function fill(out: Ptr, value: number, n: number): void {
  count('fill', 'n', n); span('fill', 'out', out, n);
  backend().exports.fill(out, value, n);
}

export function copy(src: Ptr, dst: Ptr, n: number): void {
  count('copy', 'n', n); span('copy', 'src', src, n); span('copy', 'dst', dst, n);
  backend().exports.copy(src, dst, n);
}

/** dst[r, :] = src[idx[r], :]; idx: int32 [rows], every index < srcRows (checked here). */
export function gatherRows(src: Ptr, srcRows: number, idx: Ptr, dst: Ptr, rows: number, cols: number): void {
  const k = 'gatherRows';
  count(k, 'rows', rows); count(k, 'cols', cols);
  span(k, 'src', src, srcRows * cols); span(k, 'idx', idx, rows); span(k, 'dst', dst, rows * cols);
  const ix = backend().arena.i32;
  for (let r = 0; r < rows; r++) {
    const i = ix[(idx >> 2) + r];
    if (!(i >= 0 && i < srcRows)) bad(k, `index ${i} at row ${r} is outside [0, ${srcRows})`);
  }
  backend().exports.gatherRows(src, idx, dst, rows, cols);
}

export type UnaryKernel = 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'mathExp' | 'mathLog' | 'mathTanh'
  | 'mathSigmoid' | 'mathSoftplus' | 'mathExpm1';

/** y[i] = f(x[i]). */
export function unary(kind: UnaryKernel, x: Ptr, y: Ptr, n: number): void {
  count(kind, 'n', n); span(kind, 'x', x, n); span(kind, 'y', y, n);
  backend().exports[kind](x, y, n);
}

/** y[i] = f(x[i]; alpha) for leakyRelu and elu. */
export function unaryAlpha(kind: 'leakyRelu' | 'elu', x: Ptr, y: Ptr, n: number, alpha: number): void {
  count(kind, 'n', n); span(kind, 'x', x, n); span(kind, 'y', y, n);
  backend().exports[kind](x, y, n, alpha);
}

/** dx = dy·f'(·) where the kernel reads one saved tensor s (x for relu/softplus, y for sigmoid/tanh). */
export function unaryGrad(kind: 'reluGrad' | 'softplusGrad' | 'sigmoidGrad' | 'tanhGrad', s: Ptr, dy: Ptr, dx: Ptr, n: number): void {
  count(kind, 'n', n); span(kind, 'saved', s, n); span(kind, 'dy', dy, n); span(kind, 'dx', dx, n);
  backend().exports[kind](s, dy, dx, n);
}

export function leakyReluGrad(x: Ptr, dy: Ptr, dx: Ptr, n: number, alpha: number): void {
  const k = 'leakyReluGrad';
  count(k, 'n', n); span(k, 'x', x, n); span(k, 'dy', dy, n); span(k, 'dx', dx, n);
  backend().exports.leakyReluGrad(x, dy, dx, n, alpha);
}

export function eluGrad(x: Ptr, y: Ptr, dy: Ptr, dx: Ptr, n: number, alpha: number): void {
  const k = 'eluGrad';
  count(k, 'n', n); span(k, 'x', x, n); span(k, 'y', y, n); span(k, 'dy', dy, n); span(k, 'dx', dx, n);
  backend().exports.eluGrad(x, y, dy, dx, n, alpha);
}

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

/** Row-wise softmax or logSoftmax, x and y: [rows, cols]. */
export function softmaxRows(kind: 'softmax' | 'logSoftmax', x: Ptr, y: Ptr, rows: number, cols: number): void {
  count(kind, 'rows', rows); count(kind, 'cols', cols, 1);
  span(kind, 'x', x, rows * cols); span(kind, 'y', y, rows * cols);
  backend().exports[kind](x, y, rows, cols);
}

/** Row-wise backward from y = softmax(x) or y = logSoftmax(x). */
export function softmaxRowsGrad(kind: 'softmaxGrad' | 'logSoftmaxGrad', y: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number): void {
  count(kind, 'rows', rows); count(kind, 'cols', cols, 1);
  span(kind, 'y', y, rows * cols); span(kind, 'dy', dy, rows * cols); span(kind, 'dx', dx, rows * cols);
  backend().exports[kind](y, dy, dx, rows, cols);
}

/** Fused softmax cross-entropy: loss [rows], dlogits [rows, cols] (0 to skip, then scratch [cols] is used). */
export function softmaxCrossEntropy(logits: Ptr, target: Ptr, loss: Ptr, dlogits: Ptr, rows: number, cols: number,
  gradScale: number, scratch: Ptr): void {
  const k = 'softmaxCrossEntropy';
  count(k, 'rows', rows); count(k, 'cols', cols, 1);
  span(k, 'logits', logits, rows * cols); span(k, 'target', target, rows * cols); span(k, 'loss', loss, rows);
  if (dlogits !== 0) span(k, 'dlogits', dlogits, rows * cols); else span(k, 'scratch', scratch, cols);
  backend().exports.softmaxCrossEntropy(logits, target, loss, dlogits, rows, cols, gradScale, scratch);
}
