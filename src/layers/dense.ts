// dense: y = f(x·W + b). x: [n, ..., in] (the last axis is contracted), W: [in, units], b: [units], y: [n, ..., units].
// Backward: dz = dy·f'(z); dW += xᵀ·dz; db += Σ_rows dz; dx = dz·Wᵀ (overwrites).
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from '../ops/tensor.js';
import { parseWeights, WEIGHT_KEYS, weightsConfig, type WeightOptions, type Weights } from './weights.js';
import { Layer, autoName, type BuildContext, type Param, type SampleShape } from './layer.js';
import { Options } from './options.js';
import { activationBackward, activationForward, type Activation } from './activation-fn.js';

/** Options of layers.dense(): units, and the weight options (activation, bias, initializers, regularizers). */
export interface DenseOptions extends WeightOptions {
  units: number;
}

/** A fully connected layer: y = activation(x·W + b) (see layers.dense). */
export class Dense extends Layer {
  readonly kind = 'dense';
  readonly units: number;
  readonly w: Weights;
  /** The activation applied to x·W + b. */
  get activation(): Activation { return this.w.activation; }
  /** Whether the layer adds a bias. */
  get useBias(): boolean { return this.w.useBias; }
  kernel!: Param;
  bias?: Param;
  private rowsPerSample = 1;
  private z!: Tensor; private y!: Tensor; private dz!: Tensor; private dx: Tensor | null = null;
  private x!: Tensor;

  /** Options are read strictly: unknown keys and wrong types are refused, naming the option (see options.ts). */
  constructor(options: DenseOptions) {
    const o = Options.read('dense', options, ['units', ...WEIGHT_KEYS]);
    super(autoName('dense', o.name()));
    this.units = o.int('units');
    this.w = parseWeights(o);
  }

  build(inputShape: SampleShape, ctx: BuildContext): void {
    if (inputShape.length < 1) throw new RangeError(`dense "${this.name}": input shape [${inputShape.join(', ')}] needs at least one axis`);
    this.inputShape = [...inputShape];
    const inUnits = inputShape[inputShape.length - 1];
    this.rowsPerSample = inputShape.slice(0, -1).reduce((a, b) => a * b, 1);
    this.outputShape = [...inputShape.slice(0, -1), this.units];
    this.kernel = this.param(ctx, 'kernel', [inUnits, this.units], this.w.kernelInit, inUnits, this.units, { regularizer: this.w.kernelReg });
    if (this.useBias) this.bias = this.param(ctx, 'bias', [this.units], this.w.biasInit, inUnits, this.units, { regularizer: this.w.biasReg });
  }

  protected allocate(): void {
    const linear = this.activation.name === 'linear';
    this.y = this.buffer(this.outputShape, 'output');
    this.z = linear ? this.y : this.buffer(this.outputShape, 'preActivation');
    this.dz = linear ? this.y /* unused: dz = dy */ : this.buffer(this.outputShape, 'dPreActivation');
    this.dx = this.needInputGrad ? this.buffer(this.inputShape, 'dInput') : null;
  }

  forward(x: Tensor, n: number, _training: boolean): Tensor {
    this.x = x;
    const rows = n * this.rowsPerSample, K = this.kernel.value.shape[0], N = this.units;
    kern.gemm({ transA: false, transB: false, M: rows, N, K, a: x.ptr, lda: K, b: this.kernel.value.ptr, ldb: N, c: this.z.ptr, ldc: N,
      bias: this.bias?.value.ptr });
    if (this.activation.name !== 'linear') activationForward(this.activation, this.z.ptr, this.y.ptr, rows, N);
    return this.y;
  }

  backward(dy: Tensor, n: number): Tensor | null {
    if (this.activation.name === 'linear') return this.backwardFromLogits(dy, n);
    activationBackward(this.activation, this.z.ptr, this.y.ptr, dy.ptr, this.dz.ptr, n * this.rowsPerSample, this.units);
    return this.backwardFromLogits(this.dz, n);
  }

  /** With a softmax activation, the logits are the pre-activation z of the last forward. */
  override softmaxLogits(): Tensor | undefined { return this.endsInSoftmax() ? this.z : undefined; }
  override endsInSoftmax(): boolean { return this.activation.name === 'softmax'; }

  /** Backward from dL/dz (the pre-activation): the linear part of backward, and the fused softmax's entry. */
  override backwardFromLogits(dz: Tensor, n: number): Tensor | null {
    const rows = n * this.rowsPerSample, K = this.kernel.value.shape[0], N = this.units;
    kern.gemm({ transA: true, transB: false, M: K, N, K: rows, a: this.x.ptr, lda: K, b: dz.ptr, ldb: N, beta: 1, c: this.kernel.grad!.ptr, ldc: N });
    if (this.bias) kern.reduceSum(dz.ptr, this.bias.grad!.ptr, 1, rows, N, true);
    if (!this.dx) return null;
    kern.gemm({ transA: false, transB: true, M: rows, N: K, K: N, a: dz.ptr, lda: N, b: this.kernel.value.ptr, ldb: N, c: this.dx.ptr, ldc: K });
    return this.dx;
  }

  override outputs(): Record<string, Tensor | undefined> {
    return this.activation.name === 'linear' ? { output: this.y } : { preActivation: this.z, output: this.y };
  }

  config(): Record<string, unknown> {
    return {
      name: this.name, units: this.units, ...weightsConfig(this.w),
    };
  }
}

/** A fully connected layer (Keras' Dense). */
export function dense(options: DenseOptions): Dense { return new Dense(options); }
