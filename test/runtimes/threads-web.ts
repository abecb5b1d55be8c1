// Kernel threads in a browser realm (a page or a dedicated worker), run by scripts/test-browser-threads.mjs: init()
// through the package's browser entry ('simdnet', kernels fetched from beside the bundle) with
// globalThis.SIMDNET_THREADS as init({ threads }) and SIMDNET_RELAXED as init({ relaxed: true }) (neither set: init() with
// no options), trains the models of
// threads-models.ts, then releases the threads and trains a step more. Reports what ran (isolation, threads, the
// Web Workers started and terminated, the .wasm fetched) and the bits. Runtime-neutral job; not a uvu file.
import * as simdnet from 'simdnet';
import { trainModels, type Lib } from '../helpers/threads-models.js';

interface Realm {
  SIMDNET_THREADS?: number | 'auto';
  SIMDNET_RELAXED?: boolean;
  crossOriginIsolated?: boolean;
  Worker?: new (url: string | URL, o?: object) => { terminate(): void };
  navigator?: { hardwareConcurrency?: number };
}

export async function run(): Promise<Record<string, unknown>> {
  const g = globalThis as unknown as Realm;
  // Count the Web Workers created and terminated from here on (simdnet's kernel workers are the only ones).
  let started = 0, terminated = 0;
  const Base = g.Worker;
  if (Base) {
    g.Worker = class extends Base {
      constructor(url: string | URL, o?: object) { super(url, o); started++; }
      override terminate(): void { terminated++; super.terminate(); }
    };
  }
  const t = g.SIMDNET_THREADS;
  const t0 = performance.now();
  const relaxed = g.SIMDNET_RELAXED === true;
  await simdnet.init(t === undefined && !relaxed ? undefined : { ...(t === undefined ? {} : { threads: t }), ...(relaxed ? { relaxed } : {}) });
  const initMs = performance.now() - t0;
  const threads = simdnet.threadCount();
  // The package's types (dist/) and the helper's (src/) are the same API declared twice: a cast bridges them.
  const { mlpStep, ...trained } = trainModels(simdnet as unknown as Lib);
  await simdnet.releaseThreads();
  const after = mlpStep();
  const wasm = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.split('/').pop()).filter((n) => n?.endsWith('.wasm'));
  return {
    isolated: g.crossOriginIsolated === true, cores: g.navigator?.hardwareConcurrency, threads, build: simdnet.backendInfo().build,
    initMs: Math.round(initMs), ...trained, threadsAfterRelease: simdnet.threadCount(), after, workersStarted: started,
    workersTerminated: terminated, wasm,
  };
}
