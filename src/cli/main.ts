#!/usr/bin/env node
// The `simdnet` command: train, evaluate, predict, gradcheck, run. Arguments by node:util parseArgs; a bad input is one
// clear line on stderr and a non-zero exit (2 for usage, 1 for failures), never a stack trace (SIMDNET_DEBUG=1 shows it).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { backendInfo, init } from '../index.js';
import { ALL_SETTINGS, flagHelp, flagOptions, fromFlags, nearest, resolveConfig, SETTINGS, UsageError, type SettingKey } from '../run/settings.js';
import { train } from './train.js';
import { evaluate, predict, gradcheckCommand, runExperiment, reportCommand } from './commands.js';
import { printError, printLine } from './terminal.js';
import { readWorkerOptions, sweepQueueExecutor, WORKER_HELP, workerCommand } from './worker-command.js';
import { sweepCommand } from './sweep.js';
import { EXPORT_HELP, EXPORT_OPTIONS, exportCommand, IMPORT_HELP, IMPORT_OPTIONS, importCommand } from './interchange.js';

// Which settings each command takes as flags (settings.ts holds their flags, help lines and readers).
const EVALUATE_SETTINGS: readonly SettingKey[] = ['dataset', 'dataDir'];
// gradcheck reads train's flags; those that shape the model and its loss apply, the training ones are refused by name.
const GRADCHECK_SETTINGS: readonly SettingKey[] = ['model', 'dataset', 'dataDir', 'hidden', 'activation', 'init', 'dropout', 'batchNorm', 'loss',
  'l1', 'l2', 'regularizerScale', 'seed'];
// The flags of the commands that run kernels (train, evaluate, predict, gradcheck, run): init's options, applied
// before the command starts. Any thread count gives the same weights; the relaxed build does not (it fuses
// multiply-adds where the CPU has them).
const KERNEL_COMMANDS = ['train', 'evaluate', 'predict', 'gradcheck', 'run'];
const KERNEL_OPTIONS = { threads: { type: 'string' }, relaxed: { type: 'boolean' } } satisfies ParseArgsConfig['options'];
const KERNEL_HELP: [string, string][] = [
  ['--threads N', 'kernel threads: auto (default: one per core) or 1 to 256; any count gives the same weights'],
  ['--relaxed', 'relaxed-SIMD kernels: fused multiply-add where the CPU has it, not bit-identical across CPUs'],
];
const TRAIN_OPTIONS = { ...flagOptions(ALL_SETTINGS), ...KERNEL_OPTIONS, resume: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } satisfies ParseArgsConfig['options'];

const HELP: Record<string, string> = {
  main: `simdnet: train, evaluate and check neural networks on the CPU (WebAssembly SIMD).

usage: simdnet <command> [options]      (simdnet <command> --help for each)

commands:
  train       train a preset (mlp, cnn) or a JSON model on a dataset, with progress, test accuracy and a report
  evaluate    test-set accuracy, loss and confusion matrix of a saved model
  predict     class predictions of a saved model for the samples in a file
  gradcheck   check every layer's gradients of a preset model by finite differences
  run         run an experiment file: several training variants, one after another, compared in a table and a report
  report      rebuild a run's or an experiment's report.html from its report.json
  sweep       search hyperparameters: grid, random or Bayesian trials of a sweep file, in parallel, logged and resumable
  worker      run sweep trials from a Redis queue (simdnet sweep --queue), on any number of machines
  export      write a saved model as an ONNX file (ONNX Runtime and other servers)
  import      save a TensorFlow.js Layers model.json or an ONNX file as a simdnet model

examples:
  simdnet train                                   # MLP on the embedded Fashion-MNIST slice
  simdnet train --model cnn --dataset fashion-mnist --epochs 5
  simdnet evaluate runs/mlp-fashion-small-seed1/model.simdnet
  simdnet run experiments/study1-digits-mlp.json`,
  train: `usage: simdnet train [options]

${flagHelp(ALL_SETTINGS, [['--resume', "continue the unfinished run in --out DIR from its checkpoint, with the checkpoint's settings"], ...KERNEL_HELP])}

  --hidden applies to the mlp preset only; --activation, --init, --dropout, --batch-norm, --l1 and --l2 to the presets
  (a JSON model file sets its own layers). A checkpoint is kept in --out while training (from the start, between
  epochs); Ctrl-C writes one and stops; a Ctrl-C once training is over finishes the save.

examples:
  simdnet train --activation tanh --optimizer rmsprop --lr 0.001 --hidden 128,128,128,128,128,128 --init xavierNormal
  simdnet train --model cnn --epochs 3 --out runs/lenet
  simdnet train --resume --out runs/lenet`,
  evaluate: `usage: simdnet evaluate MODEL [options]

  prints the test-set accuracy, loss and confusion matrix of a saved model (MODEL: a .simdnet file)

${flagHelp(EVALUATE_SETTINGS, KERNEL_HELP)}

example:
  simdnet evaluate runs/mlp-fashion-small-seed1/model.simdnet --dataset fashion-small`,
  predict: `usage: simdnet predict MODEL FILE [options]

  FILE: an IDX image file (gzipped or not) or a PNG image; prints one line per sample:
  index, predicted class, and the top 3 classes with their probabilities

${flagHelp([], KERNEL_HELP)}

example:
  simdnet predict runs/mlp-fashion-small-seed1/model.simdnet data/fashion-small/t10k-images-idx3-ubyte.gz`,
  gradcheck: `usage: simdnet gradcheck [options]

  checks the gradients of the whole model and of every layer against central finite differences and prints a table;
  exits 1 if any disagree. A preset (mlp, cnn) without --dataset is checked small (hidden sizes ≤ 16, random inputs);
  a JSON model file, or any model with --dataset, at full size on the dataset's first test samples. Takes train's
  flags that shape the model; training flags (--epochs, --optimizer, …) are refused.

${flagHelp(GRADCHECK_SETTINGS, [['--layer NAME', "check the whole model's gradient for this layer's parameters, then the layer alone"], ...KERNEL_HELP])}

examples:
  simdnet gradcheck --model cnn --activation tanh
  simdnet gradcheck --model deep.json --layer dense_2`,
  run: `usage: simdnet run EXPERIMENT.json [--out DIR] [--threads N] [--relaxed]

  EXPERIMENT.json: { "name": "activations", "base": { train settings }, "variants": [{ "name": "relu", "activation": "relu" }, …] }
  trains every variant one after another (settings as in simdnet train, camelCase: batchSize, learningRate, …) and
  prints train, validation and test accuracy side by side. Each variant writes to DIR/<name> (DIR: --out, or
  runs/<experiment name>): names are plain folder names (letters, digits, ".", "_", "-"), all different

  It also writes DIR/report.html comparing the variants (each variant's own report.html is in its folder).

${flagHelp([], KERNEL_HELP)}

example:
  simdnet run experiments/study1-digits-mlp.json`,
  report: `usage: simdnet report RUN_DIR

  rebuilds RUN_DIR/report.html (one self-contained file: curves, confusion matrix, verdicts, per-layer statistics,
  histograms, the first layer's weights, misclassified images) from RUN_DIR/report.json, which simdnet train and
  simdnet run write beside it; open report.html in any browser, offline

example:
  simdnet report runs/mlp-fashion-small-seed1`,
  sweep: `usage: simdnet sweep SWEEP.json [--out DIR] [--workers N | --queue redis://HOST:PORT] [--resume]

  SWEEP.json: { "name", "base": { train settings }, "space": { "<settings key>": { "values": […] } | { "int": [lo, hi] }
  | { "uniform": [lo, hi] } | { "logUniform": [lo, hi] }, … }, "method": "grid|random|bayes", "metric": { "name":
  "valAccuracy", "goal": "maximize" }, "budget": { "trials": 30, "seconds": 3600 }, "earlyTermination": { "kind":
  "median", "minEpochs": 2 }, "batch": 4, "seed": 1, "trialTimeoutSeconds": 600 }
  Trials run in worker threads, proposed in generations of "batch" (the same trials and weights with any number of
  workers; keep batch ≥ workers). Each finished trial is appended to DIR/trials.jsonl; each trial's run is in
  DIR/trials/<n>. At the end: the best 10 trials, the best as a simdnet train command, and DIR/best.json.

  --out DIR       the sweep's folder (runs/<sweep name>)
  --workers N     worker threads (one per core)
  --resume        continue the sweep logged in DIR/trials.jsonl: finished trials are not run again
  --queue URL     run the trials on simdnet worker processes, on any machines, through the Redis at URL
                  (redis://HOST:PORT); this command enqueues each generation, waits for it and logs each trial once

example:
  simdnet sweep experiments/sweep-fashion.json --workers 2`,
  worker: WORKER_HELP,
  export: EXPORT_HELP,
  import: IMPORT_HELP,
};

type Values = Record<string, string | boolean | undefined>;

/** `--flag -1` as `--flag=-1` for flags that take a value, so negative numbers reach the setting's own reader. */
function joinNegatives(argv: string[], options: ParseArgsConfig['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], next = argv[i + 1];
    const takesValue = a.startsWith('--') && !a.includes('=') && options?.[a.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-(\d|\.\d|Infinity|NaN)/.test(next)) { out.push(`${a}=${next}`); i++; } else out.push(a);
  }
  return out;
}

function parse(argv: string[], options: ParseArgsConfig['options'], positionals: number, cmd: string): { values: Values; positionals: string[] } {
  let r;
  try {
    r = parseArgs({ args: joinNegatives(argv, options), options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional.*$/s, '');
    const unknown = /^Unknown option '--([^']+)'/.exec(msg)?.[1];
    const near = unknown ? nearest(unknown, Object.keys(options ?? {})) : undefined;
    throw new UsageError(`${msg}${near ? ` (did you mean --${near}?)` : ''} (see simdnet ${cmd} --help)`);
  }
  if (r.positionals.length > positionals) throw new UsageError(`unexpected argument "${r.positionals[positionals]}" (see simdnet ${cmd} --help)`);
  return r;
}

/**
 * init() with the kernel flags: --threads ('auto' or a count from 1 to 256) and --relaxed (when Node cannot run the
 * relaxed build, a line on stderr says why and the standard build runs).
 */
async function startKernels(values: { threads?: string | boolean; relaxed?: string | boolean }): Promise<void> {
  const t = values.threads;
  if (t !== undefined && t !== 'auto' && (typeof t !== 'string' || !/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 256)) {
    throw new UsageError(`--threads must be 'auto' or an integer from 1 to 256; got ${JSON.stringify(t)}`);
  }
  await init({ ...(t === undefined ? {} : { threads: t === 'auto' ? 'auto' : Number(t) }), ...(values.relaxed ? { relaxed: true } : {}) });
  if (values.relaxed && backendInfo().build !== 'relaxed') printError(`simdnet: ${backendInfo().reason}`);
}

export async function main(argv: string[], log: (s: string) => void = printLine): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { log(HELP.main); return cmd ? 0 : 2; }
  if (!(cmd in HELP) || cmd === 'main') throw new UsageError(`unknown command "${cmd}" (commands: train, evaluate, predict, gradcheck, run, report, sweep, worker, export, import; see simdnet --help)`);
  if (rest.includes('--help') || rest.includes('-h')) { log(HELP[cmd]); return 0; }
  if (!KERNEL_COMMANDS.includes(cmd)) await init();
  switch (cmd) {
    case 'train': {
      const { values } = parse(rest, TRAIN_OPTIONS, 0, cmd);
      await startKernels(values);
      const given = fromFlags(values, ALL_SETTINGS);
      const r = await train(resolveConfig(given), { resume: values.resume === true, given, log });
      return r.interrupted ? 130 : r.savedTo !== r.outDir ? 1 : 0;
    }
    case 'evaluate': {
      const { values, positionals } = parse(rest, { ...flagOptions(EVALUATE_SETTINGS), ...KERNEL_OPTIONS }, 1, cmd);
      if (!positionals[0]) throw new UsageError('evaluate needs a MODEL file (see simdnet evaluate --help)');
      await startKernels(values);
      await evaluate(positionals[0], resolveConfig(fromFlags(values, EVALUATE_SETTINGS)), log);
      return 0;
    }
    case 'predict': {
      const { values, positionals } = parse(rest, KERNEL_OPTIONS, 2, cmd);
      if (positionals.length < 2) throw new UsageError('predict needs a MODEL file and an input FILE (see simdnet predict --help)');
      await startKernels(values);
      await predict(positionals[0], positionals[1], log);
      return 0;
    }
    case 'gradcheck': {
      const { values } = parse(rest, { ...flagOptions(ALL_SETTINGS), ...KERNEL_OPTIONS, layer: { type: 'string' } }, 0, cmd);
      const given = fromFlags(values, ALL_SETTINGS);
      for (const k of Object.keys(given)) {
        if (!GRADCHECK_SETTINGS.includes(k as SettingKey)) throw new UsageError(`--${SETTINGS.find((x) => x.key === k)!.flag} does not apply to gradcheck (it trains nothing; see simdnet gradcheck --help)`);
      }
      if (values.layer === '') throw new UsageError('--layer needs a layer name');
      await startKernels(values);
      const ok = await gradcheckCommand(resolveConfig(given), log, { layer: values.layer as string | undefined, datasetGiven: given.dataset !== undefined });
      return ok ? 0 : 1;
    }
    case 'run': {
      const { values, positionals } = parse(rest, { out: { type: 'string' }, ...KERNEL_OPTIONS }, 1, cmd);
      if (!positionals[0]) throw new UsageError('run needs an EXPERIMENT.json file (see simdnet run --help)');
      await startKernels(values);
      const results = await runExperiment(positionals[0], values.out as string | undefined, log);
      return results.interrupted ? 130 : results.some((r) => r.savedTo !== r.outDir) ? 1 : 0;
    }
    case 'report': {
      const { positionals } = parse(rest, {}, 1, cmd);
      if (!positionals[0]) throw new UsageError('report needs a RUN_DIR (see simdnet report --help)');
      await reportCommand(positionals[0], log);
      return 0;
    }
    case 'sweep': {
      const { values, positionals } = parse(rest, { out: { type: 'string' }, workers: { type: 'string' }, resume: { type: 'boolean' }, queue: { type: 'string' } }, 1, cmd);
      if (!positionals[0]) throw new UsageError('sweep needs a SWEEP.json file (see simdnet sweep --help)');
      const workers = values.workers === undefined ? undefined : Number(values.workers);
      if (workers !== undefined && (!Number.isSafeInteger(workers) || workers < 1)) throw new UsageError(`--workers must be an integer ≥ 1; got ${JSON.stringify(values.workers)}`);
      if (values.queue !== undefined && workers !== undefined) throw new UsageError('--workers does not apply with --queue: the trials run on the simdnet worker processes pulling from that Redis');
      const executor = typeof values.queue === 'string' ? sweepQueueExecutor(values.queue) : undefined;
      await sweepCommand(positionals[0], { out: values.out as string | undefined, workers, resume: values.resume === true, ...(executor ? { executor } : {}) }, log);
      return 0;
    }
    case 'worker': {
      const { values } = parse(rest, { queue: { type: 'string' }, concurrency: { type: 'string' }, out: { type: 'string' }, 'lock-seconds': { type: 'string' } }, 0, cmd);
      return workerCommand(readWorkerOptions(values), log);
    }
    case 'export': case 'import': {
      const { values, positionals } = parse(rest, cmd === 'export' ? EXPORT_OPTIONS : IMPORT_OPTIONS, 1, cmd);
      if (!positionals[0]) throw new UsageError(`${cmd} needs a ${cmd === 'export' ? 'MODEL.simdnet file' : 'SOURCE (model.json or .onnx)'} (see simdnet ${cmd} --help)`);
      await (cmd === 'export' ? exportCommand : importCommand)(positionals[0], values, log);
      return 0;
    }
  }
  return 2;
}

const isMain = (() => {
  try { return !!process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url; } catch { return false; }
})();
if (isMain) {
  // `simdnet train | head`: the reader closing the pipe ends the command quietly, as other Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    const usage = e instanceof UsageError;
    printError(`simdnet: ${(e as Error)?.message ?? String(e)}`);
    if (process.env.SIMDNET_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    process.exitCode = usage ? 2 : 1;
  });
}
