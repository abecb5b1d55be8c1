// Float64 references for assembly/losses.ts (the specification): per-row loss [rows] and gradScale·dloss/dyPred
// [rows, cols] from t = yTrue and p = yPred (or logits x): [rows, cols], plain loops. Pass float32 parameters as such.
import { softmaxRef } from './softmax.js';

export interface LossGrad { loss: Float64Array; grad: Float64Array }

type Arr = ArrayLike<number>;

// A mean-over-cols loss from its per-element term f(t, p) and derivative df(t, p) w.r.t. p.
function meanLoss(t: Arr, p: Arr, rows: number, cols: number, gradScale: number,
  f: (t: number, p: number) => number, df: (t: number, p: number) => number): LossGrad {
  const loss = new Float64Array(rows), grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      s += f(t[i], p[i]);
      grad[i] = gradScale * df(t[i], p[i]) / cols;
    }
    loss[r] = s / cols;
  }
  return { loss, grad };
}

export function mseRef(t: Arr, p: Arr, rows: number, cols: number, gs: number): LossGrad {
  return meanLoss(t, p, rows, cols, gs, (t, p) => (p - t) ** 2, (t, p) => 2 * (p - t));
}

export function maeRef(t: Arr, p: Arr, rows: number, cols: number, gs: number): LossGrad {
  return meanLoss(t, p, rows, cols, gs, (t, p) => Math.abs(p - t), (t, p) => Math.sign(p - t));
}

export function huberRef(t: Arr, p: Arr, rows: number, cols: number, gs: number, delta: number): LossGrad {
  return meanLoss(t, p, rows, cols, gs,
    (t, p) => { const e = Math.abs(p - t); return e <= delta ? 0.5 * e * e : delta * (e - 0.5 * delta); },
    (t, p) => Math.min(Math.max(p - t, -delta), delta));
}

/** Labels ±1, with 0 read as −1. */
export function hingeRef(t: Arr, p: Arr, rows: number, cols: number, gs: number): LossGrad {
  const lab = (t: number) => (t === 0 ? -1 : t);
  return meanLoss(t, p, rows, cols, gs,
    (t, p) => Math.max(0, 1 - lab(t) * p),
    (t, p) => (1 - lab(t) * p > 0 ? -lab(t) : 0));
}

/** q = clamp(p, eps, 1 − eps) with 1 − eps rounded to float32 (as the kernel); no gradient where p was clipped. */
export function bceRef(t: Arr, p: Arr, rows: number, cols: number, gs: number, eps: number): LossGrad {
  const lo = eps, hi = Math.fround(1 - eps);
  const q = (p: number) => Math.min(Math.max(p, lo), hi);
  return meanLoss(t, p, rows, cols, gs,
    (t, p) => -(t * Math.log(q(p)) + (1 - t) * Math.log(1 - q(p))),
    (t, p) => (p >= lo && p <= hi ? (p - t) / (p * (1 - p)) : 0));
}

export function bceLogitsRef(t: Arr, x: Arr, rows: number, cols: number, gs: number): LossGrad {
  return meanLoss(t, x, rows, cols, gs,
    (t, x) => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x))),
    (t, x) => 1 / (1 + Math.exp(-x)) - t);
}

/**
 * Keras' categorical cross-entropy of probabilities: q = p/Σp per row, loss = −Σ t·log clamp(q, eps, 1 − eps) (no
 * mean); gradient through the clamp (0 outside [eps, 1 − eps]) and the renormalisation.
 */
export function crossEntropyProbRef(t: Arr, p: Arr, rows: number, cols: number, gs: number, eps: number): LossGrad {
  const loss = new Float64Array(rows), grad = new Float64Array(rows * cols);
  const hi = Math.fround(1 - eps);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += p[r * cols + c];
    let l = 0;
    const a = new Float64Array(cols), q = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      q[c] = p[i] / sum;
      l -= t[i] * Math.log(Math.min(Math.max(q[c], eps), hi));
      a[c] = q[c] >= eps && q[c] <= hi ? -t[i] / q[c] : 0; // dloss/dq
    }
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += a[c] * q[c];
    for (let c = 0; c < cols; c++) grad[r * cols + c] = gs * (a[c] - dot) / sum; // dq_c/dp_j = (δ_cj − q_c)/sum
    loss[r] = l;
  }
  return { loss, grad };
}

/** First index of the largest value (a NaN counts as largest). */
export function argMaxRef(x: Arr, off: number, n: number): number {
  let bi = 0, m = x[off];
  if (Number.isNaN(m)) return 0;
  for (let c = 1; c < n; c++) {
    const v = x[off + c];
    if (Number.isNaN(v)) return c;
    if (v > m) { m = v; bi = c; }
  }
  return bi;
}

export function categoricalHingeRef(t: Arr, p: Arr, rows: number, cols: number, gs: number): LossGrad {
  const loss = new Float64Array(rows), grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let pos = 0, neg = -Infinity, cn = 0;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      pos += t[i] * p[i];
      const v = (1 - t[i]) * p[i];
      if (v > neg) { neg = v; cn = c; }
    }
    const l = Math.max(0, neg - pos + 1);
    loss[r] = l;
    if (l > 0) {
      for (let c = 0; c < cols; c++) grad[r * cols + c] = -gs * t[r * cols + c];
      grad[r * cols + cn] += gs * (1 - t[r * cols + cn]);
    }
  }
  return { loss, grad };
}

/** labels: class per row; loss = −log softmax(x)[label]; grad = gs·(softmax − onehot). */
export function sparseSoftmaxCrossEntropyRef(x: Arr, labels: Arr, rows: number, cols: number, gs: number): LossGrad {
  const lp = softmaxRef(x, rows, cols, true);
  const loss = new Float64Array(rows), grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    loss[r] = -lp[r * cols + labels[r]];
    for (let c = 0; c < cols; c++) grad[r * cols + c] = gs * (Math.exp(lp[r * cols + c]) - (c === labels[r] ? 1 : 0));
  }
  return { loss, grad };
}

/** w = classW[argmax t]·pairW[argmax t, argmax x] (a constant): loss = w·CE, grad = w·gs·(Σt·softmax − t). */
export function weightedSoftmaxCrossEntropyRef(x: Arr, t: Arr, classW: Arr, pairW: Arr, rows: number, cols: number, gs: number): LossGrad {
  const lp = softmaxRef(x, rows, cols, true);
  const loss = new Float64Array(rows), grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const ct = argMaxRef(t, r * cols, cols), cx = argMaxRef(x, r * cols, cols);
    const w = classW[ct] * pairW[ct * cols + cx];
    let ce = 0, ts = 0;
    for (let c = 0; c < cols; c++) { ce -= t[r * cols + c] * lp[r * cols + c]; ts += t[r * cols + c]; }
    loss[r] = w * ce;
    for (let c = 0; c < cols; c++) grad[r * cols + c] = w * gs * (ts * Math.exp(lp[r * cols + c]) - t[r * cols + c]);
  }
  return { loss, grad };
}

/**
 * 1 − t·p/(A·B), A = max(|t|, 1e-12), B = max(|p|, 1e-12). dL/dp = −t/(A·B) + (t·p)·p/(A·B³) where |p| > 1e-12,
 * −t/(A·B) where |p| ≤ 1e-12 (B constant).
 */
export function cosineProximityRef(t: Arr, p: Arr, rows: number, cols: number, gs: number): LossGrad {
  const loss = new Float64Array(rows), grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let tt = 0, pp = 0, tp = 0;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      tt += t[i] * t[i]; pp += p[i] * p[i]; tp += t[i] * p[i];
    }
    const np = Math.sqrt(pp), A = Math.max(Math.sqrt(tt), 1e-12), B = Math.max(np, 1e-12);
    loss[r] = 1 - tp / (A * B);
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      grad[i] = gs * (-t[i] / (A * B) + (np > 1e-12 ? tp * p[i] / (A * B * B * B) : 0));
    }
  }
  return { loss, grad };
}

/** loss and d after clipLoss: rows with loss outside [lo, hi] are clamped and their gradient row zeroed. */
export function clipLossRef(loss: Arr, d: Arr | null, rows: number, cols: number, lo: number, hi: number): { loss: Float64Array; d: Float64Array | null } {
  const l = Float64Array.from(loss), g = d ? Float64Array.from(d) : null;
  for (let r = 0; r < rows; r++) {
    if (l[r] < lo || l[r] > hi) {
      l[r] = l[r] < lo ? lo : hi;
      if (g) g.fill(0, r * cols, (r + 1) * cols);
    }
  }
  return { loss: l, d: g };
}

export function scaleRowsRef(x: Arr, w: Arr, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] * w[r];
  return y;
}

/** Rows whose true class has fewer than k scores strictly above its own (a NaN true score never counts). */
export function countCorrectRef(p: Arr, trueClass: (r: number) => number, rows: number, cols: number, k: number): number {
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const c = trueClass(r), pc = p[r * cols + c];
    if (Number.isNaN(pc)) continue;
    let above = 0;
    for (let j = 0; j < cols; j++) if (p[r * cols + j] > pc) above++;
    // k = 1: Keras' accuracy, the first arg-max (an equal score before the true class wins); k > 1: ties count (in_top_k)
    if (k === 1) for (let j = 0; j < c; j++) if (p[r * cols + j] === pc) above++;
    if (above < k) n++;
  }
  return n;
}
