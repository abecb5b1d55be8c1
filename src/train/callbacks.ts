// Callbacks for fit(): the hooks, early stopping (with restoreBestWeights), a per-epoch learning-rate scheduler,
// reduce-on-plateau and the progress bar (fit's verbose). Logs are plain { loss, accuracy, valLoss, … } objects.
import type { NamedWeights, Trainable } from './trainable.js';
import { StrictOptions } from '../ops/options.js';
import type { ProgressBar, ProgressSettings } from './progress.js';
import type { EpochDiagnostics } from './diagnostics.js';
import type { Verdict } from './verdicts.js';

/** The numbers a callback receives: loss, accuracy, valLoss, … by name. */
export type Logs = Record<string, number>;

/** What fit() will run, given to each callback before onTrainBegin (Keras' callback.params). */
export interface FitParams {
  /** The epoch fit ends at: initialEpoch + the epochs asked for (Keras' params.epochs). */
  epochs: number;
  /** The epoch fit starts at (its initialEpoch option). */
  initialEpoch: number;
  /** Batches per epoch. */
  batches: number;
  /** Samples per batch (the last batch of an epoch may hold fewer). */
  batchSize: number;
  /** Training samples per epoch. */
  samples: number;
}

/** Hooks fit() calls; M is the model class the callback is given (Model for fit(), the loop's interface otherwise). */
export interface Callback<M extends Trainable = Trainable> {
  /** Called once before training with the model being trained. */
  setModel?(model: M): void;
  /** Called once before onTrainBegin with what fit() will run. */
  /** Before onTrainBegin: what fit() will run (epochs, batches, batch size, samples). */
  setParams?(params: FitParams): void;
  /** Called when fit() starts. */
  onTrainBegin?(logs: Logs): void | Promise<void>;
  /** Called when fit() ends, stopped or not. */
  onTrainEnd?(logs: Logs): void | Promise<void>;
  /** Called before each epoch (0-based). */
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  /** Called after each epoch with its mean loss and metrics, and the validation ones. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** logs: { batch, size, loss } and each compiled metric, all over this batch alone. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** With fit(…, { diagnostics }): after each epoch's logs, that epoch's diagnostics and the verdicts so far. */
  onDiagnostics?(epoch: number, diagnostics: EpochDiagnostics, verdicts: Verdict[]): void | Promise<void>;
}

type Mode = 'min' | 'max' | 'auto';

function better(mode: Mode, monitor: string): (a: number, b: number, delta: number) => boolean {
  const m = mode === 'auto' ? (/acc/i.test(monitor) ? 'max' : 'min') : mode;
  return m === 'max' ? (a, b, d) => a > b + d : (a, b, d) => a < b - d;
}

export interface EarlyStoppingOptions {
  /** The log to watch (default 'valLoss'; falls back to 'loss' when there is no validation). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** Smallest change that counts as improvement (default 0). */
  minDelta?: number;
  mode?: Mode;
  /** At the end, put back the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

export interface EarlyStopping extends Callback {
  /** The epoch training stopped at (−1 if it did not stop early). */
  readonly stoppedEpoch: number;
  readonly bestEpoch: number;
  readonly best: number;
}

/** Stops training when the monitored value stops improving. */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const patience = options.patience ?? 0, minDelta = Math.abs(options.minDelta ?? 0);
  if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`earlyStopping: patience must be an integer ≥ 0, got ${patience}`);
  let model: Trainable | undefined, monitor = options.monitor ?? 'valLoss';
  let isBetter = better(options.mode ?? 'auto', monitor);
  let wait = 0, bestWeights: NamedWeights[] | undefined;
  const state = { stoppedEpoch: -1, bestEpoch: -1, best: NaN };
  return {
    get stoppedEpoch() { return state.stoppedEpoch; },
    get bestEpoch() { return state.bestEpoch; },
    get best() { return state.best; },
    setModel(m) { model = m; },
    onTrainBegin() {
      wait = 0; state.stoppedEpoch = -1; state.bestEpoch = -1; state.best = NaN; bestWeights = undefined;
    },
    onEpochEnd(epoch, logs) {
      if (!(monitor in logs)) {
        if (options.monitor === undefined && monitor === 'valLoss' && 'loss' in logs) { monitor = 'loss'; isBetter = better(options.mode ?? 'auto', monitor); }
        else throw new RangeError(`earlyStopping: monitor "${monitor}" is not among the logs (${Object.keys(logs).join(', ')})`);
      }
      const v = logs[monitor];
      if (Number.isNaN(state.best) || isBetter(v, state.best, minDelta)) {
        state.best = v; state.bestEpoch = epoch; wait = 0;
        if (options.restoreBestWeights) bestWeights = model!.getWeights();
      } else if (++wait > patience) {
        state.stoppedEpoch = epoch;
        model!.stopTraining = true;
      }
    },
    onTrainEnd() {
      if (options.restoreBestWeights && bestWeights) model!.setWeights(bestWeights);
    },
  };
}

/** Sets the learning rate at the start of each epoch from schedule(epoch, currentRate). */
export function learningRateScheduler(schedule: (epoch: number, lr: number) => number): Callback {
  let model: Trainable | undefined;
  return {
    setModel(m) { model = m; },
    onEpochBegin(epoch) {
      const opt = model!.optimizer!;
      const lr = schedule(epoch, opt.learningRate);
      if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`learningRateScheduler: the schedule returned ${lr} for epoch ${epoch}; it must be > 0`);
      opt.learningRate = lr;
    },
  };
}

export interface ReduceOnPlateauOptions {
  monitor?: string; factor?: number; patience?: number; minDelta?: number; cooldown?: number; minLearningRate?: number; mode?: Mode;
}

/** Multiplies the learning rate by factor when the monitored value has not improved for `patience` epochs. */
export function reduceLearningRateOnPlateau(options: ReduceOnPlateauOptions = {}): Callback {
  const factor = options.factor ?? 0.1, patience = options.patience ?? 10, cooldown = options.cooldown ?? 0;
  const minLr = options.minLearningRate ?? 0, minDelta = Math.abs(options.minDelta ?? 1e-4);
  if (!(factor > 0 && factor < 1)) throw new RangeError(`reduceLearningRateOnPlateau: factor must be in (0, 1), got ${factor}`);
  let model: Trainable | undefined, monitor = options.monitor ?? 'valLoss';
  let isBetter = better(options.mode ?? 'auto', monitor);
  let best = NaN, wait = 0, cool = 0;
  return {
    setModel(m) { model = m; },
    onTrainBegin() { best = NaN; wait = 0; cool = 0; },
    onEpochEnd(_epoch, logs) {
      if (!(monitor in logs) && options.monitor === undefined && 'loss' in logs) { monitor = 'loss'; isBetter = better(options.mode ?? 'auto', monitor); }
      const v = logs[monitor];
      if (v === undefined) throw new RangeError(`reduceLearningRateOnPlateau: monitor "${monitor}" is not among the logs`);
      if (cool > 0) cool--;
      if (Number.isNaN(best) || isBetter(v, best, minDelta)) { best = v; wait = 0; return; }
      if (cool === 0 && ++wait >= patience) {
        const opt = model!.optimizer!;
        opt.learningRate = Math.max(minLr, opt.learningRate * factor);
        cool = cooldown; wait = 0;
      }
    },
  };
}

/** Options of progressBar(): what the terminal bar shows and where it writes. */
export interface ProgressBarOptions {
  /** The epoch count shown as "epoch 3/10" (default: where fit ends; set it when one run spans several fit calls). */
  epochs?: number;
  /**
   * 'bar': a live bar redrawn in place (carriage return and erase-line), for terminals; 'lines': one line per epoch;
   * 'auto' (default): the bar when process.stdout is a terminal (Node, Deno, Bun), lines elsewhere (pipes, CI,
   * browsers, workers, edge runtimes).
   */
  mode?: 'auto' | 'bar' | 'lines';
  /** The width every line fits (default: process.stdout.columns, read at each redraw; 80 when unknown). */
  columns?: number;
  /** Where the text goes (default: process.stdout.write for the bar, console.log for lines, one line per call). */
  write?: (text: string) => void;
}

const PROGRESS_KEYS = ['epochs', 'mode', 'columns', 'write'] as const;
const progressBars = new WeakSet<object>();

/** Whether c came from progressBar() (fit's verbose adds none when the callbacks already hold one, as Keras). */
export const isProgressBar = (c: unknown): boolean => typeof c === 'object' && c !== null && progressBars.has(c);

/**
 * Shows training progress as Keras' verbose 1 does (fit(…, { verbose: 1 }) adds one): in a terminal a live bar with
 * the epoch, batches, running loss and metrics, the epoch's and the whole run's ETA and samples/s; elsewhere one line
 * per epoch with its logs, time and speed. Every line fits the terminal's width, dropping and shortening fields.
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const o = StrictOptions.read('progressBar', options, PROGRESS_KEYS);
  const settings: ProgressSettings = {
    mode: o.oneOf('mode', ['auto', 'bar', 'lines'], 'auto'),
    epochs: o.has('epochs') ? o.number('epochs', { integer: true, min: 1 }) : undefined,
    columns: o.has('columns') ? o.number('columns', { integer: true, min: 1 }) : undefined,
  };
  const write = o.get('write');
  if (write !== undefined && typeof write !== 'function') o.wrongType('write', 'a function (text: string) => void');
  if (write) settings.write = write as (text: string) => void;
  // The formatting loads on demand (progress.ts): apps that never show progress do not ship it.
  let bar: ProgressBar | undefined, params: FitParams | undefined;
  const callback: Callback = {
    setParams(p) { params = p; bar?.setParams(p); },
    async onTrainBegin() {
      bar ??= new (await import('./progress.js')).ProgressBar(settings);
      if (params) bar.setParams(params);
    },
    onEpochBegin(epoch) { bar?.onEpochBegin(epoch); },
    onBatchEnd(batch, logs) { bar?.onBatchEnd(batch, logs); },
    onEpochEnd(epoch, logs) { bar?.onEpochEnd(epoch, logs); },
    onTrainEnd() { bar?.onTrainEnd(); },
  };
  progressBars.add(callback);
  return callback;
}
