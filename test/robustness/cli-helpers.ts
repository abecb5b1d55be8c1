// Helpers of the CLI robustness tests (cli-*.node.test.ts), node-only: the built `simdnet` command run as a child process
// (at once, or with a signal sent at a chosen point of its output), and a small MNIST-format dataset cut from the
// repository's fashion-small, so that each run loads 1,200 images instead of 12,000.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const bin = join(root, 'dist/cli/main.js');

export interface Outcome { code: number | null; signal: NodeJS.Signals | null; out: string; err: string; sentAfter: string }

/** Runs `simdnet args` in cwd to its end. */
export function cli(cwd: string, args: string[], env: Record<string, string> = {}): Outcome {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr, sentAfter: '' };
}

export interface Fault {
  /** The signal to send, or a function to call with the child. */
  signal: NodeJS.Signals | ((child: ReturnType<typeof spawn>) => void);
  /** Send it `delay` ms after the output first matches this (undefined: after the start). */
  after?: RegExp;
  delay: number;
}

/** Runs `simdnet args` in cwd, with an optional fault; sentAfter is the output seen when the fault was sent. */
export function runCli(cwd: string, args: string[], fault?: Fault, env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env } });
    let out = '', err = '', sentAfter = '', armed = false;
    const arm = () => {
      armed = true;
      const send = () => { sentAfter = out; if (typeof fault!.signal === 'function') fault!.signal(child); else child.kill(fault!.signal); };
      if (fault!.delay > 0) setTimeout(send, fault!.delay); else send();
    };
    child.stdout.on('data', (d) => { out += d; if (fault?.after && !armed && fault.after.test(out)) arm(); });
    child.stderr.on('data', (d) => { err += d; });
    if (fault && !fault.after) arm();
    child.on('exit', (code, signal) => resolve({ code, signal, out, err, sentAfter }));
  });
}

/**
 * Writes the four MNIST IDX files (uncompressed) of the first `train` and `test` samples of fashion-small into
 * dir/mini-mnist; returns the flags that train on them.
 */
export function miniData(dir: string, train = 1000, test = 200): string[] {
  const folder = join(dir, 'mini-mnist');
  mkdirSync(folder, { recursive: true });
  const cut = (file: string, n: number) => {
    const all = gunzipSync(readFileSync(join(root, 'data/fashion-small', `${file}.gz`)));
    const dims = all[3], head = 4 + 4 * dims;
    const per = Array.from({ length: dims - 1 }, (_, i) => all.readUInt32BE(8 + 4 * i)).reduce((a, b) => a * b, 1);
    const out = Buffer.from(all.subarray(0, head + n * per));
    out.writeUInt32BE(n, 4);
    writeFileSync(join(folder, file), out);
  };
  cut('train-images-idx3-ubyte', train); cut('train-labels-idx1-ubyte', train);
  cut('t10k-images-idx3-ubyte', test); cut('t10k-labels-idx1-ubyte', test);
  return ['--dataset', 'mnist', '--data', folder];
}

/** Runs jobs with at most `n` at a time, in order of start. */
export async function pool<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, async () => {
    while (next < jobs.length) { const i = next++; results[i] = await jobs[i](); }
  }));
  return results;
}
