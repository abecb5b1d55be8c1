// throwaway: per split call, own time and wait
import { init } from '../src/index.js';
import { NETS, trainStep } from './steps.js';
await init({ threads: Number(process.argv[3] ?? 2) });
const w = trainStep(NETS[(process.argv[2] ?? 'mlp') as 'mlp']);
for (let i = 0; i < 300; i++) w.run();
const g = globalThis as unknown as { __stats: Map<string, number[]> };
g.__stats?.clear();
const t0 = performance.now(); const N = 1000;
for (let i = 0; i < N; i++) w.run();
const ms = performance.now() - t0;
console.log(`${(ms / N * 1000).toFixed(0)} µs per step`);
for (const [k, e] of [...(g.__stats ?? new Map()).entries()].sort((a, b) => b[1][1] + b[1][2] - a[1][1] - a[1][2])) console.log(`${k.padEnd(28)} calls/step ${(e[0] / N).toFixed(1)} own ${(e[1] / e[0] * 1000).toFixed(1)} µs wait ${(e[2] / e[0] * 1000).toFixed(1)} µs mine ${(e[3] / e[0]).toFixed(2)} asleep ${(e[4] / e[0]).toFixed(2)}`);
w.dispose(); process.exit(0);
