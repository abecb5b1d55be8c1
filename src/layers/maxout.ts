// maxout: the maximum over groups of `pieces` consecutive channels of the last axis: x [n, …, C·k] → y [n, …, C].
// With `units`, a linear dense of units·pieces comes first (Goodfellow's maxout unit). dx goes to each group's first
// maximum (overwrites); the other entries get 0.
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from '../ops/tensor.js';
import { Layer, autoName, type BuildContext, type SampleShape } from './layer.js';
import { Dense } from './dense.js';
import { Options } from './options.js';
import { parseInitializer } from './weights.js';
import type { Initializer, InitializerName } from '../nets/initializers.js';

/** Options of layers.maxout(). */
export interface MaxoutOptions {
  /** k: how many inputs compete for each output. */
  pieces: number;
  /** Optional: put a dense layer of units·pieces in front (for vector inputs). */
  units?: number;
  kernelInitializer?: InitializerName | Initializer;
  name?: string;
}

/** Maxout: the maximum over groups of `pieces` channels (see layers.maxout). */
export class Maxout extends Layer {
  readonly kind = 'maxout';
  readonly pieces: number;
  readonly units?: number;
  private readonly dense?: Dense;
  private y!: Tensor; private arg!: Tensor; private dx: Tensor | null = null; private h!: Tensor;
  private readonly kernelInitializer?: InitializerName | Initializer;

  /** Options are read strictly: unknown keys and wrong types are refused, naming the option (see options.ts). */
  constructor(options: MaxoutOptions) {
    const o = Options.read('maxout', options, ['pieces', 'units', 'kernelInitializer', 'name']);
    const name = autoName('maxout', o.name());
    super(name);
    this.pieces = o.int('pieces');
    if (o.has('units')) {
      this.units = o.int('units');
      const init = o.get('kernelInitializer');
      parseInitializer(o.owner, 'kernelInitializer', init, 'glorotUniform');
      this.kernelInitializer = init as Initializer | undefined;
      this.dense = new Dense({ units: this.units * this.pieces, kernelInitializer: this.kernelInitializer, name: `${name}.dense` });
    } else if (o.has('kernelInitializer')) {
      throw new Error(`${o.owner}: kernelInitializer needs units (it initialises the dense layer that units adds)`);
    }
  }

  override children(): Layer[] { return this.dense ? [this.dense] : []; }
  override get nesting(): number { return this.dense ? 1 : 0; }

  build(inputShape: SampleShape, ctx: BuildContext): void {
    this.inputShape = [...inputShape];
    let s: readonly number[] = inputShape;
    if (this.dense) { this.dense.build(inputShape, ctx); s = this.dense.outputShape; }
    const last = s[s.length - 1];
    if (last % this.pieces !== 0) {
      throw new RangeError(`maxout "${this.name}": the last axis (${last}) must be a multiple of pieces = ${this.pieces}`);
    }
    this.outputShape = [...s.slice(0, -1), last / this.pieces];
  }

  override plan(batch: number, needInputGrad: boolean): void {
    super.plan(batch, needInputGrad); // releases the child's buffers too: plan it after
    this.dense?.plan(batch, needInputGrad);
  }

  protected allocate(): void {
    const C = this.outputShape[this.outputShape.length - 1];
    this.y = this.buffer(this.outputShape, 'output');
    this.arg = this.scratch([this.batch * (this.outputSize / C), C], 'argmax', 'int32');
    const hShape = this.dense ? this.dense.outputShape : this.inputShape;
    this.dx = this.dense || this.needInputGrad ? this.buffer(hShape, 'dInput') : null;
  }

  forward(x: Tensor, n: number, training: boolean): Tensor {
    this.h = this.dense ? (this.dense.noiseFrozen = this.noiseFrozen, this.dense.forward(x, n, training)) : x;
    const C = this.outputShape[this.outputShape.length - 1];
    kern.maxout(this.h.ptr, this.y.ptr, this.arg.ptr, (n * this.outputSize) / C, C, this.pieces);
    return this.y;
  }

  backward(dy: Tensor, n: number): Tensor | null {
    if (!this.dx) return null;
    const C = this.outputShape[this.outputShape.length - 1];
    kern.maxoutGrad(dy.ptr, this.arg.ptr, this.dx.ptr, (n * this.outputSize) / C, C, this.pieces);
    return this.dense ? this.dense.backward(this.dx, n) : this.dx;
  }

  override outputs(): Record<string, Tensor | undefined> { return { output: this.y }; }

  config(): Record<string, unknown> {
    const init = this.dense?.config().kernelInitializer;
    return { name: this.name, pieces: this.pieces, ...(this.units !== undefined ? { units: this.units, kernelInitializer: init } : {}) };
  }
}

/** Maxout over the last axis in groups of `pieces` (optionally after a dense layer of units·pieces). */
export function maxout(options: MaxoutOptions): Maxout { return new Maxout(options); }
