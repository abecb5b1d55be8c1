// The training configuration shared by `simdnet train` flags and `simdnet run` experiment files, its validation
// (one clear message per bad value) and the model presets it builds: mlp, cnn (LeNet-style) or a JSON model file.
import { readFileSync } from 'node:fs';
import { layers, sequential, regularizers, type Model } from '../index.js';
import type { Layer } from '../layers/layer.js';
import type { ActivationName } from '../layers/activation-fn.js';
import type { InitializerName } from '../initializers.js';

export interface TrainConfig {
  /** 'mlp', 'cnn', or the path of a JSON model file { inputShape?, layers: [{ kind, config }] }. */
  model: string;
  dataset: string;
  dataDir?: string;
  hidden: number[];
  activation: ActivationName;
  init: InitializerName;
  dropout: number;
  batchNorm: boolean;
  optimizer: string;
  learningRate?: number;
  loss: string;
  l1: number;
  l2: number;
  epochs: number;
  batchSize: number;
  seed: number;
  validationSplit: number;
  out?: string;
  limit?: number;
}

export const DEFAULTS: TrainConfig = {
  model: 'mlp', dataset: 'fashion-small', hidden: [128, 128], activation: 'relu', init: 'heNormal', dropout: 0, batchNorm: false,
  optimizer: 'adam', loss: 'crossEntropy', l1: 0, l2: 0, epochs: 10, batchSize: 128, seed: 1, validationSplit: 0.1,
};

const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'softplus', 'linear'];
const INITS = ['zeros', 'ones', 'glorotUniform', 'glorotNormal', 'xavierUniform', 'xavierNormal', 'heUniform', 'heNormal', 'lecunUniform', 'lecunNormal', 'uniform', 'normal', 'truncatedNormal'];
const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw', 'nadam'];
const LOSSES = ['crossEntropy', 'sparseCrossEntropy', 'mse', 'mae', 'hinge', 'categoricalHinge', 'huber', 'cosineProximity', 'binaryCrossEntropy'];

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {}

function oneOf(what: string, v: unknown, allowed: string[]): string {
  if (typeof v !== 'string' || !allowed.includes(v)) throw new UsageError(`${what} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
  return v;
}

function num(what: string, v: unknown, { min = -Infinity, max = Infinity, int = false, open = false } = {}): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || (int && !Number.isInteger(n)) || n < min || n > max || (open && n === min)) {
    const range = `${int ? 'an integer' : 'a number'}${min > -Infinity ? ` ${open ? '>' : '≥'} ${min}` : ''}${max < Infinity ? ` and ≤ ${max}` : ''}`;
    throw new UsageError(`${what} must be ${range}; got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Validates and completes a partial configuration (from flags or an experiment file). */
export function resolveConfig(partial: Partial<Record<keyof TrainConfig, unknown>>): TrainConfig {
  const known = new Set(Object.keys(DEFAULTS).concat(['dataDir', 'learningRate', 'out', 'limit']));
  for (const k of Object.keys(partial)) if (!known.has(k)) throw new UsageError(`unknown setting "${k}" (known: ${[...known].join(', ')})`);
  const c = { ...DEFAULTS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) } as Record<string, unknown>;
  const hidden = typeof c.hidden === 'string' ? c.hidden.split(',').map((s) => s.trim()) : c.hidden;
  if (!Array.isArray(hidden) || hidden.length === 0) throw new UsageError(`--hidden must list layer sizes like 128,128; got ${JSON.stringify(c.hidden)}`);
  return {
    model: typeof c.model === 'string' && c.model ? c.model : (() => { throw new UsageError('--model must be mlp, cnn or a JSON model file'); })(),
    dataset: String(c.dataset),
    dataDir: c.dataDir === undefined ? undefined : String(c.dataDir),
    hidden: hidden.map((h, i) => num(`--hidden size ${i + 1}`, h, { min: 1, int: true })),
    activation: oneOf('--activation', c.activation, ACTIVATIONS) as ActivationName,
    init: oneOf('--init', c.init, INITS) as InitializerName,
    dropout: num('--dropout', c.dropout, { min: 0, max: 0.99 }),
    batchNorm: c.batchNorm === true || c.batchNorm === 'true',
    optimizer: oneOf('--optimizer', c.optimizer, OPTIMIZERS),
    learningRate: c.learningRate === undefined ? undefined : num('--lr', c.learningRate, { min: 0, open: true }),
    loss: oneOf('--loss', c.loss, LOSSES),
    l1: num('--l1', c.l1, { min: 0 }),
    l2: num('--l2', c.l2, { min: 0 }),
    epochs: num('--epochs', c.epochs, { min: 1, int: true }),
    batchSize: num('--batch-size', c.batchSize, { min: 1, int: true }),
    seed: num('--seed', c.seed, { min: 0, int: true }),
    validationSplit: num('--validation-split', c.validationSplit, { min: 0, max: 0.9 }),
    out: c.out === undefined ? undefined : String(c.out),
    limit: c.limit === undefined ? undefined : num('--limit', c.limit, { min: 1, int: true }),
  };
}

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

function fileLayers(path: string): Layer[] {
  let spec: { layers?: unknown };
  try {
    spec = JSON.parse(readFileSync(path, 'utf8')) as { layers?: unknown };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--model ${path}: ${code === 'ENOENT' ? 'no such file (presets: mlp, cnn)' : `not a JSON model file (${(e as Error).message})`}`);
  }
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw new UsageError(`--model ${path}: expected { "layers": [{ "kind": "dense", "config": { "units": 10 } }, …] }`);
  return spec.layers.map((l: { kind?: string; config?: Record<string, unknown> }, i: number) => {
    try {
      return layers.layerFromSpec({ kind: String(l.kind), config: l.config ?? {} });
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
