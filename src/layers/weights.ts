// The options dense and conv2d share (activation, bias, initializers, regularizers), read strictly once, and their
// saved form. Initializers and regularizers come as names, objects from the factories, or their saved { name, … }.
import { getInitializer, type Initializer, type InitializerName } from '../nets/initializers.js';
import { getRegularizer, type Regularizer } from '../nets/regularizers.js';
import { parseActivation, type Activation, type ActivationName } from './activation-fn.js';
import { given, isPlainObject, type Options } from './options.js';

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

/**
 * An initializer option: a name, an Initializer, or the saved { name, …config } (or { name, config }), read strictly by
 * getInitializer (errors name the layer and the option: `dense "d1": kernelInitializer: unknown initializer …`).
 */
export function parseInitializer(owner: string, option: string, v: unknown, dflt: InitializerName): Initializer {
  return getInitializer(`${owner}: ${option}`, (v === undefined ? dflt : v) as InitializerName);
}

/** A regularizer option: regularizers.l1/l2/l1l2(…) or its saved form { name: 'l1' | 'l2' | 'l1l2', l1, l2, scale }. */
export function parseRegularizer(owner: string, option: string, v: unknown): Regularizer | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) {
    throw new TypeError(`${owner}: ${option} must be a regularizer (regularizers.l2(0.01)) or { name: 'l1' | 'l2' | 'l1l2', l1, l2 }, got ${given(v)}`);
  }
  return getRegularizer(`${owner}: ${option}`, v as { name: string });
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
