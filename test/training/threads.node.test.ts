// Training with threads: child processes (test/helpers/threads-train.ts) init simdnet with 1, 2 and 4 threads and
// train a seeded MLP (784-128-128-10, Adam, batch 128) and a LeNet-like CNN a few steps: one weights hash and one loss
// trajectory for every thread count (1 is the default module, 2 and 4 the threaded one). Each child exits without
// releasing its threads and must end promptly (workers never keep a process alive); releaseThreads() leaves a model
// training on one thread. Node only (child processes, worker_threads).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BUILD } from '../helpers/setup.js';

const test = suite(`training with threads 1, 2, 4: one weights hash, prompt exit (node) [${BUILD}]`);
const CHILD = fileURLToPath(new URL('../helpers/threads-train.ts', import.meta.url));
const LIMIT_MS = 30_000;

interface Child { code: number | null; ms: number; lines: Record<string, unknown>[]; err: string }

function child(args: string[]): Promise<Child> {
  return new Promise((done) => {
    const t = performance.now();
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), LIMIT_MS);
    p.on('close', (code) => {
      clearTimeout(timer);
      done({ code, ms: performance.now() - t, err, lines: out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) });
    });
  });
}

test('threads 1, 2, 4: the same weights hashes and losses; every process exits by itself, promptly', async () => {
  const runs = await Promise.all([1, 2, 4].map((n) => child([String(n)])));
  runs.forEach((r, i) => {
    const n = [1, 2, 4][i];
    assert.is(r.code, 0, `threads ${n}: exit ${r.code} after ${Math.round(r.ms)} ms (killed at ${LIMIT_MS} ms?) ${r.err.slice(-1500)}`);
    assert.is(r.lines[0].threads, n, `threads ${n}: ran on ${String(r.lines[0].threads)}`);
  });
  const [one, ...more] = runs.map((r) => ({ ...r.lines[0], threads: undefined }) as Record<string, unknown>);
  assert.match(String(one.mlp), /^[0-9a-f]{16}$/);
  for (const m of more) assert.equal(m, one);
});

test('releaseThreads(): the workers end, training goes on on one thread with the same bits', async () => {
  const [released, single] = await Promise.all([child(['2', 'release']), child(['1', 'release'])]);
  for (const r of [released, single]) assert.is(r.code, 0, r.err.slice(-1500));
  assert.is(released.lines[1].threadsAfterRelease, 1);
  assert.is(released.lines[1].after, single.lines[1].after);
});

test.run();
