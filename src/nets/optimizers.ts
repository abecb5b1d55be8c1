// Optimizers: sgd, momentum, nesterov, adagrad, rmsprop, adam, nadam, adamw, computing what Keras 3 computes (ε
// placement, Nadam's momentum schedule). Each step is one fused kernel per parameter (assembly/optim.ts); state lives in
// linear memory beside the weights. Clipping by value or global norm.
import * as kern from '../backend/kernels/index.js';
import { empty, type Tensor } from '../ops/tensor.js';
import type { Param } from '../layers/layer.js';
import { getSchedule, type Schedule, type ScheduleSpec } from './schedules.js';
import { isPlainObject, StrictOptions, unknownName, given } from '../ops/options.js';

/** Options every optimizer takes: learning rate or schedule, and gradient clipping. */
export interface OptimizerOptions {
  /** A number, or a schedule of the step (schedules.exponential(…), or its { name, ...options } form). */
  learningRate?: number | Schedule | ScheduleSpec;
  /** Clip each gradient element to [−clipValue, clipValue]. */
  clipValue?: number;
  /** Scale all gradients so their global L2 norm is at most clipNorm. */
  clipNorm?: number;
}

/** Saved optimizer state: the step count, scalar state and one float array per slot per parameter. */
export interface OptimizerState {
  iterations: number;
  learningRate: number;
  scalars: Record<string, number>;
  slots: { param: string; slot: string; values: Float32Array }[];
}

/** An optimizer: one fused update kernel per parameter each step, with its state (moments, step count) kept per parameter. */
export abstract class Optimizer {
  abstract readonly name: string;
  /** The rate used by the next step (callbacks may change it; a schedule sets it each step). */
  learningRate: number;
  readonly schedule?: Schedule;
  readonly clipValue?: number;
  readonly clipNorm?: number;
  /** Steps taken. */
  iterations = 0;
  private readonly slots = new Map<Param, Tensor[]>();
  // The trainable subset of each params array a model passes (the same array every step): filtered once.
  private readonly trainable = new WeakMap<readonly Param[], Param[]>();

  /** o: the options, read strictly (see optimizerOptions); defaultLr: the rate when o has none. */
  constructor(o: StrictOptions, defaultLr: number) {
    const lr = o.get('learningRate');
    if (isSchedule(lr)) {
      this.schedule = lr;
      this.learningRate = lr.at(0);
      if (!(typeof this.learningRate === 'number' && Number.isFinite(this.learningRate) && this.learningRate > 0)) {
        throw new RangeError(`${o.owner}: learningRate schedule "${String(lr.name)}" must give a finite rate > 0 at step 0, got ${given(this.learningRate)}`);
      }
    } else {
      if (lr !== undefined && typeof lr !== 'number') o.wrongType('learningRate', 'a finite number > 0 or a schedule (schedules.exponential(…))');
      this.learningRate = o.number('learningRate', { ...POSITIVE, default: defaultLr });
    }
    if (o.has('clipValue')) this.clipValue = o.number('clipValue', POSITIVE);
    if (o.has('clipNorm')) this.clipNorm = o.number('clipNorm', POSITIVE);
  }

  /** Names of the per-parameter state buffers (e.g. ['m', 'v']). */
  protected abstract slotNames(): string[];
  /** Initial value of each slot. */
  protected slotInit(_slot: string): number { return 0; }
  /** One fused update of one parameter. */
  protected abstract update(w: number, g: number, n: number, slots: Tensor[], lr: number): void;
  /** Scalars advanced once per step before the updates (bias corrections). */
  protected beginStep(): void {}
  /** Scalar state to save and restore. */
  protected scalars(): Record<string, number> { return {}; }
  protected setScalars(_s: Record<string, number>): void {}
  /** Options that rebuild it. */
  abstract config(): Record<string, unknown>;

  private slotsOf(p: Param): Tensor[] {
    let s = this.slots.get(p);
    if (!s) {
      s = this.slotNames().map((name) => {
        const t = empty(p.value.shape, 'float32', `${p.name}.${name}`);
        kern.fill(t.ptr, this.slotInit(name), t.size);
        return t;
      });
      this.slots.set(p, s);
    }
    return s;
  }

  /** Clips, then updates every trainable parameter from its gradient. */
  apply(params: readonly Param[]): void {
    let trainable = this.trainable.get(params);
    if (!trainable) { trainable = params.filter((p) => p.trainable && p.grad); this.trainable.set(params, trainable); }
    if (this.schedule) this.learningRate = this.schedule.at(this.iterations);
    if (this.clipValue !== undefined) for (const p of trainable) kern.clipByValue(p.grad!.ptr, p.grad!.size, this.clipValue);
    if (this.clipNorm !== undefined) {
      let ss = 0;
      for (const p of trainable) ss += kern.sumSquares(p.grad!.ptr, p.grad!.size);
      const norm = Math.sqrt(ss);
      if (norm > this.clipNorm) for (const p of trainable) kern.scale(p.grad!.ptr, this.clipNorm / norm, p.grad!.ptr, p.grad!.size);
    }
    this.iterations++;
    this.beginStep();
    for (const p of trainable) this.update(p.value.ptr, p.grad!.ptr, p.value.size, this.slotsOf(p), this.learningRate);
  }

  /** A copy of the step count, scalars and per-parameter slots of `params` (saved with the model). */
  getState(params: readonly Param[]): OptimizerState {
    const slots: OptimizerState['slots'] = [];
    for (const p of params) {
      const s = this.slots.get(p);
      if (s) this.slotNames().forEach((slot, i) => slots.push({ param: p.name, slot, values: s[i].toFloat32Array() }));
    }
    return { iterations: this.iterations, learningRate: this.learningRate, scalars: this.scalars(), slots };
  }

  /** Restores what getState() returned for the same parameters, so training resumes exactly. */
  setState(params: readonly Param[], state: OptimizerState): void {
    const byName = new Map(params.map((p) => [p.name, p]));
    for (const { param, slot, values } of state.slots) {
      const p = byName.get(param);
      const i = this.slotNames().indexOf(slot);
      if (!p || i < 0) throw new RangeError(`optimizer ${this.name}: saved state names ${param}.${slot}, which this model/optimizer does not have`);
      if (values.length !== p.value.size) throw new RangeError(`optimizer ${this.name}: saved ${param}.${slot} has ${values.length} values, the parameter has ${p.value.size}`);
      writeInto(this.slotsOf(p)[i], values);
    }
    this.iterations = state.iterations;
    this.learningRate = state.learningRate;
    this.setScalars(state.scalars);
  }

  /** Every state tensor of these parameters' slots (created now if missing), for a model's step snapshot. */
  stateTensors(params: readonly Param[]): Tensor[] {
    return params.filter((p) => p.trainable && p.grad).flatMap((p) => this.slotsOf(p));
  }

  /** The step count, the rate and the scalar state (bias corrections): what one step changes besides the slots. */
  scalarState(): { iterations: number; learningRate: number; scalars: Record<string, number> } {
    return { iterations: this.iterations, learningRate: this.learningRate, scalars: this.scalars() };
  }

  /** Puts back what scalarState() returned (a refused step). */
  restoreScalarState(s: { iterations: number; learningRate: number; scalars: Record<string, number> }): void {
    this.iterations = s.iterations; this.learningRate = s.learningRate; this.setScalars(s.scalars);
  }

  /** Frees the per-parameter state in WebAssembly memory. */
  dispose(): void {
    for (const s of this.slots.values()) s.forEach((t) => t.dispose());
    this.slots.clear();
  }

  protected base(): Record<string, unknown> {
    return {
      learningRate: this.schedule ? { name: this.schedule.name, ...this.schedule.config } : this.learningRate,
      clipValue: this.clipValue, clipNorm: this.clipNorm,
    };
  }
}

import { backend } from '../backend/module.js';
function writeInto(t: Tensor, values: Float32Array): void { backend().arena.f32.set(values, t.ptr >>> 2); }

/** A learning-rate schedule object (schedules.exponential(…) or a user's { name, config, at }). */
function isSchedule(v: unknown): v is Schedule {
  return typeof v === 'object' && v !== null && typeof (v as { at?: unknown }).at === 'function';
}

const POSITIVE = { min: 0, minExclusive: true } as const;
const NON_NEGATIVE = { min: 0 } as const;
const UNIT = { min: 0, max: 1, maxExclusive: true } as const;

/** The options each optimizer takes: the shared three, then its own. */
const KEYS = {
  sgd: [], momentum: ['momentum'], nesterov: ['momentum'], adagrad: ['initialAccumulatorValue', 'epsilon', 'epsilonConvention'],
  rmsprop: ['rho', 'epsilon', 'epsilonConvention'], adam: ['beta1', 'beta2', 'epsilon', 'epsilonConvention'],
  nadam: ['beta1', 'beta2', 'epsilon'], adamw: ['beta1', 'beta2', 'epsilon', 'epsilonConvention', 'weightDecay'],
} satisfies Record<string, string[]>;

/**
 * Where ε enters the denominator. 'keras' (the default; Keras 3 and TensorFlow.js): AdaGrad and RMSProp divide by
 * √(s + ε), Adam and AdamW add ε to the uncorrected √v (lr·√(1 − β2^t)/(1 − β1^t)·m/(√v + ε)). 'pytorch': AdaGrad and
 * RMSProp divide by √s + ε, Adam and AdamW by √v̂ + ε with v̂ = v/(1 − β2^t) (also TensorFlow.js's Adam). Nadam has
 * no choice: Keras and PyTorch both add ε to the bias-corrected √v̂.
 */
export type EpsilonConvention = 'keras' | 'pytorch';
/** Every EpsilonConvention, for option checks and help texts. */
export const EPSILON_CONVENTIONS: readonly EpsilonConvention[] = ['keras', 'pytorch'];

/** Reads an optimizer's options strictly: unknown keys are refused naming the nearest valid one. */
function optimizerOptions(owner: string, name: keyof typeof KEYS, o: unknown): StrictOptions {
  if ((name === 'adam' || name === 'nadam') && isPlainObject(o) && Object.hasOwn(o, 'weightDecay')) {
    throw new Error(`${owner}: unknown option "weightDecay"; ${name} has no weight decay (did you mean optimizers.adamw({ weightDecay })?)`);
  }
  if (name === 'nadam' && isPlainObject(o) && Object.hasOwn(o, 'epsilonConvention')) {
    throw new Error(`${owner}: unknown option "epsilonConvention"; Keras and PyTorch both add ε to Nadam's bias-corrected √v̂, so nadam has no convention to choose`);
  }
  return StrictOptions.read(owner, o, ['learningRate', 'clipValue', 'clipNorm', ...KEYS[name]]);
}

function epsilonConvention(o: StrictOptions): EpsilonConvention { return o.oneOf('epsilonConvention', EPSILON_CONVENTIONS, 'keras'); }

class SGD extends Optimizer {
  readonly name = 'sgd';
  constructor(o: StrictOptions) { super(o, 0.01); }
  protected slotNames(): string[] { return []; }
  protected update(w: number, g: number, n: number, _s: Tensor[], lr: number): void { kern.sgdUpdate(w, g, n, lr); }
  config(): Record<string, unknown> { return this.base(); }
}

/** Options of optimizers.momentum and nesterov: the momentum coefficient (default 0.9). */
export interface MomentumOptions extends OptimizerOptions { momentum?: number }

class Momentum extends Optimizer {
  readonly name: string;
  readonly momentum: number;
  constructor(o: StrictOptions, readonly nesterov: boolean) {
    super(o, 0.01);
    this.name = nesterov ? 'nesterov' : 'momentum';
    this.momentum = o.number('momentum', { ...UNIT, default: 0.9 });
  }
  protected slotNames(): string[] { return ['velocity']; }
  protected update(w: number, g: number, n: number, s: Tensor[], lr: number): void {
    kern.momentumUpdate(w, g, s[0].ptr, n, lr, this.momentum, this.nesterov);
  }
  config(): Record<string, unknown> { return { ...this.base(), momentum: this.momentum }; }
}

/** Options of optimizers.adagrad. */
export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number; epsilon?: number;
  /** 'keras' (default): w −= lr·g/√(acc + ε); 'pytorch': w −= lr·g/(√acc + ε). */
  epsilonConvention?: EpsilonConvention;
}

class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number; readonly epsilon: number; readonly epsilonConvention: EpsilonConvention;
  constructor(o: StrictOptions) {
    super(o, 0.001);
    this.initialAccumulatorValue = o.number('initialAccumulatorValue', { ...NON_NEGATIVE, default: 0.1 });
    this.epsilon = o.number('epsilon', { ...POSITIVE, default: 1e-7 });
    this.epsilonConvention = epsilonConvention(o);
  }
  protected slotNames(): string[] { return ['accumulator']; }
  protected override slotInit(): number { return this.initialAccumulatorValue; }
  protected update(w: number, g: number, n: number, s: Tensor[], lr: number): void {
    kern.adagradUpdate(w, g, s[0].ptr, n, lr, this.epsilon, this.epsilonConvention === 'keras');
  }
  config(): Record<string, unknown> {
    return { ...this.base(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon, epsilonConvention: this.epsilonConvention };
  }
}

/** Options of optimizers.rmsprop. */
export interface RmspropOptions extends OptimizerOptions {
  rho?: number; epsilon?: number;
  /** 'keras' (default; Keras and TensorFlow.js): w −= lr·g/√(ms + ε); 'pytorch': w −= lr·g/(√ms + ε). */
  epsilonConvention?: EpsilonConvention;
}

class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number; readonly epsilon: number; readonly epsilonConvention: EpsilonConvention;
  constructor(o: StrictOptions) {
    super(o, 0.001);
    this.rho = o.number('rho', { ...UNIT, default: 0.9 });
    this.epsilon = o.number('epsilon', { ...POSITIVE, default: 1e-7 });
    this.epsilonConvention = epsilonConvention(o);
  }
  protected slotNames(): string[] { return ['meanSquare']; }
  protected update(w: number, g: number, n: number, s: Tensor[], lr: number): void {
    kern.rmspropUpdate(w, g, s[0].ptr, n, lr, this.rho, this.epsilon, this.epsilonConvention === 'keras');
  }
  config(): Record<string, unknown> { return { ...this.base(), rho: this.rho, epsilon: this.epsilon, epsilonConvention: this.epsilonConvention }; }
}

/** Options of optimizers.adam. */
export interface AdamOptions extends OptimizerOptions {
  beta1?: number; beta2?: number; epsilon?: number;
  /** 'keras' (default): ε added to the uncorrected √v; 'pytorch' (also TensorFlow.js): to the bias-corrected √v̂. */
  epsilonConvention?: EpsilonConvention;
}
/** Options of optimizers.adamw: Adam's, and the decoupled weight decay. */
export interface AdamwOptions extends AdamOptions { weightDecay?: number }
/** Options of optimizers.nadam. */
export interface NadamOptions extends OptimizerOptions { beta1?: number; beta2?: number; epsilon?: number }

// Bias corrections from running products β^t (exact multiplications, host-independent, unlike Math.pow).
class Adam extends Optimizer {
  readonly name: string;
  readonly beta1: number; readonly beta2: number; readonly epsilon: number; readonly weightDecay: number;
  readonly epsilonConvention: EpsilonConvention;
  protected b1pow = 1; protected b2pow = 1;
  constructor(o: StrictOptions, readonly variant: 'adam' | 'adamw') {
    super(o, 0.001);
    this.name = variant;
    this.beta1 = o.number('beta1', { ...UNIT, default: 0.9 });
    this.beta2 = o.number('beta2', { ...UNIT, default: 0.999 });
    this.epsilon = o.number('epsilon', { ...POSITIVE, default: 1e-7 });
    this.epsilonConvention = epsilonConvention(o);
    this.weightDecay = variant === 'adamw' ? o.number('weightDecay', { ...NON_NEGATIVE, default: 0.004 }) : 0;
  }
  protected slotNames(): string[] { return ['m', 'v']; }
  protected override beginStep(): void { this.b1pow *= this.beta1; this.b2pow *= this.beta2; }
  protected update(w: number, g: number, n: number, s: Tensor[], lr: number): void {
    // keras/src/optimizers/adam.py, Adam.update_step: alpha = lr·√(1 − β2^t)/(1 − β1^t); w −= alpha·m/(√v + ε).
    const keras = this.epsilonConvention === 'keras';
    const c1 = keras ? Math.sqrt(1 - this.b2pow) / (1 - this.b1pow) : 1 / (1 - this.b1pow);
    const c2 = keras ? 1 : 1 / (1 - this.b2pow);
    kern.adamUpdate(w, g, s[0].ptr, s[1].ptr, n, lr, this.beta1, this.beta2, this.epsilon, c1, c2, this.weightDecay);
  }
  protected override scalars(): Record<string, number> { return { b1pow: this.b1pow, b2pow: this.b2pow }; }
  protected override setScalars(s: Record<string, number>): void { this.b1pow = s.b1pow ?? 1; this.b2pow = s.b2pow ?? 1; }
  config(): Record<string, unknown> {
    return {
      ...this.base(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, epsilonConvention: this.epsilonConvention,
      ...(this.variant === 'adamw' ? { weightDecay: this.weightDecay } : {}),
    };
  }
}

/**
 * Nadam as Keras 3 (keras/src/optimizers/nadam.py): the momentum schedule μ_t = β1·(1 − ½·0.96^t), the running
 * product Π_{i≤t} μ_i carried from step to step (advanced before each step, as Keras' u_product), and
 * m̂ = μ_{t+1}·m/(1 − Π_{i≤t+1} μ_i) + (1 − μ_t)·g/(1 − Π_{i≤t} μ_i), v̂ = v/(1 − β2^t), w −= lr·m̂/(√v̂ + ε).
 * 0.96^t and β2^t are running products too (exact multiplications, the same bits on every host).
 */
class Nadam extends Optimizer {
  readonly name = 'nadam';
  readonly beta1: number; readonly beta2: number; readonly epsilon: number;
  protected b2pow = 1; protected decayPow = 1; protected muProduct = 1;
  constructor(o: StrictOptions) {
    super(o, 0.001);
    this.beta1 = o.number('beta1', { ...UNIT, default: 0.9 });
    this.beta2 = o.number('beta2', { ...UNIT, default: 0.999 });
    this.epsilon = o.number('epsilon', { ...POSITIVE, default: 1e-7 });
  }
  protected slotNames(): string[] { return ['m', 'v']; }
  protected override beginStep(): void {
    this.decayPow *= 0.96; this.b2pow *= this.beta2;
    this.muProduct *= this.beta1 * (1 - 0.5 * this.decayPow);
  }
  protected update(w: number, g: number, n: number, s: Tensor[], lr: number): void {
    const mu = this.beta1 * (1 - 0.5 * this.decayPow), muNext = this.beta1 * (1 - 0.5 * this.decayPow * 0.96);
    const cm = muNext / (1 - this.muProduct * muNext), cg = (1 - mu) / (1 - this.muProduct);
    kern.nadamUpdate(w, g, s[0].ptr, s[1].ptr, n, lr, this.beta1, this.beta2, this.epsilon, cm, cg, 1 / (1 - this.b2pow));
  }
  protected override scalars(): Record<string, number> { return { b2pow: this.b2pow, decayPow: this.decayPow, muProduct: this.muProduct }; }
  protected override setScalars(s: Record<string, number>): void {
    this.b2pow = s.b2pow ?? 1; this.decayPow = s.decayPow ?? 1; this.muProduct = s.muProduct ?? 1;
    if (s.decayPow === undefined && this.iterations > 0) this.replaySchedule(); // a file saved before the schedule
  }
  /** Rebuilds 0.96^t and Π μ_i for the current step count, by the same multiplications the steps make. */
  private replaySchedule(): void {
    this.decayPow = 1; this.muProduct = 1;
    for (let t = 0; t < this.iterations; t++) { this.decayPow *= 0.96; this.muProduct *= this.beta1 * (1 - 0.5 * this.decayPow); }
  }
  config(): Record<string, unknown> { return { ...this.base(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon }; }
}

/** Plain gradient descent: w −= lr·g. Default lr 0.01. */
export const sgd = (o: OptimizerOptions = {}): Optimizer => new SGD(optimizerOptions('optimizers.sgd', 'sgd', o));
/** Heavy-ball momentum (Keras form): v = μv − lr·g; w += v. Default lr 0.01, μ 0.9. */
export const momentum = (o: MomentumOptions = {}): Optimizer => new Momentum(optimizerOptions('optimizers.momentum', 'momentum', o), false);
/** Nesterov momentum (Keras form): v = μv − lr·g; w += μv − lr·g. */
export const nesterov = (o: MomentumOptions = {}): Optimizer => new Momentum(optimizerOptions('optimizers.nesterov', 'nesterov', o), true);
/** AdaGrad: acc += g²; w −= lr·g/√(acc + ε) (Keras; epsilonConvention 'pytorch': √acc + ε). Default lr 0.001, initial accumulator 0.1. */
export const adagrad = (o: AdagradOptions = {}): Optimizer => new Adagrad(optimizerOptions('optimizers.adagrad', 'adagrad', o));
/** RMSProp: ms = ρ·ms + (1−ρ)·g²; w −= lr·g/√(ms + ε) (Keras; epsilonConvention 'pytorch': √ms + ε). Default lr 0.001, ρ 0.9. */
export const rmsprop = (o: RmspropOptions = {}): Optimizer => new RMSprop(optimizerOptions('optimizers.rmsprop', 'rmsprop', o));
/** Adam as Keras: w −= lr·√(1 − β2^t)/(1 − β1^t)·m/(√v + ε) (epsilonConvention 'pytorch': m̂/(√v̂ + ε)). Default lr 0.001, β 0.9/0.999, ε 1e-7. */
export const adam = (o: AdamOptions = {}): Optimizer => new Adam(optimizerOptions('optimizers.adam', 'adam', o), 'adam');
/** Adam with decoupled weight decay: w −= lr·wd·w before the Adam step. Default wd 0.004. */
export const adamw = (o: AdamwOptions = {}): Optimizer => new Adam(optimizerOptions('optimizers.adamw', 'adamw', o), 'adamw');
/** Nesterov-accelerated Adam (Dozat) with Keras 3's momentum schedule μ_t = β1·(1 − ½·0.96^t). */
export const nadam = (o: NadamOptions = {}): Optimizer => new Nadam(optimizerOptions('optimizers.nadam', 'nadam', o));

/** The optimizer names compile() and the command line accept. */
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw' | 'nadam';

/** An optimizer as { name, ...its own options }: a union by name, so each name takes only its options. */
export type OptimizerSpec =
  | ({ name: 'sgd' } & OptimizerOptions)
  | ({ name: 'momentum' | 'nesterov' } & MomentumOptions)
  | ({ name: 'adagrad' } & AdagradOptions)
  | ({ name: 'rmsprop' } & RmspropOptions)
  | ({ name: 'adam' } & AdamOptions)
  | ({ name: 'adamw' } & AdamwOptions)
  | ({ name: 'nadam' } & NadamOptions);
const BY_NAME: Record<OptimizerName, (o: StrictOptions) => Optimizer> = {
  sgd: (o) => new SGD(o), momentum: (o) => new Momentum(o, false), nesterov: (o) => new Momentum(o, true),
  adagrad: (o) => new Adagrad(o), rmsprop: (o) => new RMSprop(o),
  adam: (o) => new Adam(o, 'adam'), adamw: (o) => new Adam(o, 'adamw'), nadam: (o) => new Nadam(o),
};

/** Every optimizer name getOptimizer knows (the CLI and docs list these). */
export const OPTIMIZER_NAMES = Object.keys(BY_NAME) as readonly OptimizerName[];

/**
 * An optimizer from a name ('adam'), a { name, ...options } object (a saved config, whose learningRate may be a saved
 * schedule { name, ... }), or an Optimizer. Unknown names and option keys are refused naming the nearest valid one.
 * Typed code gets OptimizerSpec checked; the second form takes what files and the command line parsed, checked here.
 */
export function getOptimizer(owner: string, spec: OptimizerName | Optimizer | OptimizerSpec): Optimizer;
export function getOptimizer(owner: string, spec: { name: string; [k: string]: unknown }): Optimizer;
export function getOptimizer(owner: string, given_: OptimizerName | Optimizer | OptimizerSpec | { name: string; [k: string]: unknown }): Optimizer {
  const spec = given_ as OptimizerName | Optimizer | { name: string; [k: string]: unknown };
  if (spec instanceof Optimizer) return spec;
  if (typeof spec !== 'string' && !isPlainObject(spec)) {
    throw new TypeError(`${owner}: optimizer must be a name (${OPTIMIZER_NAMES.join(', ')}), { name, ...options } or an Optimizer, got ${given(spec)}`);
  }
  const name = typeof spec === 'string' ? spec : spec.name;
  if (typeof name !== 'string' || !Object.hasOwn(BY_NAME, name)) unknownName(owner, 'optimizer', name, OPTIMIZER_NAMES);
  const { name: _, ...cfg } = typeof spec === 'string' ? { name } : spec;
  for (const k of Object.keys(cfg)) if (cfg[k] === undefined) delete cfg[k];
  const lr = cfg.learningRate;
  if (lr && typeof lr === 'object' && !isSchedule(lr)) cfg.learningRate = getSchedule(lr as ScheduleSpec, `${owner}: optimizer "${name}": learningRate`);
  return BY_NAME[name as OptimizerName](optimizerOptions(`${owner}: optimizer "${name}"`, name as OptimizerName, cfg));
}
