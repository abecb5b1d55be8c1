// The one WebAssembly module's entry: re-exports every kernel. Only numbers and offsets cross this boundary.

export { gemm, gemmWorkspaceBytes } from './gemm';
export { add, sub, mul, addRows, subRows, mulRows, scale, axpy, biasAdd, fill, copy, gatherRows } from './elementwise';
export {
  relu, reluGrad, leakyRelu, leakyReluGrad, elu, eluGrad, sigmoid, sigmoidGrad, tanh, tanhGrad, softplus, softplusGrad,
} from './activations';
// The math kernels tanh, sigmoid and softplus are the activations' own (one body each, the same bits).
export { tanh as mathTanh, sigmoid as mathSigmoid, softplus as mathSoftplus } from './activations';
export { reduceSum, reduceMax, argMax } from './reduce';
export { softmax, logSoftmax, softmaxGrad, logSoftmaxGrad, softmaxCrossEntropy } from './softmax';
export {
  mseLoss, maeLoss, huberLoss, hingeLoss, categoricalHingeLoss, binaryCrossEntropyLoss, binaryCrossEntropyLogitsLoss,
  crossEntropyProbLoss, sparseSoftmaxCrossEntropy, weightedSoftmaxCrossEntropy, cosineProximityLoss, clipLoss, scaleRows,
  countCorrect, countCorrectSparse,
} from './losses';
export {
  sgdUpdate, momentumUpdate, adagradUpdate, rmspropUpdate, adamUpdate, nadamUpdate, clipByValue, sumSquares, regularize,
  allFinite,
} from './optim';
export { mathExp, mathLog, mathExpm1 } from './math';
export { im2col, col2imAdd } from './im2col';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, conv2dWorkspaceBytes } from './conv2d';
export { maxPool2d, avgPool2d, maxPool2dGrad, avgPool2dGrad } from './pool';
export { randomBits, randomUniform, randomNormal, randomTruncatedNormal, randomPermutation } from './random';
export { dropout, dropoutGrad } from './dropout';
export { augment } from './augment';
export { batchNormTrain, batchNormInfer, batchNormGrad } from './batchnorm';
export { maxout, maxoutGrad } from './maxout';
export { peakProbe, peakProbeFlopsPerIteration, copyProbe } from './probe';
export { tensorStats, histogram, columnsPositive, columnsBeyond, diffSquares } from './stats';

/** Where the module's static data ends: the arena managed by TypeScript starts at or after this. */
export function heapBase(): usize { return __heap_base; }

/** 1 when assertions are compiled in (debug build), 0 for release. */
export function isDebugBuild(): i32 { return ASC_NO_ASSERT ? 0 : 1; }
