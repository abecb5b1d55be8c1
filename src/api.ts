// The public API every entry shares (index.ts for Node/bundlers, entry-browser.ts, entry-edge.ts): tensors, ops, layers,
// losses, optimizers, initializers, regularizers, models and training. Each entry adds its own init(). Nothing else here.
export { simdSupported, type InitOptions } from './backend/module.js';
export { Tensor, tensor, tidy, memoryInUse, type DType, type Shape, type TensorValues, type NestedArray } from './ops/tensor.js';
/** The functional ops on tensors: matMul, conv2d, pooling, activations, softmax, reductions, random numbers, and their gradients. */
export * as ops from './ops/index.js';
export { augment, type AugmentOptions, type AugmentCallOptions } from './ops/augment.js';
/** The layers, one factory each (dense, conv2d, maxPool2d, dropout, batchNorm, …), and their classes. */
export * as layers from './layers/index.js';
/** The losses, by factory or by name in compile(). */
export * as losses from './nets/losses.js';
/** The optimizers, by factory or by name in compile(). */
export * as optimizers from './nets/optimizers.js';
/** Learning-rate schedules for an optimizer's learningRate. */
export * as schedules from './nets/schedules.js';
/** Weight initializers, by factory or by name in layer options. */
export * as initializers from './nets/initializers.js';
/** Weight penalties (L1, L2) for layers' kernelRegularizer and biasRegularizer. */
export * as regularizers from './nets/regularizers.js';
export { sequential, Model, type SequentialOptions, type CompileOptions, type EvaluateResult, type NamedWeights } from './train/model.js';
export type { FitOptions, History, EvaluateOptions, EpochProgress } from './train/loop.js';
export {
  earlyStopping, learningRateScheduler, reduceLearningRateOnPlateau, progressBar, type Callback, type Logs, type FitParams, type ProgressBarOptions,
} from './train/callbacks.js';
export { loadModel } from './io/load.js';
export { FORMAT_VERSION, type SaveOptions } from './io/format.js';
export { gradCheck, type GradCheckOptions, type GradCheckResult, type GradCheckEntry } from './train/gradcheck.js';
export { NonFiniteError, type NonFiniteReport } from './train/errors.js';
export type {
  Diagnostics, DiagnosticsOptions, EpochDiagnostics, ParamDiagnostics, LayerDiagnostics, TensorStats, Histogram, BatchGradients,
} from './train/diagnostics.js';
export { THRESHOLDS as verdictThresholds, layerGradientRms } from './train/diagnostics.js';
export type { Verdict, VerdictKind } from './train/verdicts.js';
