// One sweep trial in a Node thread: train() (src/cli/train.ts) on the trial's settings into <out>/trials/<n>, quietly,
// through runTrialWith (trial.ts). The dataset is kept between trials (trials of one sweep mostly share it).
import { rmSync } from 'node:fs';
import { train } from '../cli/train.js';
import { loadDataset } from '../cli/datasets.js';
import { disposeDataset, type Dataset } from '../run/dataset.js';
import type { TrainConfig } from '../run/settings.js';
import type { TrialRecord } from './log.js';
import { runTrialWith, type TrialSpec } from './trial.js';

// The dataset of the last trial, kept for the next (trials of one sweep mostly share it).
let cached: { key: string; data: Dataset } | undefined;
async function datasetFor(c: TrainConfig): Promise<Dataset> {
  const key = JSON.stringify([c.dataset, c.dataDir ?? null, c.limit ?? null]);
  if (cached?.key === key) return cached.data;
  releaseDataset();
  const data = await loadDataset(c);
  cached = { key, data };
  return data;
}

/** Frees the dataset kept between trials (a worker calls it before it ends). */
export function releaseDataset(): void {
  if (cached) disposeDataset(cached.data);
  cached = undefined;
}

/** Runs one trial in this thread, writing its run folder (config.out); never throws. */
export async function runTrial(t: TrialSpec): Promise<TrialRecord> {
  return runTrialWith(t, async (config, onEpoch) => {
    if (!config.out) throw new Error('the trial has no run folder (config.out)');
    // A trial killed before it finished left its folder (and a checkpoint): it starts again from nothing.
    rmSync(config.out, { recursive: true, force: true });
    const data = await datasetFor(config);
    return train(config, { data, log: () => {}, warn: () => {}, progress: () => {}, onEpoch });
  });
}
