// batchNorm over the last (channel) axis: x viewed as [M, C] with M = n·(other axes). Training uses batch statistics
// and updates the running ones (Keras: running = momentum·running + (1 − momentum)·batch); inference uses the running
// statistics. Backward: dx overwritten, dgamma and dbeta accumulated.
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from '../ops/tensor.js';
import { ones, zeros } from '../nets/initializers.js';
import { Layer, autoName, type BuildContext, type Param, type SampleShape } from './layer.js';
import { Options } from './options.js';

/** Options of layers.batchNorm(): momentum (default 0.99) and epsilon (default 1e-3), as Keras. */
export interface BatchNormOptions { momentum?: number; epsilon?: number; name?: string }

/** Batch normalization over the last axis, with moving statistics for inference (see layers.batchNorm). */
export class BatchNorm extends Layer {
  readonly kind = 'batchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  gamma!: Param; beta!: Param; movingMean!: Param; movingVariance!: Param;
  private y!: Tensor; private dx!: Tensor; private mean!: Tensor; private invStd!: Tensor; private x!: Tensor;
  private trained = false;

  /** Options are read strictly: unknown keys and wrong types are refused, naming the option (see options.ts). */
  constructor(options: BatchNormOptions = {}) {
    const o = Options.read('batchNorm', options, ['momentum', 'epsilon', 'name']);
    super(autoName('batchNorm', o.name()));
    this.momentum = o.number('momentum', { min: 0, max: 1, default: 0.99 });
    this.epsilon = o.number('epsilon', { min: 0, minExclusive: true, default: 1e-3 });
  }

  private get C(): number { return this.inputShape[this.inputShape.length - 1]; }

  build(inputShape: SampleShape, ctx: BuildContext): void {
    if (inputShape.length < 1) throw new RangeError(`batchNorm "${this.name}": input shape [] has no channel axis`);
    this.inputShape = [...inputShape];
    this.outputShape = [...inputShape];
    const C = this.C;
    this.gamma = this.param(ctx, 'gamma', [C], ones(), C, C);
    this.beta = this.param(ctx, 'beta', [C], zeros(), C, C);
    this.movingMean = this.param(ctx, 'movingMean', [C], zeros(), C, C, { trainable: false });
    this.movingVariance = this.param(ctx, 'movingVariance', [C], ones(), C, C, { trainable: false });
  }

  protected allocate(): void {
    this.y = this.buffer(this.outputShape, 'output');
    this.dx = this.buffer(this.inputShape, 'dInput'); // the kernel always writes dx
    this.mean = this.scratch([this.C], 'batchMean');
    this.invStd = this.scratch([this.C], 'batchInvStd');
  }

  forward(x: Tensor, n: number, training: boolean): Tensor {
    this.x = x;
    const M = (n * this.inputSize) / this.C;
    this.trained = training;
    if (training) {
      kern.batchNormTrain({
        x: x.ptr, y: this.y.ptr, M, C: this.C, gamma: this.gamma.value.ptr, beta: this.beta.value.ptr, eps: this.epsilon,
        momentum: this.momentum, saveMean: this.mean.ptr, saveInvStd: this.invStd.ptr,
        // a frozen (gradient-checked) layer leaves its running statistics alone
        runMean: this.noiseFrozen ? 0 : this.movingMean.value.ptr, runVar: this.noiseFrozen ? 0 : this.movingVariance.value.ptr,
      });
    } else {
      kern.batchNormInfer(x.ptr, this.y.ptr, M, this.C, this.gamma.value.ptr, this.beta.value.ptr, this.movingMean.value.ptr,
        this.movingVariance.value.ptr, this.epsilon);
    }
    return this.y;
  }

  backward(dy: Tensor, n: number): Tensor | null {
    if (!this.trained) throw new Error(`batchNorm "${this.name}": backward needs a training-mode forward`);
    const M = (n * this.inputSize) / this.C;
    kern.batchNormGrad(this.x.ptr, dy.ptr, this.dx.ptr, M, this.C, this.gamma.value.ptr, this.mean.ptr, this.invStd.ptr,
      this.gamma.grad!.ptr, this.beta.grad!.ptr);
    return this.needInputGrad ? this.dx : null;
  }

  override outputs(): Record<string, Tensor | undefined> { return { output: this.y }; }

  config(): Record<string, unknown> { return { name: this.name, momentum: this.momentum, epsilon: this.epsilon }; }
}

/** Batch normalization over the channel (last) axis. Defaults as Keras: momentum 0.99, epsilon 1e-3. */
export function batchNorm(options: BatchNormOptions = {}): BatchNorm { return new BatchNorm(options); }
