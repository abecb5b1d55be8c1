// conv2d: y = f(conv(x, W) + b). x: [n, H, W, inC] (NHWC), W: [kh, kw, inC, filters] (HWIO), b: [filters],
// y: [n, OH, OW, filters]. Backward: dz = dy·f'(z); dW, db += (backprop-filter); dx = backprop-input (overwrites).
import * as kern from '../backend/kernels/index.js';
import { convGeometry, type Pair, type Padding } from '../ops/conv.js';
import type { Tensor } from '../ops/tensor.js';
import { parseWeights, WEIGHT_KEYS, weightsConfig, type WeightOptions, type Weights } from './weights.js';
import { Layer, autoName, type BuildContext, type Param, type SampleShape } from './layer.js';
import { Options } from './options.js';
import { activationBackward, activationForward, type Activation } from './activation-fn.js';

/** Options of layers.conv2d(): filters, kernel size, strides, padding, dilation, and the weight options. */
export interface Conv2dLayerOptions extends WeightOptions {
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  /** 'valid' (default, as Keras), 'same', or explicit [top, bottom, left, right]. */
  padding?: Padding;
  dilation?: Pair;
}

/** A 2-D convolution layer, NHWC input, HWIO kernel (see layers.conv2d). */
export class Conv2D extends Layer {
  readonly kind = 'conv2d';
  readonly filters: number;
  readonly w: Weights;
  readonly options: Conv2dLayerOptions;
  /** The activation applied after the convolution and bias. */
  get activation(): Activation { return this.w.activation; }
  /** Whether the layer adds a bias. */
  get useBias(): boolean { return this.w.useBias; }
  kernel!: Param;
  bias?: Param;
  private geometry!: kern.ConvGeometry;
  private z!: Tensor; private y!: Tensor; private dz!: Tensor; private dx: Tensor | null = null; private work = 0;
  private workTensor?: Tensor;
  private x!: Tensor;

  /** Options are read strictly: unknown keys and wrong types are refused, naming the option (see options.ts). */
  constructor(options: Conv2dLayerOptions) {
    const o = Options.read('conv2d', options, ['filters', 'kernelSize', 'strides', 'padding', 'dilation', ...WEIGHT_KEYS]);
    const name = autoName('conv2d', o.name());
    super(name);
    this.filters = o.int('filters');
    this.options = { ...(options as Conv2dLayerOptions), name, kernelSize: o.pair('kernelSize'), strides: o.pair('strides', 1),
      padding: o.padding('padding') ?? 'valid', dilation: o.pair('dilation', 1) };
    this.w = parseWeights(o);
  }

  build(inputShape: SampleShape, ctx: BuildContext): void {
    if (inputShape.length !== 3) throw new RangeError(`conv2d "${this.name}" takes [H, W, channels] per sample, got [${inputShape.join(', ')}]`);
    const [H, W, C] = inputShape;
    const ks = this.options.kernelSize;
    const [kh, kw] = typeof ks === 'number' ? [ks, ks] : ks;
    this.geometry = convGeometry(`conv2d "${this.name}"`, [1, H, W, C], `input [${H}, ${W}, ${C}]`, [kh, kw, C, this.filters],
      { strides: this.options.strides, padding: this.options.padding, dilations: this.options.dilation });
    const [OH, OW] = kern.convOutShape(this.geometry);
    this.inputShape = [H, W, C];
    this.outputShape = [OH, OW, this.filters];
    this.kernel = this.param(ctx, 'kernel', [kh, kw, C, this.filters], this.w.kernelInit, kh * kw * C, kh * kw * this.filters, { regularizer: this.w.kernelReg });
    if (this.useBias) this.bias = this.param(ctx, 'bias', [this.filters], this.w.biasInit, kh * kw * C, kh * kw * this.filters, { regularizer: this.w.biasReg });
  }

  protected allocate(batch: number): void {
    const linear = this.activation.name === 'linear';
    this.y = this.buffer(this.outputShape, 'output');
    this.z = linear ? this.y : this.buffer(this.outputShape, 'preActivation');
    this.dz = linear ? this.y : this.buffer(this.outputShape, 'dPreActivation');
    this.dx = this.needInputGrad ? this.buffer(this.inputShape, 'dInput') : null;
    const bytes = kern.conv2dWorkspaceBytes({ ...this.geometry, N: batch });
    this.workTensor = bytes ? this.scratch([Math.ceil(bytes / 4)], 'workspace') : undefined;
    this.work = this.workTensor ? this.workTensor.ptr : 0;
  }

  private g(n: number): kern.ConvGeometry { return { ...this.geometry, N: n }; }

  forward(x: Tensor, n: number): Tensor {
    this.x = x;
    kern.conv2d(this.g(n), { x: x.ptr, w: this.kernel.value.ptr, bias: this.bias?.value.ptr, y: this.z.ptr });
    if (this.activation.name !== 'linear') activationForward(this.activation, this.z.ptr, this.y.ptr, n * this.outputSize / this.filters, this.filters);
    return this.y;
  }

  backward(dy: Tensor, n: number): Tensor | null {
    if (this.activation.name === 'linear') return this.backwardFromLogits(dy, n);
    activationBackward(this.activation, this.z.ptr, this.y.ptr, dy.ptr, this.dz.ptr, n * this.outputSize / this.filters, this.filters);
    return this.backwardFromLogits(this.dz, n);
  }

  /** Backward from dL/dz (the pre-activation). */
  override backwardFromLogits(dz: Tensor, n: number): Tensor | null {
    const g = this.g(n);
    kern.conv2dBackpropFilter(g, { x: this.x.ptr, dy: dz.ptr, dw: this.kernel.grad!.ptr, db: this.bias?.grad!.ptr, work: this.work });
    if (!this.dx) return null;
    kern.conv2dBackpropInput(g, { dy: dz.ptr, w: this.kernel.value.ptr, dx: this.dx.ptr, work: this.work });
    return this.dx;
  }

  override outputs(): Record<string, Tensor | undefined> {
    return this.activation.name === 'linear' ? { output: this.y } : { preActivation: this.z, output: this.y };
  }

  config(): Record<string, unknown> {
    const o = this.options;
    return {
      name: this.name, filters: this.filters, kernelSize: o.kernelSize, strides: o.strides, padding: o.padding,
      dilation: o.dilation, ...weightsConfig(this.w),
    };
  }
}

/** A 2-D convolution layer (Keras' Conv2D), NHWC. */
export function conv2d(options: Conv2dLayerOptions): Conv2D { return new Conv2D(options); }
