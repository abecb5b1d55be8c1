// The sweep's worker pool in Node: worker_threads (one per core by default) running worker.ts, each with its own
// module instance; the pool's logic (time limits, crashes, replacements) is pool.ts's.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { InitOptions } from '../index.js';
import { workerPool, type Executor, type TrialWorker, type WorkerReply } from './pool.js';

export interface PoolOptions {
  /** Worker threads (default: os.availableParallelism()). */
  workers?: number;
  /** The module each worker instantiates (default: the embedded release build). */
  init?: InitOptions;
}

// Running from src/ under tsx (the tests): a worker thread does not inherit the loader, so it registers it first.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_JS = new URL('./worker.js', import.meta.url);
const WORKER_URL = FROM_SOURCE ? new URL(WORKER_JS.href.replace(/\.js$/, '.ts')) : WORKER_JS;

function startWorker(init: InitOptions | undefined): Worker {
  const workerData = { init };
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`,
    { eval: true, workerData });
}

function threadWorker(init: InitOptions | undefined): TrialWorker {
  const w = startWorker(init);
  return {
    post: (m) => w.postMessage(m),
    listen: (on) => {
      w.on('message', (m: WorkerReply) => on.reply(m));
      w.on('error', (e) => on.crash(e.message));
      w.on('exit', (code) => on.exit(code));
    },
    terminate: () => w.terminate(),
  };
}

/** A pool of worker threads running trials. */
export function localPool(options: PoolOptions = {}): Executor {
  return workerPool(options.workers ?? availableParallelism(), () => threadWorker(options.init), 'thread');
}
