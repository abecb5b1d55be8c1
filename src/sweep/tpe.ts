// Bayesian search by a Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio, Kégl 2011, as in hyperopt):
// observations split at the γ-quantile into good and bad; per dimension, l(x) and g(x) are Parzen estimators of the
// good and the bad (truncated Gaussians in the (log-)space with neighbour-distance bandwidths; smoothed counts for
// choices); the proposal takes, per dimension, the best of n candidates drawn from l by l(x)/g(x).
import { checkKeys, isPlainObject } from '../ops/options.js';
import { type Dim, type Params, type Space, cloneJson, inDim, sampleDim } from './space.js';
import { exp, KeyedStream, log, normalCdf } from './rng.js';

/** Whether the metric is better larger or smaller. */
export type Goal = 'maximize' | 'minimize';
/** One finished trial: its params and its metric (null: failed or stopped before a value). */
export interface Observation { params: Params; value: number | null }

export interface TpeOptions {
  /** Trials proposed at random before the estimators take over (default max(10, 2 × dimensions)). */
  startup: number;
  /** The fraction of observations taken as good (default 0.25). */
  gamma: number;
  /** Candidates drawn from l(x) per dimension (default 24). */
  candidates: number;
}

const TPE_STREAM = 1;
const LOG_SQRT_2PI = 0.9189385332046728;

/** TPE's options read strictly, with their defaults for a space of `dims` dimensions. */
export function readTpeOptions(o: Partial<TpeOptions> | undefined, dims: number): TpeOptions {
  const given = checkKeys('sweep bayes', o ?? {}, ['startup', 'gamma', 'candidates']) as Partial<TpeOptions>;
  const { startup = Math.max(10, 2 * dims), gamma = 0.25, candidates = 24 } = given;
  if (!Number.isSafeInteger(startup) || startup < 0) throw new Error(`sweep bayes: startup must be an integer ≥ 0; got ${JSON.stringify(startup)}`);
  if (typeof gamma !== 'number' || !(gamma > 0 && gamma < 1)) throw new Error(`sweep bayes: gamma must be in (0, 1); got ${JSON.stringify(gamma)}`);
  if (!Number.isSafeInteger(candidates) || candidates < 1 || candidates > 10000) throw new Error(`sweep bayes: candidates must be an integer in [1, 10000]; got ${JSON.stringify(candidates)}`);
  return { startup, gamma, candidates };
}

/**
 * One trial's params by TPE from the observations (in trial order), its draws keyed by `key` ([seed, trial]).
 * Failed observations (value null or not finite) count as bad. Good: the best ⌈γ·n⌉ of the n observations with a
 * value (ties: the earlier trial first). `pending`: the params proposed before this one in the same generation, counted
 * as bad (a "constant liar" at the worst value), so a generation's trials spread out rather than repeat one another.
 * With no value yet, every dimension is drawn uniformly.
 */
export function proposeTpe(space: Space, done: readonly Observation[], goal: Goal, o: TpeOptions, key: readonly number[], pending: readonly Params[] = []): Params {
  done.forEach((ob, i) => {
    if (!isPlainObject(ob) || !isPlainObject(ob.params) || !(ob.value === null || typeof ob.value === 'number')) {
      throw new TypeError(`propose: observation ${i} must be { params: { … }, value: number | null }; got ${JSON.stringify(ob)?.slice(0, 80)}`);
    }
  });
  const valued = done.map((ob, i) => ({ ob, i })).filter(({ ob }) => typeof ob.value === 'number' && Number.isFinite(ob.value));
  const sign = goal === 'maximize' ? -1 : 1;
  valued.sort((a, b) => sign * ((a.ob.value as number) - (b.ob.value as number)) || a.i - b.i);
  const nGood = Math.min(valued.length, Math.ceil(o.gamma * done.length));
  const goodIdx = new Set(valued.slice(0, nGood).map(({ i }) => i));
  const p: Params = {};
  space.keys.forEach((k, d) => {
    const stream = new KeyedStream([TPE_STREAM, ...key, d]);
    const dim = space.dims[d];
    if (nGood === 0) { p[k] = sampleDim(dim, stream.next()); return; }
    const good: unknown[] = [], bad: unknown[] = [];
    done.forEach((ob, i) => {
      const v = ob.params[k];
      if (inDim(dim, v)) (goodIdx.has(i) ? good : bad).push(v);
    });
    for (const q of pending) if (inDim(dim, q[k])) bad.push(q[k]);
    p[k] = 'values' in dim ? bestChoice(dim.values, good, bad, o.candidates, stream) : bestNumber(dim, good as number[], bad as number[], o.candidates, stream);
  });
  return p;
}

/** A choice by smoothed counts: l_k = (good_k + 1)/(n_good + K), g likewise; the best of the candidates drawn from l. */
function bestChoice(values: readonly unknown[], good: unknown[], bad: unknown[], candidates: number, stream: KeyedStream): unknown {
  const K = values.length, keys = values.map((v) => JSON.stringify(v));
  const probs = (obs: unknown[]) => {
    const c = new Array<number>(K).fill(1);
    for (const v of obs) c[keys.indexOf(JSON.stringify(v))]++;
    return c.map((x) => x / (obs.length + K));
  };
  const l = probs(good), g = probs(bad);
  let best = -1, bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    let u = stream.next(), k = 0; // draw k from l
    while (k < K - 1 && u >= l[k]) { u -= l[k]; k++; }
    const score = log(l[k]) - log(g[k]);
    if (score > bestScore) { best = k; bestScore = score; }
  }
  return cloneJson(values[best]);
}

/** A Parzen estimator on [lo, hi]: Gaussians at the points and a wide prior at the middle, each truncated to the range. */
interface Parzen { mus: number[]; sigmas: number[]; logNorm: number[]; lo: number; hi: number }

function parzen(points: number[], lo: number, hi: number): Parzen {
  const width = hi - lo, prior = (lo + hi) / 2;
  const mus = [...points, prior].sort((a, b) => a - b);
  const minSigma = width / Math.min(100, mus.length), maxSigma = width;
  const sigmas = mus.map((m, i) => {
    const left = i > 0 ? m - mus[i - 1] : -Infinity, right = i < mus.length - 1 ? mus[i + 1] - m : -Infinity;
    const s = Math.max(left, right, 0);
    return s < minSigma ? minSigma : s > maxSigma ? maxSigma : s;
  });
  // the prior's own bandwidth is the whole range (the first component at the prior's place takes it)
  const pi = mus.indexOf(prior);
  sigmas[pi] = width;
  // each component's log normaliser: −log σ − log √(2π) − log (its mass inside [lo, hi]) − log (the count)
  const logNorm = mus.map((m, i) => -log(sigmas[i]) - LOG_SQRT_2PI - log(mus.length) -
    log(Math.max(normalCdf((hi - m) / sigmas[i]) - normalCdf((lo - m) / sigmas[i]), 1e-300)));
  return { mus, sigmas, logNorm, lo, hi };
}

/** log of the mixture's density at x (components weighted equally), by log-sum-exp. */
function logPdf(e: Parzen, x: number): number {
  const terms = e.mus.map((m, i) => { const z = (x - m) / e.sigmas[i]; return e.logNorm[i] - 0.5 * z * z; });
  let top = -Infinity;
  for (const t of terms) if (t > top) top = t;
  let sum = 0;
  for (const t of terms) sum += exp(t - top);
  return top + log(sum);
}

/** A draw from the mixture, truncated to [lo, hi] (redrawn up to 64 times, then clamped). */
function drawFrom(e: Parzen, stream: KeyedStream): number {
  const i = stream.below(e.mus.length);
  for (let t = 0; t < 64; t++) {
    const x = e.mus[i] + e.sigmas[i] * stream.normal();
    if (x >= e.lo && x <= e.hi) return x;
  }
  return Math.min(e.hi, Math.max(e.lo, e.mus[i]));
}

/** A number by l/g: int and uniform ranges on their own scale (int as [lo − ½, hi + ½], rounded), logUniform on log x. */
function bestNumber(dim: Exclude<Dim, { values: unknown[] }>, good: number[], bad: number[], candidates: number, stream: KeyedStream): number {
  const isLog = 'logUniform' in dim, isInt = 'int' in dim;
  const [a, b] = 'int' in dim ? dim.int : 'uniform' in dim ? dim.uniform : dim.logUniform;
  const to = (x: number) => (isLog ? log(x) : x);
  const from = (t: number) => {
    const x = isInt ? Math.round(t) : isLog ? exp(t) : t;
    return x < a ? a : x > b ? b : x;
  };
  const lo = isInt ? a - 0.5 : to(a), hi = isInt ? b + 0.5 : to(b);
  const l = parzen(good.map(to), lo, hi), g = parzen(bad.map(to), lo, hi);
  let best = a, bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const x = from(drawFrom(l, stream)), t = to(x);
    const score = logPdf(l, t) - logPdf(g, t);
    if (score > bestScore) { best = x; bestScore = score; }
  }
  return best;
}
