// Float64 references for assembly/batchnorm.ts: x viewed as [M, C], statistics per channel over the M rows.
// Training: mean, biased variance, invStd = 1/sqrt(var + eps), y = gamma·(x − mean)·invStd + beta; running statistics
// momentum·running + (1 − momentum)·batch with the biased batch variance (Keras 3, TensorFlow.js); backward from x.

export interface BatchNormRef { y: Float64Array; mean: Float64Array; variance: Float64Array; invStd: Float64Array }

export function batchNormTrainRef(x: ArrayLike<number>, M: number, C: number, gamma: ArrayLike<number>, beta: ArrayLike<number>,
  eps: number): BatchNormRef {
  const mean = new Float64Array(C), variance = new Float64Array(C), invStd = new Float64Array(C), y = new Float64Array(M * C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let m = 0; m < M; m++) s += x[m * C + c];
    mean[c] = s / M;
    let q = 0;
    for (let m = 0; m < M; m++) q += (x[m * C + c] - mean[c]) ** 2;
    variance[c] = q / M;
    invStd[c] = 1 / Math.sqrt(variance[c] + eps);
    for (let m = 0; m < M; m++) y[m * C + c] = gamma[c] * (x[m * C + c] - mean[c]) * invStd[c] + beta[c];
  }
  return { y, mean, variance, invStd };
}

/** The running statistics after one training step (variance: the biased batch variance, as Keras 3). */
export function batchNormRunningRef(runMean: ArrayLike<number>, runVar: ArrayLike<number>, mean: ArrayLike<number>,
  variance: ArrayLike<number>, momentum: number): { mean: Float64Array; variance: Float64Array } {
  return {
    mean: Float64Array.from(runMean, (r, c) => momentum * r + (1 - momentum) * mean[c]),
    variance: Float64Array.from(runVar, (r, c) => momentum * r + (1 - momentum) * variance[c]),
  };
}

export function batchNormInferRef(x: ArrayLike<number>, M: number, C: number, gamma: ArrayLike<number>, beta: ArrayLike<number>,
  runMean: ArrayLike<number>, runVar: ArrayLike<number>, eps: number): Float64Array {
  const y = new Float64Array(M * C);
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) {
    y[m * C + c] = gamma[c] * (x[m * C + c] - runMean[c]) / Math.sqrt(runVar[c] + eps) + beta[c];
  }
  return y;
}

/**
 * Backward of the training forward, from x (statistics recomputed in float64): dbeta = Σdy, dgamma = Σdy·xhat,
 * dx = gamma·invStd·(dy − dbeta/M − xhat·dgamma/M).
 */
export function batchNormGradRef(x: ArrayLike<number>, dy: ArrayLike<number>, M: number, C: number, gamma: ArrayLike<number>,
  eps: number): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const { mean, invStd } = batchNormTrainRef(x, M, C, gamma, new Float64Array(C), eps);
  const dx = new Float64Array(M * C), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let g = 0, h = 0;
    for (let m = 0; m < M; m++) {
      const i = m * C + c;
      g += dy[i]; h += dy[i] * (x[i] - mean[c]) * invStd[c];
    }
    dbeta[c] = g; dgamma[c] = h;
    const k = gamma[c] * invStd[c];
    for (let m = 0; m < M; m++) {
      const i = m * C + c, xh = (x[i] - mean[c]) * invStd[c];
      dx[i] = k * (dy[i] - g / M - xh * h / M);
    }
  }
  return { dx, dgamma, dbeta };
}
