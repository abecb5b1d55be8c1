// The layer factories, as `layers.dense({ units: 10 })` etc., and their registration for model files.
import { registerLayer } from './registry.js';
import { dense, type DenseOptions } from './dense.js';
import { activation, leakyRelu } from './activation.js';
import { flatten } from './flatten.js';
import { conv2d, type Conv2dLayerOptions } from './conv2d.js';
import { avgPool2d, maxPool2d } from './pool.js';
import { dropout } from './dropout.js';
import { batchNorm } from './batchnorm.js';
import { maxout, type MaxoutOptions } from './maxout.js';
import { Residual } from './residual.js';
import type { Activation } from './activation-fn.js';

export { Layer, MAX_NESTING, MAX_PARAM_VALUES, type Param, type BuildContext } from './layer.js';
export { dense, Dense, type DenseOptions } from './dense.js';
export { activation, leakyRelu, ActivationLayer } from './activation.js';
export { flatten, Flatten } from './flatten.js';
export { conv2d, Conv2D, type Conv2dLayerOptions } from './conv2d.js';
export { maxPool2d, avgPool2d, Pool2D, type Pool2dLayerOptions } from './pool.js';
export { dropout, Dropout } from './dropout.js';
export { batchNorm, BatchNorm, type BatchNormOptions } from './batchnorm.js';
export { maxout, Maxout, type MaxoutOptions } from './maxout.js';
export { residual, Residual, type ResidualOptions } from './residual.js';
export { layerFromSpec, layerSpec, type LayerSpec } from './registry.js';
export type { ActivationName, Activation } from './activation-fn.js';

registerLayer('dense', (c) => dense(c as unknown as DenseOptions));
registerLayer('activation', (c) => activation(c as unknown as { activation: Activation }));
registerLayer('leakyRelu', (c) => leakyRelu(c));
registerLayer('flatten', (c) => flatten(c));
registerLayer('conv2d', (c) => conv2d(c as unknown as Conv2dLayerOptions));
registerLayer('maxPool2d', (c) => maxPool2d(c));
registerLayer('avgPool2d', (c) => avgPool2d(c));
registerLayer('dropout', (c) => dropout(c as unknown as { rate: number }));
registerLayer('batchNorm', (c) => batchNorm(c));
registerLayer('maxout', (c) => maxout(c as unknown as MaxoutOptions));
registerLayer('residual', (c, nested) => Residual.fromConfig(c, nested));
