// The sweep coordinator, sweep(config, { out, workers, resume }): reads the sweep file strictly, proposes trials in
// generations of `batch` (each depending only on the seed and earlier generations), runs each generation on an
// executor (a worker_threads pool by default; the Redis queue is another), appends each finished trial to
// <out>/trials.jsonl as it completes, and stops at the budget. --resume replays the generations and runs only the
// trials the log lacks.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InitOptions } from '../index.js';
import { checkKeys as checkSettingKeys, nearest, resolveConfig, UsageError, type TrainConfig } from '../run/settings.js';
import { applyParams, readSpace, spaceCorners, type Params, type Space } from './space.js';
import { makeProposer, METHODS, type Goal, type Method } from './search.js';
import { bestTrial } from '../report/sweep-best.js';
import type { Curve, StopRule } from './stopping.js';
import { METRICS, type MetricName, type TrialSpec } from './trial.js';
import { createLog, readLog, type TrialLog, type TrialRecord } from './log.js';
import { localPool, type Executor } from './pool.js';
import { formatDuration } from '../train/status-line.js';

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
const FOLDER_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a sweep file (JSON) strictly; errors name the file and the key. */
export function readSweepFile(path: string): SweepConfig {
  let e: unknown;
  try {
    e = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : code ? (err as Error).message : `not valid JSON (${(err as Error).message})`}`);
  }
  const fileName = path.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  return readSweep(path, e, FOLDER_NAME.test(fileName) ? fileName : 'sweep');
}

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

/** Makes the executor a sweep runs its generations on (the default: localPool). */
export type ExecutorFactory = (c: { sweep: SweepConfig; out: string; workers?: number; init?: InitOptions }) => Executor | Promise<Executor>;

/** How `sweep()` runs: where it writes, how many worker threads, resume, progress callbacks, another executor. */
export interface SweepOptions {
  /** The sweep's folder: trials.jsonl and trials/<n> (default runs/<sweep name>). */
  out?: string;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Continue the sweep logged in <out>/trials.jsonl: finished trials are not run again. */
  resume?: boolean;
  /** Plain progress lines (one per finished trial; default: none). */
  log?: (s: string) => void;
  /** The sweep's progress each time it changes (a trial starts or finishes): a terminal redraws it as one line. */
  status?: (s: SweepStatus) => void;
  /** Problems that do not stop the sweep (default: a line on stderr). */
  warn?: (s: string) => void;
  /** Runs the generations elsewhere (the Redis queue); default: a worker_threads pool. */
  executor?: ExecutorFactory;
  /** The module each worker thread instantiates (default: the embedded release build). */
  init?: InitOptions;
}
const OPTION_KEYS = ['out', 'workers', 'resume', 'log', 'status', 'warn', 'executor', 'init'];

/** Progress: trials done (of the budget), running and failed, the best so far, and the estimated seconds left. */
export interface SweepStatus { done: number; total: number; running: number; failed: number; metric: string; best?: { trial: number; metric: number }; etaSeconds?: number }

/** A status as one plain line. */
export const statusText = (st: SweepStatus): string =>
  `trials ${st.done}/${st.total} done, ${st.running} running, ${st.failed} failed; best ${st.metric} ` +
  `${st.best ? `${st.best.metric.toFixed(4)} (trial ${st.best.trial})` : '-'}; ETA ${formatDuration(st.etaSeconds)}`;

/** A finished sweep: its name and folder, the metric, every trial's record, the best one. */
export interface SweepResult {
  name: string; out: string; metric: { name: MetricName; goal: Goal }; trials: TrialRecord[]; best?: TrialRecord;
  /** A trial's settings: the sweep's base with the trial's params merged in (an experiment file's variant). */
  settings(r: TrialRecord): Record<string, unknown>;
}

/** The best trial (src/report/sweep-best.ts, the report's rule too). */
export { bestTrial };

/** Runs (or with resume, continues) a sweep: a sweep file's path or its object. */
export async function sweep(input: string | Record<string, unknown>, options: SweepOptions = {}): Promise<SweepResult> {
  if (!isObject(options as unknown)) throw new UsageError(`sweep: options must be an object { ${OPTION_KEYS.join(', ')} }`);
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) { const near = nearest(k, OPTION_KEYS); throw new UsageError(`sweep: unknown option "${k}"${near ? ` (did you mean "${near}"?)` : ''}; options: ${OPTION_KEYS.join(', ')}`); }
  }
  if (options.workers !== undefined && (!Number.isSafeInteger(options.workers) || options.workers < 1)) throw new UsageError(`sweep: workers must be an integer ≥ 1; got ${JSON.stringify(options.workers)}`);
  const s = typeof input === 'string' ? readSweepFile(input) : readSweep('sweep', input);
  const out = options.out ?? join('runs', s.name);
  const say = options.log ?? (() => {});
  const warn = options.warn ?? ((t: string) => process.stderr.write(`simdnet: ${t}\n`));
  mkdirSync(join(out, 'trials'), { recursive: true });
  const logPath = join(out, 'trials.jsonl');
  const records = new Map<number, TrialRecord>();
  const proposer = makeProposer(s.method, s.space, s.seed, s.metric.goal); // before the log: a refused grid leaves no file
  let log: TrialLog;
  if (options.resume) {
    const r = readLog(logPath, warn);
    if (JSON.stringify(r.header.config) !== JSON.stringify(s.raw)) {
      r.log.close();
      throw new UsageError(`--resume: ${logPath} is the log of another sweep file (its header's config differs from this one's); resume with the file it was started with, or choose another --out`);
    }
    for (const rec of r.records) if (!records.has(rec.trial)) records.set(rec.trial, rec);
    log = r.log;
    say(`resuming ${s.name}: ${records.size} trial${records.size === 1 ? '' : 's'} already in ${logPath}`);
  } else {
    log = createLog(logPath, { sweep: s.name, config: s.raw, started: new Date().toISOString() });
  }
  const total = s.method === 'grid' ? Math.min(s.budget.trials ?? proposer.size, proposer.size) : s.budget.trials!;
  const settings = (r: { params: Params }) => applyParams(s.base, r.params);
  let executor: Executor | undefined;
  const t0 = performance.now();
  const timing = { finished: 0, seconds: 0 };
  let running = 0, ranHere = false; // the seconds budget: no generation starts after it, once this run has run one
  // The ETA: the mean seconds of this run's finished trials × the trials left (half of each running one) ÷ the parallel trials.
  const status = (): SweepStatus => {
    const all = [...records.values()];
    const best = bestTrial(all, s.metric.goal);
    const left = total - all.length - running;
    const per = timing.finished ? timing.seconds / timing.finished : undefined;
    return {
      done: all.length, total, running, failed: all.filter((r) => r.status === 'failed').length, metric: s.metric.name,
      ...(best ? { best: { trial: best.trial, metric: best.metric! } } : {}),
      ...(per !== undefined ? { etaSeconds: Math.round((per * (left + running / 2)) / Math.max(1, executor?.parallel ?? 1)) } : {}),
    };
  };
  try {
    executor = await (options.executor ?? ((c) => localPool({ workers: c.workers, init: c.init })))({ sweep: s, out, workers: options.workers, init: options.init });
    for (let g = 0, first = 0; first < total; g++, first += s.batch) {
      const count = Math.min(s.batch, total - first);
      const earlier = Array.from({ length: first }, (_, i) => records.get(i + 1)!);
      const params = proposer.propose(count, earlier.map((r) => ({ params: r.params, value: r.status === 'failed' ? null : r.metric })));
      if (params.length === 0) break;
      const curves: Curve[] = earlier.filter((r) => r.status !== 'failed' && r.curve.length > 0).map((r) => ({ trial: r.trial, values: r.curve }));
      const specs: TrialSpec[] = [];
      const invalid: TrialRecord[] = [];
      params.forEach((p, i) => {
        const trial = first + i + 1, have = records.get(trial);
        if (have) {
          if (JSON.stringify(have.params) !== JSON.stringify(p)) {
            throw new UsageError(`--resume: trial ${trial} in ${logPath} has params ${JSON.stringify(have.params)}, but this sweep proposes ${JSON.stringify(p)}; the log is from another sweep or version`);
          }
          return;
        }
        let config: TrainConfig;
        try {
          config = { ...resolveConfig(settings({ params: p }), { from: 'file' }), out: join(out, 'trials', String(trial)) };
        } catch (err) {
          invalid.push({ trial, generation: g, params: p, status: 'failed', reason: `invalid settings: ${(err as Error).message}`, metric: null, curve: [], epochs: 0, seconds: 0 });
          return;
        }
        specs.push({ trial, generation: g, params: p, config, rule: s.earlyTermination, goal: s.metric.goal, metric: s.metric.name, earlier: curves,
          ...(s.trialTimeoutSeconds !== undefined ? { timeoutSeconds: s.trialTimeoutSeconds } : {}) });
      });
      if (specs.length + invalid.length === 0) continue;
      if (s.budget.seconds !== undefined && ranHere && (performance.now() - t0) / 1000 >= s.budget.seconds) {
        say(`budget: ${s.budget.seconds} s reached; no new generation started`);
        break;
      }
      const done = (r: TrialRecord) => {
        log.append(r);
        records.set(r.trial, r);
        const st = r.status === 'ok' ? '' : ` (${r.status}: ${r.reason})`;
        say(`trial ${r.trial} ${r.status} ${s.metric.name} ${r.metric === null ? '-' : r.metric.toFixed(4)} in ${r.seconds} s${st}; ${statusText(status())}`);
        options.status?.(status());
      };
      for (const r of invalid) done(r);
      ranHere = true;
      if (specs.length) {
        await executor.run(specs, {
          started: () => { running++; options.status?.(status()); },
          done: (r) => { running = Math.max(0, running - 1); timing.finished++; timing.seconds += r.seconds; done(r); },
        });
      }
    }
  } finally {
    log.close();
    await executor?.close();
  }
  const trials = [...records.values()].sort((a, b) => a.trial - b.trial);
  return { name: s.name, out, metric: s.metric, trials, best: bestTrial(trials, s.metric.goal), settings };
}
