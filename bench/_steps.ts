import { init, layers, sequential, tensor } from '../src/index.js';
import { backend } from '../src/backend/module.js';
import type { Pool } from '../src/backend/threads.js';
import { randomValues } from './common.js';
import { clean } from './_quiet.js';
await init({ threads: 2 });
const pool = backend().threads as Pool;
const lim = JSON.parse(process.argv[3] ?? '{}');
function mk(kind: string) {
  const dense = (n: number, a: 'relu' | 'tanh') => layers.dense({ units: n, activation: a });
  const ls = kind === 'mlp' ? [dense(128, 'relu'), dense(128, 'relu')] : kind === 'seed' ? Array.from({ length: 6 }, () => dense(128, 'tanh')) :
    [layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
     layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }), layers.flatten(),
     layers.dense({ units: 120, activation: 'relu' }), layers.dense({ units: 84, activation: 'relu' })];
  const m = sequential([...ls, layers.dense({ units: 10, activation: 'softmax' })], { inputShape: kind === 'lenet' ? [28, 28, 1] : [784], seed: 1 });
  m.compile({ optimizer: kind === 'seed' ? 'rmsprop' : 'adam', loss: 'crossEntropy' });
  const batch = kind === 'lenet' ? 64 : 128, shape = kind === 'lenet' ? [batch, 28, 28, 1] : [batch, 784];
  const x = tensor(randomValues(shape.reduce((a, b) => a * b), 3, 0, 1), shape);
  const y = new Float32Array(batch * 10); for (let r = 0; r < batch; r++) y[r * 10 + (r % 10)] = 1;
  const yt = tensor(y, [batch, 10]);
  return { step: () => m.trainOnBatch(x, yt), batch };
}
for (const kind of (process.argv[2] ?? 'mlp,seed,lenet').split(',')) {
  const { step, batch } = mk(kind);
  const reps = kind === 'lenet' ? 300 : 2000;
  const t = [0, 0];
  for (let i = 0; i < 10; i++) { pool.tune(1); step(); pool.tune(2, lim); step(); }
  const B = kind === 'lenet' ? 8 : 40; const ratios: number[] = []; let tries = 0;
  while (ratios.length < Number(process.argv[4] ?? 15) && tries++ < 400) {
    pool.tune(1); step(); const [a, oa] = clean(() => { for (let j = 0; j < B; j++) step(); });
    pool.tune(2, lim); step(); const [b, ob] = clean(() => { for (let j = 0; j < B; j++) step(); });
    if (oa < 0.1 && ob < 0.1) { ratios.push(a / b); t[0] += a / B; t[1] += b / B; }
  }
  const n = ratios.length; ratios.sort((x, y) => x - y);
  const r = t.map((v) => batch / (v / n / 1000));
  console.log(`${kind} ${JSON.stringify(lim)}: ${n} clean pairs of ${tries}: 1T ${r[0].toFixed(0)} 2T ${r[1].toFixed(0)} median ×${ratios[n >> 1]?.toFixed(2)} (${ratios[0]?.toFixed(2)}–${ratios[n - 1]?.toFixed(2)})`);
}
