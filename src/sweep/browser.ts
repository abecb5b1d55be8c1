// Sweeps in a browser tab: the same sweep object as `simdnet sweep` (read strictly), proposed and recorded by the same
// coordinator (coordinate.ts), its trials trained in Web Workers (pool-web.ts) on a dataset the page gives as arrays.
// Nothing is written: each finished trial goes to onRecord (a page keeps them, e.g. in IndexedDB), and records of an
// earlier run resume it without running those trials again.
import { applyParams, type Params } from './space.js';
import { readSweep } from './config.js';
import { coordinate, type SweepResult, type SweepStatus } from './coordinate.js';
import { bestTrial } from '../report/sweep-best.js';
import { checkDatasetArrays, webPool, type WebPoolOptions } from './pool-web.js';
import type { DatasetArrays } from '../run/dataset.js';
import type { TrialRecord } from './log.js';
import type { Executor } from './pool.js';
import { checkKeys } from '../ops/options.js';

/** How sweepInBrowser runs: the page's dataset, the workers, earlier records, progress callbacks. */
export interface BrowserSweepOptions {
  /** The dataset every trial trains on (the sweep's dataset setting must name it). */
  data: DatasetArrays;
  /** Web Workers (default: navigator.hardwareConcurrency). */
  workers?: number;
  /** The trial worker script (default: simdnet's web-worker.js beside this file). */
  workerUrl?: string | URL;
  /** How each worker gets the kernels (default: kernels.wasm fetched from beside simdnet's browser entry). */
  init?: WebPoolOptions['init'];
  /** Finished trials of an earlier run of this sweep: they are not run again. */
  records?: readonly TrialRecord[];
  /** Each finished trial, as it finishes. */
  onRecord?: (r: TrialRecord) => void;
  /** The progress each time it changes. */
  status?: (s: SweepStatus) => void;
  /** Plain progress lines (one per finished trial). */
  log?: (s: string) => void;
  /** Runs the generations elsewhere (tests); default: a Web Worker pool. */
  executor?: Executor;
}
const OPTION_KEYS = ['data', 'workers', 'workerUrl', 'init', 'records', 'onRecord', 'status', 'log', 'executor'];

/** Runs (or, with records, continues) a sweep in Web Workers; resolves with every trial's record and the best. */
export async function sweepInBrowser(input: Record<string, unknown>, options: BrowserSweepOptions): Promise<SweepResult> {
  checkKeys('sweepInBrowser', options as unknown as Record<string, unknown>, OPTION_KEYS);
  const s = readSweep('sweep', input);
  if (!options.executor) checkDatasetArrays('sweepInBrowser', options.data);
  const records = new Map<number, TrialRecord>();
  for (const r of options.records ?? []) if (!records.has(r.trial)) records.set(r.trial, r);
  const executor = options.executor ?? webPool({ data: options.data, workers: options.workers, workerUrl: options.workerUrl, init: options.init });
  try {
    await coordinate(s, { records, executor, append: (r) => options.onRecord?.(r), say: options.log, status: options.status, source: 'the records given' });
  } finally {
    await executor.close();
  }
  const trials = [...records.values()].sort((a, b) => a.trial - b.trial);
  const settings = (r: { params: Params }) => applyParams(s.base, r.params);
  return { name: s.name, out: '', metric: s.metric, trials, best: bestTrial(trials, s.metric.goal), settings };
}
