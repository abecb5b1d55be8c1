// Float64 references for assembly/softmax.ts: softmax and logSoftmax over rows [rows, cols], their backward passes,
// and the fused softmax cross-entropy (per-row loss and its gradient).

export function softmaxRef(x: ArrayLike<number>, rows: number, cols: number, log = false): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[r * cols + c] - m);
    for (let c = 0; c < cols; c++) {
      const v = x[r * cols + c] - m;
      y[r * cols + c] = log ? v - Math.log(s) : Math.exp(v) / s;
    }
  }
  return y;
}

/** dx for y = softmax(x) (log = false) or logSoftmax(x) (log = true), from x and dy. */
export function softmaxGradRef(x: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number, log = false): Float64Array {
  const p = softmaxRef(x, rows, cols);
  const dx = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let d = 0;
    for (let c = 0; c < cols; c++) d += log ? dy[r * cols + c] : dy[r * cols + c] * p[r * cols + c];
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      dx[i] = log ? dy[i] - p[i] * d : p[i] * (dy[i] - d);
    }
  }
  return dx;
}

/** Per-row −Σ t·log softmax(x) and its gradient gradScale·(Σt·softmax − t). */
export function softmaxCrossEntropyRef(x: ArrayLike<number>, t: ArrayLike<number>, rows: number, cols: number, gradScale: number):
  { loss: Float64Array; grad: Float64Array } {
  const lp = softmaxRef(x, rows, cols, true);
  const loss = new Float64Array(rows), grad = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let l = 0, ts = 0;
    for (let c = 0; c < cols; c++) { l -= t[r * cols + c] * lp[r * cols + c]; ts += t[r * cols + c]; }
    loss[r] = l;
    for (let c = 0; c < cols; c++) grad[r * cols + c] = gradScale * (ts * Math.exp(lp[r * cols + c]) - t[r * cols + c]);
  }
  return { loss, grad };
}
