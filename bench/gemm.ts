// GEMM figures: C[M,N] = op(A)·op(B) for the dense layers' shapes (128×784×128 in all four transposes: forward and the
// two backward products), square 512³ and 1024³, and the classifier head 128×128×10. Shapes read M×K×N.
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, jax, jaxArray, jaxContender, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Contender, Figure, Spec, Target } from './harness.js';
import { relaxedSimdnet } from './relaxed.js';

const np = jax.numpy;

async function gemmFigure(M: number, K: number, N: number, tA: boolean, tB: boolean): Promise<Figure> {
  const trans = `${tA ? 'T' : 'N'}${tB ? 'T' : 'N'}`;
  const aShape = tA ? [K, M] : [M, K], bShape = tB ? [N, K] : [K, N];
  const av = randomValues(M * K, 1), bv = randomValues(K * N, 2);
  const bufs = new Buffers();
  const a = bufs.put(av), b = bufs.put(bv), c = bufs.alloc(M * N);
  const lda = aShape[1], ldb = bShape[1];
  const ta = tfTensor('wasm', av, aShape), tb = tfTensor('wasm', bv, bShape);
  const ja = jaxArray(av, aShape), jb = jaxArray(bv, bShape);
  const mm = jax.jit((x: jax.Array, y: jax.Array) => np.matmul(tA ? x.transpose() : x, tB ? y.transpose() : y));
  // The relaxed-SIMD build (its own instance and buffers), or why it cannot run here.
  const rx = await relaxedSimdnet();
  let relaxed: Contender = { name: 'simdnet relaxed', na: typeof rx === 'string' ? rx : undefined };
  const rbufs = typeof rx === 'string' ? undefined : new Buffers(rx.module.backend);
  if (typeof rx !== 'string' && rbufs) {
    const ra = rbufs.put(av), rb = rbufs.put(bv), rc = rbufs.alloc(M * N);
    relaxed = { name: 'simdnet relaxed', run: () => rx.kern.gemm({ transA: tA, transB: tB, M, N, K, a: ra, lda, b: rb, ldb, c: rc, ldc: N }) };
  }
  const targets: Target[] = trans === 'NN'
    ? [{ kind: 'peer', peer: 'tfjs-wasm', min: 1.3, label: 'GEMM forward vs tfjs-wasm' },
      { kind: 'probe', min: 0.7, label: 'GEMM forward vs the peak probe' }]
    : [{ kind: 'peer', peer: 'tfjs-wasm', min: 10, label: 'GEMM with a transposed operand vs tfjs-wasm' }];
  return {
    family: 'gemm', name: `gemm ${trans}`, shape: `${M}×${K}×${N}`, unit: 'GFLOP/s', work: 2 * M * N * K, probe: 'peak',
    contenders: [
      { name: 'simdnet', run: () => kern.gemm({ transA: tA, transB: tB, M, N, K, a, lda, b, ldb, c, ldc: N }) },
      tfContender('wasm', () => tf.matMul(ta, tb, tA, tB)),
      jaxContender(() => mm(ja.ref, jb.ref)),
      relaxed,
    ],
    targets,
    dispose: () => { bufs.release(); rbufs?.release(); ta.dispose(); tb.dispose(); ja.dispose(); jb.dispose(); mm.dispose(); },
  };
}

export function gemmFigures(): Spec[] {
  const shapes: [number, number, number, boolean, boolean][] = [
    [128, 784, 128, false, false], [128, 784, 128, true, false], [128, 784, 128, false, true], [128, 784, 128, true, true],
    [512, 512, 512, false, false], [1024, 1024, 1024, false, false], [128, 128, 10, false, false],
  ];
  return shapes.map(([M, K, N, tA, tB]) => ({
    label: `gemm ${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${M}×${K}×${N}`, build: () => gemmFigure(M, K, N, tA, tB),
  }));
}
