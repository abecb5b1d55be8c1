// dropout: inverted dropout in training (y = x·mask, mask 0 or 1/(1−rate), drawn in the module from the model seed,
// this layer's stream and a running counter); identity at inference. dx = dy·mask (overwrites).
import * as kern from '../backend/kernels/index.js';
import { drawOf } from '../ops/random.js';
import type { Tensor } from '../ops/tensor.js';
import { Layer, autoName, type BuildContext, type SampleShape } from './layer.js';
import { Options, given } from './options.js';

/** Inverted dropout while training, identity at inference (see layers.dropout). */
export class Dropout extends Layer {
  readonly kind = 'dropout';
  readonly rate: number;
  private seed = 0;
  private stream = 0;
  /** Random words used so far: every training forward draws fresh masks; saved with checkpoints. */
  counter = 0;
  private lastCounter = 0;
  private y!: Tensor; private mask!: Tensor; private dx: Tensor | null = null;
  private active = false;

  /** Options { rate, name } are read strictly: unknown keys and wrong types are refused, naming the option. */
  constructor(options: { rate: number; name?: string }) {
    const o = Options.read('dropout', options, ['rate', 'name']);
    super(autoName('dropout', o.name()));
    this.rate = o.number('rate', { min: 0, max: 1, maxExclusive: true });
  }

  build(inputShape: SampleShape, ctx: BuildContext): void {
    this.inputShape = [...inputShape];
    this.outputShape = [...inputShape];
    this.seed = ctx.seed;
    this.stream = ctx.stream();
    this.counter = 0; // a layer rebuilt into another model starts its masks afresh
    this.lastCounter = 0;
  }

  protected allocate(): void {
    this.y = this.buffer(this.outputShape, 'output');
    this.mask = this.buffer(this.outputShape, 'mask');
    this.dx = this.needInputGrad ? this.buffer(this.inputShape, 'dInput') : null;
  }

  forward(x: Tensor, n: number, training: boolean): Tensor {
    this.active = training && this.rate > 0;
    if (!this.active) return x;
    const count = n * this.inputSize;
    const at = this.noiseFrozen ? this.lastCounter : this.counter;
    kern.dropout(x.ptr, this.y.ptr, this.mask.ptr, count, this.rate, drawOf(this.seed, this.stream, at));
    if (!this.noiseFrozen) { this.lastCounter = at; this.counter = at + count; }
    return this.y;
  }

  backward(dy: Tensor, n: number): Tensor | null {
    if (!this.dx) return null;
    if (!this.active) return dy;
    kern.dropoutGrad(dy.ptr, this.mask.ptr, this.dx.ptr, n * this.inputSize);
    return this.dx;
  }

  override outputs(): Record<string, Tensor | undefined> { return this.active ? { output: this.y } : {}; }

  config(): Record<string, unknown> { return { name: this.name, rate: this.rate }; }

  override getState(): Record<string, number> { return { counter: this.counter }; }
  /** Restores { counter } (a non-negative safe integer); anything else is refused. */
  override setState(s: Record<string, number>): void {
    for (const k of Object.keys(s)) if (k !== 'counter') throw new Error(`dropout "${this.name}": unknown state "${k}" (state: counter)`);
    const c = s.counter;
    if (!(typeof c === 'number' && Number.isSafeInteger(c) && c >= 0)) throw new RangeError(`dropout "${this.name}": state counter must be an integer ≥ 0, got ${given(c)}`);
    this.counter = c;
    this.lastCounter = c;
  }
}

/** Inverted dropout of `rate` (the fraction dropped; keep probability 1 − rate). Identity at inference. */
export function dropout(options: { rate: number; name?: string }): Dropout { return new Dropout(options); }
