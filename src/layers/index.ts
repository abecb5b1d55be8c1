// The layer factories, as `layers.dense({ units: 10 })` etc.
export { Layer, type Param, type BuildContext } from './layer.js';
export { dense, Dense, type DenseOptions } from './dense.js';
export { activation, leakyRelu, ActivationLayer } from './activation.js';
export { flatten, Flatten } from './flatten.js';
export type { ActivationName, Activation } from './activation-fn.js';
