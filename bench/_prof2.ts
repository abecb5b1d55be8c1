import { init, layers, sequential, tensor } from '../src/index.js';
import { backend } from '../src/backend/module.js';
import type { Pool } from '../src/backend/threads.js';
import { randomValues } from './common.js';
import { clean } from './_quiet.js';
await init({ threads: 2 });
const be = backend(); const pool = be.threads as Pool;
const acc = [new Map<string, number>(), new Map<string, number>()]; let cur = 0; let blk = new Map<string, number>();
const ex = be.exports as unknown as Record<string, unknown>;
for (const k of Object.keys(ex)) { const f = ex[k]; if (typeof f !== 'function' || k.endsWith('Bytes') || k === 'heapBase') continue;
  ex[k] = (...a: number[]) => { const t = performance.now(); const r = (f as any)(...a); blk.set(k, (blk.get(k) ?? 0) + performance.now() - t); return r; }; }
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
const lim = JSON.parse(process.argv[3] ?? '{}');
const B = kind === 'lenet' ? 5 : 25, rounds = Number(process.argv[4] ?? 40); const tot = [0, 0];
let good = 0;
for (let i = 0; i < rounds * 20 && good < rounds; i++) {
  const blks: Map<string, number>[] = []; const ms: number[] = []; let bad = false;
  for (cur = 0; cur < 2; cur++) {
    if (cur) pool.tune(2, lim); else pool.tune(1);
    m.trainOnBatch(x, yt); blk = new Map();
    const [t, o] = clean(() => { for (let j = 0; j < B; j++) m.trainOnBatch(x, yt); });
    if (o > 0.1) bad = true; blks.push(blk); ms.push(t);
  }
  if (bad) continue;
  for (let c = 0; c < 2; c++) { tot[c] += ms[c]; for (const [k, v] of blks[c]) acc[c].set(k, (acc[c].get(k) ?? 0) + v); }
  good++;
}
console.log(`${good} clean pairs`);
const steps = B * good;
const keys = [...new Set([...acc[0].keys(), ...acc[1].keys()])].sort((a, b) => (acc[0].get(b) ?? 0) - (acc[0].get(a) ?? 0));
let s0 = 0, s1 = 0;
for (const k of keys) { const a = (acc[0].get(k) ?? 0) / steps * 1000, b = (acc[1].get(k) ?? 0) / steps * 1000; s0 += a; s1 += b; if (a > 3 || b > 3) console.log(`${k.padEnd(24)} ${a.toFixed(0).padStart(6)} ${b.toFixed(0).padStart(6)}  ×${(a / b).toFixed(2)}`); }
console.log(`${'kernels'.padEnd(24)} ${s0.toFixed(0).padStart(6)} ${s1.toFixed(0).padStart(6)}  ×${(s0 / s1).toFixed(2)}`);
console.log(`${'step'.padEnd(24)} ${(tot[0] / steps * 1000).toFixed(0).padStart(6)} ${(tot[1] / steps * 1000).toFixed(0).padStart(6)}  ×${(tot[0] / tot[1]).toFixed(2)}`);
