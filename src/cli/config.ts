// The models a training configuration (settings.ts) builds: the presets mlp and cnn (LeNet-style) or a JSON model
// file, compiled with the configured optimizer, loss and metrics.
import { readFileSync } from 'node:fs';
import { layers, sequential, regularizers, type Model } from '../index.js';
import type { Layer } from '../layers/layer.js';
import { nameOf, nearest, UsageError, type ModelSpec, type TrainConfig } from './settings.js';

function regularizer(c: TrainConfig) {
  const scale = c.regularizerScale;
  if (c.l1 && c.l2) return regularizers.l1l2({ l1: c.l1, l2: c.l2, scale });
  if (c.l1) return regularizers.l1(c.l1, { scale });
  if (c.l2) return regularizers.l2(c.l2, { scale });
  return undefined;
}

/** The layers of a preset for samples of inputShape ([H, W, C]) and `classes` outputs. */
function presetLayers(c: TrainConfig, inputShape: readonly number[], classes: number): Layer[] {
  const reg = regularizer(c), init = c.init as Parameters<typeof layers.dense>[0]['kernelInitializer'], act = c.activation;
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
  return typeof c.model === 'string' ? fileLayers(c.model) : specLayers('model', c.model);
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
  return specLayers(`--model ${path}`, spec as ModelSpec);
}

/** The layers of a model spec { layers: [{ kind, config }, …] }; errors name where the spec came from and the layer. */
function specLayers(where: string, spec: ModelSpec): Layer[] {
  return spec.layers.map((l: unknown, i: number) => {
    try {
      return layers.layerFromSpec(l as Parameters<typeof layers.layerFromSpec>[0]);
    } catch (e) {
      throw new UsageError(`${where}: layer ${i + 1}: ${(e as Error).message}`);
    }
  });
}

/** Reads a JSON model file's layers to check it (before any dataset is loaded); nothing is built. */
export function checkModelFile(c: TrainConfig): void {
  if (typeof c.model === 'string' && modelIsFile(c.model)) fileLayers(c.model);
}
const modelIsFile = (m: string) => m !== 'mlp' && m !== 'cnn';

/** The optimizer spec a configuration compiles: the name or spec, with learningRate when set (given twice: an error). */
function optimizerSpec(c: TrainConfig): { name: string; [k: string]: unknown } {
  const spec: { name: string; [k: string]: unknown } = typeof c.optimizer === 'string' ? { name: c.optimizer } : { ...c.optimizer };
  if (c.learningRate === undefined) return spec;
  if (spec.learningRate !== undefined) throw new UsageError(`learningRate is given twice: as a setting (${c.learningRate}) and in the optimizer's options; keep one`);
  return { ...spec, learningRate: c.learningRate };
}

/** Builds and compiles the model a configuration describes for the given data. */
export function buildModel(c: TrainConfig, inputShape: readonly number[], classes: number): Model {
  let m: Model;
  try {
    m = sequential(presetLayers(c, inputShape, classes), { inputShape, seed: c.seed, name: nameOf(c.model) });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`the model does not fit the data [${inputShape.join(', ')}] → ${classes} classes: ${(e as Error).message}`);
  }
  if (m.outputShape.length !== 1 || m.outputShape[0] !== classes) {
    throw new UsageError(`the model outputs [${m.outputShape.join(', ')}] but dataset ${c.dataset} has ${classes} classes`);
  }
  try {
    m.compile({ optimizer: optimizerSpec(c) as never, loss: c.loss as never, metrics: ['accuracy'] });
  } catch (e) {
    m.dispose();
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
  return m;
}
