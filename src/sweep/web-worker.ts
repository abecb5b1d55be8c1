// A sweep's Web Worker (started by pool-web.ts): its own simdnet module (the browser entry's init), the dataset posted
// once as arrays, then each trial posted to it trained in memory (runConfig through runTrialWith), one at a time,
// posting back the record. Nothing here touches the page.
import { init } from '../entry-browser.js';
import { datasetFromArrays, disposeDataset, type Dataset, type DatasetArrays } from '../run/dataset.js';
import { runConfig } from '../run/run.js';
import type { TrainConfig } from '../run/settings.js';
import { runTrialWith, type TrialSpec } from './trial.js';
import type { InitOptions } from '../backend/module.js';

interface Scope { postMessage(m: unknown): void; onmessage: ((e: MessageEvent) => void) | null }
const scope = globalThis as unknown as Scope;

let given: DatasetArrays | undefined;
let ready: Promise<void> | undefined;
// The dataset as tensors, for the last limit asked (trials of one sweep mostly share it).
let cached: { limit: number | undefined; data: Dataset } | undefined;

function datasetFor(c: TrainConfig): Dataset {
  const d = given!;
  if (c.dataset !== d.name) throw new Error(`the trial trains on dataset "${c.dataset}", but this page gave the sweep "${d.name}"`);
  if (cached && cached.limit === c.limit) return cached.data;
  if (cached) disposeDataset(cached.data);
  cached = undefined;
  const data = datasetFromArrays(d, c.limit);
  cached = { limit: c.limit, data };
  return data;
}

scope.onmessage = async (e: MessageEvent<{ data?: DatasetArrays; init?: InitOptions; run?: TrialSpec }>) => {
  const m = e.data;
  if (m.data) {
    given = m.data;
    // One thread per trial: the pool already runs one trial per core (init's default would start threads in every
    // worker of a cross-origin-isolated page).
    ready = init({ threads: 1, ...m.init });
    ready.catch(() => {}); // reported with the first trial
    return;
  }
  if (!m.run) return;
  const spec = m.run;
  try {
    if (!ready) throw new Error('no dataset was posted to the worker');
    await ready;
  } catch (err) {
    scope.postMessage({ record: { trial: spec.trial, generation: spec.generation, params: spec.params, status: 'failed',
      reason: `the worker's module did not start: ${(err as Error).message}`, metric: null, curve: [], epochs: 0, seconds: 0 } });
    return;
  }
  scope.postMessage({ started: spec.trial }); // the pool's time limit counts from here (not the worker's start-up)
  const record = await runTrialWith(spec, async (config, onEpoch) => runConfig(config, datasetFor(config), { onEpoch, files: false }));
  scope.postMessage({ record });
};
