// The report's inputs: their types, and strict reading (an unknown key is refused naming it and the nearest valid key;
// each value is checked for type). Nothing is copied or normalised beyond what rendering needs.
import { StrictOptions, given, isPlainObject } from '../ops/options.js';
import type { History } from '../train/loop.js';

/** Where the run ran: runtime name and version, date (ISO text), optionally the CPU. */
/**
 * Where a run ran: the runtime and its version, the date, the CPU threads where known, and the kernels it used (e.g.
 * "standard build, 2 threads": the build decides the weights' bits, the thread count only the speed).
 */
export interface ReportEnvironment { runtime: string; version: string; date: string; cpu?: string; kernels?: string }

/** The test-set evaluation: loss and accuracy, optionally the confusion matrix counts[true][predicted] and class names. */
export interface ReportTest { loss: number; accuracy: number; confusionMatrix?: number[][]; classNames?: string[] }

/** A misclassified test image: H·W·C values in [0, 1] (row-major HWC, C = 1 or 3) and its classes (index or name). */
export interface MisclassifiedImage { pixels: ArrayLike<number>; shape: [number, number, number]; trueClass: number | string; predicted: number | string }

/** Options of renderReport(): title, command, settings, environment, weights hash, test results and images. */
export interface ReportOptions {
  /** The page's title (default "simdnet training report"). */
  title?: string;
  /** The command line that ran the training. */
  command?: string;
  /** The configuration, shown as a table (nested objects flattened with dots). */
  config?: Record<string, unknown>;
  environment?: ReportEnvironment;
  /** model.weightsHash() of the trained model. */
  weightsHash?: string;
  test?: ReportTest;
  misclassified?: { images: MisclassifiedImage[] };
}

/** One variant of an experiment. */
export interface ComparisonRun {
  name: string;
  history: History;
  test?: ReportTest;
  timeSeconds?: number;
  samplesPerSecond?: number;
  /** A relative link to the variant's own report (no scheme: the report stays offline). */
  reportHref?: string;
}

/** Options of renderComparison(): title, command, settings and environment. */
export interface ComparisonOptions { title?: string; command?: string; config?: Record<string, unknown>; environment?: ReportEnvironment }

const REPORT_KEYS = ['title', 'command', 'config', 'environment', 'weightsHash', 'test', 'misclassified'] as const;
const COMPARISON_KEYS = ['title', 'command', 'config', 'environment'] as const;
const RUN_KEYS = ['name', 'history', 'test', 'timeSeconds', 'samplesPerSecond', 'reportHref'] as const;
const ENV_KEYS = ['runtime', 'version', 'date', 'cpu', 'kernels'] as const;
const TEST_KEYS = ['loss', 'accuracy', 'confusionMatrix', 'classNames'] as const;
const IMAGE_KEYS = ['pixels', 'shape', 'trueClass', 'predicted'] as const;

/** A string option: undefined when absent (unless required), else it must be a string. */
export function str(o: StrictOptions, k: string, required = false): string | undefined {
  const v = o.get(k);
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') o.wrongType(k, 'a string');
  return v;
}

/** A number (NaN allowed: an interrupted run has no test loss). */
function numberOf(o: StrictOptions, k: string, required = false): number | undefined {
  const v = o.get(k);
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number') o.wrongType(k, 'a number');
  return v;
}

function record(o: StrictOptions, k: string): Record<string, unknown> | undefined {
  const v = o.get(k);
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) o.wrongType(k, 'a plain object');
  return v;
}

export function readEnvironment(owner: string, v: unknown): ReportEnvironment | undefined {
  if (v === undefined) return undefined;
  const o: StrictOptions = StrictOptions.read(`${owner}: environment`, v, ENV_KEYS, true);
  const kernels = str(o, 'kernels');
  return { runtime: str(o, 'runtime', true)!, version: str(o, 'version', true)!, date: str(o, 'date', true)!, cpu: str(o, 'cpu'), ...(kernels === undefined ? {} : { kernels }) };
}

export function readTest(owner: string, v: unknown): ReportTest | undefined {
  if (v === undefined) return undefined;
  const o: StrictOptions = StrictOptions.read(`${owner}: test`, v, TEST_KEYS, true);
  const t: ReportTest = { loss: numberOf(o, 'loss', true)!, accuracy: numberOf(o, 'accuracy', true)! };
  const cm = o.get('confusionMatrix'), names = o.get('classNames');
  if (cm !== undefined) {
    const n = Array.isArray(cm) ? cm.length : 0;
    if (!n || !(cm as unknown[]).every((r) => Array.isArray(r) && r.length === n && r.every((c) => typeof c === 'number' && Number.isFinite(c) && c >= 0))) {
      o.wrongType('confusionMatrix', 'a square array of arrays of counts ≥ 0 (counts[true][predicted])');
    }
    t.confusionMatrix = cm as number[][];
  }
  if (names !== undefined) {
    if (!Array.isArray(names) || !names.every((s) => typeof s === 'string')) o.wrongType('classNames', 'an array of strings');
    if (t.confusionMatrix && names.length !== t.confusionMatrix.length) {
      o.outOfRange('classNames', `${t.confusionMatrix.length} names, one per row of the confusion matrix`);
    }
    t.classNames = names as string[];
  }
  return t;
}

function readImages(owner: string, v: unknown): { images: MisclassifiedImage[] } | undefined {
  if (v === undefined) return undefined;
  const o: StrictOptions = StrictOptions.read(`${owner}: misclassified`, v, ['images'], true);
  const imgs = o.get('images');
  if (!Array.isArray(imgs)) o.wrongType('images', 'an array of { pixels, shape, trueClass, predicted }');
  return {
    images: imgs.map((img: unknown, i: number) => {
      const q: StrictOptions = StrictOptions.read(`${owner}: misclassified.images[${i}]`, img, IMAGE_KEYS, true);
      const shape = q.get('shape'), pixels = q.get('pixels');
      if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0) || (shape[2] !== 1 && shape[2] !== 3)) {
        q.wrongType('shape', '[height, width, channels] with channels 1 or 3');
      }
      const size = shape[0] * shape[1] * shape[2];
      if (!(Array.isArray(pixels) || (ArrayBuffer.isView(pixels) && !(pixels instanceof DataView))) || (pixels as ArrayLike<number>).length !== size) {
        q.wrongType('pixels', `${size} numbers in [0, 1] (height × width × channels)`);
      }
      for (const k of ['trueClass', 'predicted']) {
        const c = q.get(k);
        if (typeof c !== 'string' && !(typeof c === 'number' && Number.isInteger(c) && c >= 0)) q.wrongType(k, 'a class index (integer ≥ 0) or a class name');
      }
      return {
        pixels: pixels as ArrayLike<number>, shape: shape as [number, number, number],
        trueClass: q.get('trueClass') as number | string, predicted: q.get('predicted') as number | string,
      };
    }),
  };
}

/** Checks that h looks like fit's History ({ epoch, history }); the report reads the rest defensively. */
export function checkHistory(owner: string, h: unknown): History {
  if (!isPlainObject(h) || !Array.isArray(h.epoch) || !isPlainObject(h.history)) {
    throw new TypeError(`${owner}: history must be what fit() returns ({ epoch: number[], history: { loss: […], … }, diagnostics? }), got ${given(h)}`);
  }
  for (const [k, v] of Object.entries(h.history)) {
    if (!Array.isArray(v)) throw new TypeError(`${owner}: history.history.${k} must be an array of numbers, got ${given(v)}`);
  }
  return h as unknown as History;
}

function readCommon(owner: string, o: StrictOptions) {
  return { title: str(o, 'title'), command: str(o, 'command'), config: record(o, 'config'), environment: readEnvironment(owner, o.get('environment')) };
}

export function readReportOptions(options: unknown): ReportOptions {
  const owner = 'renderReport';
  const o: StrictOptions = StrictOptions.read(owner, options, REPORT_KEYS);
  return { ...readCommon(owner, o), weightsHash: str(o, 'weightsHash'), test: readTest(owner, o.get('test')), misclassified: readImages(owner, o.get('misclassified')) };
}

export function readComparisonOptions(options: unknown): ComparisonOptions {
  return readCommon('renderComparison', StrictOptions.read('renderComparison', options, COMPARISON_KEYS));
}

export function readRuns(runs: unknown): ComparisonRun[] {
  const owner = 'renderComparison';
  if (!Array.isArray(runs) || runs.length === 0) throw new TypeError(`${owner}: runs must be a non-empty array of { name, history, … }, got ${given(runs)}`);
  return runs.map((r: unknown, i: number) => {
    const who = `${owner}: runs[${i}]`;
    const o: StrictOptions = StrictOptions.read(who, r, RUN_KEYS, true);
    const href = str(o, 'reportHref');
    if (href !== undefined && /^\s*[a-z][a-z0-9+.-]*:|^\s*\/\//i.test(href)) {
      o.outOfRange('reportHref', 'a relative link (no scheme such as http: or javascript:, no //host)');
    }
    return {
      name: str(o, 'name', true)!, history: checkHistory(who, o.get('history')), test: readTest(who, o.get('test')),
      timeSeconds: numberOf(o, 'timeSeconds'), samplesPerSecond: numberOf(o, 'samplesPerSecond'), reportHref: href,
    };
  });
}
