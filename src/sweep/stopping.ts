// Early termination of poor trials, judged against the curves of earlier generations only (so the decision does not
// depend on which trials of the same generation finished first): the median stopping rule and ASHA-style successive
// halving over rungs at minEpochs·η^r epochs.
import type { Goal } from './tpe.js';

/** A trial's learning curve: the metric after each epoch (values[e − 1] after epoch e). */
export interface Curve { trial: number; values: number[] }
export type StopRule = { kind: 'median'; minEpochs: number } | { kind: 'asha'; minEpochs: number; reductionFactor: number };
const better = (goal: Goal, a: number, b: number) => (goal === 'maximize' ? a > b : a < b);

/** The finite values of the curves that reached epoch e. */
function valuesAt(earlier: readonly Curve[], epoch: number): number[] {
  const out: number[] = [];
  for (const c of earlier) if (c.values.length >= epoch && Number.isFinite(c.values[epoch - 1])) out.push(c.values[epoch - 1]);
  return out;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Whether epoch (≥ 1) is a rung of ASHA: minEpochs·η^r for some r ≥ 0. */
export function isRung(minEpochs: number, reductionFactor: number, epoch: number): boolean {
  if (!(reductionFactor >= 2)) throw new RangeError(`isRung: reductionFactor must be ≥ 2; got ${reductionFactor}`);
  for (let r = minEpochs; r <= epoch; r *= reductionFactor) if (r === epoch) return true;
  return false;
}

/**
 * Whether a trial should stop after `epoch` (1-based: epochs finished) with `value`, the metric after that epoch, or
 * the trial's curve so far (its values[epoch − 1] is then the value; the median rule takes the curve's best).
 * `earlier`: the curves of EARLIER generations only. A non-finite value stops the trial. With no earlier curve that
 * reached the epoch, nothing stops.
 * - median: at epoch ≥ minEpochs, stop if the trial's best so far is worse than the median of the earlier curves'
 *   values at this epoch (a given number is taken as the best so far).
 * - asha: at a rung epoch minEpochs·η^r, continue only if the value is among the top max(1, ⌊(n + 1)/η⌋) of the n
 *   earlier values at that rung and this one (ties go to the trial).
 */
export function shouldStop(rule: StopRule, goal: Goal, epoch: number, value: number | readonly number[], earlier: readonly Curve[]): boolean {
  if (!Number.isSafeInteger(epoch) || epoch < 1) throw new RangeError(`shouldStop: epoch must be an integer ≥ 1; got ${epoch}`);
  if (!Number.isSafeInteger(rule.minEpochs) || rule.minEpochs < 1) throw new RangeError(`shouldStop: minEpochs must be an integer ≥ 1; got ${rule.minEpochs}`);
  if (rule.kind === 'asha' && !(Number.isSafeInteger(rule.reductionFactor) && rule.reductionFactor >= 2)) throw new RangeError(`shouldStop: reductionFactor must be an integer ≥ 2; got ${rule.reductionFactor}`);
  if (rule.kind !== 'median' && rule.kind !== 'asha') throw new RangeError(`shouldStop: unknown rule kind ${JSON.stringify((rule as { kind: unknown }).kind)}`);
  const curve = typeof value === 'number' ? undefined : value;
  if (curve && curve.length < epoch) throw new RangeError(`shouldStop: the curve has ${curve.length} values, fewer than epoch ${epoch}`);
  const now = curve ? curve[epoch - 1] : (value as number);
  if (!Number.isFinite(now)) return true;
  if (epoch < rule.minEpochs) return false;
  if (rule.kind === 'median') {
    const others = valuesAt(earlier, epoch);
    if (others.length === 0) return false;
    let best = now;
    if (curve) for (let e = 0; e < epoch; e++) if (Number.isFinite(curve[e]) && better(goal, curve[e], best)) best = curve[e];
    return better(goal, median(others), best);
  }
  if (!isRung(rule.minEpochs, rule.reductionFactor, epoch)) return false;
  const others = valuesAt(earlier, epoch);
  if (others.length === 0) return false;
  const ahead = others.filter((v) => better(goal, v, now)).length;
  return ahead >= Math.max(1, Math.floor((others.length + 1) / rule.reductionFactor));
}
