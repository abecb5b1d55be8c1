import { init, layers, sequential, tensor } from '../src/index.js';
import { backend } from '../src/backend/module.js';
import { Pool } from '../src/backend/threads.js';
import { randomValues } from './common.js';
await init({ threads: 2 });
const pool = backend().threads as Pool;
const acc = new Map<string, number[]>();
const orig = Pool.prototype.run;
(Pool.prototype as any).run = function (name: string, args: number[]) {
  const t = performance.now(); const r = orig.call(this, name as any, args);
  const key = `${name}`; const e = acc.get(key) ?? [0, 0]; e[0] += performance.now() - t; e[1]++; acc.set(key, e); return r;
};
const kind = process.argv[2] ?? 'mlp';
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
const reps = kind === 'lenet' ? 20 : 100;
for (const th of [1, 2, 1, 2]) {
  pool.tune(th); acc.clear();
  for (let i = 0; i < 5; i++) m.trainOnBatch(x, yt);
  acc.clear();
  const t = performance.now();
  for (let i = 0; i < reps; i++) m.trainOnBatch(x, yt);
  const tot = (performance.now() - t) / reps;
  let s = 0; const rows = [...acc].map(([k, [ms, n]]) => { s += ms / reps; return `${k}:${(ms / reps * 1000).toFixed(0)}µs/${n / reps}`; });
  console.log(`th=${th} step ${(tot * 1000).toFixed(0)}µs, pooled ${(s * 1000).toFixed(0)}µs, other ${((tot - s) * 1000).toFixed(0)}µs | ${rows.join(' ')}`);
}
