// What the machine gives the thread benchmarks: what else it ran while a block ran (the CPU time of other processes,
// from /proc/stat, less this process's own, as a share of one core: blocks timed while other jobs held a core are set
// apart, since 2 threads against 1 only means something on free cores; Linux only, elsewhere null), and where its two
// threads sit (a cache line's round trip between them; two busy threads, scalar and SIMD, against one).
import { readFileSync } from 'node:fs';
import { decodeBase64 } from '../src/backend/base64.js';
import { releaseWasmBase64 } from '../src/backend/kernels.generated.js';

function busyJiffies(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    return f.reduce((a, b) => a + b, 0) - f[3] - f[4]; // all but idle and iowait
  } catch {
    return null;
  }
}

/** Runs f; returns its milliseconds and the other processes' CPU meanwhile in cores (0: none; null: unknown). */
export function timedAlone(f: () => void): { ms: number; others: number | null } {
  const j0 = busyJiffies(), c0 = process.cpuUsage(), t0 = performance.now();
  f();
  const ms = performance.now() - t0, c = process.cpuUsage(c0), j1 = busyJiffies();
  if (j0 === null || j1 === null) return { ms, others: null };
  // /proc/stat counts in USER_HZ ticks (100 per second on Linux): 10 ms each, so short blocks read coarsely.
  const othersMs = (j1 - j0) * 10 - (c.user + c.system) / 1000;
  return { ms, others: Math.max(0, othersMs) / ms };
}

/**
 * Nanoseconds for one cache line to go from this thread to a worker thread and back (each stores a counter the other
 * polls for, n round trips, the median of 5 blocks): what every line one core wrote and the other then reads or writes
 * costs at least once. A few tens of ns between cores sharing a cache; here (two virtual CPUs of a host) far more.
 */
export async function lineRoundTripNs(n = 100_000): Promise<number> {
  const { Worker } = await import('node:worker_threads');
  const flags = new Int32Array(new SharedArrayBuffer(256)); // word 0 written here, word 32 (another line) by the worker
  const blocks = 5;
  const w = new Worker(`const { workerData: f } = require('node:worker_threads'); const a = new Int32Array(f);
for (let i = 1; i <= ${2 * n * blocks}; i += 2) { while (Atomics.load(a, 0) !== i) {} Atomics.store(a, 32, i + 1); }`,
  { eval: true, workerData: flags.buffer });
  const times: number[] = [];
  try {
    await new Promise((ok) => w.once('online', ok));
    for (let b = 0, i = 1; b < blocks; b++) {
      const t = performance.now();
      for (let k = 0; k < n; k++, i += 2) { Atomics.store(flags, 0, i); while (Atomics.load(flags, 32) !== i + 1) { /* the worker's answer */ } }
      times.push(((performance.now() - t) / n) * 1e6);
    }
  } finally { await w.terminate(); }
  return times.sort((a, b) => a - b)[blocks >> 1];
}

/**
 * The slower of two worker threads doing the same timed work at once, over one doing it alone: what two threads get
 * from the machine. `setup` runs first in each worker (with `d`, the workerData); `work` is timed once both are ready.
 */
async function twoAgainstOne(setup: string, work: string, workerData?: unknown): Promise<number> {
  const { Worker } = await import('node:worker_threads');
  const src = `const { parentPort, workerData: d } = require('node:worker_threads');
${setup}
parentPort.once('message', () => { const t = performance.now(); ${work}; parentPort.postMessage(performance.now() - t); });
parentPort.postMessage('ready');`;
  const run = async (n: number): Promise<number[]> => {
    const ws = Array.from({ length: n }, () => new Worker(src, { eval: true, workerData }));
    try {
      await Promise.all(ws.map((w) => new Promise((ok) => w.once('message', ok))));
      const done = ws.map((w) => new Promise<number>((ok) => w.once('message', ok)));
      ws.forEach((w) => w.postMessage('go'));
      return await Promise.all(done);
    } finally { await Promise.all(ws.map((w) => w.terminate())); }
  };
  const [alone] = await run(1), both = await run(2);
  return Math.max(...both) / alone;
}

/** Two busy JS threads at once against one alone (1.0: two free cores; 2.0: one core for both): what the machine gives. */
export function coreShare(): Promise<number> {
  return twoAgainstOne('', 'let x = 0; for (let i = 0; i < 1e8; i++) x = (x + i * 7) % 1000003');
}

/**
 * Two threads running the kernel module's f32x4 multiply-add peak probe at once, against one alone: 1.0 when each
 * thread has its own core's vector units, about 2 when the two virtual CPUs are the two hardware threads of one core
 * (a cache line then goes between them in well under 100 ns, yet compute-bound kernels cannot speed up on 2 threads).
 * The busy-loop share (coreShare) cannot tell: a scalar loop leaves the sibling hardware thread room. About 0.2 s per run.
 */
export function simdShare(): Promise<number> {
  const module = new WebAssembly.Module(decodeBase64(releaseWasmBase64));
  const probe = new WebAssembly.Instance(module, {}).exports as { peakProbeFlopsPerIteration(): number };
  const iterations = Math.round(8e9 / probe.peakProbeFlopsPerIteration()); // ~0.2 s at this machine's ~45 GFLOP/s
  return twoAgainstOne(`const k = new WebAssembly.Instance(d.module, {}).exports; k.peakProbe(${Math.round(iterations / 20)}, 0.001);`,
    `k.peakProbe(${iterations}, 0.001)`, { module });
}
