// The public API every entry shares (index.ts for Node/bundlers, entry-browser.ts, entry-edge.ts): tensors, ops, layers,
// losses, optimizers, initializers, regularizers, models and training. Each entry adds its own init(). Nothing else here.
export { simdSupported, type InitOptions } from './backend/module.js';
export { Tensor, tensor, tidy, memoryInUse, type DType, type Shape, type TensorValues, type NestedArray } from './tensor.js';
export * as ops from './ops/index.js';
export * as layers from './layers/index.js';
export * as losses from './losses.js';
export * as optimizers from './optimizers.js';
export * as schedules from './schedules.js';
export * as initializers from './initializers.js';
export * as regularizers from './regularizers.js';
export { sequential, Model, type SequentialOptions, type CompileOptions, type EvaluateResult, type NamedWeights } from './model/model.js';
export type { FitOptions, History } from './train/fit.js';
export { earlyStopping, learningRateScheduler, reduceLearningRateOnPlateau, type Callback, type Logs } from './train/callbacks.js';
export { loadModel, FORMAT_VERSION, type SaveOptions } from './io/format.js';
export { gradCheck, type GradCheckOptions, type GradCheckResult, type GradCheckEntry } from './gradcheck.js';
export { NonFiniteError, type NonFiniteReport } from './train/errors.js';
