// The sweep command's coordinator in Node, sweep(config, { out, workers, resume }): reads the sweep file, appends each
// finished trial to <out>/trials.jsonl as it completes, and runs the generations (coordinate.ts) on an executor (a
// worker_threads pool by default; the Redis queue is another), each trial writing <out>/trials/<n>. --resume replays
// the generations and runs only the trials the log lacks.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InitOptions } from '../index.js';
import { nearest, UsageError } from '../run/settings.js';
import { applyParams, type Params } from './space.js';
import { makeProposer } from './search.js';
import { bestTrial } from '../report/sweep-best.js';
import { createLog, readLog, type TrialLog, type TrialRecord } from './log.js';
import type { Executor } from './pool.js';
import { localPool } from './pool-node.js';
import { readSweep, type SweepConfig } from './config.js';
import { FOLDER_NAME } from '../run/experiment.js';
import { coordinate, type SweepResult, type SweepStatus } from './coordinate.js';

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
  let executor: Executor | undefined;
  try {
    executor = await (options.executor ?? ((c) => localPool({ workers: c.workers, init: c.init })))({ sweep: s, out, workers: options.workers, init: options.init });
    await coordinate(s, {
      records, executor, proposer, source: logPath, say, status: options.status,
      append: (r) => log.append(r), outFor: (trial) => join(out, 'trials', String(trial)),
    });
  } finally {
    log.close();
    await executor?.close();
  }
  const trials = [...records.values()].sort((a, b) => a.trial - b.trial);
  const settings = (r: { params: Params }) => applyParams(s.base, r.params);
  return { name: s.name, out, metric: s.metric, trials, best: bestTrial(trials, s.metric.goal), settings };
}
