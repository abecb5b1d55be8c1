// The functional ops: each returns new tensors; the training path uses preplanned buffers instead.
export { matMul, type MatMulOptions } from './matmul.js';
export { add, sub, mul } from './elementwise.js';
export {
  relu, reluGrad, leakyRelu, leakyReluGrad, elu, eluGrad, sigmoid, sigmoidGrad, tanh, tanhGrad, softplus, softplusGrad,
  exp, log,
} from './activations.js';
export { sum, mean, max, argMax } from './reduce.js';
export { softmax, softmaxGrad, logSoftmax, logSoftmaxGrad, softmaxCrossEntropy } from './softmax.js';
