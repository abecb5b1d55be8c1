// assembly/losses.ts, its softmax cross-entropies with class labels and with class/pair weights: loss and dLogits against
// float64 (outputs NaN-poisoned, d = 0 too), agreement with softmaxCrossEntropy, finite differences of the references.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng, drawValues, randomLabels } from '../helpers/rng.js';
import { put, putI32, poisoned, read, freeAll } from '../helpers/buffers.js';
import { LOSS_COLS, LOSS_FD_SHAPES, LOSS_ROWS } from '../helpers/loss-shapes.js';
import { assertClose, assertEqualBits, mixed, F32_EPS } from '../helpers/compare.js';
import {
  mseRef, maeRef, huberRef, hingeRef, categoricalHingeRef, bceRef, bceLogitsRef, crossEntropyProbRef,
  sparseSoftmaxCrossEntropyRef, weightedSoftmaxCrossEntropyRef, cosineProximityRef, clipLossRef, scaleRowsRef,
  countCorrectRef, argMaxRef, type LossGrad,
} from '../reference/losses.js';
import { assertFd, fdWorst, rowOf } from '../helpers/fd.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`losses, softmax cross-entropies [${BUILD}]`);

const ROWS = LOSS_ROWS, COLS = LOSS_COLS, FD_SHAPES = LOSS_FD_SHAPES;
const f = Math.fround;
const EPS = f(1e-7);

type Arr = ArrayLike<number>;

// ---- softmax cross-entropies with labels and with per-row weights ----

test('sparseSoftmaxCrossEntropy: loss and dLogits against float64, logits up to thousands, and d = 0', () => {
  let seed = 2000;
  for (const rows of ROWS) for (const cols of COLS) for (const spread of [8, 3000]) {
    const rng = new Rng(seed++);
    const x = rng.array(rows * cols, -spread, spread), labels = randomLabels(rng, rows, cols);
    const gs = f(rng.uniform(0.1, 2));
    const px = put(x), plab = putI32(labels), pl = poisoned(rows), pd = poisoned(rows * cols);
    kern.sparseSoftmaxCrossEntropy(px, plab, pl, pd, rows, cols, gs, 0);
    const ref = sparseSoftmaxCrossEntropyRef(x, labels, rows, cols, gs);
    const shape = `[${rows}, ${cols}] spread ${spread}`;
    // x_label − max is exact; log Σ and the subtraction add a few ulps of the result
    assertClose(read(pl, rows), ref.loss, mixed(ref.loss, 4 * F32_EPS, 4 * F32_EPS), { op: 'sparseSoftmaxCrossEntropy.loss', shape, seed: rng.seed });
    assertClose(read(pd, rows * cols), ref.grad, mixed(ref.grad, 4 * F32_EPS * gs, 4e-6), { op: 'sparseSoftmaxCrossEntropy.grad', shape, seed: rng.seed });
    const pl2 = poisoned(rows), ps = poisoned(cols);
    kern.sparseSoftmaxCrossEntropy(px, plab, pl2, 0, rows, cols, gs, ps);
    assertEqualBits(read(pl2, rows), read(pl, rows), { op: 'sparseSoftmaxCrossEntropy.loss (d = 0)', shape });
    freeAll();
  }
});

test('sparseSoftmaxCrossEntropy is softmaxCrossEntropy on one-hot targets, bit for bit', () => {
  const rng = new Rng(2500);
  for (const [rows, cols] of [[3, 5], [7, 17], [2, 129]]) {
    const x = rng.array(rows * cols, -8, 8), labels = randomLabels(rng, rows, cols);
    const t = new Float32Array(rows * cols);
    labels.forEach((c, r) => { t[r * cols + c] = 1; });
    const px = put(x), pt = put(t), plab = putI32(labels);
    const l1 = poisoned(rows), d1 = poisoned(rows * cols), l2 = poisoned(rows), d2 = poisoned(rows * cols);
    kern.sparseSoftmaxCrossEntropy(px, plab, l1, d1, rows, cols, 0.5, 0);
    kern.softmaxCrossEntropy(px, pt, l2, d2, rows, cols, 0.5, 0);
    const shape = `[${rows}, ${cols}]`;
    assertEqualBits(read(l1, rows), read(l2, rows), { op: 'sparse vs dense loss', shape });
    assertEqualBits(read(d1, rows * cols), read(d2, rows * cols), { op: 'sparse vs dense grad', shape });
    freeAll();
  }
});

// Weighted CE data: logits whose top two differ by ≥ 1e-3 when smooth; one-hot or soft targets; class weights in
// [0.5, 2]; pair weights 1 except about a third of them in [0, 3].
function weightedData(rng: Rng, rows: number, cols: number, spread: number, smooth: boolean) {
  const x = new Float32Array(rows * cols), t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (;;) {
      for (let c = 0; c < cols; c++) x[r * cols + c] = f(rng.uniform(-spread, spread));
      const s = Array.from(x.subarray(r * cols, (r + 1) * cols)).sort((a, b) => b - a);
      if (!smooth || cols === 1 || s[0] - s[1] > 1e-3) break;
    }
    if (r % 3 === 2) { let s = 0; for (let c = 0; c < cols; c++) s += (t[r * cols + c] = f(rng.next())); for (let c = 0; c < cols; c++) t[r * cols + c] = f(t[r * cols + c] / s); }
    else t[r * cols + rng.int(0, cols - 1)] = 1;
  }
  const classW = rng.array(cols, 0.5, 2);
  const pairW = drawValues(cols * cols, () => (rng.next() < 0.33 ? rng.uniform(0, 3) : 1));
  return { x, t, classW, pairW };
}

test('weightedSoftmaxCrossEntropy: per-row weights from argmax t and argmax x, against float64, and d = 0', () => {
  let seed = 3000;
  for (const rows of ROWS) for (const cols of COLS) for (const spread of [8, 3000]) {
    const rng = new Rng(seed++);
    const { x, t, classW, pairW } = weightedData(rng, rows, cols, spread, false);
    const gs = f(rng.uniform(0.1, 2));
    const px = put(x), pt = put(t), pcw = put(classW), ppw = put(pairW), pl = poisoned(rows), pd = poisoned(rows * cols);
    kern.weightedSoftmaxCrossEntropy(px, pt, pcw, ppw, pl, pd, rows, cols, gs, 0);
    const ref = weightedSoftmaxCrossEntropyRef(x, t, classW, pairW, rows, cols, gs);
    const shape = `[${rows}, ${cols}] spread ${spread}`;
    // the weight (≤ 6) scales the unweighted tolerances
    assertClose(read(pl, rows), ref.loss, mixed(ref.loss, 6 * 4 * F32_EPS, 6 * F32_EPS), { op: 'weightedSoftmaxCrossEntropy.loss', shape, seed: rng.seed });
    assertClose(read(pd, rows * cols), ref.grad, mixed(ref.grad, 6 * 4 * F32_EPS * gs, 5e-6), { op: 'weightedSoftmaxCrossEntropy.grad', shape, seed: rng.seed });
    const pl2 = poisoned(rows), ps = poisoned(cols);
    kern.weightedSoftmaxCrossEntropy(px, pt, pcw, ppw, pl2, 0, rows, cols, gs, ps);
    assertEqualBits(read(pl2, rows), read(pl, rows), { op: 'weightedSoftmaxCrossEntropy.loss (d = 0)', shape });
    freeAll();
  }
});

test('weightedSoftmaxCrossEntropy with all weights 1 is softmaxCrossEntropy, bit for bit', () => {
  const rng = new Rng(3500);
  for (const [rows, cols] of [[1, 1], [3, 5], [7, 17], [2, 129]]) {
    const { x, t } = weightedData(rng, rows, cols, 8, false);
    const px = put(x), pt = put(t), pcw = put(new Float32Array(cols).fill(1)), ppw = put(new Float32Array(cols * cols).fill(1));
    const l1 = poisoned(rows), d1 = poisoned(rows * cols), l2 = poisoned(rows), d2 = poisoned(rows * cols);
    kern.weightedSoftmaxCrossEntropy(px, pt, pcw, ppw, l1, d1, rows, cols, 0.25, 0);
    kern.softmaxCrossEntropy(px, pt, l2, d2, rows, cols, 0.25, 0);
    const shape = `[${rows}, ${cols}]`;
    assertEqualBits(read(l1, rows), read(l2, rows), { op: 'weighted (w = 1) loss', shape });
    assertEqualBits(read(d1, rows * cols), read(d2, rows * cols), { op: 'weighted (w = 1) grad', shape });
    freeAll();
  }
});

test('a pair weight applies only where the prediction is that class', () => {
  // 3 classes; true class 0; pair (0 → 2) weighs 2. Row 0 predicts 2 (weighted), row 1 predicts 1 (not).
  const x = [0, 1, 3, 0, 3, 1], t = [1, 0, 0, 1, 0, 0];
  const pairW = [1, 1, 2, 1, 1, 1, 1, 1, 1];
  const px = put(x), pt = put(t), pcw = put([1, 1, 1]), ppw = put(pairW), pl = poisoned(2), pd = poisoned(6);
  kern.weightedSoftmaxCrossEntropy(px, pt, pcw, ppw, pl, pd, 2, 3, 1, 0);
  const ce = Math.log(Math.exp(0) + Math.exp(1) + Math.exp(3));
  assertClose(read(pl, 2), [2 * ce, ce], (i) => 4e-6 * (1 + i), { op: 'pair weight', shape: '[2, 3]' });
  freeAll();
});

test('softmax cross-entropies: float64 gradients match central differences (argmax kept away from ties)', () => {
  let seed = 4000;
  for (const [rows, cols] of FD_SHAPES) {
    const rng = new Rng(seed++);
    const gs = f(rng.uniform(0.1, 2));
    const { x, t, classW, pairW } = weightedData(rng, rows, cols, 4, true);
    const labels = randomLabels(rng, rows, cols);
    for (let r = 0; r < rows; r++) {
      const xr = rowOf(x, r, cols), tr = rowOf(t, r, cols), lab = [labels[r]];
      const shape = `[${rows}, ${cols}] row ${r}`;
      const gS = sparseSoftmaxCrossEntropyRef(xr, lab, 1, cols, gs).grad;
      assertFd('sparseSoftmaxCrossEntropy', shape, rng.seed, fdWorst((v) => gs * sparseSoftmaxCrossEntropyRef(v, lab, 1, cols, gs).loss[0], xr, gS));
      const gW = weightedSoftmaxCrossEntropyRef(xr, tr, classW, pairW, 1, cols, gs).grad;
      assertFd('weightedSoftmaxCrossEntropy', shape, rng.seed,
        fdWorst((v) => gs * weightedSoftmaxCrossEntropyRef(v, tr, classW, pairW, 1, cols, gs).loss[0], xr, gW));
    }
  }
});

test.run();
