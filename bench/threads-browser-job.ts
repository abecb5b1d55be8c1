// The job of bench/threads-browser.ts, run in a Chromium dedicated worker of a cross-origin-isolated page: the MLP
// step (784-128-128-10, relu, Adam, batch 128) and the LeNet step (batch 64, as bench/threads.ts) timed with 1 and
// then 2 threads of one threaded backend (Web Workers; Pool.tune picks the count, the same bits either way), blocks
// of steps A, B, B, A… Returns the milliseconds per step of every block. Bench-only code.
import { init, layers, sequential, tensor, type Model } from '../src/index.js';
import { backend } from '../src/backend/module.js';
import type { Pool } from '../src/backend/threads.js';

interface Work { name: string; per: number; reps: number; run(): void }

/** n values in [lo, hi) from an LCG. */
function lcg(n: number, seed: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo); }
  return out;
}

function step(kind: 'mlp' | 'lenet', batch: number, name: string, reps: number): Work {
  const ls = kind === 'mlp' ? [layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 128, activation: 'relu' })]
    : [layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
      layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }), layers.flatten(),
      layers.dense({ units: 120, activation: 'relu' }), layers.dense({ units: 84, activation: 'relu' })];
  const m: Model = sequential([...ls, layers.dense({ units: 10, activation: 'softmax' })], { inputShape: kind === 'lenet' ? [28, 28, 1] : [784], seed: 1 });
  m.compile({ optimizer: { name: 'adam', learningRate: 0.001 }, loss: 'crossEntropy' });
  const shape = kind === 'lenet' ? [batch, 28, 28, 1] : [batch, 784], size = shape.reduce((a, b) => a * b, 1);
  const xs = [0, 1, 2, 3].map((i) => tensor(lcg(size, 20 + i, 0, 1), shape));
  const ys = [0, 1, 2, 3].map((i) => {
    const y = new Float32Array(batch * 10), lab = lcg(batch, 40 + i, 0, 10);
    for (let r = 0; r < batch; r++) y[r * 10 + Math.floor(lab[r])] = 1;
    return tensor(y, [batch, 10]);
  });
  let k = 0;
  return { name, per: batch, reps, run: () => { const i = k++ % 4; m.trainOnBatch(xs[i], ys[i]); } };
}

export async function run(): Promise<unknown> {
  const rounds = (globalThis as { ROUNDS?: number }).ROUNDS ?? 9;
  await init({ threads: 2 });
  const pool = backend().threads as Pool | undefined;
  if (!pool) throw new Error('no threads here: the page is not cross-origin isolated');
  const works = [step('mlp', 128, 'MLP 784-128-128-10 Adam b128', 40), step('lenet', 64, 'LeNet b64', 8)];
  const time = (w: Work, threads: number): number => {
    pool.tune(threads);
    const t = performance.now();
    for (let i = 0; i < w.reps; i++) w.run();
    return (performance.now() - t) / w.reps;
  };
  for (const w of works) { time(w, 1); time(w, 2); } // warm up (plans, JIT, first touches)
  const times = works.map(() => [[] as number[], [] as number[]]);
  for (let r = 0; r < rounds; r++) {
    works.forEach((w, i) => { for (const t of r % 2 ? [2, 1] : [1, 2]) times[i][t - 1].push(time(w, t)); });
  }
  return { works: works.map((w, i) => ({ name: w.name, per: w.per, one: times[i][0], two: times[i][1] })), splits: pool.splits, backoffs: pool.backoffs };
}
