// The best trial of a sweep, one rule for the coordinator (src/sweep/run.ts) and the report (src/report/sweep.ts):
// finished trials first (stopped ones only when none finished), by the metric and its goal, ties to the lower trial
// number. Browser-usable (no node: imports).
import type { Goal } from './tpe.js';

/** What the rule reads of a trial record. */
export interface Ranked { trial: number; status: string; metric: number | null }

/** The best trial by `goal` (status 'ok'; 'stopped' ones only when none finished), or undefined when none has a value. */
export function bestTrial<T extends Ranked>(records: readonly T[], goal: Goal): T | undefined {
  for (const status of ['ok', 'stopped']) {
    let best: T | undefined;
    for (const r of records) {
      if (r.status !== status || r.metric === null) continue;
      if (!best || (goal === 'maximize' ? r.metric > best.metric! : r.metric < best.metric!) || (r.metric === best.metric && r.trial < best.trial)) best = r;
    }
    if (best) return best;
  }
  return undefined;
}
