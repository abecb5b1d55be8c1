// `simdnet evaluate`, `predict`, `gradcheck`, `run` and `report`: the commands besides train (experiment files:
// experiment.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeAtomic } from '../io/files.js';
import { renderComparison } from '../report/comparison.js';
import { comparisonJson, describeEnvironment, renderFromJson } from '../report/helpers.js';
import { renderSweepFromJsonl, type SweepFlag } from '../report/sweep.js';
import { gradCheck, ops, tensor, type Model, type Tensor } from '../index.js';
import { NonFiniteError } from '../train/errors.js';
import { loadModelFile } from '../io/files.js';
import { buildModel, checkModelFile } from './config.js';
import { modelKind, nameOf, nearest, SETTINGS, UsageError, type TrainConfig } from '../run/settings.js';
import type { Layer } from '../layers/layer.js';
import { readExperiment } from './experiment.js';
import { CHECKPOINT } from './checkpoint.js';
import { makeFolder, probeFolder } from './outdir.js';
import { loadDataset, loadInputs } from './datasets.js';
import { disposeDataset } from '../run/dataset.js';
import { describeKernels } from '../run/finish.js';
import { confusionTable } from './confusion.js';
import { train, type TrainResult } from './train.js';

async function openModel(path: string): Promise<Model> {
  try {
    return await loadModelFile(path);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Test-set loss, accuracy and confusion matrix of a saved model. */
export async function evaluate(modelPath: string, c: TrainConfig, log: (s: string) => void): Promise<{ loss: number; accuracy: number }> {
  const model = await openModel(modelPath);
  if (!model.loss) throw new UsageError(`${modelPath} was saved without compile settings; cannot evaluate`);
  const data = await loadDataset(c);
  const want = model.inputShape.join(',');
  if (data.inputShape.join(',') !== want) {
    throw new UsageError(`${modelPath} takes [${model.inputShape.join(', ')}] but ${data.name} gives [${data.inputShape.join(', ')}]`);
  }
  const y = model.loss.targets === 'sparse' ? data.test.labels : data.test.oneHot;
  const r = model.evaluate(data.test.x, y, { confusionMatrix: true });
  log(`${modelPath} on ${data.name} test (${data.test.x.shape[0]} samples): accuracy ${((r.accuracy as number) * 100).toFixed(2)}%, loss ${r.loss.toFixed(4)}`);
  log(confusionTable(r.confusionMatrix!, data.classes));
  model.dispose();
  return { loss: r.loss, accuracy: r.accuracy as number };
}

/** Class predictions for the samples in a file (IDX images or a PNG). */
export async function predict(modelPath: string, file: string, log: (s: string) => void, top = 3): Promise<number[]> {
  const model = await openModel(modelPath);
  const x = await loadInputs(file, model.inputShape);
  const p = model.predict(x);
  const classes = model.outputShape[0];
  const v = p.toFloat32Array();
  const out: number[] = [];
  for (let i = 0; i < x.shape[0]; i++) {
    const row = Array.from(v.subarray(i * classes, (i + 1) * classes), (s, c) => [c, s] as const).sort((a, b) => b[1] - a[1]);
    out.push(row[0][0]);
    log(`${i}\t${row[0][0]}\t${row.slice(0, top).map(([c, s]) => `${c}:${s.toFixed(4)}`).join('  ')}`);
  }
  [x, p].forEach((t) => t.dispose());
  model.dispose();
  return out;
}

/**
 * Checks a model's gradients by finite differences: the whole model, then each layer on random inputs of its shape
 * (with `layer`: the whole model's gradient for that layer's parameters, then that layer alone). A preset without a
 * dataset is checked small (hidden sizes ≤ 16 on random [20] or [12, 12, 1] inputs); with a dataset or a JSON model
 * file, at full size on the dataset's first test samples.
 */
export async function gradcheckCommand(c: TrainConfig, log: (s: string) => void, opts: { layer?: string; datasetGiven?: boolean } = {}): Promise<boolean> {
  const small = modelKind(c.model) !== 'file' && !opts.datasetGiven;
  const n = 3;
  let inputShape: readonly number[], classes: number, x: Tensor, y: Tensor;
  if (small) {
    inputShape = c.model === 'cnn' ? [12, 12, 1] : [20];
    classes = 4;
    x = ops.randomUniform([n, ...inputShape], { seed: c.seed, lo: -1, hi: 1 });
    y = tensor(Float32Array.from({ length: n * classes }, (_, i) => (i % classes === Math.floor(i / classes) % classes ? 1 : 0)), [n, classes]);
  } else {
    checkModelFile(c);
    const data = await loadDataset(c);
    try {
      inputShape = data.inputShape; classes = data.classes.length;
      const per = data.test.x.size / data.test.x.shape[0];
      x = tensor(data.test.x.toFloat32Array().subarray(0, n * per), [n, ...inputShape]);
      const labels = data.test.labels.toInt32Array().subarray(0, n);
      y = nameOf(c.loss) === 'sparseCrossEntropy' ? tensor(Int32Array.from(labels), [n])
        : tensor(Float32Array.from({ length: n * classes }, (_, i) => (labels[Math.floor(i / classes)] === i % classes ? 1 : 0)), [n, classes]);
    } finally {
      disposeDataset(data);
    }
  }
  const model = buildModel(small ? { ...c, hidden: c.hidden.map((h) => Math.min(h, 16)) } : c, inputShape, classes);
  const inputs: Tensor[] = [];
  try {
    const all = (ls: readonly Layer[]): Layer[] => ls.flatMap((l) => [l, ...all(l.children())]);
    const named = opts.layer === undefined ? undefined : all(model.layers).find((l) => l.name === opts.layer);
    if (opts.layer !== undefined && !named) {
      const names = all(model.layers).map((l) => l.name);
      throw new UsageError(`--layer ${opts.layer}: no such layer in the model (did you mean "${nearest(opts.layer, names) ?? names[0]}"?); layers: ${names.join(', ')}`);
    }
    if (named && named.params.every((p) => !p.trainable)) throw new UsageError(`--layer ${opts.layer}: layer "${named.name}" (${named.kind}) has no trainable parameters to check`);
    // Each layer on its own random input of its input shape: continuous values keep it off ReLU's 0 and off max ties,
    // which the activations of the previous layer (exact zeros after ReLU) would sit on.
    const checked = named ? [named] : model.layers;
    checked.forEach((l, i) => inputs.push(ops.randomUniform([n, ...l.inputShape], { seed: c.seed, stream: 100 + i, lo: -1, hi: 1 })));
    let ok = true;
    const show = (name: string, r: ReturnType<typeof gradCheck>) => {
      ok &&= r.passed;
      for (const e of r.checks) {
        log(`${e.passed ? 'ok  ' : 'FAIL'}  ${name.padEnd(14)} ${e.name.padEnd(22)} ${e.maxRelError.toExponential(2).padStart(9)}  ${String(e.checked).padStart(4)} points${e.skipped ? `, ${e.skipped} at kinks` : ''}`);
      }
    };
    const what = small ? `the ${nameOf(c.model)} preset (${c.activation}, ${nameOf(c.init)}), hidden sizes ≤ 16, on random [${n}, ${inputShape.join(', ')}] inputs`
      : `${nameOf(c.model)} on the first ${n} test samples of ${c.dataset} [${inputShape.join(', ')}]`;
    log(`gradient check of ${what}: ${named ? `the whole model's gradient for layer ${named.name}, then the layer alone` : 'the whole model, then each layer'} on random inputs of its shape; threshold 1e-2`);
    log(`      ${'layer'.padEnd(14)} ${'tensor'.padEnd(22)} max rel err`);
    show('whole model', gradCheck(model, { x, y }, { seed: c.seed, ...(named ? { only: [named.name] } : {}) }));
    checked.forEach((l, i) => show(l.name, gradCheck(l, { x: inputs[i] }, { seed: c.seed })));
    log(ok ? 'all gradients agree with finite differences' : 'some gradients disagree with finite differences');
    return ok;
  } finally {
    [x, y, ...inputs].forEach((t) => t.dispose());
    model.dispose();
  }
}

/**
 * Runs every variant of an experiment file one after another (all checked first) and prints a comparison table. A
 * Ctrl-C stops the experiment after the interrupted variant's checkpoint (interrupted: true).
 */
export async function runExperiment(path: string, outRoot: string | undefined, log: (s: string) => void): Promise<TrainResult[] & { interrupted?: boolean }> {
  const exp = readExperiment(path, outRoot);
  for (const { name, config } of exp.variants) {
    if (existsSync(join(config.out!, CHECKPOINT))) {
      throw new UsageError(`${config.out} holds an unfinished run of variant "${name}" (${CHECKPOINT}): continue it with simdnet train --resume --out ${config.out}, or remove it, before running ${path} again`);
    }
  }
  makeFolder(exp.root, outRoot ? '--out' : 'experiment folder');
  probeFolder(exp.root, outRoot ? '--out' : 'experiment folder');
  const results: TrainResult[] & { interrupted?: boolean } = [];
  const failed = new Map<number, string>(); // variants whose training went non-finite: recorded, the experiment goes on
  for (const { name, config } of exp.variants) {
    log(`\n=== ${name} ===`);
    let r: TrainResult;
    try {
      r = await train(config, { log });
    } catch (e) {
      if (!(e instanceof NonFiniteError)) throw e;
      log(`variant "${name}" failed: ${e.message}`);
      failed.set(results.length, e.message);
      results.push({ config, history: {}, test: { loss: NaN, accuracy: NaN }, weightsHash: '', outDir: config.out!, interrupted: false, savedTo: config.out! });
      continue;
    }
    if (r.interrupted) {
      log(`${path}: stopped at variant "${name}" (${results.length} of ${exp.variants.length} finished)`);
      results.interrupted = true;
      return results;
    }
    results.push(r);
  }
  const configs = exp.variants;
  const rows = resultRows(configs.map((v) => v.name), results, failed);
  log(`\n${exp.name ?? path}: ${results.length} variants (train: evaluated on the training part after training; val: the last epoch's)`);
  log(resultsTable(rows));
  await writeAtomic(join(exp.root, 'results.json'), new TextEncoder().encode(JSON.stringify(rows, null, 1) + '\n'));
  await writeAtomic(join(exp.root, 'results.csv'), new TextEncoder().encode(resultsCsv(rows)));
  const runs = configs.flatMap(({ name }, i) => {
    const r = results[i];
    if (failed.has(i)) return [];
    return {
      name, history: { epoch: (r.history.loss ?? []).map((_, e) => e), history: r.history, diagnostics: r.diagnostics },
      test: r.test, timeSeconds: r.seconds, samplesPerSecond: r.samplesPerSecond, reportHref: `${relative(exp.root, r.savedTo).split(sep).join('/')}/report.html`,
    };
  });
  const options = { title: `simdnet run: ${exp.name ?? path}`, command: ['simdnet', ...process.argv.slice(2)].join(' '), environment: { ...describeEnvironment(), kernels: describeKernels() } };
  await writeAtomic(join(exp.root, 'report.json'), new TextEncoder().encode(comparisonJson(runs, options)));
  await writeAtomic(join(exp.root, 'report.html'), new TextEncoder().encode(renderComparison(runs, options)));
  log(`wrote ${join(exp.root, 'results.csv')}, ${join(exp.root, 'results.json')} and ${join(exp.root, 'report.html')} (the variants compared; each variant's own report.html is in its folder)`);
  return results;
}

/** Every setting's flag by key, for the sweep report's `simdnet train` line of the best trial. */
export const settingFlags = (): Record<string, SweepFlag> =>
  Object.fromEntries(SETTINGS.filter((s) => s.flag).map((s) => [s.key, { flag: s.flag, boolean: s.kind === 'boolean', default: s.def }]));

/** A sweep folder's report: DIR/report.html from DIR/trials.jsonl (a truncated last line is skipped and said so). */
export async function sweepReport(dir: string, log: (s: string) => void): Promise<string> {
  const file = join(dir, 'trials.jsonl');
  let html: string;
  try {
    html = renderSweepFromJsonl(readFileSync(file, 'utf8'), { environment: describeEnvironment(), flags: settingFlags() });
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const path = join(dir, 'report.html');
  await writeAtomic(path, new TextEncoder().encode(html));
  log(`wrote ${path} (the sweep's report)`);
  return path;
}

/** `simdnet report RUN_DIR`: rebuilds RUN_DIR/report.html from RUN_DIR/report.json (a run's or an experiment's), or a sweep's from RUN_DIR/trials.jsonl. */
export async function reportCommand(dir: string, log: (s: string) => void): Promise<string> {
  if (existsSync(join(dir, 'trials.jsonl'))) return sweepReport(dir, log);
  let text: string;
  try {
    text = readFileSync(join(dir, 'report.json'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${dir}: ${code === 'ENOENT' ? 'no report.json here (simdnet train and simdnet run write one into their output folder)' : (e as Error).message}`);
  }
  let html: string;
  try {
    html = renderFromJson(text);
  } catch (e) {
    throw new UsageError(`${join(dir, 'report.json')}: ${(e as Error).message}`);
  }
  const path = join(dir, 'report.html');
  await writeAtomic(path, new TextEncoder().encode(html));
  log(`wrote ${path}`);
  return path;
}

/** One row of an experiment's results: what the table, results.json and results.csv show. */
export interface ResultRow {
  variant: string; trainAccuracy: number | null; trainLoss: number | null; valAccuracy: number | null; valLoss: number | null;
  testAccuracy: number; testLoss: number; epochs: number; stoppedEpoch: number | null; seconds: number | null; weightsHash: string;
  /** 'failed': training went non-finite (reason: where); the other variants ran on. */
  status: 'ok' | 'failed'; reason?: string;
}

function resultRows(names: string[], results: TrainResult[], failed: Map<number, string>): ResultRow[] {
  const last = (r: TrainResult, k: string) => { const v = r.history[k]?.[r.history[k].length - 1]; return v === undefined || Number.isNaN(v) ? null : v; };
  return results.map((r, i) => ({
    variant: names[i], trainAccuracy: r.train?.accuracy ?? null, trainLoss: r.train?.loss ?? null,
    valAccuracy: last(r, 'valAccuracy'), valLoss: last(r, 'valLoss'), testAccuracy: r.test.accuracy, testLoss: r.test.loss,
    epochs: r.history.loss?.length ?? 0, stoppedEpoch: r.stoppedEpoch ?? null, seconds: r.seconds ?? null, weightsHash: r.weightsHash,
    status: failed.has(i) ? 'failed' : 'ok', ...(failed.has(i) ? { reason: failed.get(i) } : {}),
  }));
}

function resultsTable(rows: ResultRow[]): string {
  const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : `${(v * 100).toFixed(2)}%`);
  const num = (v: number | null, d = 4) => (v === null || !Number.isFinite(v) ? '-' : Math.abs(v) >= 1e5 ? v.toExponential(2) : v.toFixed(d));
  const head = ['variant', 'train acc', 'val loss', 'val acc', 'test acc', 'epochs', 'time'];
  const body = rows.map((r) => (r.status === 'failed' ? [r.variant, 'failed', '-', '-', '-', '-', '-']
    : [r.variant, pct(r.trainAccuracy), num(r.valLoss), pct(r.valAccuracy), pct(r.testAccuracy),
      `${r.epochs}${r.stoppedEpoch !== null ? '*' : ''}`, r.seconds === null ? '-' : `${r.seconds.toFixed(1)} s`]));
  const w = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(w[c]) : x.padStart(w[c]))).join('  ');
  const notes = [
    ...(rows.some((r) => r.stoppedEpoch !== null) ? ['(* stopped early)'] : []),
    ...rows.filter((r) => r.status === 'failed').map((r) => `${r.variant}: ${r.reason}`),
  ];
  return [line(head), ...body.map(line), ...notes].join('\n');
}

function resultsCsv(rows: ResultRow[]): string {
  const keys: (keyof ResultRow)[] = ['variant', 'status', 'trainAccuracy', 'trainLoss', 'valAccuracy', 'valLoss', 'testAccuracy', 'testLoss',
    'epochs', 'stoppedEpoch', 'seconds', 'weightsHash', 'reason'];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
  return [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n') + '\n';
}
