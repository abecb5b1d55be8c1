// Helpers between loading and training: oneHot labels, a seeded split, a seeded shuffle and mini-batches. Shuffles
// are permutations from the module's generator (seed, stream), gathered row by row on the kernels.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { drawOf } from '../initializers.js';
import { SHUFFLE_STREAM, SPLIT_STREAM } from '../model/model.js';
import { empty, untracked, viewOf, Tensor } from '../tensor.js';
import { building } from './tensors.js';

/** x [N, …] with its targets y [N, …] (int32 labels [N] or float32 one-hot [N, C]). */
export interface Pair { x: Tensor; y: Tensor }

/** labels int32 [N] → float32 [N, numClasses] with a 1 at each label. */
export function oneHot(labels: Tensor, numClasses: number): Tensor {
  if (!(labels instanceof Tensor) || labels.dtype !== 'int32' || labels.rank !== 1) {
    throw new TypeError(`oneHot: labels must be an int32 tensor [N], got ${String(labels)}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  const values = labels.toInt32Array();
  const bad = values.findIndex((v) => v < 0 || v >= numClasses);
  if (bad >= 0) throw new RangeError(`oneHot: label ${values[bad]} at index ${bad} of "${labels.name}" is outside 0..${numClasses - 1}`);
  const out = empty([values.length, numClasses], 'float32', `oneHot(${labels.name})`);
  kern.fill(out.ptr, 0, out.size);
  const f32 = backend().arena.f32, o = out.ptr >> 2;
  values.forEach((v, i) => { f32[o + i * numClasses + v] = 1; });
  return out;
}

export interface SplitOptions {
  /** The share of the rows that goes to `test`, in (0, 1); round(N · fraction) rows. */
  fraction: number;
  /** Seeds the permutation (default 0); the same seed gives the same split on every runtime. */
  seed?: number;
}

/** Shuffles the rows with a seeded permutation and cuts them in two: { train, test } (new tensors). */
export function split(x: Tensor, y: Tensor, options: SplitOptions): { train: Pair; test: Pair } {
  const n = rowsOf('split', x, y);
  const f = options?.fraction;
  const nTest = Math.round(n * f);
  if (!(f > 0 && f < 1) || nTest < 1 || nTest >= n) {
    throw new RangeError(`split: fraction ${f} of ${n} rows must leave at least one row on each side (0 < round(N · fraction) < N)`);
  }
  return withPermutation(n, drawOf(seedOf('split', options.seed), SPLIT_STREAM), (perm) => building((own) => {
    const part = (from: number, to: number): Pair => ({ x: own(gather(x, perm, from, to)), y: own(gather(y, perm, from, to)) });
    return { train: part(0, n - nTest), test: part(n - nTest, n) };
  }));
}

export interface ShuffleOptions {
  seed?: number;
  /** Selects one of many permutations of the same seed (as fit's epochs do). Default 0. */
  epoch?: number;
}

/** The rows of x and y in the same seeded random order (new tensors). */
export function shuffle(x: Tensor, y: Tensor, options: ShuffleOptions = {}): Pair {
  const n = rowsOf('shuffle', x, y);
  return withPermutation(n, shuffleDraw('shuffle', options), (perm) => building((own) => ({
    x: own(gather(x, perm, 0, n)), y: own(gather(y, perm, 0, n)),
  })));
}

export interface BatchesOptions extends ShuffleOptions {
  /** Visit the rows in a seeded random order (default false: in order). */
  shuffle?: boolean;
}

/**
 * Mini-batches { x, y } of batchSize rows (the last may be smaller). With shuffle, the order is shuffle()'s, and
 * fit()'s for the same seed and epoch when fit trains on all of x. The batch tensors are views of two buffers reused
 * for every batch: each is valid until the next step of the loop (then disposed; a stale one throws when used). The
 * buffers are freed when the loop ends.
 */
export function batches(x: Tensor, y: Tensor, batchSize: number, options: BatchesOptions = {}): Generator<Pair, void, undefined> {
  const n = rowsOf('batches', x, y);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  return batchLoop(x, y, n, Math.min(batchSize, n), options.shuffle ? shuffleDraw('batches', options) : undefined);
}

function* batchLoop(x: Tensor, y: Tensor, n: number, bs: number, draw: kern.Draw | undefined): Generator<Pair, void, undefined> {
  const [perm, bx, by] = untracked(() => [empty([n], 'int32', 'batches.order'),
    empty([bs, ...x.shape.slice(1)], x.dtype, 'batches.x'), empty([bs, ...y.shape.slice(1)], y.dtype, 'batches.y')]);
  let views: Tensor[] = [];
  try {
    if (draw) kern.randomPermutation(perm.ptr, n, draw);
    else backend().arena.i32.set(Int32Array.from({ length: n }, (_, i) => i), perm.ptr >> 2);
    for (let start = 0; start < n; start += bs) {
      const rows = Math.min(bs, n - start);
      kern.gatherRows(x.ptr, n, perm.ptr + start * 4, bx.ptr, rows, x.size / n);
      kern.gatherRows(y.ptr, n, perm.ptr + start * 4, by.ptr, rows, y.size / n);
      views.forEach((v) => v.dispose());
      views = [viewOf(bx.ptr, [rows, ...x.shape.slice(1)], x.dtype, `batch x [${start}:${start + rows}]`),
        viewOf(by.ptr, [rows, ...y.shape.slice(1)], y.dtype, `batch y [${start}:${start + rows}]`)];
      yield { x: views[0], y: views[1] };
    }
  } finally {
    views.forEach((v) => v.dispose());
    perm.dispose(); bx.dispose(); by.dispose();
  }
}

function rowsOf(op: string, x: Tensor, y: Tensor): number {
  for (const [name, t] of [['x', x], ['y', y]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${String(t)}`);
    if (t.disposed) throw new Error(`${op}: ${name} "${t.name}" was disposed`);
  }
  if (x.shape[0] !== y.shape[0] || x.rank === 0 || y.rank === 0) {
    throw new RangeError(`${op}: x "${x.name}" [${x.shape.join(', ')}] and y "${y.name}" [${y.shape.join(', ')}] must have the same number of rows`);
  }
  return x.shape[0];
}

function seedOf(op: string, seed: number | undefined): number {
  const s = seed ?? 0;
  if (!Number.isSafeInteger(s) || s < 0) throw new RangeError(`${op}: seed must be an integer ≥ 0, got ${s}`);
  return s;
}

// fit()'s shuffle position: stream SHUFFLE_STREAM, 2^32 words per epoch.
function shuffleDraw(op: string, o: ShuffleOptions): kern.Draw {
  const epoch = o.epoch ?? 0;
  if (!Number.isInteger(epoch) || epoch < 0 || epoch >= 2 ** 20) throw new RangeError(`${op}: epoch must be an integer in [0, 2^20), got ${epoch}`);
  return drawOf(seedOf(op, o.seed), SHUFFLE_STREAM, epoch * 4294967296);
}

// Runs fn with a seeded permutation of 0..n−1 in linear memory, freed afterwards.
function withPermutation<T>(n: number, draw: kern.Draw, fn: (perm: Tensor) => T): T {
  const perm = empty([n], 'int32', 'permutation');
  try {
    kern.randomPermutation(perm.ptr, n, draw);
    return fn(perm);
  } finally { perm.dispose(); }
}

/** Rows perm[from..to) of t, as a new tensor. */
function gather(t: Tensor, perm: Tensor, from: number, to: number): Tensor {
  const n = t.shape[0];
  const out = empty([to - from, ...t.shape.slice(1)], t.dtype, `${t.name}[split ${from}:${to}]`);
  kern.gatherRows(t.ptr, n, perm.ptr + from * 4, out.ptr, to - from, t.size / n);
  return out;
}
