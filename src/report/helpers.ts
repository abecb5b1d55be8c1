// Helpers that gather a report's inputs in any runtime: the environment (runtime, version, date, CPU threads), the
// misclassified images of a test set from its inputs, labels and predictions, and the report data as JSON that keeps
// NaN and ±Infinity (so `simdnet report RUN_DIR` can rebuild a report from a saved run).
import type { History } from '../train/loop.js';
import { renderReport } from './report.js';
import { renderComparison } from './comparison.js';
import { checkHistory, readComparisonOptions, readReportOptions, readRuns, type ComparisonOptions, type ComparisonRun,
  type MisclassifiedImage, type ReportEnvironment, type ReportOptions } from './options.js';

/** The runtime this code runs in (Node, Deno, Bun or a browser's user agent), now, and the CPU threads where known. */
export function describeEnvironment(date: Date = new Date()): ReportEnvironment {
  const g = globalThis as {
    Deno?: { version?: { deno?: string } }; Bun?: { version?: string }; process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string; hardwareConcurrency?: number };
  };
  const [runtime, version] = g.Deno?.version?.deno ? ['Deno', g.Deno.version.deno] : g.Bun?.version ? ['Bun', g.Bun.version]
    : g.process?.versions?.node ? ['Node', g.process.versions.node] : ['browser', g.navigator?.userAgent ?? 'unknown'];
  const threads = g.navigator?.hardwareConcurrency;
  return { runtime, version, date: date.toISOString(), ...(threads ? { cpu: `${threads} threads` } : {}) };
}

/** Options of pickMisclassified(): the test inputs, their shape, labels, predictions and how many to pick. */
export interface PickMisclassifiedOptions {
  /** The test inputs, N samples of H·W·C values each (row-major HWC). */
  x: ArrayLike<number>;
  /** One sample's [H, W, C] (C = 1 or 3). */
  imageShape: [number, number, number];
  /** The true class of each sample (N). */
  labels: ArrayLike<number>;
  /** The predicted class of each sample (N), or the model's outputs (N × classes: the arg-max is taken). */
  predicted: ArrayLike<number>;
  /** At most this many images (default 32), in sample order. */
  limit?: number;
}

/**
 * The first `limit` misclassified samples as report images. Pixels already in [0, 1] are kept; otherwise (standardised
 * inputs) each image is scaled from its own min..max to [0, 1].
 */
export function pickMisclassified(o: PickMisclassifiedOptions): { images: MisclassifiedImage[] } {
  const [h, w, c] = o.imageShape, per = h * w * c, n = o.labels.length, limit = o.limit ?? 32;
  if (o.x.length !== n * per) throw new RangeError(`pickMisclassified: x has ${o.x.length} values, expected ${n} samples × ${per} (${h}×${w}×${c})`);
  const k = o.predicted.length / n;
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`pickMisclassified: predicted has ${o.predicted.length} values for ${n} labels (give N classes or N × classes outputs)`);
  }
  const images: MisclassifiedImage[] = [];
  for (let i = 0; i < n && images.length < limit; i++) {
    let p = 0;
    if (k === 1) p = o.predicted[i];
    else for (let j = 1; j < k; j++) if (o.predicted[i * k + j] > o.predicted[i * k + p]) p = j;
    if (p === o.labels[i]) continue;
    const px = Array.from({ length: per }, (_, q) => o.x[i * per + q]);
    let lo = Infinity, hi = -Infinity;
    for (const v of px) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const pixels = lo >= 0 && hi <= 1 ? px : px.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0));
    images.push({ pixels, shape: [h, w, c], trueClass: o.labels[i], predicted: p });
  }
  return { images };
}

/** Non-finite numbers as { $number: 'NaN' | 'Infinity' | '-Infinity' }; typed arrays as arrays. */
function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}
function reviver(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$number') return Number((v as { $number: string }).$number);
  }
  return v;
}

/** What reportJson and comparisonJson write: a run (history, options) or an experiment (runs, options). */
export interface ReportData {
  format: 'simdnet-report'; version: 1; kind: 'run' | 'comparison';
  history?: History; runs?: ComparisonRun[]; options?: ReportOptions | ComparisonOptions;
}

/** A run's report inputs as JSON (checked first, as renderReport would), for renderFromJson later. */
export function reportJson(history: History, options: ReportOptions = {}): string {
  checkHistory('reportJson', history); readReportOptions(options);
  return JSON.stringify({ format: 'simdnet-report', version: 1, kind: 'run', history, options } satisfies ReportData, replacer);
}

/** An experiment's comparison inputs as JSON. */
export function comparisonJson(runs: ComparisonRun[], options: ComparisonOptions = {}): string {
  readRuns(runs); readComparisonOptions(options);
  return JSON.stringify({ format: 'simdnet-report', version: 1, kind: 'comparison', runs, options } satisfies ReportData, replacer);
}

/** Parses reportJson's or comparisonJson's text back (NaN and ±Infinity restored). */
export function parseReportJson(text: string): ReportData {
  const d = JSON.parse(text, reviver) as ReportData;
  if (!d || d.format !== 'simdnet-report' || d.version !== 1 || (d.kind !== 'run' && d.kind !== 'comparison')) {
    throw new Error('parseReportJson: not a simdnet report data file (expected { format: "simdnet-report", version: 1, kind: "run" | "comparison" })');
  }
  return d;
}

/** Renders a report from reportJson's or comparisonJson's text. */
export function renderFromJson(text: string): string {
  const d = parseReportJson(text);
  return d.kind === 'run' ? renderReport(d.history!, d.options as ReportOptions) : renderComparison(d.runs!, d.options as ComparisonOptions);
}
