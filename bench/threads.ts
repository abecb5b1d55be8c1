// Threads against one thread, interleaved in one process: the MLP step (784-128-128-10, relu, Adam, batch 128), the
// seed-study-4 network (784-6×128-10, tanh, RMSProp, batch 128), the LeNet step (batch 64; bench/steps.ts, as
// bench/train.ts) and GEMM 512³, each timed with 1 and then N threads of one threaded backend, A, B, A, B… (the same bits either way),
// plus the cost of one split call (a barrier). Prints samples/s (GFLOP/s for GEMM), the median ratio, its spread and
// the load average. `--busy`: a busy loop runs on another thread meanwhile (another job taking a core: the threads must
// not collapse). `--no-backoff`: calls stay split even when workers are late (the pool's politeness off), to see what
// the split alone gives. `tsx bench/threads.ts [--threads N] [--rounds R] [--busy] [--no-backoff]`. Node only.
import { loadavg, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { init } from '../src/index.js';
import { backend } from '../src/backend/module.js';
import type { Pool } from '../src/backend/threads.js';
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues } from './common.js';
import { coreShare } from './report.js';
import { NETS, gemmSquare, trainStep, type Net } from './steps.js';

const arg = (name: string, d: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const THREADS = arg('threads', 2), ROUNDS = arg('rounds', 9);
await init({ threads: THREADS });
const pool = backend().threads as Pool | undefined;
if (!pool) throw new Error('bench/threads: no threads here (init({ threads }) fell back to one)');

interface Work { name: string; unit: string; per: number; reps: number; run(): void }

function step(net: Net, name: string, reps: number): Work {
  return { name, unit: 'samples/s', per: net.batch, reps, run: trainStep(net).run };
}

function gemm512(): Work {
  const n = 512;
  return { name: 'GEMM 512³', unit: 'GFLOP/s', per: 2 * n * n * n / 1e9, reps: 10, run: gemmSquare(n).run };
}

/** One split call with almost no work: the barrier (post, wake, done) against the same call on one thread. */
function barrier(): Work {
  const bufs = new Buffers(), n = 1024, x = bufs.put(randomValues(n, 3));
  return { name: 'barrier (fill of 1024, split)', unit: 'µs', per: 1, reps: 2000, run: () => kern.fill(x, 1, n) };
}

const works = [step(NETS.mlp, 'MLP 784-128-128-10 Adam b128', 40), step(NETS.study4, 'seed-study-4 784-6×128-10 tanh RMSProp b128', 30),
  step(NETS.cnn, 'LeNet b64', 8), gemm512(), barrier()];
const times = works.map(() => [[] as number[], [] as number[]]);

function time(w: Work, threads: number): number {
  pool!.tune(threads, { ...(w.unit === 'µs' ? { minElements: 0 } : {}), adaptive: !process.argv.includes('--no-backoff') });
  const t = performance.now();
  for (let i = 0; i < w.reps; i++) w.run();
  return (performance.now() - t) / w.reps;
}

const busy = process.argv.includes('--busy') ? new Worker('for (;;) {}', { eval: true }) : undefined;
const load0 = loadavg(), share0 = await coreShare();
for (const w of works) { time(w, 1); time(w, THREADS); } // warm up (plans, JIT, first touches)
for (let r = 0; r < ROUNDS; r++) {
  works.forEach((w, i) => {
    const order = r % 2 ? [THREADS, 1] : [1, THREADS];
    for (const t of order) times[i][t === 1 ? 0 : 1].push(time(w, t));
  });
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const share1 = await coreShare();
console.log(`${cpus()[0]?.model ?? '?'}, ${cpus().length} cores; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
  `two busy threads take ${share0.toFixed(2)}× (before) and ${share1.toFixed(2)}× (after) one's time (1.00: two free cores)`);
console.log(`${ROUNDS} interleaved rounds; 1 thread vs ${THREADS} threads of one threaded backend${busy ? '; a busy loop on another thread throughout' : ''}`);
await busy?.terminate();
works.forEach((w, i) => {
  const [one, many] = times[i];
  const ratios = one.map((t, k) => t / many[k]).sort((a, b) => a - b);
  if (w.unit === 'µs') {
    console.log(`${w.name.padEnd(46)} 1 thread ${(med(one) * 1000).toFixed(1)} µs, ${THREADS} threads ${(med(many) * 1000).toFixed(1)} µs: barrier ≈ ${((med(many) - med(one)) * 1000).toFixed(1)} µs`);
    return;
  }
  const rate = (ms: number) => (w.per / (ms / 1000));
  console.log(`${w.name.padEnd(46)} 1 thread ${rate(med(one)).toFixed(w.unit === 'GFLOP/s' ? 1 : 0)} ${w.unit}, ${THREADS} threads ${rate(med(many)).toFixed(w.unit === 'GFLOP/s' ? 1 : 0)}: ` +
    `×${med(ratios).toFixed(2)} (rounds ${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)})`);
});
console.log(`calls split so far: ${pool.splits}; back-offs to one thread (workers late on a busy machine): ${pool.backoffs}`);
