// One configuration trained in memory, in any runtime (a browser tab, a Web Worker, a sweep trial): the model built
// (model.ts), trained one fit per epoch (epochs.ts) and finished (finish.ts); nothing is written anywhere. The CLI's
// `simdnet train` (src/cli/train.ts) runs the same steps with files, checkpoints and Ctrl-C around them.
import type { Model } from '../index.js';
import type { Callback } from '../train/callbacks.js';
import { buildModel } from './model.js';
import { trainEpochs } from './epochs.js';
import { finishRun, type FinishedRun } from './finish.js';
import type { TrainConfig } from './settings.js';
import type { Dataset } from './dataset.js';

export interface RunOptions {
  /** After each finished epoch but the last, with its logs: returning true stops the run there (reported as stoppedEpoch). */
  onEpoch?: (epoch: number, logs: Record<string, number>) => boolean | Promise<boolean>;
  /** More callbacks for every fit (progress, live charts). */
  callbacks?: Callback[];
  /** Keep the trained model in the result (the caller disposes it); by default it is disposed. */
  keepModel?: boolean;
  /** Render the report and the run's files (default true). */
  files?: boolean;
  /** The report's title and command (see finishRun). */
  title?: string;
  command?: string;
}

export interface RunResult extends FinishedRun {
  config: TrainConfig;
  history: Record<string, number[]>;
  /** The epoch (0-based) early stopping or onEpoch stopped after. */
  stoppedEpoch?: number;
  stopMessage?: string;
  /** Wall time of the training epochs, in seconds, and the samples trained per second. */
  seconds: number;
  samplesPerSecond: number;
  /** The trained model, with keepModel. */
  model?: Model;
}

/** Builds, trains and evaluates the model a configuration describes on data (config.model: a preset or { layers }). */
export async function runConfig(config: TrainConfig, data: Dataset, opts: RunOptions = {}): Promise<RunResult> {
  const model = buildModel(config, data.inputShape, data.classes.length);
  let kept = false;
  try {
    const loop = await trainEpochs(model, config, data, { callbacks: opts.callbacks, onEpoch: opts.onEpoch });
    const fin = finishRun(model, config, data, loop.history, loop.diagnostics, { stoppedEpoch: loop.stoppedEpoch, title: opts.title, command: opts.command, files: opts.files });
    kept = !!opts.keepModel;
    return {
      ...fin, config, history: loop.history, stoppedEpoch: loop.stoppedEpoch, stopMessage: loop.stopMessage,
      seconds: loop.trainMs / 1000, samplesPerSecond: loop.trained / (loop.trainMs / 1000), ...(kept ? { model } : {}),
    };
  } finally {
    if (!kept) model.dispose();
  }
}
