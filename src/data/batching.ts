// Helpers between loading and training: oneHot labels, a seeded split, a seeded shuffle and mini-batches. Shuffles
// are permutations from the module's generator (seed, stream), gathered row by row on the kernels.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { drawOf, SHUFFLE_STREAM, SPLIT_STREAM } from '../ops/random.js';
import { empty, untracked, viewOf, type Tensor } from '../ops/tensor.js';
import { checkBoolean, checkInteger, checkOptions, checkTensor, describe, MAX_VALUES } from './checks.js';
import { building } from './tensors.js';

/** x [N, …] with its targets y [N, …] (int32 labels [N] or float32 one-hot [N, C]). */
export interface Pair { x: Tensor; y: Tensor }

/** labels int32 [N] → float32 [N, numClasses] with a 1 at each label. */
export function oneHot(labels: Tensor, numClasses: number): Tensor {
  checkTensor('data.oneHot', 'labels', labels);
  if (labels.dtype !== 'int32' || labels.rank !== 1) throw new TypeError(`data.oneHot: labels must be an int32 tensor [N], got ${labels.toString()}`);
  checkInteger('data.oneHot', 'numClasses', numClasses, 1, 2 ** 24);
  if (labels.size * numClasses > MAX_VALUES) {
    throw new RangeError(`data.oneHot: ${labels.size} labels × ${numClasses} classes is more than one tensor holds (${MAX_VALUES} values)`);
  }
  const values = labels.toInt32Array();
  const bad = values.findIndex((v) => v < 0 || v >= numClasses);
  if (bad >= 0) throw new RangeError(`data.oneHot: label ${values[bad]} at index ${bad} of "${labels.name}" is outside 0..${numClasses - 1}`);
  const out = empty([values.length, numClasses], 'float32', `oneHot(${labels.name})`);
  kern.fill(out.ptr, 0, out.size);
  const f32 = backend().arena.f32, o = out.ptr >>> 2;
  values.forEach((v, i) => { f32[o + i * numClasses + v] = 1; });
  return out;
}

/** Options of data.split(). */
export interface SplitOptions {
  /** The share of the rows that goes to `test`, in (0, 1); round(N · fraction) rows. */
  fraction: number;
  /** Seeds the permutation (default 0); the same seed gives the same split on every runtime. */
  seed?: number;
}

/** Shuffles the rows with a seeded permutation and cuts them in two: { train, test } (new tensors). */
export function split(x: Tensor, y: Tensor, options: SplitOptions): { train: Pair; test: Pair } {
  const n = rowsOf('data.split', x, y);
  if (options === undefined) throw new TypeError('data.split: options must be { fraction, seed? } (fraction: the share of rows for test, in (0, 1)), got undefined');
  checkOptions('data.split', options, ['fraction', 'seed']);
  const f = options.fraction;
  if (typeof f !== 'number') throw new TypeError(`data.split: options.fraction must be a number in (0, 1), got ${describe(f)}`);
  const nTest = Math.round(n * f);
  if (!(f > 0 && f < 1) || nTest < 1 || nTest >= n) {
    throw new RangeError(`data.split: fraction ${f} of ${n} rows must leave at least one row on each side (0 < round(N · fraction) < N)`);
  }
  return withPermutation(n, drawOf(seedOf('data.split', options.seed), SPLIT_STREAM), (perm) => building((own) => {
    const part = (from: number, to: number): Pair => ({ x: own(gather(x, perm, from, to)), y: own(gather(y, perm, from, to)) });
    return { train: part(0, n - nTest), test: part(n - nTest, n) };
  }));
}

/** Options of data.shuffle(). */
export interface ShuffleOptions {
  seed?: number;
  /** Selects one of many permutations of the same seed (as fit's epochs do). Default 0. */
  epoch?: number;
}

/** The rows of x and y in the same seeded random order (new tensors). */
export function shuffle(x: Tensor, y: Tensor, options: ShuffleOptions = {}): Pair {
  const n = rowsOf('data.shuffle', x, y);
  checkOptions('data.shuffle', options, ['seed', 'epoch']);
  return withPermutation(n, shuffleDraw('data.shuffle', options ?? {}), (perm) => building((own) => ({
    x: own(gather(x, perm, 0, n)), y: own(gather(y, perm, 0, n)),
  })));
}

/** Options of data.batches(). */
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
  const n = rowsOf('data.batches', x, y);
  checkInteger('data.batches', 'batchSize', batchSize, 1);
  const o = checkOptions('data.batches', options, ['shuffle', 'seed', 'epoch']);
  checkBoolean('data.batches', 'options.shuffle', o.shuffle);
  return batchLoop(x, y, n, Math.min(batchSize, n), o.shuffle ? shuffleDraw('data.batches', o) : undefined);
}

function* batchLoop(x: Tensor, y: Tensor, n: number, bs: number, draw: kern.Draw | undefined): Generator<Pair, void, undefined> {
  const [perm, bx, by] = untracked(() => [empty([n], 'int32', 'batches.order'),
    empty([bs, ...x.shape.slice(1)], x.dtype, 'batches.x'), empty([bs, ...y.shape.slice(1)], y.dtype, 'batches.y')]);
  let views: Tensor[] = [];
  try {
    if (draw) kern.randomPermutation(perm.ptr, n, draw);
    else backend().arena.i32.set(Int32Array.from({ length: n }, (_, i) => i), perm.ptr >>> 2);
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
  checkTensor(op, 'x', x);
  checkTensor(op, 'y', y);
  if (x.shape[0] !== y.shape[0] || x.rank === 0 || y.rank === 0) {
    throw new RangeError(`${op}: x "${x.name}" [${x.shape.join(', ')}] and y "${y.name}" [${y.shape.join(', ')}] must have the same number of rows`);
  }
  return x.shape[0];
}

function seedOf(op: string, seed: number | undefined): number {
  checkInteger(op, 'options.seed', seed, 0, Number.MAX_SAFE_INTEGER, true);
  return seed ?? 0;
}

// fit()'s shuffle position: stream SHUFFLE_STREAM, 2^32 words per epoch.
function shuffleDraw(op: string, o: ShuffleOptions): kern.Draw {
  checkInteger(op, 'options.epoch', o.epoch, 0, 2 ** 20 - 1, true);
  const epoch = o.epoch ?? 0;
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
