// The sweep coordinator's loop, in any runtime: proposes trials in generations of `batch` (each depending only on the
// seed and earlier generations), runs each generation on an executor (worker_threads, Web Workers or the Redis queue),
// records each finished trial as it completes, and stops at the budget. With records of an earlier run (resume) the
// generations are replayed and only the trials without a record run. Files and logs are the caller's (run.ts).
import { resolveConfig, UsageError, type TrainConfig } from '../run/settings.js';
import { applyParams, type Params } from './space.js';
import { makeProposer, type Goal } from './search.js';
import { bestTrial } from '../report/sweep-best.js';
import type { Curve } from './stopping.js';
import type { MetricName, TrialSpec } from './trial.js';
import type { TrialRecord } from './log.js';
import type { Executor } from './pool.js';
import type { SweepConfig } from './config.js';
import { formatDuration } from '../train/status-line.js';

/** Progress: trials done (of the budget), running and failed, the best so far, and the estimated seconds left. */
export interface SweepStatus { done: number; total: number; running: number; failed: number; metric: string; best?: { trial: number; metric: number }; etaSeconds?: number }

/** A status as one plain line. */
export const statusText = (st: SweepStatus): string =>
  `trials ${st.done}/${st.total} done, ${st.running} running, ${st.failed} failed; best ${st.metric} ` +
  `${st.best ? `${st.best.metric.toFixed(4)} (trial ${st.best.trial})` : '-'}; ETA ${formatDuration(st.etaSeconds)}`;

/** A finished sweep: its name and folder, the metric, every trial's record, the best one. */
export interface SweepResult {
  /** The sweep's name and, in Node, its folder (a browser's sweep has none: ''). */
  name: string; out: string; metric: { name: MetricName; goal: Goal }; trials: TrialRecord[]; best?: TrialRecord;
  /** A trial's settings: the sweep's base with the trial's params merged in (an experiment file's variant). */
  settings(r: TrialRecord): Record<string, unknown>;
}

export interface CoordinateOptions {
  /** Finished trials by number (an earlier run's, with resume); each new record is added. */
  records: Map<number, TrialRecord>;
  executor: Executor;
  /** Records a finished trial (the log), before it is counted. */
  append(r: TrialRecord): void;
  /** The run folder of a trial (config.out), when trials write one. */
  outFor?: (trial: number) => string;
  /** Where earlier records came from, for errors (the log's path). */
  source?: string;
  /** The proposer (made by the caller to refuse a bad space before anything is written); default: made here. */
  proposer?: ReturnType<typeof makeProposer>;
  /** Plain progress lines, and the status each time it changes. */
  say?: (s: string) => void;
  status?: (s: SweepStatus) => void;
}

/** Runs a sweep's generations until its budget; the records are in options.records. */
export async function coordinate(s: SweepConfig, o: CoordinateOptions): Promise<void> {
  const { records, executor } = o;
  const say = o.say ?? (() => {});
  const logPath = o.source ?? 'the earlier records';
  const proposer = o.proposer ?? makeProposer(s.method, s.space, s.seed, s.metric.goal);
  const total = s.method === 'grid' ? Math.min(s.budget.trials ?? proposer.size, proposer.size) : s.budget.trials!;
  const settings = (r: { params: Params }) => applyParams(s.base, r.params);
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
      ...(per !== undefined ? { etaSeconds: Math.round((per * (left + running / 2)) / Math.max(1, executor.parallel)) } : {}),
    };
  };
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
        config = resolveConfig(settings({ params: p }), { from: 'file' });
        if (o.outFor) config = { ...config, out: o.outFor(trial) };
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
      o.append(r);
      records.set(r.trial, r);
      const st = r.status === 'ok' ? '' : ` (${r.status}: ${r.reason})`;
      say(`trial ${r.trial} ${r.status} ${s.metric.name} ${r.metric === null ? '-' : r.metric.toFixed(4)} in ${r.seconds} s${st}; ${statusText(status())}`);
      o.status?.(status());
    };
    for (const r of invalid) done(r);
    ranHere = true;
    if (specs.length) {
      await executor.run(specs, {
        started: () => { running++; o.status?.(status()); },
        done: (r) => { running = Math.max(0, running - 1); timing.finished++; timing.seconds += r.seconds; done(r); },
      });
    }
  }
}
