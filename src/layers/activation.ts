// activation and leakyRelu layers: y = f(x) elementwise (softmax along the last axis); dx = dy·f'(x) (overwrites).
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from '../ops/tensor.js';
import { Layer, autoName, type BuildContext, type SampleShape } from './layer.js';
import { ACTIVATIONS, activationBackward, activationForward, parseActivation, type Activation, type ActivationName } from './activation-fn.js';
import { Options } from './options.js';

/** A layer that applies one activation (layers.activation, layers.leakyRelu). */
export class ActivationLayer extends Layer {
  readonly kind: string = 'activation';
  readonly activation: Activation;
  private x!: Tensor; private y!: Tensor; private dx: Tensor | null = null;

  /** From a checked name (see the factories activation() and leakyRelu(), which read their options strictly). */
  constructor(activation: ActivationName | Activation, name?: string, kind = 'activation') {
    const n = autoName(kind, name);
    super(n);
    this.kind = kind;
    this.activation = parseActivation(name === undefined ? kind : `${kind} "${n}"`, activation);
  }

  build(inputShape: SampleShape, _ctx: BuildContext): void {
    this.inputShape = [...inputShape];
    this.outputShape = [...inputShape];
  }

  protected allocate(): void {
    this.y = this.buffer(this.outputShape, 'output');
    this.dx = this.needInputGrad ? this.buffer(this.inputShape, 'dInput') : null;
  }

  private cols(): number { return this.inputShape[this.inputShape.length - 1] ?? 1; }

  forward(x: Tensor, n: number): Tensor {
    this.x = x;
    const cols = this.cols();
    activationForward(this.activation, x.ptr, this.y.ptr, (n * this.inputSize) / cols, cols);
    return this.y;
  }

  backward(dy: Tensor, n: number): Tensor | null {
    if (!this.dx) return null;
    const cols = this.cols();
    activationBackward(this.activation, this.x.ptr, this.y.ptr, dy.ptr, this.dx.ptr, (n * this.inputSize) / cols, cols);
    return this.dx;
  }

  /** A softmax layer's logits are its input of the last forward. */
  override softmaxLogits(): Tensor | undefined { return this.endsInSoftmax() ? this.x : undefined; }
  override endsInSoftmax(): boolean { return this.activation.name === 'softmax'; }

  /** Backward from dL/d(input) directly, used when a final softmax is fused into the loss: dx = dz. */
  override backwardFromLogits(dz: Tensor, n: number): Tensor | null {
    if (!this.dx) return null;
    kern.copy(dz.ptr, this.dx.ptr, n * this.inputSize);
    return this.dx;
  }

  override outputs(): Record<string, Tensor | undefined> { return { output: this.y }; }

  config(): Record<string, unknown> {
    return this.kind === 'leakyRelu' ? { name: this.name, alpha: this.activation.alpha } : { name: this.name, activation: this.activation };
  }
}

/** An activation layer: relu, leakyRelu, elu, sigmoid, tanh, softplus, softmax (last axis) or linear. */
export function activation(options: { activation: ActivationName | Activation; name?: string } | ActivationName): ActivationLayer {
  if (typeof options === 'string') return new ActivationLayer(options);
  const o = Options.read('activation', options, ['activation', 'name']);
  if (!o.has('activation')) throw new TypeError(`${o.owner}: the option activation is required (one of ${ACTIVATIONS.join(', ')})`);
  return new ActivationLayer(o.get('activation') as Activation, o.name());
}

/**
 * LeakyReLU as a layer: y = x for x > 0, alpha·x otherwise. alpha defaults to 0.3, as the Keras 3 and TensorFlow.js
 * LeakyReLU layers do (0.2 is the default of the activation function, 'leakyRelu' in a layer's activation option).
 */
export function leakyRelu(options: { alpha?: number; name?: string } = {}): ActivationLayer {
  const o = Options.read('leakyRelu', options, ['alpha', 'name']);
  return new ActivationLayer({ name: 'leakyRelu', alpha: o.number('alpha', { default: 0.3 }) }, o.name(), 'leakyRelu');
}
