// The models a training configuration (settings.ts) builds: the presets mlp and cnn (LeNet-style) or a JSON model
// file, compiled with the configured optimizer, loss and metrics.
import { readFileSync } from 'node:fs';
import { layers, sequential, regularizers, type Model } from '../index.js';
import type { Layer } from '../layers/layer.js';
import { nearest, UsageError, type TrainConfig } from './settings.js';

function regularizer(c: TrainConfig) {
  if (c.l1 && c.l2) return regularizers.l1l2({ l1: c.l1, l2: c.l2 });
  if (c.l1) return regularizers.l1(c.l1);
  if (c.l2) return regularizers.l2(c.l2);
  return undefined;
}

/** The layers of a preset for samples of inputShape ([H, W, C]) and `classes` outputs. */
function presetLayers(c: TrainConfig, inputShape: readonly number[], classes: number): Layer[] {
  const reg = regularizer(c), init = c.init, act = c.activation;
  const extras = (): Layer[] => [...(c.batchNorm ? [layers.batchNorm()] : []), ...(c.dropout ? [layers.dropout({ rate: c.dropout })] : [])];
  if (c.model === 'mlp') {
    return [
      ...(inputShape.length > 1 ? [layers.flatten()] : []),
      ...c.hidden.flatMap((units) => [layers.dense({ units, activation: act, kernelInitializer: init, kernelRegularizer: reg }), ...extras()]),
      layers.dense({ units: classes, activation: 'softmax', kernelInitializer: 'glorotUniform', kernelRegularizer: reg }),
    ];
  }
  if (c.model === 'cnn') {
    if (inputShape.length !== 3) throw new UsageError(`--model cnn needs image data [H, W, C]; dataset ${c.dataset} gives [${inputShape.join(', ')}]`);
    return [
      layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: act, kernelInitializer: init, kernelRegularizer: reg }),
      layers.maxPool2d({ poolSize: 2 }),
      layers.conv2d({ filters: 16, kernelSize: 5, activation: act, kernelInitializer: init, kernelRegularizer: reg }),
      layers.maxPool2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 120, activation: act, kernelInitializer: init, kernelRegularizer: reg }), ...extras(),
      layers.dense({ units: 84, activation: act, kernelInitializer: init, kernelRegularizer: reg }), ...extras(),
      layers.dense({ units: classes, activation: 'softmax', kernelRegularizer: reg }),
    ];
  }
  return fileLayers(c.model);
}

const MODEL_FILE_KEYS = ['layers', 'description'];

function fileLayers(path: string): Layer[] {
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--model ${path}: ${code === 'ENOENT' ? 'no such file (presets: mlp, cnn)' : `not a JSON model file (${(e as Error).message})`}`);
  }
  const shape = 'expected { "layers": [{ "kind": "dense", "config": { "units": 10 } }, …] }';
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new UsageError(`--model ${path}: ${shape}; got ${Array.isArray(spec) ? 'an array' : JSON.stringify(spec)}`);
  for (const k of Object.keys(spec)) {
    if (MODEL_FILE_KEYS.includes(k)) continue;
    const near = nearest(k, MODEL_FILE_KEYS);
    throw new UsageError(`--model ${path}: unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${MODEL_FILE_KEYS.join(', ')}`);
  }
  const list = (spec as { layers?: unknown }).layers;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`--model ${path}: ${shape}`);
  return list.map((l: unknown, i: number) => {
    try {
      return layers.layerFromSpec(l as Parameters<typeof layers.layerFromSpec>[0]);
    } catch (e) {
      throw new UsageError(`--model ${path}: layer ${i + 1}: ${(e as Error).message}`);
    }
  });
}

/** Builds and compiles the model a configuration describes for the given data. */
export function buildModel(c: TrainConfig, inputShape: readonly number[], classes: number): Model {
  let m: Model;
  try {
    m = sequential(presetLayers(c, inputShape, classes), { inputShape, seed: c.seed, name: c.model.endsWith('.json') ? c.model : `${c.model}` });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`the model does not fit the data [${inputShape.join(', ')}] → ${classes} classes: ${(e as Error).message}`);
  }
  if (m.outputShape.length !== 1 || m.outputShape[0] !== classes) {
    throw new UsageError(`the model outputs [${m.outputShape.join(', ')}] but dataset ${c.dataset} has ${classes} classes`);
  }
  m.compile({ optimizer: { name: c.optimizer, ...(c.learningRate !== undefined ? { learningRate: c.learningRate } : {}) }, loss: c.loss as never, metrics: ['accuracy'] });
  return m;
}
