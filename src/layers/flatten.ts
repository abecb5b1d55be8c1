// flatten: [n, d1, d2, …] → [n, d1·d2·…] without copying (the output is a view of the input buffer).
import { viewOf, type Tensor } from '../ops/tensor.js';
import { Layer, autoName, type BuildContext, type SampleShape } from './layer.js';
import { Options } from './options.js';

/** Reshapes each sample to a vector (a view: no copy). */
export class Flatten extends Layer {
  readonly kind = 'flatten';
  private yView?: Tensor; private dxView?: Tensor;

  constructor(name?: string) { super(autoName('flatten', name)); }

  build(inputShape: SampleShape, _ctx: BuildContext): void {
    this.inputShape = [...inputShape];
    this.outputShape = [inputShape.reduce((a, b) => a * b, 1)];
  }

  protected allocate(): void { this.yView = undefined; this.dxView = undefined; }

  // Views are cached per underlying buffer, so steady-state steps allocate nothing.
  forward(x: Tensor): Tensor {
    if (this.yView?.ptr !== x.ptr) this.yView = viewOf(x.ptr, [x.shape[0], ...this.outputShape], 'float32', `${this.name}.output`);
    return this.yView;
  }

  backward(dy: Tensor): Tensor | null {
    if (!this.needInputGrad) return null;
    if (this.dxView?.ptr !== dy.ptr) this.dxView = viewOf(dy.ptr, [dy.shape[0], ...this.inputShape], 'float32', `${this.name}.dInput`);
    return this.dxView;
  }

  config(): Record<string, unknown> { return { name: this.name }; }
}

/** A layer that reshapes each sample to a vector (Keras' Flatten). */
export function flatten(options: { name?: string } = {}): Flatten { return new Flatten(Options.read('flatten', options, ['name']).name()); }
