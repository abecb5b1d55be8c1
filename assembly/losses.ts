// Loss kernels: per-row loss and its gradient dLoss/dyPred in one pass, plus loss clipping, row weights and top-k
// counting. Not the reductions over the batch (TypeScript sums the per-row losses). Row sums in a fixed order.
//
// Every loss takes t = yTrue: [rows, cols] (or labels: i32 [rows]), p = yPred (or x = logits): [rows, cols],
// loss: [rows] (written), d: [rows, cols] (overwritten; d = 0 skips the gradient), and gradScale, which multiplies
// every gradient element (1/N for a batch mean). Mean losses divide by cols; cross-entropies and hinges per row do not.
import { expV, expS, logV, log1pV, logS } from './math';
import { maxRow, dotRow, lanesSum, expShiftRow } from './reduce';
import { softmaxCrossEntropy } from './softmax';
import { scale, mul, fill } from './elementwise';

const MSE: i32 = 0, MAE: i32 = 1, HUBER: i32 = 2, HINGE: i32 = 3, BCE: i32 = 4, BCE_LOGITS: i32 = 5;
const FLT_MIN: f32 = 1.17549435e-38;
const COS_EPS: f64 = 1e-12;

// One vector at ptr, or with tail the one float at ptr in every lane (so tails run the vector formula: same bits).
// @ts-ignore: decorator
@inline function ld(ptr: usize, tail: bool): v128 { return tail ? f32x4.splat(load<f32>(ptr)) : v128.load(ptr); }
// @ts-ignore: decorator
@inline function st(ptr: usize, v: v128, tail: bool): void {
  if (tail) store<f32>(ptr, f32x4.extract_lane(v, 0)); else v128.store(ptr, v);
}

// One vector of an elementwise loss: returns the per-element terms (summed by the caller) and, when hasD, stores the
// gradient at d. k: the gradient factor (see rowLosses); a, b: the loss's parameters.
//   MSE         e², k·e                                         (k = 2·gradScale/cols)
//   MAE         |e|, k·sign(e)                                  (e = p − t; sign(0) = 0)
//   HUBER       ½e² if |e| ≤ a else a·(|e| − b), k·clamp(e, −a, a)       (a = delta, b = delta/2)
//   HINGE       max(0, m), −k·t where m > 0                     (m = 1 − t·p, t = 0 read as −1)
//   BCE         −(t·log q + (1 − t)·log(1 − q)), k·(q − t)/(q(1 − q)) where a ≤ p ≤ b   (q = clamp(p, a, b))
//   BCE_LOGITS  max(x, 0) − x·t + log1p(e^−|x|), k·(sigmoid(x) − t)
// @ts-ignore: decorator
@inline function termAt(kind: i32, t: usize, p: usize, d: usize, tail: bool, hasD: bool, k: v128, a: v128, b: v128): v128 {
  const vt = ld(t, tail), vp = ld(p, tail);
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  let l = zero, g = zero;
  if (kind == MSE) {
    const e = f32x4.sub(vp, vt);
    l = f32x4.mul(e, e);
    g = f32x4.mul(e, k);
  } else if (kind == MAE) {
    const e = f32x4.sub(vp, vt);
    l = f32x4.abs(e);
    g = v128.or(v128.and(k, f32x4.gt(e, zero)), v128.and(f32x4.neg(k), f32x4.lt(e, zero)));
  } else if (kind == HUBER) {
    const e = f32x4.sub(vp, vt), ae = f32x4.abs(e);
    const quad = f32x4.mul(f32x4.mul(e, e), f32x4.splat(0.5));
    l = v128.bitselect(quad, f32x4.mul(a, f32x4.sub(ae, b)), f32x4.le(ae, a));
    g = f32x4.mul(k, f32x4.min(f32x4.max(e, f32x4.neg(a)), a));
  } else if (kind == HINGE) {
    const ts = v128.bitselect(f32x4.splat(-1), vt, f32x4.eq(vt, zero));
    const m = f32x4.sub(one, f32x4.mul(ts, vp));
    l = f32x4.max(m, zero);
    g = v128.and(f32x4.mul(ts, f32x4.neg(k)), f32x4.gt(m, zero));
  } else if (kind == BCE) {
    const q = f32x4.min(f32x4.max(vp, a), b);
    const q1 = f32x4.sub(one, q); // exact for q ≥ ½
    l = f32x4.neg(f32x4.add(f32x4.mul(vt, logV(q)), f32x4.mul(f32x4.sub(one, vt), logV(q1))));
    const inside = v128.and(f32x4.ge(vp, a), f32x4.le(vp, b));
    g = v128.and(f32x4.div(f32x4.mul(k, f32x4.sub(q, vt)), f32x4.mul(q, q1)), inside);
  } else { // BCE_LOGITS
    const e = expV(f32x4.neg(f32x4.abs(vp))); // in (0, 1]: the one exp serves loss and sigmoid
    l = f32x4.add(f32x4.sub(f32x4.max(vp, zero), f32x4.mul(vp, vt)), log1pV(e));
    const r = f32x4.div(one, f32x4.add(one, e));
    let s = v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(vp, zero)); // sigmoid(x) = 1/(1 + e) or e/(1 + e)
    s = v128.andnot(s, f32x4.lt(s, f32x4.splat(FLT_MIN)));            // flushed like math.ts's sigmoid
    g = f32x4.mul(k, f32x4.sub(s, vt));
  }
  if (hasD) st(d, g, tail);
  return l;
}

// loss[r] = (Σ_c term) / div; d = gradient (when d ≠ 0). Terms: lanes accumulate in order, then (l0 + l1) + (l2 + l3),
// then the tail, as rows.ts.
// @ts-ignore: decorator
@inline function rowLosses(kind: i32, t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32,
                           k: f32, div: f32, a: f32, b: f32): void {
  const hasD = d != 0;
  const vk = f32x4.splat(k), va = f32x4.splat(a), vb = f32x4.splat(b);
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    let pt = t + off, pp = p + off, pd = d + off; // pd unused without d
    let acc = f32x4.splat(0);
    let i = 0; // not unrolled: rows are short (a class count), and the page's module stays small
    for (; i + 4 <= cols; i += 4) {
      acc = f32x4.add(acc, termAt(kind, pt, pp, pd, false, hasD, vk, va, vb));
      pt += 16; pp += 16; pd += 16;
    }
    let s = lanesSum(acc);
    for (; i < cols; i++) {
      s += f32x4.extract_lane(termAt(kind, pt, pp, pd, true, hasD, vk, va, vb), 0);
      pt += 4; pp += 4; pd += 4;
    }
    store<f32>(loss + <usize>r * 4, s / div);
  }
}

/** Mean squared error: loss = (1/cols)·Σ (p − t)²; d = gradScale·2(p − t)/cols. */
export function mseLoss(t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32): void {
  rowLosses(MSE, t, p, loss, d, rows, cols, 2 * gradScale / <f32>cols, <f32>cols, 0, 0);
}

/** Mean absolute error: loss = (1/cols)·Σ |p − t|; d = gradScale·sign(p − t)/cols, 0 where p == t. */
export function maeLoss(t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32): void {
  rowLosses(MAE, t, p, loss, d, rows, cols, gradScale / <f32>cols, <f32>cols, 0, 0);
}

/** Huber: e = p − t; ½e² where |e| ≤ delta, else delta·(|e| − ½delta), mean over cols; d = gradScale·clamp(e, ±delta)/cols. */
export function huberLoss(t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32, delta: f32): void {
  rowLosses(HUBER, t, p, loss, d, rows, cols, gradScale / <f32>cols, <f32>cols, delta, delta * 0.5);
}

/** Hinge, labels ±1 (0 read as −1, as Keras): loss = (1/cols)·Σ max(0, 1 − t·p); d = −t·gradScale/cols where 1 − t·p > 0. */
export function hingeLoss(t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32): void {
  rowLosses(HINGE, t, p, loss, d, rows, cols, gradScale / <f32>cols, <f32>cols, 0, 0);
}

/**
 * Binary cross-entropy of probabilities, q = clamp(p, eps, 1 − eps) (1 − eps rounded to float32):
 * loss = −(1/cols)·Σ [t·log q + (1 − t)·log(1 − q)]; d = gradScale·(q − t)/(q(1 − q))/cols, 0 where p was clipped
 * (p at a bound exactly keeps its gradient).
 */
export function binaryCrossEntropyLoss(t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32, eps: f32): void {
  rowLosses(BCE, t, p, loss, d, rows, cols, gradScale / <f32>cols, <f32>cols, eps, 1 - eps);
}

/**
 * Binary cross-entropy from logits x, stable for any |x|: loss = (1/cols)·Σ [max(x, 0) − x·t + log1p(e^−|x|)];
 * d = gradScale·(sigmoid(x) − t)/cols.
 */
export function binaryCrossEntropyLogitsLoss(t: usize, x: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32): void {
  rowLosses(BCE_LOGITS, t, x, loss, d, rows, cols, gradScale / <f32>cols, <f32>cols, 0, 0);
}

/**
 * Categorical cross-entropy of probabilities as Keras: each row renormalised, q = p/s with s = Σp (float64, in order),
 * then clamped to [eps, 1 − eps] (float32 bounds): loss = −Σ t·log clamp(q) (no mean). Gradient through both:
 * a_j = −t_j/q_j where eps ≤ q_j ≤ 1 − eps (else 0, as a clip's gradient), d_j = gradScale·(a_j − Σ_k a_k·q_k)/s.
 * Float64 inside a row, our log; a row summing to 0 gives NaN, as Keras.
 */
export function crossEntropyProbLoss(t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32, eps: f32): void {
  const lo = <f64>eps, hi = <f64>(<f32>1 - eps), gs = <f64>gradScale;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * <usize>cols * 4;
    const tr = t + off, pr = p + off;
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) s += <f64>load<f32>(pr + <usize>j * 4);
    let l: f64 = 0, dot: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const q = <f64>load<f32>(pr + <usize>j * 4) / s, tj = <f64>load<f32>(tr + <usize>j * 4);
      const qc = q < lo ? lo : q > hi ? hi : q; // NaN stays NaN
      l -= tj * <f64>logS(<f32>qc);
      if (q >= lo && q <= hi) dot -= tj; // a_j·q_j = −t_j inside the range
    }
    store<f32>(loss + <usize>r * 4, <f32>l);
    if (d != 0) {
      const dr = d + off;
      for (let j = 0; j < cols; j++) {
        const q = <f64>load<f32>(pr + <usize>j * 4) / s, tj = <f64>load<f32>(tr + <usize>j * 4);
        const a = q >= lo && q <= hi ? -tj / q : 0;
        store<f32>(dr + <usize>j * 4, <f32>(gs * (a - dot) / s));
      }
    }
  }
}

// The first index of max x[0..n), a NaN counting as the largest (as reduce.ts's argMax).
function argMaxRow(x: usize, n: i32): i32 {
  const m = maxRow(x, n); // NaN when any element is NaN
  let i = 0;
  for (; i < n - 1; i++) {
    const v = load<f32>(x + <usize>i * 4);
    if (v == m || v != v) break;
  }
  return i;
}

// max_c (1 − t_c)·p_c over one row, fixed order; NaN if any product is NaN.
function negMaxRow(t: usize, p: usize, n: i32): f32 {
  let m: f32 = -Infinity;
  let i = 0;
  if (n >= 4) {
    const one = f32x4.splat(1);
    let acc = f32x4.mul(f32x4.sub(one, v128.load(t)), v128.load(p));
    t += 16; p += 16; i = 4;
    for (; i + 4 <= n; i += 4) { acc = f32x4.max(acc, f32x4.mul(f32x4.sub(one, v128.load(t)), v128.load(p))); t += 16; p += 16; }
    m = max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  }
  for (; i < n; i++) { m = max(m, (<f32>1 - load<f32>(t)) * load<f32>(p)); t += 4; p += 4; }
  return m;
}

/**
 * Categorical hinge: pos = Σ t·p, neg = max_c (1 − t)·p, loss = max(0, neg − pos + 1). Where loss > 0,
 * d = −gradScale·t plus gradScale·(1 − t_c) at the first c holding neg; d = 0 where loss ≤ 0.
 */
export function categoricalHingeLoss(t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const pt = t + off, pp = p + off;
    const pos = dotRow(pt, pp, cols);
    const neg = negMaxRow(pt, pp, cols);
    const l = max<f32>(0, neg - pos + 1);
    store<f32>(loss + <usize>r * 4, l);
    if (!d) continue;
    const pd = d + off;
    if (!(l > 0)) { fill(pd, 0, cols); continue; }
    scale(pt, -gradScale, pd, cols);
    // the first column holding neg (the same float32 products as negMaxRow, so equality is exact)
    let c = 0;
    for (; c < cols - 1; c++) {
      const v = (<f32>1 - load<f32>(pt + <usize>c * 4)) * load<f32>(pp + <usize>c * 4);
      if (v == neg || v != v) break;
    }
    const tc = load<f32>(pt + <usize>c * 4);
    store<f32>(pd + <usize>c * 4, gradScale * (1 - tc) - gradScale * tc);
  }
}

/**
 * Softmax cross-entropy with class labels: labels i32 [rows] (valid indices: TypeScript checks), x logits [rows, cols].
 * loss = log Σ exp(x − m) − (x_label − m) (m = row max); d = gradScale·(softmax(x) − onehot(label)).
 * scratch: [cols] floats, used when d = 0.
 */
export function sparseSoftmaxCrossEntropy(x: usize, labels: usize, loss: usize, d: usize, rows: i32, cols: i32,
                                          gradScale: f32, scratch: usize): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const px = x + off;
    const label = <usize>load<i32>(labels + <usize>r * 4);
    const m = maxRow(px, cols);
    const e = d ? d + off : scratch;
    const s = expShiftRow(px, e, cols, m);
    store<f32>(loss + <usize>r * 4, logS(s) - (load<f32>(px + label * 4) - m));
    if (d) {
      const a = gradScale / s;
      const el = load<f32>(e + label * 4);
      scale(e, a, e, cols);
      store<f32>(e + label * 4, el * a - gradScale);
    }
  }
}

/**
 * Softmax cross-entropy weighted per row: x logits, t targets: [rows, cols]; classW: [cols]; pairW: [cols, cols]
 * (row = true class, column = predicted class). w = classW[argmax t]·pairW[argmax t, argmax x] (first maxima),
 * a constant for the gradient: loss = w·CE (CE as softmaxCrossEntropy), d = w·gradScale·(Σt·softmax(x) − t).
 * scratch: [cols] floats, used when d = 0.
 */
export function weightedSoftmaxCrossEntropy(x: usize, t: usize, classW: usize, pairW: usize, loss: usize, d: usize,
                                            rows: i32, cols: i32, gradScale: f32, scratch: usize): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const ct = argMaxRow(t + off, cols), cx = argMaxRow(x + off, cols);
    const w = load<f32>(classW + <usize>ct * 4) * load<f32>(pairW + <usize>(ct * cols + cx) * 4);
    const pl = loss + <usize>r * 4;
    softmaxCrossEntropy(x + off, t + off, pl, d ? d + off : 0, 1, cols, w * gradScale, scratch);
    store<f32>(pl, w * load<f32>(pl));
  }
}

// Σ a[i]·b[i], i < n, in float64 lanes (each product exact), fixed order as sumRowF64.
function dotRowF64(a: usize, b: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const va = v128.load(a), vb = v128.load(b);
    lo = f64x2.add(lo, f64x2.mul(f64x2.promote_low_f32x4(va), f64x2.promote_low_f32x4(vb)));
    hi = f64x2.add(hi, f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(va, va, 2, 3, 2, 3)),
                                 f64x2.promote_low_f32x4(v128.shuffle<f32>(vb, vb, 2, 3, 2, 3))));
    a += 16; b += 16;
  }
  const s2 = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  for (; i < n; i++) { s += <f64>load<f32>(a) * <f64>load<f32>(b); a += 4; b += 4; }
  return s;
}

/**
 * Cosine proximity: A = max(|t|, 1e-12), B = max(|p|, 1e-12), loss = 1 − t·p/(A·B) (norms and dot in float64).
 * Gradient w.r.t. p: where |p| > 1e-12, dL/dp = −t/(A·B) + (t·p)·p/(A·B³); where |p| ≤ 1e-12, B is the constant
 * 1e-12 and dL/dp = −t/(A·B). d = gradScale·dL/dp.
 */
export function cosineProximityLoss(t: usize, p: usize, loss: usize, d: usize, rows: i32, cols: i32, gradScale: f32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const pt = t + off, pp = p + off;
    const tp = dotRowF64(pt, pp, cols);
    const np = f64.sqrt(dotRowF64(pp, pp, cols));
    const A = max(f64.sqrt(dotRowF64(pt, pt, cols)), COS_EPS), B = max(np, COS_EPS);
    const AB = A * B;
    store<f32>(loss + <usize>r * 4, <f32>(1 - tp / AB));
    if (!d) continue;
    const ct = <f32>(-<f64>gradScale / AB);
    const cp = np > COS_EPS ? <f32>(<f64>gradScale * tp / (AB * B * B)) : <f32>0;
    const vct = f32x4.splat(ct), vcp = f32x4.splat(cp);
    let qt = pt, qp = pp, qd = d + off;
    let i = 0;
    for (; i + 16 <= cols; i += 16) {
      v128.store(qd, f32x4.add(f32x4.mul(vct, v128.load(qt)), f32x4.mul(vcp, v128.load(qp))));
      v128.store(qd, f32x4.add(f32x4.mul(vct, v128.load(qt, 16)), f32x4.mul(vcp, v128.load(qp, 16))), 16);
      v128.store(qd, f32x4.add(f32x4.mul(vct, v128.load(qt, 32)), f32x4.mul(vcp, v128.load(qp, 32))), 32);
      v128.store(qd, f32x4.add(f32x4.mul(vct, v128.load(qt, 48)), f32x4.mul(vcp, v128.load(qp, 48))), 48);
      qt += 64; qp += 64; qd += 64;
    }
    for (; i + 4 <= cols; i += 4) {
      v128.store(qd, f32x4.add(f32x4.mul(vct, v128.load(qt)), f32x4.mul(vcp, v128.load(qp))));
      qt += 16; qp += 16; qd += 16;
    }
    for (; i < cols; i++) { store<f32>(qd, ct * load<f32>(qt) + cp * load<f32>(qp)); qt += 4; qp += 4; qd += 4; }
  }
}

/**
 * Clips the per-row loss: loss: [rows], d: [rows, cols] (or 0). Where loss[r] < lo or > hi, loss[r] is clamped into
 * [lo, hi] and row r of d is set to 0; rows inside or exactly at a bound (and NaN rows) are left alone.
 */
export function clipLoss(loss: usize, d: usize, rows: i32, cols: i32, lo: f32, hi: f32): void {
  for (let r = 0; r < rows; r++) {
    const pl = loss + <usize>r * 4;
    const l = load<f32>(pl);
    if (l < lo || l > hi) {
      store<f32>(pl, l < lo ? lo : hi);
      if (d) fill(d + <usize>(r * cols) * 4, 0, cols);
    }
  }
}

/** x[r, c] *= w[r] in place. x: [rows, cols]; w: [rows] (per-sample or class weights; cols = 1 for a loss vector). */
export function scaleRows(x: usize, w: usize, rows: i32, cols: i32): void {
  if (cols == 1) { mul(x, w, x, rows); return; }
  for (let r = 0; r < rows; r++) {
    const px = x + <usize>(r * cols) * 4;
    scale(px, load<f32>(w + <usize>r * 4), px, cols);
  }
}

// 1 when fewer than k entries of p[0..n) are strictly greater than p[c] (a NaN p[c] is never correct).
function inTopK(p: usize, n: i32, c: i32, k: i32): i32 {
  const pc = load<f32>(p + <usize>c * 4);
  if (pc != pc) return 0;
  // k = 1 is accuracy as Keras counts it: the first arg-max must be the true class (an equal score before it wins)
  if (k == 1) for (let j = 0; j < c; j++) if (load<f32>(p + <usize>j * 4) == pc) return 0;
  const vpc = f32x4.splat(pc);
  let cnt = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { cnt = i32x4.sub(cnt, f32x4.gt(v128.load(p), vpc)); p += 16; } // true lanes are −1
  let above = (i32x4.extract_lane(cnt, 0) + i32x4.extract_lane(cnt, 1)) + (i32x4.extract_lane(cnt, 2) + i32x4.extract_lane(cnt, 3));
  for (; i < n; i++) { if (load<f32>(p) > pc) above++; p += 4; }
  return above < k ? 1 : 0;
}

/**
 * Top-k correct rows: p, t: [rows, cols]. Row r counts when fewer than k entries of p[r] are strictly greater than
 * p at the true class (the first argmax of t[r]): for k > 1 ties with the true class count as correct (TensorFlow's
 * in_top_k); k = 1 is Keras' accuracy, the first arg-max of p[r] against the true class (an equal score at a lower
 * index wins). A NaN score at the true class never counts.
 */
export function countCorrect(p: usize, t: usize, rows: i32, cols: i32, k: i32): i32 {
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    n += inTopK(p + off, cols, argMaxRow(t + off, cols), k);
  }
  return n;
}

/** countCorrect with labels: i32 [rows] (valid class indices). */
export function countCorrectSparse(p: usize, labels: usize, rows: i32, cols: i32, k: i32): i32 {
  let n = 0;
  for (let r = 0; r < rows; r++) n += inTopK(p + <usize>(r * cols) * 4, cols, load<i32>(labels + <usize>r * 4), k);
  return n;
}
