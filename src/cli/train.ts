// `simdnet train`: loads a dataset, builds a preset or JSON model, trains with progress, evaluates on the test set,
// and writes the model and the history (JSON and CSV). Nothing is lost on the way: --out is made and probed before
// training; a checkpoint (checkpoint.ts) is kept from the start, between epochs and after the last; Ctrl-C stops after
// the current batch and writes one; `--resume` continues either to the same weights and history as an uninterrupted run; a Ctrl-C once
// training is over finishes the save; a save that still fails goes to a named fallback folder (outdir.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Model, Tensor } from '../index.js';
import { writeAtomic } from '../io/files.js';
import { buildModel, checkModelFile } from './config.js';
import { nameOf, SETTINGS, UsageError, type TrainConfig } from './settings.js';
import { disposeDataset, loadDataset, type Dataset } from './datasets.js';
import { progressBar } from '../train/callbacks.js';
import { confusionTable } from './confusion.js';
import { printError } from './terminal.js';
import { checkSpace, makeFolder, probeFolder, reason, saveElsewhere } from './outdir.js';
import { verdicts } from '../train/verdicts.js';
import type { Diagnostics } from '../train/diagnostics.js';
import { rowsOf, type FitOptions, type History } from '../train/loop.js';
import { earlyStopping, type Callback } from '../train/callbacks.js';
import { renderReport } from '../report/report.js';
import { describeEnvironment, pickMisclassified, reportJson } from '../report/helpers.js';
import { CHECKPOINT, checkpointFiles, loadCheckpointModel, readCheckpoint, removeCheckpoint, writeCheckpoint, type Checkpoint, type Position } from './checkpoint.js';

export interface TrainResult {
  config: TrainConfig;
  history: Record<string, number[]>;
  test: { loss: number; accuracy: number };
  /** Loss and accuracy on the training part, evaluated after training (dropout off, batch norm on its moving statistics). */
  train?: { loss: number; accuracy: number };
  /** The epoch early stopping stopped after (0-based), when it did. */
  stoppedEpoch?: number;
  weightsHash: string;
  outDir: string;
  interrupted: boolean;
  /** Where the finished run or the checkpoint was written: outDir, or the fallback folder when outDir refused it. */
  savedTo: string;
  /** The run's diagnostics and verdicts (with diagnostics on; after --resume, from the resumed part). */
  diagnostics?: History['diagnostics'];
  /** Wall time of the training epochs, in seconds, and the samples trained per second. */
  seconds?: number;
  samplesPerSecond?: number;
}

export interface TrainOptions {
  /** Continue the checkpoint in the output folder. */
  resume?: boolean;
  /** The settings given on the command line: with resume, each but out and dataDir must equal the checkpoint's. */
  given?: Partial<Record<string, unknown>>;
  log?: (s: string) => void;
  /** Problems that do not stop the run (default: a line on stderr). */
  warn?: (s: string) => void;
  data?: Dataset;
  /**
   * Called after each finished epoch with its logs (loss, accuracy, valLoss, valAccuracy, …); returning true stops the
   * run there as early stopping does (the model is evaluated and saved; stoppedEpoch is set). Sweeps' early
   * termination uses it.
   */
  onEpoch?: (epoch: number, logs: Record<string, number>) => boolean | Promise<boolean>;
  /** Where the progress bar writes (default: the terminal); sweeps' trials pass a function that drops it. */
  progress?: (text: string) => void;
}

// Test hook: SIMDNET_FAULT="SIGKILL@step" (or SIGINT; "step#n" for its n-th time) makes the process send itself that
// signal when the run reaches the step, so tests reach every point between writes. Steps: loaded, epoch,
// checkpoint-model, checkpoint, evaluated, model.simdnet, history.csv, history.json, checkpoint-removed.
const FAULT = /^(SIGKILL|SIGINT)@([\w.-]+?)(?:#(\d+))?$/.exec(process.env.SIMDNET_FAULT ?? '');
const reached = new Map<string, number>();
function step(name: string): void {
  if (!FAULT) return;
  const n = (reached.get(name) ?? 0) + 1;
  reached.set(name, n);
  if (FAULT[2] === name && n === Number(FAULT[3] ?? 1)) process.kill(process.pid, FAULT[1] as NodeJS.Signals);
}

export function defaultOut(c: TrainConfig): string {
  const model = nameOf(c.model).replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  return join('runs', `${model}-${c.dataset}-seed${c.seed}`);
}

// Settings a resumed run may take from the command line: where its files are.
const RESUME_FREE = ['out', 'dataDir'];

/** With --resume the checkpoint's settings rule: a flag that would change one is an error naming it. */
function checkResumeFlags(given: Partial<Record<string, unknown>>, c: TrainConfig): void {
  for (const s of SETTINGS) {
    const v = given[s.key];
    if (v === undefined || RESUME_FREE.includes(s.key) || JSON.stringify(s.read(v)) === JSON.stringify(c[s.key])) continue;
    const theirs = c[s.key];
    const shown = theirs === undefined ? `${s.key} unset` : `${s.key} ${Array.isArray(theirs) ? theirs.join(',') : theirs}`;
    throw new UsageError(`--${s.flag}${s.kind === 'boolean' ? '' : ` ${v}`} does not apply with --resume: the run continues with its checkpoint's settings (${shown}); ` +
      'to change them, start a new run in another --out');
  }
}

const encode = (s: string) => new TextEncoder().encode(s);
const samePlace = (a: Position, b?: Position) => !!b && a.epoch === b.epoch && a.batch === b.batch;

/** Trains per the configuration; with resume, continues from the checkpoint in the output folder. */
export async function train(config: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const warn = opts.warn ?? ((s: string) => printError(`simdnet: ${s}`));
  const outDir = config.out ?? defaultOut(config);
  let ckpt: Checkpoint | undefined;
  if (opts.resume) {
    ckpt = readCheckpoint(outDir);
    checkResumeFlags(opts.given ?? {}, ckpt.config);
    config = { ...ckpt.config, out: outDir, dataDir: (opts.given?.dataDir as string | undefined) ?? ckpt.config.dataDir };
  }
  if (!ckpt) checkModelFile(config); // a bad model file is refused before the dataset loads
  makeFolder(outDir);
  probeFolder(outDir);
  if (!ckpt && existsSync(join(outDir, CHECKPOINT))) {
    throw new UsageError(`${outDir} holds an unfinished run (${CHECKPOINT}): continue it with simdnet train --resume --out ${outDir}, or choose another --out`);
  }
  const data = opts.data ?? await loadDataset(config);
  try {
    return await trainOn(data, config, ckpt, outDir, log, warn, opts.onEpoch, opts.progress);
  } finally {
    if (!opts.data) disposeDataset(data);
  }
}

async function trainOn(data: Dataset, config: TrainConfig, ckpt: Checkpoint | undefined, outDir: string,
  log: (s: string) => void, warn: (s: string) => void, onEpoch?: TrainOptions['onEpoch'], progress?: TrainOptions['progress']): Promise<TrainResult> {
  step('loaded');
  const { train: tr, test: te, classes, inputShape } = data;
  const n = tr.x.shape[0], split = config.validationSplit;
  const nTrain = split > 0 ? Math.floor(n * (1 - split)) : n;
  const samples = `${n} training sample${n === 1 ? '' : 's'}`;
  if (nTrain < 1) throw new UsageError(`--validation-split ${split} of ${samples} leaves no training data${config.limit ? ` (--limit ${config.limit})` : ''}`);
  if (split > 0 && nTrain === n) throw new UsageError(`--validation-split ${split} of ${samples} leaves no validation data (0 turns validation off)`);
  const batches = Math.ceil(nTrain / Math.min(config.batchSize, nTrain));
  if (ckpt && ckpt.batch > batches) throw new UsageError(`--resume: ${join(outDir, CHECKPOINT)} is damaged: batch ${ckpt.batch} of an epoch of ${batches} batches`);
  log(`simdnet train: ${nameOf(config.model)} on ${data.name} (${n} train, ${te.x.shape[0]} test, ${classes.length} classes), ` +
    `${nameOf(config.optimizer)}${config.learningRate !== undefined ? ` lr ${config.learningRate}` : ''}, ${nameOf(config.loss)}, batch ${config.batchSize}, seed ${config.seed}`);
  const model = ckpt ? loadCheckpointModel(outDir, ckpt) : buildModel(config, inputShape, classes.length);
  try {
    if (model.inputShape.join(',') !== inputShape.join(',')) {
      throw new UsageError(`--resume: the checkpoint's model takes [${model.inputShape.join(', ')}] but ${data.name} gives [${inputShape.join(', ')}]`);
    }
    // The checkpoint and the model file, each beside its temporary copy while it is replaced.
    checkSpace(outDir, 4 * model.save().length + (1 << 16));
    if (ckpt) log(`resuming from epoch ${ckpt.epoch + 1}, batch ${ckpt.batch + 1}`);
    return await run(model, config, data, outDir, batches, ckpt, log, warn, onEpoch, progress);
  } finally {
    model.dispose();
  }
}

async function run(model: Model, config: TrainConfig, data: Dataset, outDir: string, batches: number, ckpt: Checkpoint | undefined,
  log: (s: string) => void, warn: (s: string) => void, onEpoch?: TrainOptions['onEpoch'], progress?: TrainOptions['progress']): Promise<TrainResult> {
  const { train: tr, test: te, classes } = data;
  const sparse = nameOf(config.loss) === 'sparseCrossEntropy';
  const history: Record<string, number[]> = {};
  const append = (h: Record<string, (number | null)[]>) => {
    for (const [k, v] of Object.entries(h)) (history[k] ??= []).push(...v.map((x) => x ?? NaN));
  };
  append(ckpt?.history ?? {});
  let diag: Diagnostics | undefined; // the epochs' diagnostics, merged across the per-epoch fits
  let trainMs = 0, trained = 0;
  const merge = (d: Diagnostics) => {
    if (!diag) { diag = { ...d, epochs: [...d.epochs], batches: [...d.batches] }; return; }
    diag.epochs.push(...d.epochs); diag.batches.push(...d.batches);
    if (diag.firstLayer && d.firstLayer) diag.firstLayer.last = d.firstLayer.last;
  };
  let pos: Position = ckpt ? { epoch: ckpt.epoch, batch: ckpt.batch, progress: ckpt.progress } : { epoch: 0, batch: 0 };
  let saved: Position | undefined = ckpt ? pos : undefined; // the position the checkpoint in outDir holds
  const state = () => ({ config: { ...config, out: outDir }, ...pos, history });
  // Checkpoints: at the start, after the last epoch, and after an epoch once the last one is 20 times as old as it took
  // to write (so keeping them costs at most about 5% of the time). A kill at any point of training leaves one.
  let warned = false, last = { at: 0, took: 0 };
  const keep = async () => {
    const t = performance.now();
    try {
      await writeCheckpoint(outDir, checkpointFiles(model, state()), writeAtomic, step);
      saved = pos;
    } catch (e) {
      if (!warned) warn(`cannot write a checkpoint in ${outDir} (${reason(e)}); training goes on`);
      warned = true;
    }
    last = { at: performance.now(), took: performance.now() - t };
  };
  const due = () => pos.epoch === config.epochs || performance.now() - last.at >= 20 * last.took;

  let interrupted = false, finishing = false, finishInterrupts = 0;
  const onSigint = () => {
    if (finishing) {
      if (++finishInterrupts === 1) {
        log('\ninterrupt: training is over; finishing the save first (Ctrl-C again to quit now: --resume finishes from the checkpoint)');
      } else if (samePlace(pos, saved)) {
        process.exit(130);
      }
      return;
    }
    if (interrupted) process.exit(130);
    interrupted = true;
    model.stopTraining = true;
    log('\ninterrupt: stopping after this batch and writing a checkpoint (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSigint);
  try {
    const bar = progressBar({ epochs: config.epochs, ...(progress ? { write: progress } : {}) }); // one fit per epoch: the bar counts the run's epochs
    const y = sparse ? tr.labels : tr.oneHot;
    const stopper = config.earlyStopping ? earlyStoppingAcrossFits(config.earlyStopping, model, history) : undefined;
    let stoppedBy: 'caller' | undefined;
    if (!saved) await keep();
    // One fit per epoch: the same weights and history as one fit of all epochs, with checkpoints in between.
    while (pos.epoch < config.epochs && !interrupted) {
      const t0 = performance.now(), from = pos.batch;
      const h = await model.fit(tr.x, y, {
        epochs: 1, initialEpoch: pos.epoch, initialBatch: pos.batch, initialProgress: pos.progress, batchSize: config.batchSize,
        validationSplit: config.validationSplit > 0 ? config.validationSplit : undefined, callbacks: stopper ? [bar, stopper.callback] : [bar],
        diagnostics: config.diagnostics, classWeight: config.classWeight as Record<number, number> | undefined,
        augment: config.augment as FitOptions['augment'],
      });
      trainMs += performance.now() - t0;
      trained += (h.stoppedAt && h.stoppedAt.epoch === pos.epoch ? h.stoppedAt.batch - from : batches - from) * config.batchSize;
      append(h.history);
      if (h.diagnostics) merge(h.diagnostics);
      pos = h.stoppedAt && h.stoppedAt.epoch === pos.epoch ? h.stoppedAt : { epoch: pos.epoch + 1, batch: 0 };
      if (pos.batch > 0) break; // stopped mid-epoch
      step('epoch');
      if (stopper?.stopped()) break;
      if (onEpoch && pos.epoch < config.epochs) {
        const logs = Object.fromEntries(Object.entries(history).map(([k, v]) => [k, v[v.length - 1]]));
        if (await onEpoch(pos.epoch - 1, logs)) { stoppedBy = 'caller'; break; }
      }
      if (interrupted && pos.epoch < config.epochs) break;
      if (due()) await keep();
    }
    const stoppedEpoch = stopper?.stopped() || stoppedBy ? pos.epoch - 1 : undefined;
    if (stoppedBy) log(`stopped after epoch ${pos.epoch} by the caller (a sweep's early termination)`);
    else if (stoppedEpoch !== undefined) log(`early stopping after epoch ${pos.epoch}: ${stopper!.monitor()} has not improved for ${stopper!.patience + 1} epoch(s)`);
    if (pos.epoch < config.epochs && stoppedEpoch === undefined) {
      let where = outDir;
      if (!samePlace(pos, saved)) {
        const files = checkpointFiles(model, state());
        try {
          await writeCheckpoint(outDir, files, writeAtomic, step);
        } catch (e) {
          where = await saveElsewhere(outDir, files, writeAtomic).catch((e2: Error) => {
            throw new Error(`cannot write the checkpoint to ${outDir} (${reason(e)}), ${e2.message}`);
          });
          warn(`cannot write the checkpoint to ${outDir} (${reason(e)}); wrote the checkpoint to ${where} instead`);
        }
      }
      log(`checkpoint written: ${join(where, CHECKPOINT)} (next: epoch ${pos.epoch + 1}, batch ${pos.batch + 1}); continue with: simdnet train --resume --out ${where}`);
      return { config, history, test: { loss: NaN, accuracy: NaN }, weightsHash: model.weightsHash(), outDir, interrupted: true, savedTo: where };
    }

    // Training is over: Ctrl-C now finishes the save first. The last epoch's checkpoint lets --resume finish if killed.
    finishing = true;
    if (!samePlace(pos, saved)) await keep();
    const ev = model.evaluate(te.x, sparse ? te.labels : te.oneHot, { confusionMatrix: true });
    step('evaluated');
    const test = { loss: ev.loss, accuracy: ev.accuracy as number };
    const trainEval = evaluateTrainingPart(model, tr.x, y, config.validationSplit);
    const weightsHash = model.weightsHash();
    const found = diag ? verdicts(history, diag) : undefined;
    const full: History = { epoch: history[Object.keys(history)[0]]?.map((_, i) => i) ?? [], history, diagnostics: diag && { ...diag, verdicts: found! } };
    const predicted = model.predict(te.x);
    let report: string, reportData: string;
    try {
      const options = {
        title: `simdnet train: ${nameOf(config.model)} on ${data.name}`, command: commandLine(), config: { ...config, out: outDir },
        environment: describeEnvironment(), weightsHash,
        test: { loss: test.loss, accuracy: test.accuracy, confusionMatrix: ev.confusionMatrix, classNames: classes },
        misclassified: inputShapeIsImage(data.inputShape)
          ? pickMisclassified({ x: te.x.toFloat32Array(), imageShape: data.inputShape as [number, number, number], labels: te.labels.toInt32Array(),
            predicted: predicted.toFloat32Array(), limit: 32 })
          : undefined,
      };
      report = renderReport(full, options); reportData = reportJson(full, options);
    } finally { predicted.dispose(); }
    const keys = Object.keys(history);
    const csv = [['epoch', ...keys].join(','), ...history[keys[0]].map((_, i) => [i + 1, ...keys.map((k) => history[k][i])].join(','))].join('\n') + '\n';
    const files: [string, Uint8Array][] = [
      ['model.simdnet', model.save()],
      ['report.json', encode(reportData)],
      ['report.html', encode(report)],
      ['history.csv', encode(csv)],
      ['history.json', encode(JSON.stringify({ config, history, train: trainEval, test, weightsHash, ...(stoppedEpoch !== undefined ? { stoppedEpoch } : {}) }, null, 1))], // written last: the run is finished
    ];
    let savedTo = outDir;
    try {
      for (const [f, bytes] of files) {
        await writeAtomic(join(outDir, f), bytes);
        step(f);
      }
    } catch (e) {
      savedTo = await saveElsewhere(outDir, files, writeAtomic).catch((e2: Error) => {
        throw new Error(`cannot write the finished run to ${outDir} (${reason(e)}), ${e2.message}`);
      });
      warn(`cannot write the finished run to ${outDir} (${reason(e)}); saved the model and history to ${savedTo} instead`);
    }
    if (savedTo === outDir) {
      try {
        removeCheckpoint(outDir, step);
      } catch (e) {
        warn(`cannot remove the checkpoint in ${outDir} (${reason(e)}); the run is finished`);
      }
    }
    log(`\ntrain accuracy ${(trainEval.accuracy * 100).toFixed(2)}% (loss ${trainEval.loss.toFixed(4)}, evaluated after training)`);
    log(`test accuracy ${(test.accuracy * 100).toFixed(2)}%  (loss ${test.loss.toFixed(4)}, ${te.x.shape[0]} samples)`);
    log(confusionTable(ev.confusionMatrix!, classes));
    if (found) log(found.length ? `\ndiagnostics: ${found.length} verdict${found.length > 1 ? 's' : ''}\n${found.map((v) => `  - ${v.message}`).join('\n')}` : '\ndiagnostics: no problems found');
    log(`weights hash ${weightsHash}`);
    log(`wrote ${files.map(([f]) => join(savedTo, f)).join(', ')}`);
    return { config, history, test, train: trainEval, stoppedEpoch, weightsHash, outDir, interrupted: false, savedTo, diagnostics: full.diagnostics,
      seconds: trainMs / 1000, samplesPerSecond: trained / (trainMs / 1000) };
  } finally {
    process.off('SIGINT', onSigint);
  }
}

// The command as typed (for the report), and whether samples are images [H, W, C] the report can draw.
const commandLine = (): string => ['simdnet', ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
const inputShapeIsImage = (s: readonly number[]): boolean => s.length === 3 && (s[2] === 1 || s[2] === 3);

/** Loss and accuracy on the training part (the samples before the validation split), evaluated after training. */
function evaluateTrainingPart(model: Model, x: Tensor, y: Tensor, split: number): { loss: number; accuracy: number } {
  const n = x.shape[0], nTrain = split > 0 ? Math.floor(n * (1 - split)) : n;
  const part = nTrain === n ? undefined : [rowsOf(x, 0, nTrain), rowsOf(y, 0, nTrain)] as const;
  try {
    const r = model.evaluate(part ? part[0] : x, part ? part[1] : y);
    return { loss: r.loss, accuracy: r.accuracy as number };
  } finally {
    part?.forEach((t) => t.dispose());
  }
}

/**
 * Early stopping over the CLI's one-fit-per-epoch loop: one callback whose state lives across the fits (fit's
 * onTrainBegin would reset it), rebuilt on --resume by replaying the finished epochs' logs from the history.
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
  return {
    callback, patience: Number(options.patience ?? 0),
    stopped: () => es.stoppedEpoch >= 0,
    monitor: () => String(options.monitor ?? 'valLoss'),
  };
}
