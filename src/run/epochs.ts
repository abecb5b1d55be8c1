// The training loop of a configuration (settings.ts), in any runtime: one fit per epoch (the same weights and history
// as one fit of all epochs), early stopping kept across the fits, the epochs' diagnostics merged; then the evaluation
// of a finished run. The CLI adds checkpoints and Ctrl-C through the hooks; a browser tab and a sweep trial use it as is.
import type { Model, Tensor } from '../index.js';
import type { Diagnostics } from '../train/diagnostics.js';
import { verdicts } from '../train/verdicts.js';
import { rowsOf, type EpochProgress, type FitOptions, type History } from '../train/loop.js';
import { earlyStopping, type Callback } from '../train/callbacks.js';
import { nameOf, UsageError, type TrainConfig } from './settings.js';
import type { Dataset } from './dataset.js';

/** Where training stands: the next epoch and batch (0-based), and the partial epoch's running totals. */
export interface Position { epoch: number; batch: number; progress?: EpochProgress }

export interface EpochLoopOptions {
  /** Where to start (default: the beginning); a resumed run passes its checkpoint's position. */
  start?: Position;
  /** The history so far (a resumed run's); the loop appends each epoch's logs to this object. */
  history?: Record<string, number[]>;
  /** More callbacks for every fit (a progress bar). */
  callbacks?: Callback[];
  /** After each finished epoch but the last, with its logs: returning true stops the run there (a sweep's early termination). */
  onEpoch?: (epoch: number, logs: Record<string, number>) => boolean | Promise<boolean>;
  /** Right after each finished epoch (the CLI's fault-injection step). */
  epochDone?: (pos: Position) => void;
  /** Checked after each epoch: true ends the loop before the next (Ctrl-C). */
  interrupted?: () => boolean;
  /** After each epoch training goes on from, the last included (the CLI writes a checkpoint when one is due). */
  afterEpoch?: (pos: Position) => Promise<void>;
}

export interface EpochLoopResult {
  /** Where training stopped: { epoch: config.epochs, batch: 0 } when it ran to the end. */
  pos: Position;
  history: Record<string, number[]>;
  diagnostics?: Diagnostics;
  /** The epoch (0-based) early stopping or the caller stopped after. */
  stoppedEpoch?: number;
  stoppedBy?: 'earlyStopping' | 'caller';
  /** Why early stopping stopped, as a sentence. */
  stopMessage?: string;
  /** Milliseconds spent in fit, and the samples trained. */
  trainMs: number;
  trained: number;
}

/** The samples of the training part (before the validation split) and its batches per epoch; errors name the flags. */
export function trainingPart(config: TrainConfig, n: number): { nTrain: number; batches: number } {
  const split = config.validationSplit;
  const nTrain = split > 0 ? Math.floor(n * (1 - split)) : n;
  const samples = `${n} training sample${n === 1 ? '' : 's'}`;
  if (nTrain < 1) throw new UsageError(`--validation-split ${split} of ${samples} leaves no training data${config.limit ? ` (--limit ${config.limit})` : ''}`);
  if (split > 0 && nTrain === n) throw new UsageError(`--validation-split ${split} of ${samples} leaves no validation data (0 turns validation off)`);
  return { nTrain, batches: Math.ceil(nTrain / Math.min(config.batchSize, nTrain)) };
}

/** The training targets the configured loss takes: int labels for sparse cross-entropy, one-hot rows otherwise. */
export const targetsOf = (config: TrainConfig, split: Dataset['train']): Tensor => (nameOf(config.loss) === 'sparseCrossEntropy' ? split.labels : split.oneHot);

/** Trains model on data.train per the configuration, one fit per epoch, from opts.start to config.epochs. */
export async function trainEpochs(model: Model, config: TrainConfig, data: Dataset, opts: EpochLoopOptions = {}): Promise<EpochLoopResult> {
  const tr = data.train;
  const { batches } = trainingPart(config, tr.x.shape[0]);
  const history = opts.history ?? {};
  const append = (h: Record<string, (number | null)[]>) => {
    for (const [k, v] of Object.entries(h)) (history[k] ??= []).push(...v.map((x) => x ?? NaN));
  };
  let diag: Diagnostics | undefined;
  const merge = (d: Diagnostics) => {
    if (!diag) { diag = { ...d, epochs: [...d.epochs], batches: [...d.batches] }; return; }
    diag.epochs.push(...d.epochs); diag.batches.push(...d.batches);
    if (diag.firstLayer && d.firstLayer) diag.firstLayer.last = d.firstLayer.last;
  };
  let pos: Position = opts.start ?? { epoch: 0, batch: 0 };
  let trainMs = 0, trained = 0, stoppedBy: EpochLoopResult['stoppedBy'];
  const y = targetsOf(config, tr);
  const stopper = config.earlyStopping ? earlyStoppingAcrossFits(config.earlyStopping, model, history) : undefined;
  const callbacks = [...(opts.callbacks ?? []), ...(stopper ? [stopper.callback] : [])];
  while (pos.epoch < config.epochs) {
    const t0 = performance.now(), from = pos.batch;
    const h = await model.fit(tr.x, y, {
      epochs: 1, initialEpoch: pos.epoch, initialBatch: pos.batch, initialProgress: pos.progress, batchSize: config.batchSize,
      validationSplit: config.validationSplit > 0 ? config.validationSplit : undefined, callbacks,
      diagnostics: config.diagnostics, classWeight: config.classWeight as Record<number, number> | undefined,
      augment: config.augment as FitOptions['augment'],
    });
    trainMs += performance.now() - t0;
    const midEpoch = h.stoppedAt && h.stoppedAt.epoch === pos.epoch;
    trained += (midEpoch ? h.stoppedAt!.batch - from : batches - from) * config.batchSize;
    append(h.history);
    if (h.diagnostics) merge(h.diagnostics);
    pos = midEpoch ? h.stoppedAt! : { epoch: pos.epoch + 1, batch: 0 };
    if (pos.batch > 0) break; // stopped mid-epoch (model.stopTraining)
    opts.epochDone?.(pos);
    if (stopper?.stopped()) { stoppedBy = 'earlyStopping'; break; }
    if (opts.onEpoch && pos.epoch < config.epochs) {
      const logs = Object.fromEntries(Object.entries(history).map(([k, v]) => [k, v[v.length - 1]]));
      if (await opts.onEpoch(pos.epoch - 1, logs)) { stoppedBy = 'caller'; break; }
    }
    if (opts.interrupted?.() && pos.epoch < config.epochs) break;
    await opts.afterEpoch?.(pos);
  }
  const stoppedEpoch = stoppedBy ? pos.epoch - 1 : undefined;
  const stopMessage = stoppedBy === 'caller' ? `stopped after epoch ${pos.epoch} by the caller (a sweep's early termination)`
    : stoppedBy ? `early stopping after epoch ${pos.epoch}: ${stopper!.monitor} has not improved for ${stopper!.patience + 1} epoch(s)` : undefined;
  return { pos, history, diagnostics: diag, stoppedEpoch, stoppedBy, stopMessage, trainMs, trained };
}

/** The run's History as fit returns it: epochs, the logs, and the diagnostics with their verdicts. */
export function fullHistory(history: Record<string, number[]>, diag?: Diagnostics): History {
  return { epoch: history[Object.keys(history)[0]]?.map((_, i) => i) ?? [], history, diagnostics: diag && { ...diag, verdicts: verdicts(history, diag) } };
}

/** Loss and accuracy on the training part (the samples before the validation split), evaluated after training. */
export function evaluateTrainingPart(model: Model, config: TrainConfig, data: Dataset): { loss: number; accuracy: number } {
  const x = data.train.x, y = targetsOf(config, data.train);
  const n = x.shape[0], split = config.validationSplit, nTrain = split > 0 ? Math.floor(n * (1 - split)) : n;
  const part = nTrain === n ? undefined : [rowsOf(x, 0, nTrain), rowsOf(y, 0, nTrain)] as const;
  try {
    const r = model.evaluate(part ? part[0] : x, part ? part[1] : y);
    return { loss: r.loss, accuracy: r.accuracy as number };
  } finally {
    part?.forEach((t) => t.dispose());
  }
}

/**
 * Early stopping over one-fit-per-epoch training: one callback whose state lives across the fits (fit's onTrainBegin
 * would reset it), rebuilt on a resumed run by replaying the finished epochs' logs from the history.
 */
function earlyStoppingAcrossFits(options: Record<string, unknown>, model: Model, history: Record<string, number[]>) {
  if (options.restoreBestWeights) {
    throw new UsageError('earlyStopping.restoreBestWeights is not available in simdnet train and run yet (a checkpoint would have to keep the best weights); use it with fit() in the library');
  }
  const es = earlyStopping(options);
  es.setModel?.(model);
  es.onTrainBegin?.({});
  const epochs = history.loss?.length ?? 0;
  for (let e = 0; e < epochs; e++) {
    es.onEpochEnd?.(e, Object.fromEntries(Object.entries(history).map(([k, v]) => [k, v[e]])));
  }
  model.stopTraining = false;
  const callback: Callback = { onEpochEnd: (e, logs) => es.onEpochEnd?.(e, logs) };
  return { callback, patience: Number(options.patience ?? 0), stopped: () => es.stoppedEpoch >= 0, monitor: String(options.monitor ?? 'valLoss') };
}
