// batchNorm over the last (channel) axis: x viewed as [M, C] with M = n·(other axes). Training uses batch statistics
// and updates the running ones (Keras: running = momentum·running + (1 − momentum)·batch); inference uses the running
// statistics. Backward: dx overwritten, dgamma and dbeta accumulated.
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from '../ops/tensor.js';
import { ones, zeros } from '../nets/initializers.js';
import { Layer, autoName, type BuildContext, type Param, type SampleShape } from './layer.js';

export interface BatchNormOptions { momentum?: number; epsilon?: number; name?: string }

export class BatchNorm extends Layer {
  readonly kind = 'batchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  gamma!: Param; beta!: Param; movingMean!: Param; movingVariance!: Param;
  private y!: Tensor; private dx!: Tensor; private mean!: Tensor; private invStd!: Tensor; private x!: Tensor;
  private trained = false;

  constructor(o: BatchNormOptions = {}) {
    const name = autoName('batchNorm', o.name);
    super(name);
    this.momentum = o.momentum ?? 0.99;
    this.epsilon = o.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new RangeError(`batchNorm "${name}": momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.epsilon > 0 && Number.isFinite(this.epsilon))) throw new RangeError(`batchNorm "${name}": epsilon must be > 0, got ${this.epsilon}`);
  }

  private get C(): number { return this.inputShape[this.inputShape.length - 1]; }

  build(inputShape: SampleShape, _ctx: BuildContext): void {
    this.inputShape = [...inputShape];
    this.outputShape = [...inputShape];
    const C = this.C;
    this.gamma = this.param('gamma', [C], ones(), C, C);
    this.beta = this.param('beta', [C], zeros(), C, C);
    this.movingMean = this.param('movingMean', [C], zeros(), C, C, { trainable: false });
    this.movingVariance = this.param('movingVariance', [C], ones(), C, C, { trainable: false });
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
