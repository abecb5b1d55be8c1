// The kernel module's exports as TypeScript sees them: offsets (byte addresses) and sizes in, nothing out but numbers.
// scripts/build.mjs checks this list against the built module (every name, and each function's parameter count).

type Ptr = number;

export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  isDebugBuild(): number;
  gemmWorkspaceBytes(): number;
  gemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number,
    a: Ptr, lda: number, b: Ptr, ldb: number, beta: number, c: Ptr, ldc: number, work: Ptr, bias: Ptr): void;
  add(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  sub(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  mul(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  addRows(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  subRows(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  mulRows(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  scale(x: Ptr, alpha: number, out: Ptr, n: number): void;
  axpy(alpha: number, x: Ptr, y: Ptr, n: number): void;
  biasAdd(x: Ptr, bias: Ptr, out: Ptr, rows: number, cols: number): void;
  fill(out: Ptr, value: number, n: number): void;
  copy(src: Ptr, dst: Ptr, n: number): void;
  gatherRows(src: Ptr, idx: Ptr, dst: Ptr, rows: number, cols: number): void;
  relu(x: Ptr, y: Ptr, n: number): void;
  reluGrad(x: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  leakyRelu(x: Ptr, y: Ptr, n: number, alpha: number): void;
  leakyReluGrad(x: Ptr, dy: Ptr, dx: Ptr, n: number, alpha: number): void;
  elu(x: Ptr, y: Ptr, n: number, alpha: number): void;
  eluGrad(x: Ptr, y: Ptr, dy: Ptr, dx: Ptr, n: number, alpha: number): void;
  sigmoid(x: Ptr, y: Ptr, n: number): void;
  sigmoidGrad(y: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  tanh(x: Ptr, y: Ptr, n: number): void;
  tanhGrad(y: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  softplus(x: Ptr, y: Ptr, n: number): void;
  softplusGrad(x: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  reduceSum(x: Ptr, out: Ptr, outer: number, n: number, inner: number, accumulate: number): void;
  reduceMax(x: Ptr, out: Ptr, outer: number, n: number, inner: number): void;
  argMax(x: Ptr, out: Ptr, outer: number, n: number, inner: number): void;
  softmax(x: Ptr, y: Ptr, rows: number, cols: number): void;
  logSoftmax(x: Ptr, y: Ptr, rows: number, cols: number): void;
  softmaxGrad(y: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number): void;
  logSoftmaxGrad(y: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number): void;
  softmaxCrossEntropy(logits: Ptr, target: Ptr, loss: Ptr, dlogits: Ptr, rows: number, cols: number,
    gradScale: number, scratch: Ptr): void;
  mseLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void;
  maeLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void;
  huberLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number, delta: number): void;
  hingeLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void;
  categoricalHingeLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void;
  binaryCrossEntropyLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number, eps: number): void;
  binaryCrossEntropyLogitsLoss(t: Ptr, x: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void;
  crossEntropyProbLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number, eps: number): void;
  sparseSoftmaxCrossEntropy(x: Ptr, labels: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number,
    scratch: Ptr): void;
  weightedSoftmaxCrossEntropy(x: Ptr, t: Ptr, classW: Ptr, pairW: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number,
    gradScale: number, scratch: Ptr): void;
  cosineProximityLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void;
  clipLoss(loss: Ptr, d: Ptr, rows: number, cols: number, lo: number, hi: number): void;
  scaleRows(x: Ptr, w: Ptr, rows: number, cols: number): void;
  countCorrect(p: Ptr, t: Ptr, rows: number, cols: number, k: number): number;
  countCorrectSparse(p: Ptr, labels: Ptr, rows: number, cols: number, k: number): number;
  sgdUpdate(w: Ptr, g: Ptr, n: number, lr: number): void;
  momentumUpdate(w: Ptr, g: Ptr, v: Ptr, n: number, lr: number, mu: number, nesterov: number): void;
  adagradUpdate(w: Ptr, g: Ptr, acc: Ptr, n: number, lr: number, eps: number, epsInside: number): void;
  rmspropUpdate(w: Ptr, g: Ptr, ms: Ptr, n: number, lr: number, rho: number, eps: number, epsInside: number): void;
  adamUpdate(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, b1: number, b2: number, eps: number,
    c1: number, c2: number, wd: number): void;
  nadamUpdate(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, b1: number, b2: number, eps: number,
    cm: number, cg: number, c2: number): void;
  clipByValue(g: Ptr, n: number, c: number): void;
  sumSquares(x: Ptr, n: number): number;
  regularize(w: Ptr, g: Ptr, n: number, l1: number, l2: number): number;
  allFinite(x: Ptr, n: number): number;
  mathExp(x: Ptr, y: Ptr, n: number): void;
  mathLog(x: Ptr, y: Ptr, n: number): void;
  mathTanh(x: Ptr, y: Ptr, n: number): void;
  mathSigmoid(x: Ptr, y: Ptr, n: number): void;
  mathSoftplus(x: Ptr, y: Ptr, n: number): void;
  mathExpm1(x: Ptr, y: Ptr, n: number): void;
  conv2dWorkspaceBytes(N: number, H: number, W: number, Cin: number, Cout: number, kh: number, kw: number,
    strH: number, strW: number, dilH: number, dilW: number, padT: number, padB: number, padL: number, padR: number): number;
  im2col(x: Ptr, col: Ptr, q0: number, P: number, H: number, W: number, Cin: number, OH: number, OW: number,
    kh: number, kw: number, strH: number, strW: number, dilH: number, dilW: number, padT: number, padL: number): void;
  col2imAdd(col: Ptr, dx: Ptr, q0: number, P: number, H: number, W: number, Cin: number, OH: number, OW: number,
    kh: number, kw: number, strH: number, strW: number, dilH: number, dilW: number, padT: number, padL: number): void;
  conv2d(x: Ptr, w: Ptr, bias: Ptr, y: Ptr, gemmWork: Ptr, N: number, H: number, W: number, Cin: number,
    Cout: number, kh: number, kw: number, strH: number, strW: number, dilH: number, dilW: number,
    padT: number, padB: number, padL: number, padR: number): void;
  conv2dBackpropInput(dy: Ptr, w: Ptr, dx: Ptr, work: Ptr, gemmWork: Ptr, n0: number, n1: number, N: number, H: number, W: number, Cin: number,
    Cout: number, kh: number, kw: number, strH: number, strW: number, dilH: number, dilW: number,
    padT: number, padB: number, padL: number, padR: number): void;
  conv2dBackpropFilter(x: Ptr, dy: Ptr, dw: Ptr, db: Ptr, work: Ptr, gemmWork: Ptr, N: number, H: number, W: number,
    Cin: number, Cout: number, kh: number, kw: number, strH: number, strW: number, dilH: number, dilW: number,
    padT: number, padB: number, padL: number, padR: number): void;
  maxPool2d(x: Ptr, y: Ptr, N: number, H: number, W: number, C: number, ph: number, pw: number,
    strH: number, strW: number, padT: number, padB: number, padL: number, padR: number): void;
  avgPool2d(x: Ptr, y: Ptr, N: number, H: number, W: number, C: number, ph: number, pw: number,
    strH: number, strW: number, padT: number, padB: number, padL: number, padR: number, countPad: number): void;
  maxPool2dGrad(x: Ptr, dy: Ptr, dx: Ptr, N: number, H: number, W: number, C: number, ph: number, pw: number,
    strH: number, strW: number, padT: number, padB: number, padL: number, padR: number): void;
  avgPool2dGrad(dy: Ptr, dx: Ptr, N: number, H: number, W: number, C: number, ph: number, pw: number,
    strH: number, strW: number, padT: number, padB: number, padL: number, padR: number, countPad: number): void;
  randomBits(out: Ptr, n: number, seedLo: number, seedHi: number, stream: number, offset: number): void;
  randomUniform(out: Ptr, n: number, seedLo: number, seedHi: number, stream: number, offset: number, lo: number, hi: number): void;
  randomNormal(out: Ptr, n: number, seedLo: number, seedHi: number, stream: number, offset: number, mean: number, std: number): void;
  randomTruncatedNormal(out: Ptr, n: number, seedLo: number, seedHi: number, stream: number, offset: number, mean: number, std: number): void;
  randomPermutation(out: Ptr, n: number, seedLo: number, seedHi: number, stream: number, offset: number): number;
  dropout(x: Ptr, y: Ptr, mask: Ptr, n: number, rate: number, seedLo: number, seedHi: number, stream: number, offset: number): void;
  dropoutGrad(dy: Ptr, mask: Ptr, dx: Ptr, n: number): void;
  augment(x: Ptr, y: Ptr, N: number, H: number, W: number, C: number, shift: number, flipP: number, rotate: number,
    noise: number, edge: number, seedLo: number, seedHi: number, stream: number, first: number): void;
  batchNormTrain(x: Ptr, y: Ptr, M: number, C: number, gamma: Ptr, beta: Ptr, eps: number, momentum: number,
    saveMean: Ptr, saveInvStd: Ptr, runMean: Ptr, runVar: Ptr): void;
  batchNormInfer(x: Ptr, y: Ptr, M: number, C: number, gamma: Ptr, beta: Ptr, runMean: Ptr, runVar: Ptr, eps: number): void;
  batchNormGrad(x: Ptr, dy: Ptr, dx: Ptr, M: number, C: number, gamma: Ptr, saveMean: Ptr, saveInvStd: Ptr,
    dgamma: Ptr, dbeta: Ptr): void;
  maxout(x: Ptr, y: Ptr, arg: Ptr, M: number, C: number, k: number): void;
  maxoutGrad(dy: Ptr, arg: Ptr, dx: Ptr, M: number, C: number, k: number): void;
  peakProbe(iterations: number, seed: number): number;
  peakProbeFlopsPerIteration(): number;
  copyProbe(src: Ptr, dst: Ptr, bytes: number, reps: number): void;
  tensorStats(x: Ptr, n: number, out: Ptr): void;
  histogram(x: Ptr, n: number, lo: number, hi: number, bins: number, counts: Ptr, accumulate: number): void;
  columnsPositive(x: Ptr, rows: number, cols: number, counts: Ptr): void;
  columnsBeyond(x: Ptr, rows: number, cols: number, t: number, counts: Ptr): void;
  diffSquares(a: Ptr, b: Ptr, n: number): number;
}

/**
 * The threaded modules' exports: every kernel, plus the filter gradient's split kernels that only threads call
 * (assembly/index-threads.ts; src/backend/thread-splits.ts runs them).
 */
export interface ThreadedKernelExports extends KernelExports {
  /** The band of filter rows [k0, k1) of conv2dBackpropFilter (no db). */
  conv2dBackpropFilterBand(x: Ptr, dy: Ptr, dw: Ptr, work: Ptr, gemmWork: Ptr, k0: number, k1: number, N: number, H: number,
    W: number, Cin: number, Cout: number, kh: number, kw: number, strH: number, strW: number, dilH: number, dilW: number,
    padT: number, padB: number, padL: number, padR: number): void;
  /**
   * The products of pixel blocks [b0, b1) of conv2dBackpropFilter (partials [blocks, K, Cout], no db), returning the
   * block count (b0 = b1 = 0 asks only that).
   */
  conv2dBackpropFilterBlocks(x: Ptr, dy: Ptr, partials: Ptr, work: Ptr, gemmWork: Ptr, b0: number, b1: number, N: number, H: number,
    W: number, Cin: number, Cout: number, kh: number, kw: number, strH: number, strW: number, dilH: number, dilW: number,
    padT: number, padB: number, padL: number, padR: number): number;
}
