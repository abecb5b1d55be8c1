// assembly/gemm.ts against the float64 reference: every transpose, sizes across the 4×8 tile and the KC/MC/NC
// blocks, leading dimensions wider than the matrix, beta = 0 over a NaN-poisoned C, beta ≠ 0, and the bias epilogue.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, F32_EPS } from '../helpers/compare.js';
import { gemmRef } from '../reference/gemm.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`gemm [${BUILD}]`);

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 129];
const TRANSPOSES: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];

interface Case { ta: boolean; tb: boolean; M: number; N: number; K: number; alpha?: number; beta?: number; pad?: number; bias?: boolean }

function check(cs: Case, seed: number): void {
  const { ta, tb, M, N, K } = cs;
  const alpha = cs.alpha ?? 1, beta = cs.beta ?? 0, pad = cs.pad ?? 0;
  const rng = new Rng(seed);
  const [ar, ac] = ta ? [K, M] : [M, K];
  const [br, bc] = tb ? [N, K] : [K, N];
  const lda = ac + pad, ldb = bc + pad, ldc = N + pad;
  const a = rng.array(ar * lda), b = rng.array(br * ldb);
  const c0 = beta !== 0 ? rng.array(M * ldc) : null;
  // Bias entries at least 0.5 in size: far above the tolerance, so a bias added twice or not at all cannot pass.
  const bias = cs.bias ? Float32Array.from(rng.array(N, -3, 3), (v) => v + Math.sign(v) * 0.5) : null;
  const pa = put(a), pb = put(b), pc = c0 ? put(c0) : poisoned(M * ldc);
  const args = { transA: ta, transB: tb, M, N, K, alpha, beta, a: pa, lda, b: pb, ldb, ldc };
  kern.gemm({ ...args, c: pc, bias: bias ? put(bias) : undefined });
  const raw = read(pc, M * ldc);
  const got = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) got[i * N + j] = raw[i * ldc + j];
  const ref = gemmRef(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c0, ldc, bias);
  const shape = `${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} M=${M} N=${N} K=${K} alpha=${alpha} beta=${beta} pad=${pad}${bias ? ' bias' : ''}`;
  // Float32 accumulation: error grows with K and with Σ|a·b| (cancellation), not with |C|.
  assertClose(got, ref.c, (i) => 1e-6 + 2 * (K + 2) * F32_EPS * ref.absSum[i], { op: 'gemm', shape, seed });
  if (bias) {
    // The bias is the epilogue's last add, in the last K block only: the same bits as the GEMM without bias followed
    // by one float32 add per element.
    const plain = c0 ? put(c0) : poisoned(M * ldc);
    kern.gemm({ ...args, c: plain });
    const p = read(plain, M * ldc), sep = new Float32Array(M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) sep[i * N + j] = Math.fround(p[i * ldc + j] + bias[j]);
    assertClose(got, sep, () => 0, { op: 'gemm with bias vs gemm then bias add (exact)', shape, seed });
  }
  // Padding columns of C are never written when beta = 0 (they stay NaN).
  if (!c0 && pad) for (let i = 0; i < M; i++) for (let j = N; j < ldc; j++) {
    if (!Number.isNaN(raw[i * ldc + j])) throw new Error(`gemm ${shape}: wrote outside C at row ${i}, column ${j}`);
  }
  freeAll();
}

test('all M × N pairs of the edge sizes, K in {1, 4, 17}, every transpose', () => {
  let seed = 1;
  for (const [ta, tb] of TRANSPOSES) for (const M of SIZES) for (const N of SIZES) for (const K of [1, 4, 17]) {
    check({ ta, tb, M, N, K }, seed++);
  }
});

test('K across the edge sizes and past one KC block (256), non-square mixes', () => {
  let seed = 10_000;
  for (const [ta, tb] of TRANSPOSES) for (const K of [...SIZES, 255, 256, 257, 300, 513]) {
    for (const [M, N] of [[1, 1], [5, 3], [17, 9], [33, 64], [4, 8]]) check({ ta, tb, M, N, K }, seed++);
  }
});

test('M past one MC block (128) and N past one NC block (512)', () => {
  let seed = 20_000;
  for (const [ta, tb] of TRANSPOSES) {
    check({ ta, tb, M: 131, N: 7, K: 9 }, seed++);
    check({ ta, tb, M: 257, N: 19, K: 5 }, seed++);
    check({ ta, tb, M: 6, N: 515, K: 11 }, seed++);
    check({ ta, tb, M: 130, N: 520, K: 260 }, seed++);
  }
});

test('alpha, beta and leading dimensions wider than the matrices', () => {
  let seed = 30_000;
  for (const [ta, tb] of TRANSPOSES) for (const [M, N, K] of [[1, 1, 1], [3, 17, 5], [9, 8, 300], [33, 129, 16]]) {
    check({ ta, tb, M, N, K, alpha: 0.5, beta: 0 , pad: 3 }, seed++);
    check({ ta, tb, M, N, K, alpha: -1.25, beta: 0.75, pad: 0 }, seed++);
    check({ ta, tb, M, N, K, alpha: 2, beta: 1, pad: 5 }, seed++);
  }
});

test('bias epilogue: every transpose, beta 0 and ≠ 0, alpha ≠ 1, K across 1, 2 and 3 K blocks, N edges of both tiles', () => {
  let seed = 40_000;
  const AB: [number, number][] = [[1, 0], [-1.25, 0], [1, 1], [0.5, -0.75]];
  for (const [ta, tb] of TRANSPOSES) for (const K of [1, 7, 256, 257, 513]) for (const N of [1, 2, 3, 4, 5, 8, 9, 12, 17]) {
    for (const [alpha, beta] of AB) check({ ta, tb, M: [1, 4, 6, 9][seed % 4], N, K, alpha, beta, pad: seed % 3, bias: true }, seed++);
  }
});

test('bias epilogue past one MC block (128) and one NC block (512): each column block reads its own bias slice', () => {
  let seed = 45_000;
  for (const [ta, tb] of TRANSPOSES) {
    check({ ta, tb, M: 131, N: 13, K: 257, alpha: 0.5, bias: true }, seed++);
    check({ ta, tb, M: 6, N: 515, K: 9, alpha: -1, beta: 0.5, bias: true, pad: 2 }, seed++);
    check({ ta, tb, M: 130, N: 524, K: 300, beta: 1, bias: true }, seed++);
  }
});

test('a narrow last column panel (N mod 8 in 1…4: the 16×2 and 4×4 tiles) gives the bits of the 4×8 tile', () => {
  // C = A·B with B's N columns, and again with B widened to 16 columns (the same first N): the first N columns of the
  // wide product come from full 4×8 tiles. Rows across 16-row groups and their 9…15 and 1…8 remainders, K past KC.
  const rng = new Rng(500);
  for (const M of [1, 5, 9, 13, 16, 17, 29, 33, 130]) for (const N of [9, 10, 11, 12]) for (const K of [3, 300]) {
    const bias = (M + N) % 2 === 1, beta = M % 3 === 0 ? 0.5 : 0;
    const a = rng.array(M * K), bw = rng.array(K * 16), b = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) b[k * N + j] = bw[k * 16 + j];
    const c0 = rng.array(M * 16), bv = rng.array(16);
    const narrowC = new Float32Array(M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) narrowC[i * N + j] = c0[i * 16 + j];
    const pa = put(a), pn = put(b), pw = put(bw), pbias = put(bv);
    const cn = beta ? put(narrowC) : poisoned(M * N), cw = beta ? put(c0) : poisoned(M * 16);
    const common = { transA: false, transB: false, M, K, alpha: 0.75, beta, a: pa, lda: K, bias: bias ? pbias : undefined };
    kern.gemm({ ...common, N, b: pn, ldb: N, c: cn, ldc: N });
    kern.gemm({ ...common, N: 16, b: pw, ldb: 16, c: cw, ldc: 16 });
    const narrow = new Uint32Array(read(cn, M * N).buffer), wide = new Uint32Array(read(cw, M * 16).buffer);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      if (narrow[i * N + j] !== wide[i * 16 + j]) throw new Error(`M=${M} N=${N} K=${K} beta=${beta}${bias ? ' bias' : ''}: C[${i}][${j}] ${narrow[i * N + j].toString(16)} vs ${wide[i * 16 + j].toString(16)}`);
    }
    freeAll();
  }
});

test('deterministic: the same call gives the same bits', () => {
  const rng = new Rng(7);
  const a = put(rng.array(65 * 300)), b = put(rng.array(300 * 70));
  const c1 = poisoned(65 * 70), c2 = poisoned(65 * 70);
  kern.gemm({ transA: false, transB: false, M: 65, N: 70, K: 300, a, lda: 300, b, ldb: 70, c: c1, ldc: 70 });
  kern.gemm({ transA: false, transB: false, M: 65, N: 70, K: 300, a, lda: 300, b, ldb: 70, c: c2, ldc: 70 });
  assert.equal(Array.from(read(c1, 65 * 70)), Array.from(read(c2, 65 * 70)));
  freeAll();
});

test('wrapper refuses bad sizes and leading dimensions', () => {
  const a = put(new Float32Array(16)), b = put(new Float32Array(16)), c = put(new Float32Array(16));
  assert.throws(() => kern.gemm({ transA: false, transB: false, M: 0, N: 4, K: 4, a, lda: 4, b, ldb: 4, c, ldc: 4 }), /M = 0/);
  assert.throws(() => kern.gemm({ transA: false, transB: false, M: 4, N: 4, K: 4, a, lda: 3, b, ldb: 4, c, ldc: 4 }), /lda = 3/);
  assert.throws(() => kern.gemm({ transA: false, transB: false, M: 4, N: 4, K: 4, a: a + 2, lda: 4, b, ldb: 4, c, ldc: 4 }), /aligned/);
  freeAll();
});

test.run();
