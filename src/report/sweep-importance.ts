// Parameter importance for the sweep report: |Spearman rank correlation| of a numeric parameter with the metric, and
// the permutation importance of a k-nearest-neighbour regressor of the metric on all parameters (leave-one-out,
// seeded permutations: the same log gives the same figures). Pure arithmetic, no DOM.

/** One parameter's values over the trials: numeric ones scaled to [0, 1] (NaN: missing), categories as indices (−1: missing). */
export interface Feature { key: string; numeric: boolean; values: number[] }

/** Ranks 1…n, ties given their average rank. */
export function ranks(v: readonly number[]): number[] {
  const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b] || a - b), out = new Array<number>(v.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    for (let k = i; k <= j; k++) out[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Pearson correlation; NaN when fewer than 3 pairs or either side is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 3 || y.length !== n) return NaN;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { const a = x[i] - mx, b = y[i] - my; sxy += a * b; sxx += a * a; syy += b * b; }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Spearman's rank correlation of the pairs whose x is finite (NaN when it is undefined). */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const keep = x.map((v, i) => i).filter((i) => Number.isFinite(x[i]) && Number.isFinite(y[i]));
  return pearson(ranks(keep.map((i) => x[i])), ranks(keep.map((i) => y[i])));
}

/** Mulberry32: a small seeded generator for the permutations (deterministic everywhere). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Squared distance in one feature: numeric |a − b|² (a missing side counts 1), categories 0 when equal, else 1. */
function gap(f: Feature, a: number, b: number): number {
  if (f.numeric) return Number.isFinite(a) && Number.isFinite(b) ? (a - b) ** 2 : 1;
  return a === b && a >= 0 ? 0 : 1;
}

/** Leave-one-out k-NN prediction of y[i] from the others, querying with row `query` (ties: the lower index first). */
function predict(features: Feature[], y: readonly number[], i: number, query: number[], k: number): number {
  const d: [number, number][] = [];
  for (let j = 0; j < y.length; j++) {
    if (j === i) continue;
    let s = 0;
    for (let f = 0; f < features.length; f++) s += gap(features[f], query[f], features[f].values[j]);
    d.push([s, j]);
  }
  // The k nearest by (distance, index), kept sorted in a short list: O(n·k), no full sort.
  const near: [number, number][] = [];
  for (const e of d) {
    if (near.length === k && (e[0] > near[k - 1][0] || (e[0] === near[k - 1][0] && e[1] > near[k - 1][1]))) continue;
    let at = near.length;
    while (at > 0 && (near[at - 1][0] > e[0] || (near[at - 1][0] === e[0] && near[at - 1][1] > e[1]))) at--;
    near.splice(at, 0, e);
    if (near.length > k) near.pop();
  }
  let sum = 0;
  for (const [, j] of near) sum += y[j];
  return sum / k;
}

export interface Importance {
  /** Per feature: the rise in the k-NN's leave-one-out squared error when that parameter's values are shuffled, as a fraction of the metric's variance (NaN: too few trials). */
  permutation: number[];
  /** The k-NN's leave-one-out error as a fraction of the metric's variance (1: no better than the mean). */
  baseline: number;
  k: number;
  repeats: number;
}

/**
 * Permutation importance of a k-nearest-neighbour regressor (k = min(5, n − 1)): each parameter's column is shuffled
 * `repeats` times (seeded; default 20, fewer for thousands of trials), every trial predicted from the others with its shuffled value, and the mean rise in squared
 * error over the unshuffled error is reported relative to the metric's variance. Needs 4 trials with a metric.
 */
export function knnPermutationImportance(features: Feature[], y: readonly number[], repeats?: number, seed = 1): Importance {
  const n = y.length, k = Math.min(5, n - 1), F = Math.max(1, features.length);
  // About 1e8 distance terms in all: 20 shuffles per parameter for up to a few hundred trials, then fewer (at least 3).
  repeats ??= Math.max(3, Math.min(20, Math.floor((1e8 / (n * n * F) - 1) / F)));
  const mean = y.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n);
  if (n < 4 || !(variance > 0)) return { permutation: features.map(() => NaN), baseline: NaN, k, repeats };
  const row = (i: number) => features.map((f) => f.values[i]);
  const error = (queryOf: (i: number) => number[]) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (predict(features, y, i, queryOf(i), k) - y[i]) ** 2;
    return s / n;
  };
  const base = error(row);
  const rand = generator(seed);
  const permutation = features.map((f, c) => {
    let rise = 0;
    for (let r = 0; r < repeats; r++) {
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [p[i], p[j]] = [p[j], p[i]]; }
      rise += error((i) => { const q = row(i); q[c] = f.values[p[i]]; return q; }) - base;
    }
    return rise / repeats / variance;
  });
  return { permutation, baseline: base / variance, k, repeats };
}
