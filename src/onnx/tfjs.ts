// fromTfjsLayers: a TensorFlow.js Layers model (model.json's topology and weights manifest, plus the weight shards)
// as a simdnet Model. Sequential models of the layer classes simdnet has (TFJS_LAYER_CLASSES); both libraries hold
// images channels last and flatten in that order, and keep Dense and Conv2D kernels in the same layout, so weights
// copy as they are. Options that change what a layer computes and simdnet lacks are refused, naming the layer and
// the option; initializers are ignored (the weights are loaded).
import type { Activation, ActivationName } from '../layers/activation-fn.js';
import { MAX_PARAM_VALUES } from '../layers/layer.js';
import { given, isPlainObject } from '../ops/options.js';
import type { Model } from '../train/model.js';
import { layerName, modelOf, outputShapeOf, type Draft } from './build.js';

/** model.json as TensorFlow.js writes it (tf.io's ModelJSON): the topology and the weights manifest. */
export interface TfjsModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype?: string; quantization?: unknown; group?: string }[] }[];
  [key: string]: unknown;
}

/** The tfjs-layers classes fromTfjsLayers reads. */
export const TFJS_LAYER_CLASSES = ['InputLayer', 'Dense', 'Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Dropout', 'BatchNormalization',
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax'];

const ACTIVATIONS: Record<string, ActivationName> = { linear: 'linear', relu: 'relu', elu: 'elu', sigmoid: 'sigmoid', tanh: 'tanh', softplus: 'softplus', softmax: 'softmax' };
/** Keys every layer may carry that do not change what it computes. */
const COMMON = ['name', 'trainable', 'dtype', 'batch_input_shape', 'batch_shape', 'input_dtype', 'batch_size'];
const WEIGHTED = ['kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'];

type Config = Record<string, unknown>;

class LayerReader {
  constructor(readonly cls: string, readonly c: Config, readonly index: number) {}
  get owner(): string { return `layer ${this.index} ${JSON.stringify(this.c.name ?? '?')} (${this.cls})`; }
  fail(msg: string): never { throw new Error(`${this.owner}: ${msg}`); }

  /** Refuses keys outside COMMON and `keys`. */
  keys(keys: readonly string[]): void {
    for (const k of Object.keys(this.c)) {
      if (!COMMON.includes(k) && !keys.includes(k)) this.fail(`option ${k} is not supported (supported for ${this.cls}: ${keys.join(', ') || 'none'})`);
    }
  }

  /** The value of k when it is one of ok (absent: dflt). */
  only<T>(k: string, ok: readonly T[], dflt?: T): T {
    const v = this.c[k] === undefined ? dflt : this.c[k];
    if (!ok.some((o) => JSON.stringify(o) === JSON.stringify(v))) this.fail(`${k} = ${given(v)} is not supported (supported: ${ok.map((o) => JSON.stringify(o)).join(', ')})`);
    return v as T;
  }

  int(k: string): number {
    const v = this.c[k];
    if (!Number.isSafeInteger(v) || (v as number) < 1) this.fail(`${k} must be a positive integer, got ${given(v)}`);
    return v as number;
  }

  num(k: string, dflt: number): number {
    const v = this.c[k] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${k} must be a finite number, got ${given(v)}`);
    return v;
  }

  pair(k: string, dflt?: number[]): [number, number] {
    const v = this.c[k] ?? dflt;
    const p = typeof v === 'number' ? [v, v] : v;
    if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isSafeInteger(d) && d >= 1)) this.fail(`${k} must be a positive integer or two, got ${given(v)}`);
    return [p[0], p[1]];
  }

  activation(k = 'activation'): Activation {
    const v = this.c[k] ?? 'linear';
    const name = typeof v === 'string' ? ACTIVATIONS[v] : undefined;
    if (!name) this.fail(`${k} ${given(v)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
    return { name, alpha: name === 'elu' ? 1 : 0 };
  }

  /** Regularizers as simdnet's (L1, L2, L1L2 are Keras' sum scale, as simdnet's default); constraints are refused. */
  weighted(): Config {
    for (const k of ['activity_regularizer', 'kernel_constraint', 'bias_constraint', 'gamma_constraint', 'beta_constraint', 'gamma_regularizer', 'beta_regularizer']) {
      if (this.c[k] != null) this.fail(`${k} is not supported (simdnet has no ${k.includes('constraint') ? 'weight constraints' : k.replace('_', ' ')}); remove it before saving`);
    }
    const reg = (k: string) => {
      const r = this.c[k] as { class_name?: string; config?: { l1?: number; l2?: number } } | null | undefined;
      if (r == null) return undefined;
      if (!isPlainObject(r) || !['L1L2', 'L1', 'L2', 'l1_l2'].includes(String(r.class_name))) this.fail(`${k} ${given(r)} is not supported (L1, L2, L1L2)`);
      return { name: 'l1l2', l1: r.config?.l1 ?? 0, l2: r.config?.l2 ?? 0 };
    };
    return { kernelRegularizer: reg('kernel_regularizer'), biasRegularizer: reg('bias_regularizer') };
  }

  padding(): 'same' | 'valid' { return this.only('padding', ['valid', 'same'], 'valid'); }
  channelsLast(): void { this.only('data_format', ['channels_last'], 'channels_last'); }
}

/** A layer's weights by name, `${layer}/${weight}` (the ":0" suffix Keras adds tolerated). */
class Weights {
  readonly byName = new Map<string, { shape: number[]; values: Float32Array }>();
  readonly taken = new Set<string>();

  take(r: LayerReader, weight: string, shape: readonly number[]): Float32Array {
    const layer = String(r.c.name);
    const key = [`${layer}/${weight}`, `${layer}/${weight}:0`].find((k) => this.byName.has(k));
    if (!key) r.fail(`the weights hold no ${layer}/${weight}`);
    const w = this.byName.get(key)!;
    if (w.shape.join() !== shape.join()) r.fail(`weight ${key} has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
    this.taken.add(key);
    return w.values;
  }
}

function bytesOf(b: unknown, i: number): Uint8Array {
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  throw new TypeError(`weightBuffers[${i}] must be an ArrayBuffer or a typed array, got ${given(b)}`);
}

/** The weights of the manifest, read in order from the shards (concatenated): sizes checked before any copy. */
function readWeights(json: TfjsModelJson, buffers: unknown): Weights {
  const list = Array.isArray(buffers) ? buffers : [buffers];
  const shards = list.map(bytesOf);
  const total = shards.reduce((a, s) => a + s.length, 0);
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new TypeError(`model.json: weightsManifest must be an array, got ${given(manifest)}`);
  const specs = manifest.flatMap((g, i) => {
    if (!isPlainObject(g) || !Array.isArray(g.weights)) throw new TypeError(`model.json: weightsManifest[${i}] must be { paths, weights: […] }`);
    return g.weights;
  });
  let need = 0;
  for (const s of specs) {
    if (!isPlainObject(s) || typeof s.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new TypeError(`model.json: weight ${given(s)} must be { name, shape, dtype }`);
    }
    if ((s.dtype ?? 'float32') !== 'float32') throw new TypeError(`model.json: weight ${s.name} has dtype ${given(s.dtype)} (float32 only)`);
    if (s.quantization !== undefined) throw new TypeError(`model.json: weight ${s.name} is quantized, which fromTfjsLayers does not read (save the model unquantized)`);
    const n = s.shape.reduce((a: number, b: number) => a * b, 1);
    if (n > MAX_PARAM_VALUES) throw new RangeError(`model.json: weight ${s.name} [${s.shape.join(', ')}] holds more than ${MAX_PARAM_VALUES} values`);
    need += n * 4;
  }
  if (need !== total) throw new RangeError(`the weight shards hold ${total} bytes; the manifest's ${specs.length} weights need ${need} (a shard missing, extra or truncated?)`);
  const all = shards.length === 1 ? shards[0] : new Uint8Array(total);
  if (shards.length > 1) shards.reduce((at, s) => { all.set(s, at); return at + s.length; }, 0);
  const w = new Weights();
  const dv = new DataView(all.buffer, all.byteOffset, all.byteLength);
  let at = 0;
  for (const s of specs) {
    const n = (s.shape as number[]).reduce((a, b) => a * b, 1), values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = dv.getFloat32(at + i * 4, true);
    at += n * 4;
    if (w.byName.has(s.name)) throw new Error(`model.json: two weights are named ${s.name}`);
    w.byName.set(s.name, { shape: s.shape, values });
  }
  return w;
}

/** The Sequential topology's layer list, from model.json's modelTopology (tfjs's or the Python converter's form). */
function layerList(topology: unknown): { name: string; layers: { class_name: string; config: Config }[] } {
  let t = topology as Config;
  if (isPlainObject(t) && isPlainObject(t.model_config)) t = t.model_config;
  if (!isPlainObject(t) || t.class_name !== 'Sequential') {
    throw new Error(`model.json: only Sequential models are supported, got ${given(isPlainObject(t) ? t.class_name : t)} (a functional Model has no simdnet equivalent)`);
  }
  const c = t.config as Config | unknown[];
  const layers = Array.isArray(c) ? c : isPlainObject(c) ? c.layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw new Error('model.json: the Sequential model lists no layers');
  layers.forEach((l, i) => {
    if (!isPlainObject(l) || typeof l.class_name !== 'string' || !isPlainObject(l.config)) throw new TypeError(`model.json: layer ${i} must be { class_name, config }, got ${given(l)}`);
  });
  return { name: (isPlainObject(c) && typeof c.name === 'string' ? c.name : 'model'), layers: layers as { class_name: string; config: Config }[] };
}

/**
 * A simdnet Model from a TensorFlow.js Layers model: `modelJson` is model.json (parsed, or its text), `weightBuffers`
 * the weight shards in the manifest's order (one ArrayBuffer or Uint8Array per file; or their concatenation, as
 * tf.io.withSaveHandler gives it). Sequential models of TFJS_LAYER_CLASSES; anything else is refused naming the
 * layer and the option. The model is not compiled: call compile() before fit().
 */
export function fromTfjsLayers(modelJson: TfjsModelJson | string, weightBuffers: ArrayBuffer | ArrayBufferView | readonly (ArrayBuffer | ArrayBufferView)[]): Model {
  try {
    const json = (typeof modelJson === 'string' ? JSON.parse(modelJson) : modelJson) as TfjsModelJson;
    if (!isPlainObject(json)) throw new TypeError(`model.json must be an object { modelTopology, weightsManifest }, got ${given(json)}`);
    const { name, layers } = layerList(json.modelTopology);
    const weights = readWeights(json, weightBuffers);
    let inputShape: number[] | undefined;
    let shape: number[] = [];
    const drafts: Draft[] = [];
    const used = new Set<string>();
    layers.forEach(({ class_name: cls, config }, i) => {
      const r = new LayerReader(cls, config, i);
      const batchShape = (config.batch_input_shape ?? config.batch_shape) as unknown;
      if (inputShape === undefined) {
        if (!Array.isArray(batchShape) || batchShape.length < 2 || !batchShape.slice(1).every((d) => Number.isSafeInteger(d) && d >= 1)) {
          r.fail(`the first layer must give the input shape (batch_input_shape [null, …] with fixed sizes), got ${given(batchShape)}`);
        }
        inputShape = shape = (batchShape as number[]).slice(1);
      }
      if (cls === 'InputLayer') { r.keys(['sparse', 'ragged', 'input_shape']); return; }
      const d = draftOf(r, weights, shape, used);
      if (!d) return;
      try { shape = outputShapeOf(d.spec, shape); } catch (e) { r.fail((e as Error).message); }
      drafts.push(d);
    });
    const unused = [...weights.byName.keys()].find((k) => !weights.taken.has(k));
    if (unused) throw new Error(`weight ${unused} belongs to no layer read`);
    return modelOf(drafts, inputShape!, name);
  } catch (e) {
    throw new Error(`fromTfjsLayers: cannot import the model: ${(e as Error).message}`, { cause: e });
  }
}

/** One tfjs layer as a simdnet layer draft (undefined for layers that compute nothing at inference, none so far). */
function draftOf(r: LayerReader, w: Weights, shape: readonly number[], used: Set<string>): Draft | undefined {
  const c = r.c, last = shape[shape.length - 1];
  const spec = (kind: string, config: Config) => ({ kind, config: { name: layerName(String(c.name ?? ''), kind, used), ...config } });
  switch (r.cls) {
    case 'Dense': {
      r.keys(['units', 'activation', 'use_bias', ...WEIGHTED]);
      const units = r.int('units'), bias = r.only('use_bias', [true, false], true);
      const ws = [w.take(r, 'kernel', [last, units]), ...(bias ? [w.take(r, 'bias', [units])] : [])];
      return { spec: spec('dense', { units, useBias: bias, activation: r.activation(), ...r.weighted() }), weights: ws };
    }
    case 'Conv2D': {
      r.keys(['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias', ...WEIGHTED]);
      r.channelsLast();
      const filters = r.int('filters'), [kh, kw] = r.pair('kernel_size'), bias = r.only('use_bias', [true, false], true);
      const ws = [w.take(r, 'kernel', [kh, kw, last, filters]), ...(bias ? [w.take(r, 'bias', [filters])] : [])];
      return {
        spec: spec('conv2d', { filters, kernelSize: [kh, kw], strides: r.pair('strides', [1, 1]), padding: r.padding(), dilation: r.pair('dilation_rate', [1, 1]),
          useBias: bias, activation: r.activation(), ...r.weighted() }),
        weights: ws,
      };
    }
    case 'MaxPooling2D': case 'AveragePooling2D': {
      r.keys(['pool_size', 'padding', 'strides', 'data_format']);
      r.channelsLast();
      const poolSize = r.pair('pool_size', [2, 2]);
      const config = { poolSize, strides: c.strides == null ? poolSize : r.pair('strides'), padding: r.padding() };
      // TensorFlow averages over the cells inside the input: simdnet's countPad false.
      return { spec: r.cls === 'MaxPooling2D' ? spec('maxPool2d', config) : spec('avgPool2d', { ...config, countPad: false }), weights: [] };
    }
    case 'Flatten': r.keys(['data_format']); r.channelsLast(); return { spec: spec('flatten', {}), weights: [] };
    case 'Dropout': {
      r.keys(['rate', 'noise_shape', 'seed']);
      r.only('noise_shape', [null], null);
      return { spec: spec('dropout', { rate: r.num('rate', 0) }), weights: [] };
    }
    case 'BatchNormalization': {
      r.keys(['axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer',
        'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint']);
      r.only('axis', [-1, shape.length], -1);
      r.weighted();
      const center = r.only('center', [true, false], true), scale = r.only('scale', [true, false], true);
      const C = [last];
      const weights = [scale ? w.take(r, 'gamma', C) : new Float32Array(last).fill(1), center ? w.take(r, 'beta', C) : new Float32Array(last),
        w.take(r, 'moving_mean', C), w.take(r, 'moving_variance', C)];
      return { spec: spec('batchNorm', { momentum: r.num('momentum', 0.99), epsilon: r.num('epsilon', 1e-3) }), weights };
    }
    case 'Activation': r.keys(['activation']); return { spec: spec('activation', { activation: r.activation() }), weights: [] };
    case 'ReLU': {
      r.keys(['max_value', 'negative_slope', 'threshold']);
      r.only('max_value', [null], null); r.only('negative_slope', [0], 0); r.only('threshold', [0], 0);
      return { spec: spec('activation', { activation: 'relu' }), weights: [] };
    }
    case 'LeakyReLU': r.keys(['alpha', 'negative_slope']); return { spec: spec('leakyRelu', { alpha: r.num(c.alpha === undefined ? 'negative_slope' : 'alpha', 0.3) }), weights: [] };
    case 'ELU': r.keys(['alpha']); return { spec: spec('activation', { activation: { name: 'elu', alpha: r.num('alpha', 1) } }), weights: [] };
    case 'Softmax': r.keys(['axis']); r.only('axis', [-1, shape.length], -1); return { spec: spec('activation', { activation: 'softmax' }), weights: [] };
  }
  return r.fail(`layer class ${r.cls} is not supported (supported: ${TFJS_LAYER_CLASSES.join(', ')})`);
}
