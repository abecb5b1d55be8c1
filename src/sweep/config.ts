// A sweep's configuration, in any runtime: the sweep object read strictly (every key checked with the nearest valid
// one, every value of the space checked against the training settings before any trial). Files are read by run.ts.
import { checkKeys as checkSettingKeys, nearest, resolveConfig, UsageError } from '../run/settings.js';
import { applyParams, readSpace, spaceCorners, type Space } from './space.js';
import { METHODS, type Goal, type Method } from './search.js';
import type { StopRule } from './stopping.js';
import { METRICS, type MetricName } from './trial.js';
import { FOLDER_NAME } from '../run/experiment.js';

/** A sweep file as read: every key checked, defaults filled in. */
export interface SweepConfig {
  name: string; description?: string; base: Record<string, unknown>; space: Space; method: Method;
  metric: { name: MetricName; goal: Goal };
  budget: { trials?: number; seconds?: number };
  earlyTermination?: StopRule; batch: number; seed: number; trialTimeoutSeconds?: number;
  /** The file's object as given (the log's header keeps it: --resume must find the same sweep). */
  raw: Record<string, unknown>;
}

const KEYS = ['name', 'description', 'base', 'space', 'method', 'metric', 'budget', 'earlyTermination', 'batch', 'seed', 'trialTimeoutSeconds'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a sweep object: unknown keys (with the nearest), types and ranges, and every value of the space against the settings. */
export function readSweep(where: string, e: unknown, defaultName = 'sweep'): SweepConfig {
  const fail = (what: string): never => { throw new UsageError(`${where}: ${what}`); };
  const strict = (at: string, o: unknown, keys: readonly string[], example: string): Record<string, unknown> => {
    if (!isObject(o)) return fail(`${at} must be an object ${example}; got ${JSON.stringify(o)}`);
    for (const k of Object.keys(o)) {
      if (keys.includes(k)) continue;
      const near = nearest(k, keys);
      fail(`${at ? `${at}: ` : ''}unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${keys.join(', ')}`);
    }
    return o;
  };
  const o = strict('', e, KEYS, '{ "name", "base", "space", "method", "budget", … }');
  const int = (at: string, v: unknown, min: number): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(`${at} must be an integer ≥ ${min}; got ${JSON.stringify(v)}`);
    return v as number;
  };
  const positive = (at: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${at} must be a number > 0; got ${JSON.stringify(v)}`);
    return v as number;
  };
  if (o.name !== undefined && (typeof o.name !== 'string' || !FOLDER_NAME.test(o.name))) {
    fail(`name must be a plain folder name (letters, digits, ".", "_", "-"; not starting with "."); got ${JSON.stringify(o.name)}`);
  }
  if (o.description !== undefined && typeof o.description !== 'string') fail(`description must be a string; got ${JSON.stringify(o.description)}`);
  const base = (o.base ?? {}) as Record<string, unknown>;
  if (!isObject(base)) fail(`base must be an object of train settings; got ${JSON.stringify(o.base)}`);
  const settingsError = (at: string, f: () => unknown) => {
    try { f(); } catch (err) { fail(`${at}: ${(err as Error).message}`); }
  };
  settingsError('base', () => {
    if ('out' in base) throw new UsageError('out does not apply in a sweep file: each trial writes to <out>/trials/<n> (set <out> with --out DIR)');
    checkSettingKeys(base);
    resolveConfig(base, { from: 'file', applicable: false });
  });
  let space: Space;
  try { space = readSpace(where, o.space); } catch (err) { return fail((err as Error).message.replace(`${where}.`, '')); }
  for (const k of space.keys) {
    if (k.split('.')[0] === 'out') fail(`space.${k}: out cannot be searched (each trial writes to <out>/trials/<n>)`);
  }
  // Every choice and both ends of each range, one key at a time, must make valid settings: refused before any trial.
  for (const p of spaceCorners(space)) {
    for (const [k, v] of Object.entries(p)) settingsError(`space.${k} = ${JSON.stringify(v)}`, () => resolveConfig(applyParams(base, { [k]: v }), { from: 'file' }));
  }
  const method = (o.method ?? 'random') as Method;
  if (!(METHODS as readonly string[]).includes(method)) {
    const near = typeof method === 'string' ? nearest(method, METHODS) : undefined;
    fail(`method must be one of ${METHODS.join(', ')}; got ${JSON.stringify(o.method)}${near ? ` (did you mean "${near}"?)` : ''}`);
  }
  const m = strict('metric', o.metric ?? {}, ['name', 'goal'], '{ "name": "valAccuracy", "goal": "maximize" }');
  const metricName = (m.name ?? 'valAccuracy') as MetricName;
  if (!(METRICS as readonly string[]).includes(metricName)) {
    const near = typeof metricName === 'string' ? nearest(metricName, METRICS) : undefined;
    fail(`metric.name must be one of ${METRICS.join(', ')}; got ${JSON.stringify(m.name)}${near ? ` (did you mean "${near}"?)` : ''}`);
  }
  const goal = (m.goal ?? (metricName === 'valLoss' ? 'minimize' : 'maximize')) as Goal;
  if (goal !== 'maximize' && goal !== 'minimize') fail(`metric.goal must be "maximize" or "minimize"; got ${JSON.stringify(m.goal)}`);
  if (metricName.startsWith('val') && resolveConfig(base, { from: 'file', applicable: false }).validationSplit === 0 && !space.keys.includes('validationSplit')) {
    fail(`metric.name ${metricName} needs validation data: base.validationSplit is 0`);
  }
  const b = strict('budget', o.budget ?? {}, ['trials', 'seconds'], '{ "trials": 30, "seconds": 3600 }');
  const budget = {
    ...(b.trials !== undefined ? { trials: int('budget.trials', b.trials, 1) } : {}),
    ...(b.seconds !== undefined ? { seconds: positive('budget.seconds', b.seconds) } : {}),
  };
  if (method !== 'grid' && budget.trials === undefined) fail(`budget.trials is required for method "${method}" (grid's default is its size)`);
  let rule: StopRule | undefined;
  if (o.earlyTermination !== undefined) {
    const t = strict('earlyTermination', o.earlyTermination, ['kind', 'minEpochs', 'reductionFactor'],
      '{ "kind": "median", "minEpochs": 2 } or { "kind": "asha", "minEpochs": 1, "reductionFactor": 3 }');
    if (t.kind !== 'median' && t.kind !== 'asha') fail(`earlyTermination.kind must be "median" or "asha"; got ${JSON.stringify(t.kind)}`);
    const minEpochs = t.minEpochs === undefined ? 1 : int('earlyTermination.minEpochs', t.minEpochs, 1);
    if (t.kind === 'median' && t.reductionFactor !== undefined) fail('earlyTermination.reductionFactor applies to kind "asha" only');
    rule = t.kind === 'median' ? { kind: 'median', minEpochs }
      : { kind: 'asha', minEpochs, reductionFactor: t.reductionFactor === undefined ? 3 : int('earlyTermination.reductionFactor', t.reductionFactor, 2) };
  }
  const batch = o.batch === undefined ? 4 : int('batch', o.batch, 1);
  const seed = o.seed === undefined ? 1 : int('seed', o.seed, 0);
  const trialTimeoutSeconds = o.trialTimeoutSeconds === undefined ? undefined : positive('trialTimeoutSeconds', o.trialTimeoutSeconds);
  return {
    name: (o.name as string | undefined) ?? defaultName, description: o.description as string | undefined, base, space, method,
    metric: { name: metricName, goal }, budget, earlyTermination: rule, batch, seed, trialTimeoutSeconds, raw: o,
  };
}

