// The functional ops: each returns new tensors; the training path uses preplanned buffers instead.
export { matMul, type MatMulOptions } from './matmul.js';
export { add, sub, mul } from './elementwise.js';
export {
  relu, reluGrad, leakyRelu, leakyReluGrad, elu, eluGrad, sigmoid, sigmoidGrad, tanh, tanhGrad, softplus, softplusGrad,
  exp, log,
} from './activations.js';
export { sum, mean, max, argMax } from './reduce.js';
export { softmax, softmaxGrad, logSoftmax, logSoftmaxGrad, softmaxCrossEntropy } from './softmax.js';
export {
  conv2d, conv2dBackpropInput, conv2dBackpropFilter, maxPool2d, avgPool2d, maxPool2dGrad, avgPool2dGrad,
  type Conv2dOptions, type Conv2dBackpropInputOptions, type Conv2dBackpropFilterOptions, type Pool2dOptions,
  type AvgPool2dOptions, type Pair, type Padding,
} from './conv.js';
export {
  randomUniform, randomNormal, randomPermutation, dropout, dropoutGrad, type RandomOptions,
} from './random.js';
export { batchNorm, batchNormInference, batchNormGrad, type BatchNormOptions } from './normalization.js';
export { maxout, maxoutGrad } from './maxout.js';
