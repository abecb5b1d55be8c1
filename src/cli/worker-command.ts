// `simdnet worker --queue redis://HOST:PORT`: pulls sweep trials from Redis, runs each with runTrial into
// <out>/<sweep>/trials/<n> and reports its record back; --concurrency N runs N worker processes (each its own module
// instance). Ctrl-C (or SIGTERM) finishes the running trials, then ends; a second one ends at once (the trials go back
// to the queue when their locks expire).
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../run/settings.js';
import { readQueueUrl } from '../sweep/queue-url.js';
import type { ExecutorFactory } from '../sweep/run.js';

export interface WorkerCommandOptions { queue: string; concurrency: number; out: string; lockSeconds: number }

export const WORKER_HELP = `usage: simdnet worker --queue redis://HOST:PORT [--concurrency N] [--out DIR] [--lock-seconds S]

  pulls the trials of every sweep run with simdnet sweep SWEEP.json --queue redis://HOST:PORT from that Redis, trains
  each and sends its record back; start one on each machine (any number, at any time). Runs until Ctrl-C, which
  finishes the trials running, then ends.

  --queue URL         the Redis: redis://[USER:PASSWORD@]HOST:PORT[/DB] (rediss:// for TLS)
  --concurrency N     trials at once, each in its own process (default 1; one per core is the most that helps)
  --out DIR           where trial folders go: DIR/<sweep>/trials/<n> (default runs/worker-<host>)
  --lock-seconds S    a trial whose worker stops answering for S seconds (killed, cut off) goes back to the queue
                      and runs once more on another worker (default 30)

example:
  simdnet worker --queue redis://10.0.0.5:6379 --concurrency 2`;

/** Reads the worker's flags strictly (parseArgs has refused unknown ones). */
export function readWorkerOptions(values: Record<string, string | boolean | undefined>): WorkerCommandOptions {
  const queue = values.queue;
  if (typeof queue !== 'string' || queue === '') throw new UsageError('worker needs --queue redis://HOST:PORT (see simdnet worker --help)');
  readQueueUrl('--queue', queue);
  const int = (flag: string, v: unknown, def: number, lo: number, hi: number): number => {
    if (v === undefined) return def;
    const n = Number(v);
    if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`--${flag} ${JSON.stringify(v)}: expected a whole number from ${lo} to ${hi}`);
    return n;
  };
  const out = values.out;
  if (out === '') throw new UsageError('--out needs a folder');
  return {
    queue, concurrency: int('concurrency', values.concurrency, 1, 1, 256), lockSeconds: int('lock-seconds', values['lock-seconds'], 30, 1, 86_400),
    out: typeof out === 'string' ? out : join('runs', `worker-${hostname().replace(/[^\w.-]/g, '_')}`),
  };
}

/**
 * `simdnet sweep SWEEP.json --queue URL`: the executor sweep() runs its generations on (the URL checked now; BullMQ
 * loaded only when the sweep starts).
 */
export function sweepQueueExecutor(url: string): ExecutorFactory {
  readQueueUrl('--queue', url);
  return async (c) => (await loadQueue()).openQueue(url, c.sweep.name);
}

/**
 * The queue module, whose BullMQ and ioredis are optional peer dependencies (most users never need them): when they
 * are missing, one line saying how to install them.
 */
export async function loadQueue(): Promise<typeof import('../sweep/queue.js')> {
  try {
    return await import('../sweep/queue.js');
  } catch (e) {
    throw queueModuleError(e);
  }
}

/** A failed import of bullmq or ioredis as a usage error naming the install command; any other error as it was. */
export function queueModuleError(e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  const missing = err?.code === 'ERR_MODULE_NOT_FOUND' ? /['"](bullmq|ioredis)['"]/.exec(err.message ?? '')?.[1] : undefined;
  return missing ? new UsageError(`--queue needs the packages bullmq and ioredis (optional peer dependencies of simdnet; "${missing}" is not installed): npm i bullmq ioredis`) : e;
}

/** A sweep name as one folder name. */
const folderName = (sweep: string) => sweep.replace(/[^\w.-]/g, '_') || 'sweep';

/** Runs the worker until a signal; resolves to the exit code. */
export async function workerCommand(o: WorkerCommandOptions, log: (s: string) => void): Promise<number> {
  if (o.concurrency > 1) return spawnWorkers(o, log);
  // Signals are taken from the start: one that comes while connecting ends the worker as soon as it is up.
  let stopping: string | undefined, wake = () => {};
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) process.exit(sig === 'SIGINT' ? 130 : 143);
    stopping = sig;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { startQueueWorker } = await loadQueue();
  // Each trial runs on a worker thread, so its time limit is hard: a trial past it is ended mid-epoch, recorded
  // failed, and the thread replaced (the dataset is kept on the thread between trials).
  const { localPool } = await import('../sweep/pool-node.js');
  const pool = localPool({ workers: 1 });
  const worker = await startQueueWorker(o.queue, async (spec, sweep) => {
    const [record] = await pool.run([{ ...spec, config: { ...spec.config, out: join(o.out, folderName(sweep), 'trials', String(spec.trial)) } }], { done: () => {} });
    return record;
  }, { lockSeconds: o.lockSeconds, log });
  log(`worker ${worker.name}: waiting for trials on ${o.queue.replace(/\/\/[^@/]*@/, '//…@')} (trial folders in ${o.out})`);
  if (!stopping) await new Promise<void>((resolve) => { wake = resolve; });
  log(`worker ${worker.name}: ${stopping}: finishing the running trial, then ending (again to end now)`);
  await worker.close();
  await pool.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  log(`worker ${worker.name}: ended`);
  return 0;
}

/** --concurrency N: N copies of this command with --concurrency 1, signals passed on; ends when all have. */
async function spawnWorkers(o: WorkerCommandOptions, log: (s: string) => void): Promise<number> {
  const args = [...process.execArgv, process.argv[1], 'worker', '--queue', o.queue, '--concurrency', '1', '--out', o.out, '--lock-seconds', String(o.lockSeconds)];
  const children = Array.from({ length: o.concurrency }, () => spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] }));
  const forward = (sig: NodeJS.Signals) => () => { for (const c of children) if (c.exitCode === null) c.kill(sig); };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  log(`${o.concurrency} worker processes started`);
  const codes = await Promise.all(children.map((c) => new Promise<number>((r) => c.once('exit', (code, sig) => r(code ?? (sig ? 1 : 0))))));
  return Math.max(...codes);
}
