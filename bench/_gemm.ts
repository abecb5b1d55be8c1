import { init } from '../src/index.js';
import { backend } from '../src/backend/module.js';
import type { Pool } from '../src/backend/threads.js';
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues } from './common.js';
await init({ threads: 2 });
const pool = backend().threads as Pool;
const shapes: [boolean, boolean, number, number, number][] = [
  [false, false, 128, 128, 784], [true, false, 784, 128, 128], [false, true, 128, 784, 128],
  [false, false, 128, 128, 128], [true, false, 128, 128, 128], [false, true, 128, 128, 128], [false, false, 128, 10, 128], [false, false, 512, 512, 512]];
const bufs = new Buffers();
for (const [tA, tB, M, N, K] of shapes) {
  const a = bufs.put(randomValues(M * K, 1)), b = bufs.put(randomValues(K * N, 2)), c = bufs.alloc(M * N);
  const run = () => kern.gemm({ transA: tA, transB: tB, M, N, K, a, lda: tA ? M : K, b, ldb: tB ? K : N, c, ldc: N });
  const reps = Math.max(5, Math.round(5e7 / (M * N * K)));
  const r: number[][] = [[], []];
  for (let round = 0; round < 21; round++) for (const th of round % 2 ? [2, 1] : [1, 2]) {
    pool.tune(th, { adaptive: false }); run();
    const t = performance.now(); for (let i = 0; i < reps; i++) run(); r[th - 1].push((performance.now() - t) / reps * 1000);
  }
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
  const rat = r[0].map((v, i) => v / r[1][i]);
  console.log(`${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${M}x${N}x${K}: 1T ${med(r[0]).toFixed(1)}µs 2T ${med(r[1]).toFixed(1)}µs ×${med(rat).toFixed(2)}  ${(2 * M * N * K / med(r[0]) / 1e3).toFixed(1)} GF/s`);
}
