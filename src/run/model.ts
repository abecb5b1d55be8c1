// The models a training configuration (settings.ts) builds, in any runtime: the presets mlp and cnn (LeNet-style) or
// a model given by its layers, compiled with the configured optimizer, loss and metrics. JSON model files on disk are
// read by the CLI (src/cli/config.ts), which hands their layers in.
import { layers, sequential, regularizers, type Model } from '../api.js';
import type { Layer } from '../layers/layer.js';
import { nameOf, UsageError, type ModelSpec, type TrainConfig } from './settings.js';

function regularizer(c: TrainConfig) {
  const scale = c.regularizerScale;
  if (c.l1 && c.l2) return regularizers.l1l2({ l1: c.l1, l2: c.l2, scale });
  if (c.l1) return regularizers.l1(c.l1, { scale });
  if (c.l2) return regularizers.l2(c.l2, { scale });
  return undefined;
}

/** The layers of a preset for samples of inputShape ([H, W, C]) and `classes` outputs. */
function presetLayers(c: TrainConfig, inputShape: readonly number[], classes: number, fileLayers?: (path: string) => Layer[]): Layer[] {
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
  if (typeof c.model !== 'string') return specLayers('model', c.model);
  if (!fileLayers) throw new UsageError(`model "${c.model}": a JSON model file is read from disk in Node only; give the model itself, { "layers": [...] }`);
  return fileLayers(c.model);
}

/** The layers of a model spec { layers: [{ kind, config }, …] }; errors name where the spec came from and the layer. */
export function specLayers(where: string, spec: ModelSpec): Layer[] {
  return spec.layers.map((l: unknown, i: number) => {
    try {
      return layers.layerFromSpec(l as Parameters<typeof layers.layerFromSpec>[0]);
    } catch (e) {
      throw new UsageError(`${where}: layer ${i + 1}: ${(e as Error).message}`);
    }
  });
}

/** The optimizer spec a configuration compiles: the name or spec, with learningRate when set (given twice: an error). */
function optimizerSpec(c: TrainConfig): { name: string; [k: string]: unknown } {
  const spec: { name: string; [k: string]: unknown } = typeof c.optimizer === 'string' ? { name: c.optimizer } : { ...c.optimizer };
  if (c.learningRate === undefined) return spec;
  if (spec.learningRate !== undefined) throw new UsageError(`learningRate is given twice: as a setting (${c.learningRate}) and in the optimizer's options; keep one`);
  return { ...spec, learningRate: c.learningRate };
}

/** Builds and compiles the model a configuration describes for the given data. */
export function buildModel(c: TrainConfig, inputShape: readonly number[], classes: number, fileLayers?: (path: string) => Layer[]): Model {
  let m: Model;
  try {
    m = sequential(presetLayers(c, inputShape, classes, fileLayers), { inputShape, seed: c.seed, name: nameOf(c.model) });
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
