// residual: y = f(block(x) + shortcut(x)). The shortcut is the identity, or a projection when the block changes the
// shape (a 1×1 conv with matching strides for images, a dense layer for vectors). Backward: the gradient flows
// through both branches and dx = dx_block + dx_shortcut (overwrites).
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from '../ops/tensor.js';
import { Layer, MAX_NESTING, autoName, type BuildContext, type SampleShape } from './layer.js';
import { Dense } from './dense.js';
import { Conv2D } from './conv2d.js';
import { activationBackward, activationForward, parseActivation, type Activation, type ActivationName } from './activation-fn.js';
import { layerSpec, type LayerSpec } from './registry.js';
import { Options, given } from './options.js';

/** Options of layers.residual(): the block and the shortcut. */
export interface ResidualOptions {
  /** The block's layers, applied in order. */
  layers: Layer[];
  /** 'auto' (default): identity when the block keeps the shape, else projection. */
  shortcut?: 'auto' | 'identity' | 'projection';
  /** Applied after the sum (default linear). */
  activation?: ActivationName | Activation;
  name?: string;
}

/** A residual block: its layers' output plus a shortcut of the input (see layers.residual). */
export class Residual extends Layer {
  readonly kind = 'residual';
  readonly block: Layer[];
  readonly shortcutKind: 'auto' | 'identity' | 'projection';
  readonly activation: Activation;
  projection?: Layer;
  private readonly depth: number;
  private sum!: Tensor; private y!: Tensor; private dsum!: Tensor; private dx: Tensor | null = null;

  /** Options are read strictly: unknown keys and wrong types are refused, naming the option (see options.ts). */
  constructor(options: ResidualOptions) {
    const o = Options.read('residual', options, ['layers', 'shortcut', 'activation', 'name']);
    const name = autoName('residual', o.name());
    super(name);
    const block = o.get('layers');
    if (!Array.isArray(block) || block.length === 0) {
      throw new TypeError(`${o.owner}: layers must be a non-empty array of layers (the block), got ${given(block)}`);
    }
    block.forEach((l, i) => {
      if (!(l instanceof Layer)) throw new TypeError(`${o.owner}: layers[${i}] must be a layer (layers.dense(…) etc.), got ${given(l)}`);
    });
    this.block = [...block] as Layer[];
    this.depth = 1 + Math.max(...this.block.map((l) => l.nesting));
    if (this.depth > MAX_NESTING) throw new RangeError(`${o.owner}: layers nest ${this.depth} deep; at most ${MAX_NESTING} levels are allowed`);
    this.shortcutKind = o.oneOf('shortcut', ['auto', 'identity', 'projection'] as const, 'auto');
    this.activation = parseActivation(o.owner, o.get('activation'));
  }

  override children(): Layer[] { return this.projection ? [...this.block, this.projection] : [...this.block]; }
  override get nesting(): number { return this.depth; }

  build(inputShape: SampleShape, ctx: BuildContext): void {
    this.inputShape = [...inputShape];
    this.projection = undefined; // a layer rebuilt into another model makes its projection afresh
    let s: readonly number[] = inputShape;
    for (const l of this.block) { l.build(s, ctx); s = l.outputShape; }
    this.outputShape = [...s];
    const same = s.length === inputShape.length && s.every((d, i) => d === inputShape[i]);
    if (this.shortcutKind === 'identity' && !same) {
      throw new RangeError(`residual "${this.name}": an identity shortcut needs the block to keep the shape [${inputShape.join(', ')}], ` +
        `but it gives [${s.join(', ')}]; use shortcut: 'projection'`);
    }
    if (this.shortcutKind === 'projection' || !same) {
      if (inputShape.length === 3 && s.length === 3) {
        const [H, W] = inputShape, [OH, OW, C] = s;
        const sh = Math.ceil(H / OH) , sw = Math.ceil(W / OW);
        this.projection = new Conv2D({ filters: C, kernelSize: 1, strides: [sh, sw], padding: 'valid', useBias: false, name: `${this.name}.projection` });
      } else if (inputShape.length === 1 && s.length === 1) {
        this.projection = new Dense({ units: s[0], useBias: false, name: `${this.name}.projection` });
      } else {
        throw new RangeError(`residual "${this.name}": no projection from [${inputShape.join(', ')}] to [${s.join(', ')}]`);
      }
      this.projection.build(inputShape, ctx);
      const p = this.projection.outputShape;
      if (p.length !== s.length || p.some((d, i) => d !== s[i])) {
        throw new RangeError(`residual "${this.name}": the projection gives [${p.join(', ')}], the block [${s.join(', ')}]`);
      }
    }
  }

  override plan(batch: number, needInputGrad: boolean): void {
    super.plan(batch, needInputGrad);
    this.block.forEach((l, i) => l.plan(batch, i > 0 || needInputGrad));
    this.projection?.plan(batch, needInputGrad);
  }

  protected allocate(): void {
    const linear = this.activation.name === 'linear';
    this.y = this.buffer(this.outputShape, 'output');
    this.sum = linear ? this.y : this.buffer(this.outputShape, 'sum');
    this.dsum = linear ? this.y : this.buffer(this.outputShape, 'dSum');
    this.dx = this.needInputGrad ? this.buffer(this.inputShape, 'dInput') : null;
  }

  forward(x: Tensor, n: number, training: boolean): Tensor {
    let h = x;
    for (const l of this.block) { l.noiseFrozen = this.noiseFrozen; h = l.forward(h, n, training); }
    const s = this.projection ? this.projection.forward(x, n, training) : x;
    const count = n * this.outputSize;
    kern.binary('add', h.ptr, s.ptr, this.sum.ptr, count);
    if (this.activation.name !== 'linear') activationForward(this.activation, this.sum.ptr, this.y.ptr, count / this.lastAxis(), this.lastAxis());
    return this.y;
  }

  private lastAxis(): number { return this.outputShape[this.outputShape.length - 1]; }

  backward(dy: Tensor, n: number): Tensor | null {
    let d = dy;
    if (this.activation.name !== 'linear') {
      const count = n * this.outputSize;
      activationBackward(this.activation, this.sum.ptr, this.y.ptr, dy.ptr, this.dsum.ptr, count / this.lastAxis(), this.lastAxis());
      d = this.dsum;
    }
    let db: Tensor | null = d;
    for (let i = this.block.length - 1; i >= 0; i--) db = this.block[i].backward(db!, n);
    const ds = this.projection ? this.projection.backward(d, n) : d;
    if (!this.dx) return null;
    kern.binary('add', db!.ptr, ds!.ptr, this.dx.ptr, n * this.inputSize);
    return this.dx;
  }

  override outputs(): Record<string, Tensor | undefined> { return { output: this.y }; }

  config(): Record<string, unknown> {
    return { name: this.name, layers: this.block.map(layerSpec), shortcut: this.shortcutKind, activation: this.activation };
  }

  /** From the saved config; `nested` rebuilds each block layer from its spec (the registry, which bounds the depth). */
  static fromConfig(c: Record<string, unknown>, nested: (spec: LayerSpec) => Layer): Residual {
    const o = Options.read('residual', c, ['layers', 'shortcut', 'activation', 'name']);
    const specs = o.get('layers');
    if (!Array.isArray(specs) || specs.length === 0) {
      throw new TypeError(`${o.owner}: layers must be a non-empty array of layer specs [{ kind, config }, …], got ${given(specs)}`);
    }
    return new Residual({ ...(c as object), layers: specs.map((spec, i) => {
      try {
        return nested(spec as LayerSpec);
      } catch (e) {
        throw prefixed(e, `${o.owner}: layers[${i}]: `);
      }
    }) } as ResidualOptions);
  }
}

/** The same kind of error with `prefix` before its message. */
function prefixed(e: unknown, prefix: string): Error {
  if (!(e instanceof Error)) return new Error(`${prefix}${String(e)}`);
  const Kind = e instanceof TypeError ? TypeError : e instanceof RangeError ? RangeError : Error;
  return new Kind(`${prefix}${e.message}`);
}

/** A residual block: the layers, plus an identity or projection shortcut, summed (then an optional activation). */
export function residual(options: ResidualOptions): Residual { return new Residual(options); }
