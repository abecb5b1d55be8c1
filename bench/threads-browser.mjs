// Threads in a browser against one thread: bundles bench/threads-browser-job.ts, serves it cross-origin isolated and
// runs it in a dedicated worker of a Chromium page (Debian's chromium through playwright-core), the MLP and LeNet steps
// with 1 and 2 threads interleaved in blocks. Prints samples/s, the median ratio and its spread, and the load average.
// `node bench/threads-browser.mjs [--rounds R]` (after a build). Node side of a browser bench.
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { findChromium, launchChromium, NO_CHROMIUM, root, runInChromium, startServer } from '../scripts/test-browser.mjs';

const at = process.argv.indexOf('--rounds'), ROUNDS = at > 0 ? Number(process.argv[at + 1]) : 9;
const JOB = 'build/bench/threads-browser-job.js';
await build({ entryPoints: [join(root, 'bench/threads-browser-job.ts')], outfile: join(root, JOB), bundle: true, format: 'esm',
  platform: 'browser', target: 'es2022', absWorkingDir: root, logLevel: 'warning' });
const exe = findChromium();
if (!exe) throw new Error(NO_CHROMIUM);
const server = await startServer(root), chrome = await launchChromium(exe);
const load0 = loadavg();
const r = await runInChromium(chrome, server, JOB, 'worker', { ROUNDS }, 600_000);
const load1 = loadavg();
await chrome.close();
await server.close();
if (!r.ok) throw new Error(r.error);
const med = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`Chromium ${chrome.version}, a dedicated worker of a cross-origin-isolated page; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')}`);
console.log(`${ROUNDS} interleaved rounds; 1 thread vs 2 threads of one threaded backend (one Web Worker)`);
for (const w of r.value.works) {
  const ratios = w.one.map((t, k) => t / w.two[k]).sort((a, b) => a - b);
  const rate = (ms) => (w.per / (ms / 1000)).toFixed(0);
  console.log(`${w.name.padEnd(32)} 1 thread ${rate(med(w.one))} samples/s, 2 threads ${rate(med(w.two))}: ×${med(ratios).toFixed(2)} (rounds ${ratios[0].toFixed(2)}–${ratios.at(-1).toFixed(2)})`);
}
console.log(`calls split: ${r.value.splits}; back-offs to one thread (workers late on a busy machine): ${r.value.backoffs}`);
