// The end of a configuration's run, in any runtime: the test set and the training part evaluated, the weights hash,
// and the run's files as bytes (model.simdnet, report.json, report.html, history.csv, history.json, in the order a
// writer should write them: history.json last marks the run finished). The CLI writes them; a page offers them.
import type { Model } from '../index.js';
import { backendInfo } from '../backend/module.js';
import { threadCount } from '../backend/thread-count.js';
import type { Diagnostics } from '../train/diagnostics.js';
import type { History } from '../train/loop.js';
import { renderReport } from '../report/report.js';
import { describeEnvironment, pickMisclassified, reportJson } from '../report/helpers.js';
import { nameOf, type TrainConfig } from './settings.js';
import { evaluateTrainingPart, fullHistory, targetsOf } from './epochs.js';
import type { Dataset } from './dataset.js';

export interface FinishedRun {
  test: { loss: number; accuracy: number };
  confusionMatrix: number[][];
  /** Loss and accuracy on the training part, evaluated after training (dropout off, batch norm on its moving statistics). */
  train: { loss: number; accuracy: number };
  weightsHash: string;
  /** The history with the diagnostics and their verdicts. */
  full: History;
  /** The run's files, in writing order (none with files: false). */
  files: [string, Uint8Array][];
}

export interface FinishOptions {
  /** The command the report shows (default: none). */
  command?: string;
  /** The report's title (default: "simdnet train: <model> on <dataset>"). */
  title?: string;
  /** The epoch early stopping stopped after, recorded in history.json. */
  stoppedEpoch?: number;
  /** The folder the run is written to, shown in the report's settings (history.json keeps the configuration as given). */
  out?: string;
  /** Render the report and the files (default true; a sweep trial in memory needs only the figures). */
  files?: boolean;
  /** Called once the test set is evaluated (the CLI's fault-injection step). */
  evaluated?: () => void;
}

const encode = (s: string) => new TextEncoder().encode(s);
const isImage = (s: readonly number[]): boolean => s.length === 3 && (s[2] === 1 || s[2] === 3);

/** The kernels this process runs, for a report's environment: "standard build, 2 threads" (the build decides the bits). */
export function describeKernels(): string {
  const n = threadCount();
  return `${backendInfo().build} build, ${n} thread${n === 1 ? '' : 's'}`;
}

/** Evaluates a trained model and renders its report and files. */
export function finishRun(model: Model, config: TrainConfig, data: Dataset, history: Record<string, number[]>, diag: Diagnostics | undefined,
  opts: FinishOptions = {}): FinishedRun {
  const te = data.test;
  const ev = model.evaluate(te.x, targetsOf(config, te), { confusionMatrix: true });
  opts.evaluated?.();
  const test = { loss: ev.loss, accuracy: ev.accuracy as number };
  const train = evaluateTrainingPart(model, config, data);
  const weightsHash = model.weightsHash();
  const full = fullHistory(history, diag);
  if (opts.files === false) return { test, confusionMatrix: ev.confusionMatrix!, train, weightsHash, full, files: [] };
  const predicted = model.predict(te.x);
  let report: string, reportData: string;
  try {
    const options = {
      title: opts.title ?? `simdnet train: ${nameOf(config.model)} on ${data.name}`, ...(opts.command ? { command: opts.command } : {}),
      config: opts.out !== undefined ? { ...config, out: opts.out } : config,
      environment: { ...describeEnvironment(), kernels: describeKernels() }, weightsHash,
      test: { loss: test.loss, accuracy: test.accuracy, confusionMatrix: ev.confusionMatrix, classNames: data.classes },
      misclassified: isImage(data.inputShape)
        ? pickMisclassified({ x: te.x.toFloat32Array(), imageShape: data.inputShape as [number, number, number], labels: te.labels.toInt32Array(),
          predicted: predicted.toFloat32Array(), limit: 32 })
        : undefined,
    };
    report = renderReport(full, options); reportData = reportJson(full, options);
  } finally { predicted.dispose(); }
  const keys = Object.keys(history);
  const csv = [['epoch', ...keys].join(','), ...(history[keys[0]] ?? []).map((_, i) => [i + 1, ...keys.map((k) => history[k][i])].join(','))].join('\n') + '\n';
  const stopped = opts.stoppedEpoch !== undefined ? { stoppedEpoch: opts.stoppedEpoch } : {};
  const files: [string, Uint8Array][] = [
    ['model.simdnet', model.save()],
    ['report.json', encode(reportData)],
    ['report.html', encode(report)],
    ['history.csv', encode(csv)],
    ['history.json', encode(JSON.stringify({ config, history, train, test, weightsHash, ...stopped }, null, 1))], // written last: the run is finished
  ];
  return { test, confusionMatrix: ev.confusionMatrix!, train, weightsHash, full, files };
}
