// A sweep's JSONL log read strictly for its report: the header line { sweep, config, started }, then one line per
// finished trial (the sweep's TrialRecord). Unknown keys name the nearest valid one; a truncated last line (a sweep
// killed mid-write) is skipped and said so. Runtime-neutral (strings only).
import { StrictOptions, checkKeys, isPlainObject } from '../ops/options.js';
import { str } from './options.js';

/** The log's first line: the sweep's name, its whole sweep file as read, and when it started (ISO text). */
export interface SweepHeader { sweep: string; config: Record<string, unknown>; started: string }

/** One finished trial: a line of the log (the sweep's TrialRecord). */
export interface SweepTrial {
  trial: number; generation: number; params: Record<string, unknown>; status: 'ok' | 'stopped' | 'failed';
  /** failed: why; stopped: the rule and epoch. */
  reason?: string;
  /** The sweep's metric at the end (null when failed, or stopped before a value). */
  metric: number | null;
  /** The metric after each epoch (null: not finite). */
  curve: (number | null)[];
  trainAccuracy?: number; valAccuracy?: number; valLoss?: number; testAccuracy?: number;
  epochs: number; seconds: number; weightsHash?: string; worker?: string;
}

/** The header and the trials of a sweep's log; `skipped` says what was left out (a truncated last line). */
export interface SweepLog { header: SweepHeader; trials: SweepTrial[]; skipped?: string }

const HEADER_KEYS = ['sweep', 'config', 'started'] as const;
const TRIAL_KEYS = ['trial', 'generation', 'params', 'status', 'reason', 'metric', 'curve', 'trainAccuracy', 'valAccuracy', 'valLoss',
  'testAccuracy', 'epochs', 'seconds', 'weightsHash', 'worker'] as const;
const STATUSES = ['ok', 'stopped', 'failed'] as const;
const OPTIONAL_NUMBERS = ['trainAccuracy', 'valAccuracy', 'valLoss', 'testAccuracy'] as const;

/** Checks a parsed header line; `where` names it in errors. */
export function readSweepHeader(where: string, v: unknown): SweepHeader {
  const o: StrictOptions = StrictOptions.read(where, checkKeys(where, v, HEADER_KEYS, 'key'), HEADER_KEYS, true);
  const config = o.get('config');
  if (!isPlainObject(config)) o.wrongType('config', 'the sweep file as an object');
  return { sweep: str(o, 'sweep', true)!, config, started: str(o, 'started', true)! };
}

/** Checks a parsed trial line; `where` names it in errors. */
export function readSweepTrial(where: string, v: unknown): SweepTrial {
  const o: StrictOptions = StrictOptions.read(where, checkKeys(where, v, TRIAL_KEYS, 'key'), TRIAL_KEYS, true);
  const trial = o.number('trial', { min: 0, integer: true }), generation = o.number('generation', { min: 0, integer: true });
  const params = o.get('params');
  if (!isPlainObject(params)) o.wrongType('params', 'an object { key: value }');
  const status = o.get('status');
  if (!STATUSES.includes(status as SweepTrial['status'])) o.wrongType('status', `one of ${STATUSES.join(', ')}`);
  const metric = o.get('metric');
  if (metric !== null && !(typeof metric === 'number' && Number.isFinite(metric))) o.wrongType('metric', 'a finite number or null');
  if (status === 'ok' && metric === null) o.wrongType('metric', 'a finite number (status "ok")');
  const curve = o.get('curve');
  if (!Array.isArray(curve) || !curve.every((c) => c === null || typeof c === 'number')) o.wrongType('curve', 'an array of numbers (null where not finite)');
  const out: SweepTrial = {
    trial, generation, params, status: status as SweepTrial['status'], metric: metric as number | null, curve: curve as (number | null)[],
    epochs: o.number('epochs', { min: 0, integer: true }), seconds: o.number('seconds', { min: 0 }),
  };
  const reason = str(o, 'reason', false), hash = str(o, 'weightsHash', false), worker = str(o, 'worker', false);
  if (reason !== undefined) out.reason = reason;
  if (hash !== undefined) out.weightsHash = hash;
  if (worker !== undefined) out.worker = worker;
  for (const k of OPTIONAL_NUMBERS) {
    const x = o.get(k);
    if (x === undefined || x === null) continue;
    if (typeof x !== 'number') o.wrongType(k, 'a number or null');
    out[k] = x;
  }
  return out;
}

/**
 * Parses a sweep's JSONL log: errors name the line. A last line that is not valid JSON (the sweep was killed while
 * writing it) is skipped and reported in `skipped`, as the sweep's --resume does. A trial number twice is an error.
 */
export function parseSweepLog(jsonl: string): SweepLog {
  if (typeof jsonl !== 'string') throw new TypeError(`parseSweepLog: expected the log's text (a string), got ${typeof jsonl}`);
  const lines = jsonl.split('\n');
  const complete = lines[lines.length - 1] === '';
  if (complete) lines.pop();
  let skipped: string | undefined;
  const parsed: unknown[] = [];
  lines.forEach((line, i) => {
    const where = `sweep log line ${i + 1}`;
    if (line.trim() === '') throw new Error(`${where}: empty line`);
    try {
      parsed.push(JSON.parse(line));
    } catch (e) {
      if (i === lines.length - 1 && i > 0) {
        skipped = `line ${i + 1} (${line.length} characters${complete ? '' : ', no newline after it'}) is not complete JSON and was skipped: the sweep was stopped while writing it`;
        return;
      }
      throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
    }
  });
  if (!parsed.length) throw new Error('sweep log: empty (expected a header line { "sweep", "config", "started" })');
  const header = readSweepHeader('sweep log line 1 (the header)', parsed[0]);
  const seen = new Map<number, number>();
  const trials = parsed.slice(1).map((v, i) => {
    const t = readSweepTrial(`sweep log line ${i + 2}`, v);
    const twin = seen.get(t.trial);
    if (twin !== undefined) throw new Error(`sweep log lines ${twin} and ${i + 2} both record trial ${t.trial}`);
    seen.set(t.trial, i + 2);
    return t;
  });
  return { header, trials, ...(skipped ? { skipped } : {}) };
}

/** Checks an already parsed log (renderSweepReport's input). */
export function readSweepLog(owner: string, log: unknown): SweepLog {
  const o = checkKeys(owner, log, ['header', 'trials', 'skipped'], 'key');
  const header = readSweepHeader(`${owner}: header`, o.header);
  if (!Array.isArray(o.trials)) throw new TypeError(`${owner}: trials must be an array of trial records`);
  if (o.skipped !== undefined && typeof o.skipped !== 'string') throw new TypeError(`${owner}: skipped must be a string`);
  const seen = new Set<number>();
  const trials = o.trials.map((t, i) => {
    const r = readSweepTrial(`${owner}: trials[${i}]`, t);
    if (seen.has(r.trial)) throw new Error(`${owner}: trial ${r.trial} appears twice`);
    seen.add(r.trial);
    return r;
  });
  return { header, trials, ...(o.skipped !== undefined ? { skipped: o.skipped as string } : {}) };
}
