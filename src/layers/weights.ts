// The options dense and conv2d share (activation, bias, initializers, regularizers), parsed once, and their saved form.
import { getInitializer, type Initializer, type InitializerName } from '../nets/initializers.js';
import { getRegularizer, type Regularizer } from '../nets/regularizers.js';
import { parseActivation, type Activation, type ActivationName } from './activation-fn.js';

export interface WeightOptions {
  activation?: ActivationName | Activation;
  useBias?: boolean;
  kernelInitializer?: InitializerName | Initializer;
  biasInitializer?: InitializerName | Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  name?: string;
}

export interface Weights {
  activation: Activation;
  useBias: boolean;
  kernelInit: Initializer;
  biasInit: Initializer;
  kernelReg?: Regularizer;
  biasReg?: Regularizer;
}

/** Parses the shared options; errors name the layer (owner, e.g. `dense "d1"`). Defaults as Keras: glorotUniform, zeros. */
export function parseWeights(owner: string, o: WeightOptions): Weights {
  return {
    activation: parseActivation(owner, o.activation),
    useBias: o.useBias ?? true,
    kernelInit: getInitializer(owner, o.kernelInitializer ?? 'glorotUniform'),
    biasInit: getInitializer(owner, o.biasInitializer ?? 'zeros'),
    kernelReg: getRegularizer(owner, o.kernelRegularizer),
    biasReg: getRegularizer(owner, o.biasRegularizer),
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
