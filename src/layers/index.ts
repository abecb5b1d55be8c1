// The layer factories, as `layers.dense({ units: 10 })` etc., and their registration for model files.
import { registerLayer } from './registry.js';
import { Dense, type DenseOptions } from './dense.js';
import { ActivationLayer } from './activation.js';
import { Flatten } from './flatten.js';
import { Conv2D, type Conv2dLayerOptions } from './conv2d.js';
import { Pool2D } from './pool.js';
import { Dropout } from './dropout.js';
import { BatchNorm } from './batchnorm.js';
import { Maxout, type MaxoutOptions } from './maxout.js';
import { Residual } from './residual.js';
import type { Activation } from './activation-fn.js';

export { Layer, type Param, type BuildContext } from './layer.js';
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

type C = Record<string, unknown>;
registerLayer('dense', (c) => new Dense(c as unknown as DenseOptions));
registerLayer('activation', (c) => new ActivationLayer(c.activation as Activation, c.name as string));
registerLayer('leakyRelu', (c) => new ActivationLayer({ name: 'leakyRelu', alpha: (c.alpha as number) ?? 0.2 }, c.name as string, 'leakyRelu'));
registerLayer('flatten', (c) => new Flatten(c.name as string));
registerLayer('conv2d', (c) => new Conv2D(c as unknown as Conv2dLayerOptions));
registerLayer('maxPool2d', (c: C) => new Pool2D('maxPool2d', c));
registerLayer('avgPool2d', (c: C) => new Pool2D('avgPool2d', c));
registerLayer('dropout', (c) => new Dropout(c.rate as number, c.name as string));
registerLayer('batchNorm', (c) => new BatchNorm(c));
registerLayer('maxout', (c) => new Maxout(c as unknown as MaxoutOptions));
registerLayer('residual', (c) => Residual.fromConfig(c));
