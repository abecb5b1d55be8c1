// `simdnet evaluate`, `predict`, `gradcheck`, `run` and `report`: the commands besides train (experiment files:
// experiment.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeAtomic } from '../io/files.js';
import { renderComparison } from '../report/comparison.js';
import { comparisonJson, describeEnvironment, renderFromJson } from '../report/helpers.js';
import { gradCheck, ops, tensor, type Model, type Tensor } from '../index.js';
import { loadModelFile } from '../io/files.js';
import { buildModel } from './config.js';
import { UsageError, type TrainConfig } from './settings.js';
import { readExperiment } from './experiment.js';
import { CHECKPOINT } from './checkpoint.js';
import { makeFolder, probeFolder } from './outdir.js';
import { loadDataset, loadInputs } from './datasets.js';
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

/** Checks the whole preset model and each of its layers (on the activations that reach it) with gradCheck. */
export async function gradcheckCommand(c: TrainConfig, log: (s: string) => void): Promise<boolean> {
  const inputShape = c.model === 'cnn' ? [12, 12, 1] : [20];
  const classes = 4, n = 3;
  const model = buildModel({ ...c, hidden: c.hidden.map((h) => Math.min(h, 16)) }, inputShape, classes);
  const x = ops.randomUniform([n, ...inputShape], { seed: c.seed, lo: -1, hi: 1 });
  const y = tensor(Float32Array.from({ length: n * classes }, (_, i) => (i % classes === Math.floor(i / classes) % classes ? 1 : 0)), [n, classes]);
  // Each layer on its own random input of its input shape: continuous values keep it off ReLU's 0 and off max ties,
  // which the activations of the previous layer (exact zeros after ReLU) would sit on.
  const inputs = model.layers.map((l, i) => ops.randomUniform([n, ...l.inputShape], { seed: c.seed, stream: 100 + i, lo: -1, hi: 1 }));
  let ok = true;
  const show = (name: string, r: ReturnType<typeof gradCheck>) => {
    ok &&= r.passed;
    for (const e of r.checks) {
      log(`${e.passed ? 'ok  ' : 'FAIL'}  ${name.padEnd(14)} ${e.name.padEnd(22)} ${e.maxRelError.toExponential(2).padStart(9)}  ${String(e.checked).padStart(4)} points${e.skipped ? `, ${e.skipped} at kinks` : ''}`);
    }
  };
  log(`gradient check of the ${c.model} preset (${c.activation}, ${c.init}): the whole model on random [${n}, ${inputShape.join(', ')}] inputs, then each layer on random inputs of its shape; threshold 1e-2`);
  log(`      ${'layer'.padEnd(14)} ${'tensor'.padEnd(22)} max rel err`);
  show('whole model', gradCheck(model, { x, y }, { seed: c.seed }));
  model.layers.forEach((l, i) => show(l.name, gradCheck(l, { x: inputs[i] }, { seed: c.seed })));
  [x, y, ...inputs].forEach((t) => t.dispose());
  model.dispose();
  log(ok ? 'all gradients agree with finite differences' : 'some gradients disagree with finite differences');
  return ok;
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
  for (const { name, config } of exp.variants) {
    log(`\n=== ${name} ===`);
    const r = await train(config, { log });
    if (r.interrupted) {
      log(`${path}: stopped at variant "${name}" (${results.length} of ${exp.variants.length} finished)`);
      results.interrupted = true;
      return results;
    }
    results.push(r);
  }
  const configs = exp.variants;
  const last = (r: TrainResult, k: string) => r.history[k]?.[r.history[k].length - 1];
  const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '   -  ' : `${(v * 100).toFixed(2)}%`.padStart(7));
  log(`\n${exp.name ?? path}: ${results.length} variants`);
  log(`${'variant'.padEnd(24)} ${'train'.padStart(7)} ${'val'.padStart(7)} ${'test'.padStart(7)}  final loss`);
  configs.forEach(({ name }, i) => {
    const r = results[i];
    log(`${name.padEnd(24)} ${pct(last(r, 'accuracy'))} ${pct(last(r, 'valAccuracy'))} ${pct(r.test.accuracy)}  ${last(r, 'loss')?.toFixed(4)}`);
  });
  const runs = configs.map(({ name }, i) => {
    const r = results[i];
    return {
      name, history: { epoch: (r.history.loss ?? []).map((_, e) => e), history: r.history, diagnostics: r.diagnostics },
      test: r.test, timeSeconds: r.seconds, samplesPerSecond: r.samplesPerSecond, reportHref: `${relative(exp.root, r.savedTo).split(sep).join('/')}/report.html`,
    };
  });
  const options = { title: `simdnet run: ${exp.name ?? path}`, command: ['simdnet', ...process.argv.slice(2)].join(' '), environment: describeEnvironment() };
  await writeAtomic(join(exp.root, 'report.json'), new TextEncoder().encode(comparisonJson(runs, options)));
  await writeAtomic(join(exp.root, 'report.html'), new TextEncoder().encode(renderComparison(runs, options)));
  log(`wrote ${join(exp.root, 'report.html')} (the variants compared; each variant's own report.html is in its folder)`);
  return results;
}

/** `simdnet report RUN_DIR`: rebuilds RUN_DIR/report.html from RUN_DIR/report.json (a run's or an experiment's). */
export async function reportCommand(dir: string, log: (s: string) => void): Promise<string> {
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
