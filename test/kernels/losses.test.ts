// assembly/losses.ts: every loss's per-row value and gradient against float64 over rows × cols edge sizes (outputs
// NaN-poisoned, d = 0 too), finite differences of the references, clipLoss, scaleRows and the top-k counts.
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
const test = suite(`losses [${BUILD}]`);

const ROWS = LOSS_ROWS, COLS = LOSS_COLS, FD_SHAPES = LOSS_FD_SHAPES;
const f = Math.fround;
const EPS = f(1e-7);

type Arr = ArrayLike<number>;

// ---- the dense losses, as a table: data (smooth = away from kinks, clips and ties), reference, kernel, tolerances ----

interface Data { t: Float32Array; p: Float32Array; a: number }
interface DenseCase {
  name: string;
  data(rng: Rng, rows: number, cols: number, smooth: boolean): Data;
  ref(t: Arr, p: Arr, rows: number, cols: number, gs: number, a: number): LossGrad;
  run(t: number, p: number, loss: number, d: number, rows: number, cols: number, gs: number, a: number): void;
  /** Per-element scale of the float32 rounding in a loss term (summed per row, then divided like the loss). */
  mag(t: number, p: number, a: number): number;
  /** Whether the loss is a mean over cols (else a per-row sum). */
  mean: boolean;
  /** Allowed |error| of gradient element i. */
  gradTol(ref: LossGrad, d: Data, rows: number, cols: number, gs: number): (i: number) => number;
}

const rel = (ulps: number) => (ref: LossGrad) => mixed(ref.grad, 1e-30, ulps * F32_EPS);

const DENSE: DenseCase[] = [
  {
    name: 'mseLoss', mean: true,
    data: (rng, rows, cols) => ({ t: rng.array(rows * cols, -2, 2), p: rng.array(rows * cols, -2, 2), a: 0 }),
    ref: (t, p, r, c, gs) => mseRef(t, p, r, c, gs),
    run: (t, p, l, d, r, c, gs) => kern.mseLoss(t, p, l, d, r, c, gs),
    mag: (t, p) => (p - t) ** 2,
    gradTol: rel(4),
  },
  {
    name: 'maeLoss', mean: true,
    // p − t never near 0 when smooth; otherwise every 5th element has p == t exactly (gradient 0)
    data: (rng, rows, cols, smooth) => {
      const t = rng.array(rows * cols, -2, 2);
      const p = drawValues(rows * cols, (i) => (!smooth && i % 5 === 2 ? t[i] : t[i] + rng.pick([-1, 1]) * rng.uniform(0.05, 1)));
      return { t, p, a: 0 };
    },
    ref: (t, p, r, c, gs) => maeRef(t, p, r, c, gs),
    run: (t, p, l, d, r, c, gs) => kern.maeLoss(t, p, l, d, r, c, gs),
    mag: (t, p) => Math.abs(p - t),
    gradTol: rel(2),
  },
  {
    name: 'huberLoss', mean: true,
    // |p − t| spread around delta, kept 0.05 away from it
    data: (rng, rows, cols) => {
      const a = f(rng.uniform(0.3, 1.5));
      const t = rng.array(rows * cols, -2, 2);
      const p = drawValues(rows * cols, (i) => t[i] + rng.uniform(-3 * a, 3 * a), (v, i) => Math.abs(Math.abs(v - t[i]) - a) > 0.05);
      return { t, p, a };
    },
    ref: (t, p, r, c, gs, a) => huberRef(t, p, r, c, gs, a),
    run: (t, p, l, d, r, c, gs, a) => kern.huberLoss(t, p, l, d, r, c, gs, a),
    mag: (t, p, a) => Math.abs(p - t) * Math.max(Math.abs(p - t), a),
    gradTol: rel(4),
  },
  {
    name: 'hingeLoss', mean: true,
    // labels −1, 0 (read as −1), 1; 1 − t·p kept 0.05 from 0, except (not smooth) every 7th element exactly at 0
    data: (rng, rows, cols, smooth) => {
      const t = drawValues(rows * cols, () => rng.pick([-1, 0, 1]));
      const s = (i: number) => (t[i] === 0 ? -1 : t[i]);
      const p = drawValues(rows * cols, (i) => (!smooth && i % 7 === 3 ? s(i) : rng.uniform(-3, 3)),
        (v, i) => (!smooth && i % 7 === 3) || Math.abs(1 - s(i) * v) > 0.05);
      return { t, p, a: 0 };
    },
    ref: (t, p, r, c, gs) => hingeRef(t, p, r, c, gs),
    run: (t, p, l, d, r, c, gs) => kern.hingeLoss(t, p, l, d, r, c, gs),
    mag: (_t, p) => 1 + Math.abs(p),
    gradTol: rel(2),
  },
  {
    name: 'categoricalHingeLoss', mean: false,
    // one-hot rows and soft rows; rows redrawn until the largest (1 − t)·p leads the next by 1e-3 and the loss is
    // 1e-3 away from its kink at 0
    data: (rng, rows, cols) => {
      const t = new Float32Array(rows * cols), p = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        for (;;) {
          for (let c = 0; c < cols; c++) {
            t[r * cols + c] = r % 2 ? f(rng.next()) : 0;
            p[r * cols + c] = f(rng.uniform(-2, 2));
          }
          if (r % 2 === 0) t[r * cols + rng.int(0, cols - 1)] = 1;
          const v = Array.from({ length: cols }, (_, c) => (1 - t[r * cols + c]) * p[r * cols + c]).sort((x, y) => y - x);
          let pos = 0;
          for (let c = 0; c < cols; c++) pos += t[r * cols + c] * p[r * cols + c];
          if ((cols === 1 || v[0] - v[1] > 1e-3) && Math.abs(v[0] - pos + 1) > 1e-3) break;
        }
      }
      return { t, p, a: 0 };
    },
    ref: (t, p, r, c, gs) => categoricalHingeRef(t, p, r, c, gs),
    run: (t, p, l, d, r, c, gs) => kern.categoricalHingeLoss(t, p, l, d, r, c, gs),
    mag: (t, p) => 2 * Math.abs(t * p) + Math.abs(p), // pos, neg; the + 1 rounds like the result
    gradTol: (ref, _d, _r, _c, gs) => mixed(ref.grad, 2 * F32_EPS * gs, 2 * F32_EPS),
  },
  {
    name: 'binaryCrossEntropyLoss', mean: true,
    // soft and hard targets, p in [0.02, 0.98]; not smooth: p also 0, 1, beyond and exactly at both clip bounds
    data: (rng, rows, cols, smooth) => {
      const edges = [0, 1, 1e-9, 1 - 1e-9, -0.5, 1.5, EPS, f(1 - EPS)];
      const t = drawValues(rows * cols, (i) => (i % 3 ? f(rng.next()) : rng.pick([0, 1])));
      const p = drawValues(rows * cols, (i) => (!smooth && i % 4 === 1 ? rng.pick(edges) : rng.uniform(0.02, 0.98)));
      return { t, p, a: EPS };
    },
    ref: (t, p, r, c, gs, a) => bceRef(t, p, r, c, gs, a),
    run: (t, p, l, d, r, c, gs, a) => kern.binaryCrossEntropyLoss(t, p, l, d, r, c, gs, a),
    mag: (t, p) => {
      const q = Math.min(Math.max(p, EPS), f(1 - EPS));
      return Math.abs(t * Math.log(q)) + Math.abs((1 - t) * Math.log(1 - q)) + 1;
    },
    gradTol: rel(8),
  },
  {
    name: 'binaryCrossEntropyLogitsLoss', mean: true,
    // logits in [−8, 8]; not smooth: also ±30, ±100, ±1000 and 0 (stability)
    data: (rng, rows, cols, smooth) => {
      const t = drawValues(rows * cols, (i) => (i % 3 ? f(rng.next()) : rng.pick([0, 1])));
      const p = drawValues(rows * cols, (i) => (!smooth && i % 5 === 4 ? rng.pick([30, -30, 100, -100, 1000, -1000, 0]) : rng.uniform(-8, 8)));
      return { t, p, a: 0 };
    },
    ref: (t, p, r, c, gs) => bceLogitsRef(t, p, r, c, gs),
    run: (t, p, l, d, r, c, gs) => kern.binaryCrossEntropyLogitsLoss(t, p, l, d, r, c, gs),
    mag: (_t, x) => 1 + Math.abs(x),
    // sigmoid(x) − t cancels: a few ulps of 1, scaled by gradScale/cols
    gradTol: (ref, _d, _r, cols, gs) => mixed(ref.grad, 6 * F32_EPS * gs / cols, 4 * F32_EPS),
  },
  {
    name: 'crossEntropyProbLoss', mean: false,
    // one-hot and normalised soft targets, p in [0.05, 1]; not smooth: p also 0, 1e-9 and exactly eps (no gradient)
    data: (rng, rows, cols, smooth) => {
      const t = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        if (r % 2) { let s = 0; for (let c = 0; c < cols; c++) s += (t[r * cols + c] = f(rng.next())); for (let c = 0; c < cols; c++) t[r * cols + c] = f(t[r * cols + c] / s); }
        else t[r * cols + rng.int(0, cols - 1)] = 1;
      }
      const p = drawValues(rows * cols, (i) => (!smooth && i % 4 === 3 ? rng.pick([0, 1e-9, EPS]) : rng.uniform(0.05, 1)));
      return { t, p, a: EPS };
    },
    ref: (t, p, r, c, gs, a) => crossEntropyProbRef(t, p, r, c, gs, a),
    run: (t, p, l, d, r, c, gs, a) => kern.crossEntropyProbLoss(t, p, l, d, r, c, gs, a),
    mag: (t, p) => Math.abs(t) * (Math.abs(Math.log(Math.max(p, EPS))) + 1),
    gradTol: rel(4),
  },
  {
    name: 'cosineProximityLoss', mean: false,
    // random rows; not smooth, with 3+ rows: row 0 has p = 0 (|p| ≤ 1e-12), row 1 has p = 2.5·t, row 2 has t = 0
    data: (rng, rows, cols, smooth) => {
      const t = rng.array(rows * cols), p = rng.array(rows * cols);
      if (!smooth && rows >= 3) {
        for (let c = 0; c < cols; c++) { p[c] = 0; p[cols + c] = f(2.5 * t[cols + c]); t[2 * cols + c] = 0; }
      }
      return { t, p, a: 0 };
    },
    ref: (t, p, r, c, gs) => cosineProximityRef(t, p, r, c, gs),
    run: (t, p, l, d, r, c, gs) => kern.cosineProximityLoss(t, p, l, d, r, c, gs),
    mag: () => 1 / 129, // float64 inside; one float32 rounding of a value ≤ 2 (see lossTol)
    // d = ct·t + cp·p: a few ulps of |ct·t| + |cp·p|, which may cancel (p ∥ t)
    gradTol: (ref, d, rows, cols, gs) => {
      const m = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        let tt = 0, pp = 0, tp = 0;
        for (let c = 0; c < cols; c++) { const i = r * cols + c; tt += d.t[i] ** 2; pp += d.p[i] ** 2; tp += d.t[i] * d.p[i]; }
        const A = Math.max(Math.sqrt(tt), 1e-12), np = Math.sqrt(pp), B = Math.max(np, 1e-12);
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          m[i] = gs * (Math.abs(d.t[i]) / (A * B) + (np > 1e-12 ? Math.abs(tp * d.p[i]) / (A * B ** 3) : 0));
        }
      }
      return (i) => 4 * F32_EPS * m[i] + 1e-30;
    },
  },
];

// Per-row loss tolerance: (cols/4 + 8) roundings of the summed term magnitudes, divided as the loss is, plus the
// last roundings of the result.
function lossTol(c: DenseCase, d: Data, rows: number, cols: number, loss: Arr): (r: number) => number {
  const tol = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += c.mag(d.t[r * cols + j], d.p[r * cols + j], d.a);
    tol[r] = 1e-30 + (cols / 4 + 8) * F32_EPS * s / (c.mean ? cols : 1) + 2 * F32_EPS * Math.abs(loss[r]);
    if (c.name === 'cosineProximityLoss') tol[r] = 2 * F32_EPS; // one rounding of 1 − cos ∈ [0, 2]
  }
  return (r) => tol[r];
}

test('dense losses: loss and gradient against float64, every rows × cols, with and without d', () => {
  let seed = 1;
  for (const c of DENSE) for (const rows of ROWS) for (const cols of COLS) {
    const rng = new Rng(seed++);
    const d = c.data(rng, rows, cols, false);
    const gs = f(rng.uniform(0.1, 2));
    const pt = put(d.t), pp = put(d.p), pl = poisoned(rows), pd = poisoned(rows * cols);
    c.run(pt, pp, pl, pd, rows, cols, gs, d.a);
    const ref = c.ref(d.t, d.p, rows, cols, gs, d.a);
    const shape = `[${rows}, ${cols}]`;
    assertClose(read(pl, rows), ref.loss, lossTol(c, d, rows, cols, ref.loss), { op: `${c.name}.loss`, shape, seed: rng.seed });
    assertClose(read(pd, rows * cols), ref.grad, c.gradTol(ref, d, rows, cols, gs), { op: `${c.name}.grad`, shape, seed: rng.seed });
    // without d: the same losses, bit for bit; inputs untouched
    const pl2 = poisoned(rows);
    c.run(pt, pp, pl2, 0, rows, cols, gs, d.a);
    assertEqualBits(read(pl2, rows), read(pl, rows), { op: `${c.name}.loss (d = 0)`, shape });
    assertEqualBits(read(pt, rows * cols), d.t, { op: `${c.name} leaves yTrue`, shape });
    assertEqualBits(read(pp, rows * cols), d.p, { op: `${c.name} leaves yPred`, shape });
    freeAll();
  }
});

test('categoricalHingeLoss: the gradient goes to the first column holding the largest (1 − t)·p', () => {
  // true class 1; columns 0, 2 and 3 tie at 0.5: only column 0 gets gradScale·(1 − t)
  const pt = put([0, 1, 0, 0]), pp = put([0.5, 0.25, 0.5, 0.5]), pl = poisoned(1), pd = poisoned(4);
  kern.categoricalHingeLoss(pt, pp, pl, pd, 1, 4, 2);
  assertEqualBits(read(pl, 1), [1.25], { op: 'categoricalHingeLoss.loss (ties)', shape: '[1, 4]' });
  assertEqualBits(read(pd, 4), [2, -2, -0, -0], { op: 'categoricalHingeLoss.grad (ties)', shape: '[1, 4]' });
  freeAll();
});

// ---- finite differences of the references (the specification checks itself) ----

test('dense losses: the float64 gradients match central differences of the float64 losses (away from kinks)', () => {
  let seed = 1000;
  for (const c of DENSE) for (const [rows, cols] of FD_SHAPES) {
    const rng = new Rng(seed++);
    const d = c.data(rng, rows, cols, true);
    const gs = f(rng.uniform(0.1, 2));
    for (let r = 0; r < rows; r++) {
      const t = rowOf(d.t, r, cols), p = rowOf(d.p, r, cols);
      const g = c.ref(t, p, 1, cols, gs, d.a).grad;
      assertFd(c.name, `[${rows}, ${cols}] row ${r}`, rng.seed, fdWorst((x) => gs * c.ref(t, x, 1, cols, gs, d.a).loss[0], p, g));
    }
  }
});

test('the finite-difference check catches a planted 1% gradient error', () => {
  const rng = new Rng(7);
  const t = Float64Array.from(rng.array(6)), p = Float64Array.from(rng.array(6));
  const g = mseRef(t, p, 1, 6, 1).grad.map((v) => v * 1.01);
  assert.ok(fdWorst((x) => mseRef(t, x, 1, 6, 1).loss[0], p, g).worst > 1, 'a wrong gradient passed');
});

// ---- clipLoss, scaleRows, countCorrect ----

test('clipLoss: rows below, inside, above and exactly at the bounds; gradient rows zeroed only where clamped', () => {
  let seed = 5000;
  const lo = 0.25, hi = 2.5;
  for (const rows of ROWS) for (const cols of COLS) {
    const rng = new Rng(seed++);
    // row r: below, inside, above, exactly lo, exactly hi, in turn (random start)
    const start = rng.int(0, 4);
    const loss = drawValues(rows, (r) => [rng.uniform(-3, 0.2), rng.uniform(0.3, 2.4), rng.uniform(2.6, 9), lo, hi][(r + start) % 5]);
    const d = rng.array(rows * cols);
    const pl = put(loss), pd = put(d);
    kern.clipLoss(pl, pd, rows, cols, lo, hi);
    const ref = clipLossRef(loss, d, rows, cols, lo, hi);
    const shape = `[${rows}, ${cols}]`;
    assertEqualBits(read(pl, rows), ref.loss, { op: 'clipLoss.loss', shape });
    assertEqualBits(read(pd, rows * cols), ref.d!, { op: 'clipLoss.d', shape });
    const pl2 = put(loss);
    kern.clipLoss(pl2, 0, rows, cols, lo, hi);
    assertEqualBits(read(pl2, rows), ref.loss, { op: 'clipLoss.loss (d = 0)', shape });
    freeAll();
  }
});

test('scaleRows: x[r, :] *= w[r], one float32 rounding, cols = 1 included', () => {
  let seed = 6000;
  for (const rows of ROWS) for (const cols of COLS) {
    const rng = new Rng(seed++);
    const x = rng.array(rows * cols, -3, 3), w = rng.array(rows, -2, 2);
    const px = put(x), pw = put(w);
    kern.scaleRows(px, pw, rows, cols);
    assertEqualBits(read(px, rows * cols), Array.from(scaleRowsRef(x, w, rows, cols), f), { op: 'scaleRows', shape: `[${rows}, ${cols}]`, seed: rng.seed });
    freeAll();
  }
});

test('countCorrect and countCorrectSparse: top-k (ties counted for k > 1, first arg-max for k = 1), against a plain count', () => {
  let seed = 7000;
  for (const rows of ROWS) for (const cols of COLS) {
    const rng = new Rng(seed++);
    // scores on a coarse grid, so ties with the true class are common
    const p = drawValues(rows * cols, () => Math.round(rng.uniform(-2, 2)) / 2);
    const t = drawValues(rows * cols, (i) => (Math.floor(i / cols) % 2 ? Math.round(rng.uniform(0, 3)) / 4 : 0));
    for (let r = 0; r < rows; r += 2) t[r * cols + rng.int(0, cols - 1)] = 1;
    const labels = randomLabels(rng, rows, cols);
    const pp = put(p), pt = put(t), plab = putI32(labels);
    for (const k of new Set([1, 2, 3, cols, cols + 1])) {
      const shape = `[${rows}, ${cols}] k = ${k}`;
      const exp = countCorrectRef(p, (r) => argMaxRef(t, r * cols, cols), rows, cols, k);
      assert.is(kern.countCorrect(pp, pt, rows, cols, k), exp, `countCorrect ${shape} seed ${rng.seed}`);
      const expS = countCorrectRef(p, (r) => labels[r], rows, cols, k);
      assert.is(kern.countCorrectSparse(pp, plab, rows, cols, k), expS, `countCorrectSparse ${shape} seed ${rng.seed}`);
    }
    freeAll();
  }
});

test('countCorrect: at k = 1 a tie goes to the first arg-max (Keras), at k > 1 ties count; a NaN at the true class never counts', () => {
  const p = [0.5, 0.5, 0.1, 0.2, 0.9, 0.9, NaN, 0, 0, 0.7, 0.7, 0.1], t = [0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0];
  const pp = put(p), pt = put(t), plab = putI32([1, 0, 0, 0]);
  // row 0: true class 1 ties with class 0 before it → wrong; row 1: 0.9 > 0.2 twice; row 2: NaN; row 3: true class 0 is the first of a tie → right
  assert.is(kern.countCorrect(pp, pt, 4, 3, 1), 1);
  assert.is(kern.countCorrect(pp, pt, 4, 3, 3), 3);
  assert.is(kern.countCorrectSparse(pp, plab, 4, 3, 1), 1);
  assert.is(kern.countCorrect(pp, pt, 4, 3, 2), 2); // rows 0 and 3: their ties are inside the top 2; row 1 has two above
  freeAll();
});

test('wrappers reject bad sizes, offsets and labels', () => {
  const px = put([1, 2, 3, 4]), plab = putI32([0, 4]), pl = poisoned(2);
  assert.throws(() => kern.sparseSoftmaxCrossEntropy(px, plab, pl, 0, 2, 2, 1, px), /labels\[1\] = 4/);
  assert.throws(() => kern.mseLoss(px, px, pl, 0, 2, 0, 1), /cols = 0/);
  assert.throws(() => kern.mseLoss(px + 2, px, pl, 0, 1, 1, 1), /4-byte aligned/);
  assert.throws(() => kern.countCorrect(px, px, 2, 2, 0), /k = 0/);
  freeAll();
});

test.run();
