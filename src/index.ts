// simdnet's public entry: init, tensors, ops. Nothing else lives here.
export { init, simdSupported, type InitOptions } from './backend/module.js';
export { Tensor, tensor, memoryInUse, type DType, type Shape, type TensorValues, type NestedArray } from './tensor.js';
export * as ops from './ops/index.js';
