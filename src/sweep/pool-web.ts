// The sweep's worker pool in a browser: Web Workers (one per core by default: navigator.hardwareConcurrency) running
// web-worker.ts, each with its own module instance and its own copy of the dataset, posted once when it starts; the
// pool's logic (time limits, crashes, replacements) is pool.ts's.
import type { InitOptions } from '../backend/module.js';
import { workerPool, type Executor, type TrialWorker, type WorkerReply } from './pool.js';
import { datasetNames } from '../data/sources.js';
import type { DatasetArrays } from '../run/dataset.js';

/** A Web Worker pool's dataset, size, worker script and kernels. */
export interface WebPoolOptions {
  /** The dataset every trial trains on (each trial's dataset setting must name it; its limit takes the first rows). */
  data: DatasetArrays;
  /** Web Workers (default: navigator.hardwareConcurrency, else 2). */
  workers?: number;
  /** The worker script (default: web-worker.js beside this file, as a module worker). */
  workerUrl?: string | URL;
  /** How each worker gets the kernels (default: kernels.wasm fetched from beside simdnet's browser entry). */
  init?: Pick<InitOptions, 'module' | 'bytes'>;
}

/** Checks a dataset given as arrays (names the field at fault) before any worker gets it. */
export function checkDatasetArrays(owner: string, d: DatasetArrays): void {
  const fail = (what: string): never => { throw new TypeError(`${owner}: data.${what}`); };
  if (typeof d !== 'object' || d === null) throw new TypeError(`${owner}: data must be { name, classes, inputShape, train: { x, labels }, test: { x, labels } }; got ${String(d)}`);
  if (typeof d.name !== 'string' || !(datasetNames as readonly string[]).includes(d.name)) {
    fail(`name must be the sweep's dataset setting: one of ${datasetNames.join(', ')} ("folder" for your own data); got ${JSON.stringify(d.name)}`);
  }
  if (!Array.isArray(d.classes) || d.classes.length < 2) fail(`classes must list at least 2 class names; got ${JSON.stringify(d.classes)}`);
  if (!Array.isArray(d.inputShape) || d.inputShape.length === 0 || !d.inputShape.every((n) => Number.isSafeInteger(n) && n >= 1)) {
    fail(`inputShape must be one sample's shape, e.g. [28, 28, 1]; got ${JSON.stringify(d.inputShape)}`);
  }
  const per = d.inputShape.reduce((a, b) => a * b, 1);
  for (const part of ['train', 'test'] as const) {
    const p = d[part];
    if (!p || !(p.x instanceof Float32Array) || !(p.labels instanceof Int32Array)) fail(`${part} must be { x: Float32Array, labels: Int32Array }`);
    if (p.labels.length === 0) fail(`${part} has no samples`);
    if (p.x.length !== p.labels.length * per) fail(`${part}.x has ${p.x.length} values; ${p.labels.length} samples of [${d.inputShape.join(', ')}] need ${p.labels.length * per}`);
    const bad = p.labels.findIndex((c) => c < 0 || c >= d.classes.length);
    if (bad >= 0) fail(`${part}.labels[${bad}] is ${p.labels[bad]}, not a class index in [0, ${d.classes.length})`);
  }
}

/** The default worker count in this browser. */
export const browserCores = (): number => {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Number.isSafeInteger(n) && n! >= 1 ? n! : 2;
};

function webWorker(url: string | URL, data: DatasetArrays, init: WebPoolOptions['init']): TrialWorker {
  const w = new Worker(url, { type: 'module', name: 'simdnet sweep trial' });
  w.postMessage({ data, init });
  return {
    post: (m) => w.postMessage(m),
    listen: (on) => {
      w.onmessage = (e: MessageEvent<WorkerReply & { crash?: string }>) => (e.data.crash !== undefined ? on.crash(e.data.crash) : on.reply(e.data));
      w.onerror = (e) => { e.preventDefault(); on.crash(e.message || 'the worker script failed to load'); };
      w.onmessageerror = () => on.crash('a message could not be read');
    },
    terminate: () => w.terminate(),
  };
}

/** A pool of Web Workers running trials on the given data. */
export function webPool(options: WebPoolOptions): Executor {
  checkDatasetArrays('webPool', options.data);
  const url = options.workerUrl ?? new URL('./web-worker.js', import.meta.url);
  return workerPool(options.workers ?? browserCores(), () => webWorker(url, options.data, options.init), 'web-worker');
}
