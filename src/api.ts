// The public API every entry shares (index.ts for Node/bundlers, entry-browser.ts, entry-edge.ts): tensors, ops, layers,
// losses, optimizers, initializers, regularizers, models and training. Each entry adds its own init(). Nothing else here.
export { simdSupported, type InitOptions } from './backend/module.js';
export { Tensor, tensor, tidy, memoryInUse, type DType, type Shape, type TensorValues, type NestedArray } from './ops/tensor.js';
export * as ops from './ops/index.js';
export { augment, type AugmentOptions, type AugmentCallOptions } from './ops/augment.js';
export * as layers from './layers/index.js';
export * as losses from './nets/losses.js';
export * as optimizers from './nets/optimizers.js';
export * as schedules from './nets/schedules.js';
export * as initializers from './nets/initializers.js';
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
