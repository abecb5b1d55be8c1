// `simdnet train`: loads a dataset, builds a preset or JSON model, trains with progress, evaluates on the test set,
// and writes the model, the history (JSON and CSV) and a report. Ctrl-C stops after the current batch and writes a
// checkpoint that `--resume` continues to the same weights as an uninterrupted run.
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, type Model, type History, type EpochProgress } from '../index.js';
import { writeAtomic } from '../io/files.js';
import { buildModel } from './config.js';
import { resolveConfig, UsageError, type TrainConfig } from './settings.js';
import { loadDataset, type Dataset } from './datasets.js';
import { progress, confusionTable } from './progress.js';

export interface TrainResult {
  config: TrainConfig;
  history: Record<string, number[]>;
  test: { loss: number; accuracy: number };
  weightsHash: string;
  outDir: string;
  interrupted: boolean;
}

interface Checkpoint { config: TrainConfig; epoch: number; batch: number; progress?: EpochProgress; history: Record<string, number[]> }

export function defaultOut(c: TrainConfig): string {
  const model = c.model.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  return join('runs', `${model}-${c.dataset}-seed${c.seed}`);
}

/** Trains per the configuration; with resume, continues from the checkpoint in the output folder. */
export async function train(config: TrainConfig, opts: { resume?: boolean; log?: (s: string) => void; data?: Dataset } = {}): Promise<TrainResult> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const outDir = config.out ?? defaultOut(config);
  const ckptPath = join(outDir, 'checkpoint.json'), ckptModel = join(outDir, 'checkpoint.simdnet');
  let ckpt: Checkpoint | undefined;
  if (opts.resume) {
    if (!existsSync(ckptPath) || !existsSync(ckptModel)) throw new UsageError(`--resume: no checkpoint in ${outDir} (expected checkpoint.json and checkpoint.simdnet)`);
    ckpt = JSON.parse(readFileSync(ckptPath, 'utf8')) as Checkpoint;
    config = resolveConfig({ ...ckpt.config, out: outDir });
  }
  const data = opts.data ?? await loadDataset(config);
  const { train: tr, test: te, classes, inputShape } = data;
  log(`simdnet train: ${config.model} on ${data.name} (${tr.x.shape[0]} train, ${te.x.shape[0]} test, ${classes.length} classes), ` +
    `${config.optimizer}${config.learningRate !== undefined ? ` lr ${config.learningRate}` : ''}, ${config.loss}, batch ${config.batchSize}, seed ${config.seed}`);
  let model: Model;
  if (ckpt) {
    model = loadModel(new Uint8Array(readFileSync(ckptModel)), { source: ckptModel });
    log(`resuming from epoch ${ckpt.epoch + 1}, batch ${ckpt.batch + 1}`);
  } else {
    model = buildModel(config, inputShape, classes.length);
  }
  mkdirSync(outDir, { recursive: true });
  const y = config.loss === 'sparseCrossEntropy' ? tr.labels : tr.oneHot;
  const yTest = config.loss === 'sparseCrossEntropy' ? te.labels : te.oneHot;
  const nVal = Math.floor(tr.x.shape[0] * config.validationSplit);
  const batches = Math.ceil((tr.x.shape[0] - nVal) / Math.min(config.batchSize, tr.x.shape[0] - nVal));
  const startEpoch = ckpt?.epoch ?? 0, startBatch = ckpt?.batch ?? 0;
  const bar = progress({ epochs: config.epochs, batches, batchSize: config.batchSize });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    model.stopTraining = true;
    log('\ninterrupt: stopping after this batch and writing a checkpoint (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSigint);
  let h: History;
  try {
    h = await model.fit(tr.x, y, {
      epochs: config.epochs - startEpoch, initialEpoch: startEpoch, initialBatch: startBatch, initialProgress: ckpt?.progress,
      batchSize: config.batchSize,
      validationSplit: config.validationSplit > 0 ? config.validationSplit : undefined, callbacks: [bar],
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const history: Record<string, number[]> = {};
  for (const src of [ckpt?.history ?? {}, h.history]) for (const [k, v] of Object.entries(src)) (history[k] ??= []).push(...v);
  // Ctrl-C between epochs ends fit without a mid-epoch position: resume at the next epoch, if any is left.
  const lastEpoch = h.epoch.length ? h.epoch[h.epoch.length - 1] : startEpoch - 1;
  const stop = h.stoppedAt ?? (interrupted && lastEpoch + 1 < config.epochs ? { epoch: lastEpoch + 1, batch: 0 } : undefined);
  if (stop) {
    await writeAtomic(ckptModel, model.save());
    await writeAtomic(ckptPath, new TextEncoder().encode(JSON.stringify({ config: { ...config, out: outDir }, ...stop, history } satisfies Checkpoint, null, 1)));
    log(`checkpoint written: ${ckptModel} (next: epoch ${stop.epoch + 1}, batch ${stop.batch + 1}); continue with: simdnet train --resume --out ${outDir}`);
    const r: TrainResult = { config, history, test: { loss: NaN, accuracy: NaN }, weightsHash: model.weightsHash(), outDir, interrupted: true };
    model.dispose();
    return r;
  }
  const ev = model.evaluate(te.x, yTest, { confusionMatrix: true });
  const result: TrainResult = {
    config, history, test: { loss: ev.loss, accuracy: ev.accuracy as number }, weightsHash: model.weightsHash(), outDir, interrupted: false,
  };
  const modelPath = join(outDir, 'model.simdnet');
  await writeAtomic(modelPath, model.save());
  const keys = Object.keys(history);
  const csv = [['epoch', ...keys].join(','), ...history[keys[0]].map((_, i) => [i + 1, ...keys.map((k) => history[k][i])].join(','))].join('\n') + '\n';
  await writeAtomic(join(outDir, 'history.json'), new TextEncoder().encode(JSON.stringify({ config, history, test: result.test, weightsHash: result.weightsHash }, null, 1)));
  await writeAtomic(join(outDir, 'history.csv'), new TextEncoder().encode(csv));
  for (const p of [ckptPath, ckptModel]) if (existsSync(p)) rmSync(p);
  log(`\ntest accuracy ${(result.test.accuracy * 100).toFixed(2)}%  (loss ${result.test.loss.toFixed(4)}, ${te.x.shape[0]} samples)`);
  log(confusionTable(ev.confusionMatrix!, classes));
  log(`weights hash ${result.weightsHash}`);
  log(`wrote ${modelPath}, ${join(outDir, 'history.json')}, ${join(outDir, 'history.csv')}`);
  model.dispose();
  return result;
}
