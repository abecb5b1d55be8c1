// Softmax and log-softmax over the last axis of x: [rows, cols], their backward passes, and the fused
// softmax-cross-entropy (per-row loss and dLogits in one pass). Row sums in a fixed order (rows.ts).
import { expV, expS, logS } from './math';
import { maxRow, sumRow, dotRow, lanesSum, expShiftRow } from './reduce';

// Σ t[i]·(x[i] − m), fixed order.
function dotShiftRow(t: usize, x: usize, n: i32, m: f32): f32 {
  const vm = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { acc = f32x4.add(acc, f32x4.mul(v128.load(t), f32x4.sub(v128.load(x), vm))); t += 16; x += 16; }
  let s = lanesSum(acc);
  for (; i < n; i++) { s += load<f32>(t) * (load<f32>(x) - m); t += 4; x += 4; }
  return s;
}

// y[i] = x[i]·a + b for one row (vector + tail).
function affineRow(x: usize, y: usize, n: i32, a: f32, b: f32): void {
  const va = f32x4.splat(a), vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) { v128.store(y, f32x4.add(f32x4.mul(v128.load(x), va), vb)); x += 16; y += 16; }
  for (; i < n; i++) { store<f32>(y, load<f32>(x) * a + b); x += 4; y += 4; }
}

/** y = softmax(x) row by row. x, y: [rows, cols]; y may alias x. */
export function softmax(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const m = maxRow(x + off, cols);
    const s = expShiftRow(x + off, y + off, cols, m);
    affineRow(y + off, y + off, cols, 1 / s, 0);
  }
}

/** y = (x − max) − log Σ exp(x − max), row by row (x − max is exact, so large logits keep their precision). */
export function logSoftmax(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const m = maxRow(x + off, cols);
    const ls = logS(expShiftRow(x + off, y + off, cols, m)); // y used as scratch for the exps
    const vm = f32x4.splat(m), vls = f32x4.splat(ls);
    let px = x + off, py = y + off;
    let i = 0;
    for (; i + 4 <= cols; i += 4) { v128.store(py, f32x4.sub(f32x4.sub(v128.load(px), vm), vls)); px += 16; py += 16; }
    for (; i < cols; i++) { store<f32>(py, (load<f32>(px) - m) - ls); px += 4; py += 4; }
  }
}

/** dx = y·(dy − Σ dy·y) row by row, from y = softmax(x). */
export function softmaxGrad(y: usize, dy: usize, dx: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const d = dotRow(dy + off, y + off, cols);
    const vd = f32x4.splat(d);
    let py = y + off, pdy = dy + off, pdx = dx + off;
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      v128.store(pdx, f32x4.mul(v128.load(py), f32x4.sub(v128.load(pdy), vd)));
      py += 16; pdy += 16; pdx += 16;
    }
    for (; i < cols; i++) { store<f32>(pdx, load<f32>(py) * (load<f32>(pdy) - d)); py += 4; pdy += 4; pdx += 4; }
  }
}

/** dx = dy − exp(y)·Σ dy row by row, from y = logSoftmax(x). */
export function logSoftmaxGrad(y: usize, dy: usize, dx: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const s = sumRow(dy + off, cols);
    const vs = f32x4.splat(s);
    let py = y + off, pdy = dy + off, pdx = dx + off;
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      v128.store(pdx, f32x4.sub(v128.load(pdy), f32x4.mul(expV(v128.load(py)), vs)));
      py += 16; pdy += 16; pdx += 16;
    }
    for (; i < cols; i++) { store<f32>(pdx, load<f32>(pdy) - expS(load<f32>(py)) * s); py += 4; pdy += 4; pdx += 4; }
  }
}

/**
 * Fused softmax cross-entropy from logits. logits, target, dlogits: [rows, cols]; loss: [rows].
 * loss[r] = −Σ_c t·log softmax(x)_c; dlogits = gradScale·(softmax(x) − t)·Σ_c t (the gradient for any target
 * that sums to its row total; one-hot rows sum to 1). dlogits = 0 skips the gradient.
 */
export function softmaxCrossEntropy(logits: usize, target: usize, loss: usize, dlogits: usize,
                                    rows: i32, cols: i32, gradScale: f32, scratch: usize): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    const x = logits + off, t = target + off;
    const m = maxRow(x, cols);
    const p = dlogits ? dlogits + off : scratch;
    const s = expShiftRow(x, p, cols, m);
    // loss = Σ t·(log s − (x − m)): x − m is exact (0 for the max), so a confident row's small loss is not
    // swamped by the rounding of |x| (as lse − x would be)
    const tsum = sumRow(t, cols);
    store<f32>(loss + <usize>r * 4, tsum * logS(s) - dotShiftRow(t, x, cols, m));
    if (dlogits) {
      const a = gradScale * tsum / s;
      const vg = f32x4.splat(gradScale), va = f32x4.splat(a);
      let pp = p, pt = t;
      let i = 0;
      for (; i + 4 <= cols; i += 4) {
        v128.store(pp, f32x4.sub(f32x4.mul(v128.load(pp), va), f32x4.mul(v128.load(pt), vg)));
        pp += 16; pt += 16;
      }
      for (; i < cols; i++) { store<f32>(pp, load<f32>(pp) * a - load<f32>(pt) * gradScale); pp += 4; pt += 4; }
    }
  }
}
