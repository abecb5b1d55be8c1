// One sweep trial, in any runtime: trains the trial's settings through a given training function, asking the
// early-termination rule after each epoch, and returns a TrialRecord whatever happens (a thrown error, a non-finite
// value or the time limit is a failed record with its reason, never an exception). Node's trials train with files
// (trial-node.ts); a browser's Web Workers train in memory (web-worker.ts).
import type { TrainConfig } from '../run/settings.js';
import type { Params } from './space.js';
import type { Goal } from './search.js';
import { shouldStop, type Curve, type StopRule } from './stopping.js';
import type { TrialRecord } from './log.js';

/** The metrics a sweep can optimise. */
export const METRICS = ['valAccuracy', 'valLoss', 'trainAccuracy', 'testAccuracy'] as const;
export type MetricName = (typeof METRICS)[number];

/**
 * The history key each metric's per-epoch curve comes from: the test set is evaluated once, at the end, so
 * testAccuracy's curve (what early termination compares) is the validation accuracy.
 */
export const CURVE_KEY: Record<MetricName, string> = { valAccuracy: 'valAccuracy', valLoss: 'valLoss', trainAccuracy: 'accuracy', testAccuracy: 'valAccuracy' };

/** One trial to run: its number, generation, params, the resolved settings (config.out: its run folder) and the rules. */
export interface TrialSpec {
  trial: number; generation: number; params: Params; config: TrainConfig;
  rule?: StopRule; goal: Goal; metric: string;
  /** Curves of earlier generations only (what the stop rule compares with). */
  earlier: Curve[];
  timeoutSeconds?: number;
}

/** The failure text of a trial over its time limit (the pool's hard limit says the same). */
export const timeoutReason = (seconds: number) => `timeout after ${seconds} s`;

const finite = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** What a trial's training returns (the CLI's train() and the in-memory runConfig() both do). */
export interface TrialRun { history: Record<string, number[]>; train?: { accuracy: number }; test: { accuracy: number }; weightsHash: string }
/** Trains a trial's settings, calling onEpoch after each epoch but the last (true stops the run there). */
export type TrialTrainer = (config: TrainConfig, onEpoch: (epoch: number, logs: Record<string, number>) => boolean) => Promise<TrialRun>;

/** Runs one trial with the given trainer; never throws (a failure is a record with status "failed" and its reason). */
export async function runTrialWith(t: TrialSpec, trainer: TrialTrainer): Promise<TrialRecord> {
  const start = performance.now();
  const seconds = () => Math.round((performance.now() - start) / 10) / 100;
  const base = { trial: t.trial, generation: t.generation, params: t.params };
  const curveKey = CURVE_KEY[t.metric as MetricName];
  const curve: number[] = [];
  let stopped: string | undefined, timedOut = false;
  const failed = (reason: string): TrialRecord => ({ ...base, status: 'failed', reason, metric: null, curve, epochs: curve.length, seconds: seconds() });
  if (!curveKey) return failed(`unknown metric "${t.metric}" (known: ${METRICS.join(', ')})`);
  try {
    const r = await trainer(t.config, (epoch, logs) => {
      const value = logs[curveKey];
      curve.push(value);
      if (t.timeoutSeconds !== undefined && performance.now() - start > t.timeoutSeconds * 1000) { timedOut = true; return true; }
      if (t.rule && Number.isFinite(value) && shouldStop(t.rule, t.goal as Goal, epoch + 1, [...curve], t.earlier)) {
        stopped = `${t.rule.kind} rule after epoch ${epoch + 1}`;
        return true;
      }
      return false;
    });
    if (timedOut) return failed(timeoutReason(t.timeoutSeconds!));
    const h = r.history;
    const last = (k: string) => finite(h[k]?.[h[k].length - 1]);
    const values = {
      trainAccuracy: finite(r.train?.accuracy), valAccuracy: last('valAccuracy'), valLoss: last('valLoss'), testAccuracy: finite(r.test.accuracy),
    };
    const full = h[curveKey] ?? [];
    curve.splice(0, curve.length, ...full);
    const metric = values[t.metric as MetricName];
    if (metric === undefined) {
      const why = t.metric.startsWith('val') && !(curveKey in h) ? 'no validation data (validationSplit 0)' : 'not a finite number';
      return { ...failed(`${t.metric}: ${why}`), weightsHash: r.weightsHash };
    }
    const present = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    return {
      ...base, status: stopped ? 'stopped' : 'ok', ...(stopped ? { reason: stopped } : {}), metric, curve: [...curve], ...present,
      epochs: full.length, seconds: seconds(), weightsHash: r.weightsHash,
    };
  } catch (e) {
    return failed(e instanceof Error ? e.message : String(e));
  }
}
