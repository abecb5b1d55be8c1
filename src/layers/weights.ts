// The options dense and conv2d share (activation, bias, initializers, regularizers), read strictly once, and their
// saved form. Initializers and regularizers come as names, objects from the factories, or their saved { name, … }.
import { getInitializer, INITIALIZER_NAMES, type Initializer, type InitializerName } from '../nets/initializers.js';
import { getRegularizer, type Regularizer } from '../nets/regularizers.js';
import { parseActivation, type Activation, type ActivationName } from './activation-fn.js';
import { checkKeys, given, isPlainObject, type Options } from './options.js';
import { unknownName } from '../ops/options.js';

export interface WeightOptions {
  activation?: ActivationName | Activation;
  useBias?: boolean;
  kernelInitializer?: InitializerName | Initializer;
  biasInitializer?: InitializerName | Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  name?: string;
}

/** The keys of WeightOptions, for the strict readers of dense and conv2d. */
export const WEIGHT_KEYS = ['activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'name'] as const;

export interface Weights {
  activation: Activation;
  useBias: boolean;
  kernelInit: Initializer;
  biasInit: Initializer;
  kernelReg?: Regularizer;
  biasReg?: Regularizer;
}

/** An initializer option: a name, an Initializer, or the saved { name, ...config } whose keys must be its config's. */
export function parseInitializer(owner: string, option: string, v: unknown, dflt: InitializerName): Initializer {
  if (v === undefined) return getInitializer(owner, dflt);
  const known = (name: string) => { if (!INITIALIZER_NAMES.includes(name)) unknownName(owner, option, name, INITIALIZER_NAMES); };
  if (typeof v === 'string') { known(v); return getInitializer(owner, v as InitializerName); }
  if (typeof v === 'object' && v !== null && typeof (v as { fill?: unknown }).fill === 'function' && typeof (v as { name?: unknown }).name === 'string') {
    return v as Initializer;
  }
  if (!isPlainObject(v) || typeof v.name !== 'string') {
    throw new TypeError(`${owner}: ${option} must be an initializer name, an initializer or { name, … }, got ${given(v)}`);
  }
  const flat: Record<string, unknown> = isPlainObject(v.config) ? (checkKeys(`${owner}: ${option}`, v, ['name', 'config'], 'key'), { ...v.config, name: v.name }) : v;
  for (const [k, x] of Object.entries(flat)) {
    if (k !== 'name' && typeof x !== 'number') throw new TypeError(`${owner}: ${option} ${k} must be a number, got ${given(x)}`);
  }
  known(v.name);
  const init = getInitializer(owner, flat as { name: string });
  checkKeys(`${owner}: ${option} "${init.name}"`, flat, ['name', ...Object.keys(init.config)], 'key');
  return init;
}

/** A regularizer option: regularizers.l1/l2/l1l2(…) or its saved form { name: 'l1' | 'l2' | 'l1l2', l1, l2, scale }. */
export function parseRegularizer(owner: string, option: string, v: unknown): Regularizer | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v) || typeof v.name !== 'string') {
    throw new TypeError(`${owner}: ${option} must be a regularizer (regularizers.l2(0.01)) or { name: 'l1' | 'l2' | 'l1l2', l1, l2 }, got ${given(v)}`);
  }
  checkKeys(`${owner}: ${option}`, v, ['name', 'l1', 'l2', 'scale'], 'key');
  for (const k of ['l1', 'l2'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'number') throw new TypeError(`${owner}: ${option} ${k} must be a number ≥ 0, got ${given(v[k])}`);
  }
  return getRegularizer(owner, v as { name: string; l1?: number; l2?: number });
}

/** Reads the shared options; errors name the layer (o.owner, e.g. `dense "d1"`). Defaults as Keras: glorotUniform, zeros. */
export function parseWeights(o: Options): Weights {
  const owner = o.owner;
  return {
    activation: parseActivation(owner, o.get('activation')),
    useBias: o.bool('useBias', true),
    kernelInit: parseInitializer(owner, 'kernelInitializer', o.get('kernelInitializer'), 'glorotUniform'),
    biasInit: parseInitializer(owner, 'biasInitializer', o.get('biasInitializer'), 'zeros'),
    kernelReg: parseRegularizer(owner, 'kernelRegularizer', o.get('kernelRegularizer')),
    biasReg: parseRegularizer(owner, 'biasRegularizer', o.get('biasRegularizer')),
  };
}

/** The saved form of the shared options. */
export function weightsConfig(w: Weights): Record<string, unknown> {
  return {
    activation: w.activation, useBias: w.useBias,
    kernelInitializer: { name: w.kernelInit.name, ...w.kernelInit.config },
    biasInitializer: { name: w.biasInit.name, ...w.biasInit.config },
    kernelRegularizer: w.kernelReg, biasRegularizer: w.biasReg,
  };
}
