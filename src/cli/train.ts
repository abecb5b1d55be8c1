// `simdnet train`: loads a dataset, builds a preset or JSON model, trains with progress, evaluates on the test set,
// and writes the model and the history (JSON and CSV). Nothing is lost on the way: --out is made and probed before
// training; a checkpoint (checkpoint.ts) is kept from the start, between epochs and after the last; Ctrl-C stops after
// the current batch and writes one; `--resume` continues either to the same weights and history as an uninterrupted run; a Ctrl-C once
// training is over finishes the save; a save that still fails goes to a named fallback folder (outdir.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { backendInfo, threadCount, type Model } from '../index.js';
import { writeAtomic } from '../io/files.js';
import { buildModel, checkModelFile } from './config.js';
import { nameOf, SETTINGS, UsageError, type TrainConfig } from '../run/settings.js';
import { loadDataset } from './datasets.js';
import { disposeDataset, type Dataset } from '../run/dataset.js';
import { progressBar } from '../train/callbacks.js';
import { confusionTable } from './confusion.js';
import { printError } from './terminal.js';
import { checkSpace, makeFolder, probeFolder, reason, saveElsewhere } from './outdir.js';
import type { History } from '../train/loop.js';
import { trainEpochs, trainingPart, type Position } from '../run/epochs.js';
import { finishRun } from '../run/finish.js';
import { CHECKPOINT, checkpointFiles, loadCheckpointModel, readCheckpoint, removeCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';

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
  const n = tr.x.shape[0], { batches } = trainingPart(config, n);
  if (ckpt && ckpt.batch > batches) throw new UsageError(`--resume: ${join(outDir, CHECKPOINT)} is damaged: batch ${ckpt.batch} of an epoch of ${batches} batches`);
  log(`simdnet train: ${nameOf(config.model)} on ${data.name} (${n} train, ${te.x.shape[0]} test, ${classes.length} classes), ` +
    `${nameOf(config.optimizer)}${config.learningRate !== undefined ? ` lr ${config.learningRate}` : ''}, ${nameOf(config.loss)}, batch ${config.batchSize}, seed ${config.seed}, ` +
    `${threadCount()} thread${threadCount() === 1 ? '' : 's'}${backendInfo().build === 'relaxed' ? ', relaxed SIMD' : ''}`);
  const model = ckpt ? loadCheckpointModel(outDir, ckpt) : buildModel(config, inputShape, classes.length);
  try {
    if (model.inputShape.join(',') !== inputShape.join(',')) {
      throw new UsageError(`--resume: the checkpoint's model takes [${model.inputShape.join(', ')}] but ${data.name} gives [${inputShape.join(', ')}]`);
    }
    // The checkpoint and the model file, each beside its temporary copy while it is replaced.
    checkSpace(outDir, 4 * model.save().length + (1 << 16));
    if (ckpt) log(`resuming from epoch ${ckpt.epoch + 1}, batch ${ckpt.batch + 1}`);
    return await run(model, config, data, outDir, ckpt, log, warn, onEpoch, progress);
  } finally {
    model.dispose();
  }
}

async function run(model: Model, config: TrainConfig, data: Dataset, outDir: string, ckpt: Checkpoint | undefined,
  log: (s: string) => void, warn: (s: string) => void, onEpoch?: TrainOptions['onEpoch'], progress?: TrainOptions['progress']): Promise<TrainResult> {
  const { test: te, classes } = data;
  const history: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(ckpt?.history ?? {})) history[k] = v.map((x) => x ?? NaN);
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
    if (!saved) await keep();
    const loop = await trainEpochs(model, config, data, {
      start: pos, history, callbacks: [bar], onEpoch,
      epochDone: (p) => { pos = p; step('epoch'); },
      interrupted: () => interrupted,
      afterEpoch: async (p) => { pos = p; if (due()) await keep(); },
    });
    pos = loop.pos;
    const { stoppedEpoch, trainMs, trained } = loop, diag = loop.diagnostics;
    if (loop.stopMessage) log(loop.stopMessage);
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
    const fin = finishRun(model, config, data, history, diag, { out: outDir, command: commandLine(), stoppedEpoch, evaluated: () => step('evaluated') });
    const { test, train: trainEval, weightsHash, files } = fin, found = fin.full.diagnostics?.verdicts, ev = { confusionMatrix: fin.confusionMatrix };
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
    return { config, history, test, train: trainEval, stoppedEpoch, weightsHash, outDir, interrupted: false, savedTo, diagnostics: fin.full.diagnostics,
      seconds: trainMs / 1000, samplesPerSecond: trained / (trainMs / 1000) };
  } finally {
    process.off('SIGINT', onSigint);
  }
}

// The command as typed, for the report.
const commandLine = (): string => ['simdnet', ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
