// maxPool2d and avgPool2d layers over NHWC: x [n, H, W, C] → y [n, OH, OW, C]; dx overwritten. Max pooling sends
// each gradient to the first maximum of its window; average pooling divides by the cells inside x (or, with
// countPad, by the whole window).
import * as kern from '../backend/kernels/index.js';
import { poolGeometryOf, type Pair, type Padding } from '../ops/conv.js';
import type { Tensor } from '../ops/tensor.js';
import { Layer, autoName, type BuildContext, type SampleShape } from './layer.js';
import { Options } from './options.js';

/** Options of layers.maxPool2d() and layers.avgPool2d(). */
export interface Pool2dLayerOptions {
  poolSize?: Pair;
  /** Default: poolSize. */
  strides?: Pair;
  padding?: Padding;
  name?: string;
}

/** Max or average pooling over 2-D windows (layers.maxPool2d, layers.avgPool2d). */
export class Pool2D extends Layer {
  readonly kind: 'maxPool2d' | 'avgPool2d';
  private readonly options: Pool2dLayerOptions & { countPad?: boolean };
  private geometry!: kern.PoolGeometry;
  private y!: Tensor; private dx: Tensor | null = null; private x!: Tensor;

  /** Options are read strictly: unknown keys and wrong types are refused, naming the option (see options.ts). */
  constructor(kind: 'maxPool2d' | 'avgPool2d', options: Pool2dLayerOptions & { countPad?: boolean }) {
    const o = Options.read(kind, options, ['poolSize', 'strides', 'padding', ...(kind === 'avgPool2d' ? ['countPad'] : []), 'name']);
    super(autoName(kind, o.name()));
    this.kind = kind;
    const poolSize = o.pair('poolSize', 2);
    this.options = { poolSize, strides: o.has('strides') ? o.pair('strides') : undefined, padding: o.padding('padding'),
      ...(kind === 'avgPool2d' ? { countPad: o.bool('countPad', false) } : {}) };
  }

  build(inputShape: SampleShape, _ctx: BuildContext): void {
    if (inputShape.length !== 3) throw new RangeError(`${this.kind} "${this.name}" takes [H, W, channels] per sample, got [${inputShape.join(', ')}]`);
    this.geometry = poolGeometryOf(`${this.kind} "${this.name}"`, [1, ...inputShape], `input [${inputShape.join(', ')}]`, {
      poolSize: this.options.poolSize!, strides: this.options.strides, padding: this.options.padding,
    });
    const [OH, OW] = kern.poolOutShape(this.geometry);
    this.inputShape = [...inputShape];
    this.outputShape = [OH, OW, inputShape[2]];
  }

  protected allocate(): void {
    this.y = this.buffer(this.outputShape, 'output');
    this.dx = this.needInputGrad ? this.buffer(this.inputShape, 'dInput') : null;
  }

  forward(x: Tensor, n: number): Tensor {
    this.x = x;
    const g = { ...this.geometry, N: n };
    if (this.kind === 'maxPool2d') kern.maxPool2d(g, x.ptr, this.y.ptr);
    else kern.avgPool2d(g, x.ptr, this.y.ptr, !!this.options.countPad);
    return this.y;
  }

  backward(dy: Tensor, n: number): Tensor | null {
    if (!this.dx) return null;
    const g = { ...this.geometry, N: n };
    if (this.kind === 'maxPool2d') kern.maxPool2dGrad(g, this.x.ptr, dy.ptr, this.dx.ptr);
    else kern.avgPool2dGrad(g, dy.ptr, this.dx.ptr, !!this.options.countPad);
    return this.dx;
  }

  override outputs(): Record<string, Tensor | undefined> { return { output: this.y }; }

  config(): Record<string, unknown> {
    const o = this.options;
    return { name: this.name, poolSize: o.poolSize, strides: o.strides ?? o.poolSize, padding: o.padding ?? 'valid',
      ...(this.kind === 'avgPool2d' ? { countPad: !!o.countPad } : {}) };
  }
}

/** Max pooling (default window 2, strides = window, 'valid'). */
export function maxPool2d(options: Pool2dLayerOptions = {}): Pool2D { return new Pool2D('maxPool2d', options); }
/** Average pooling; countPad: divide by the whole window including padded cells (default false). */
export function avgPool2d(options: Pool2dLayerOptions & { countPad?: boolean } = {}): Pool2D { return new Pool2D('avgPool2d', options); }
