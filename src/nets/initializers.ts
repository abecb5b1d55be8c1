// Initializers: fill a parameter from the module's counter-based generator (seed, stream), so the same seed gives the
// same weights in every runtime. Scales follow Keras (glorot/xavier, he, lecun; normal variants truncated at 2σ).
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from '../ops/tensor.js';
import { drawOf } from '../ops/random.js';
import { given, isPlainObject, numberArg, StrictOptions, unknownName } from '../ops/options.js';

/** A weight initializer: fills a tensor from the module's seeded generator, given the layer's fans. */
export interface Initializer {
  readonly name: string;
  /** Options that rebuild it (saved with the model). */
  readonly config: Readonly<Record<string, number>>;
  /** Fills `t` for a layer with these fans, drawing from stream `stream` of generator `seed`. */
  fill(t: Tensor, fanIn: number, fanOut: number, seed: number, stream: number): void;
}


function fillUniform(t: Tensor, seed: number, stream: number, lo: number, hi: number): void {
  if (lo === hi) kern.fill(t.ptr, lo, t.size);
  else kern.randomUniform(t.ptr, t.size, drawOf(seed, stream), lo, hi);
}

function fillNormal(t: Tensor, seed: number, stream: number, mean: number, std: number, truncated: boolean): void {
  if (truncated) kern.randomTruncatedNormal(t.ptr, t.size, drawOf(seed, stream), mean, std);
  else kern.randomNormal(t.ptr, t.size, drawOf(seed, stream), mean, std);
}

function make(name: string, config: Record<string, number>, fill: Initializer['fill']): Initializer {
  return Object.freeze({ name, config: Object.freeze({ ...config }), fill });
}

const finite = (owner: string, what: string, v: unknown): number => numberArg(owner, what, v);
const nonNegative = (owner: string, what: string, v: unknown): number => numberArg(owner, what, v, { min: 0 });

/** All zeros (the default for biases). */
export function zeros(): Initializer { return fillWith('zeros', 0); }
/** All ones. */
export function ones(): Initializer { return fillWith('ones', 1); }

function fillWith(name: string, value: number): Initializer {
  return make(name, name === 'constant' ? { value } : {}, (t) => kern.fill(t.ptr, value, t.size));
}

/** Every element = value (a finite number). */
export function constant(value: number): Initializer { return makeConstant('initializers.constant', value); }
function makeConstant(owner: string, value: unknown): Initializer { return fillWith('constant', finite(owner, 'value', value)); }

/** Uniform in [lo, hi). */
export function uniform(lo = -0.05, hi = 0.05): Initializer { return makeUniform('initializers.uniform', lo, hi); }
function makeUniform(owner: string, lo: unknown, hi: unknown): Initializer {
  const l = finite(owner, 'lo', lo), h = finite(owner, 'hi', hi);
  if (!(h >= l)) throw new RangeError(`${owner}: hi (${h}) must be ≥ lo (${l})`);
  return make('uniform', { lo: l, hi: h }, (t, _fi, _fo, seed, stream) => fillUniform(t, seed, stream, l, h));
}

/** Normal draws with this mean and standard deviation (default 0 and 0.05, as Keras' RandomNormal). */
export function normal(mean = 0, std = 0.05): Initializer { return makeNormal('initializers.normal', mean, std, false); }

/** Normal, redrawn outside mean ± 2·std. */
export function truncatedNormal(mean = 0, std = 0.05): Initializer { return makeNormal('initializers.truncatedNormal', mean, std, true); }

function makeNormal(owner: string, mean: unknown, std: unknown, truncated: boolean): Initializer {
  const m = finite(owner, 'mean', mean), s = nonNegative(owner, 'std', std);
  return make(truncated ? 'truncatedNormal' : 'normal', { mean: m, std: s }, (t, _fi, _fo, seed, stream) => fillNormal(t, seed, stream, m, s, truncated));
}

// Variance scaling: std (or limit) = sqrt(scale / fan). Math.sqrt is correctly rounded (IEEE), so host-independent.
// Keras divides the truncated-normal std by 0.8796256610342398, the std of a standard normal truncated at ±2.
const TRUNC_STD = 0.8796256610342398;
function scaled(name: string, scale: number, mode: 'in' | 'avg', dist: 'uniform' | 'normal'): Initializer {
  return make(name, {}, (t, fanIn, fanOut, seed, stream) => {
    const fan = mode === 'in' ? fanIn : (fanIn + fanOut) / 2;
    if (dist === 'uniform') {
      const limit = Math.sqrt((3 * scale) / fan);
      fillUniform(t, seed, stream, -limit, limit);
    } else {
      fillNormal(t, seed, stream, 0, Math.sqrt(scale / fan) / TRUNC_STD, true);
    }
  });
}

/** Glorot (Xavier) uniform: U(±√(6 / (fanIn + fanOut))). */
export const glorotUniform = (): Initializer => scaled('glorotUniform', 1, 'avg', 'uniform');
/** Glorot (Xavier) normal: truncated at 2σ, σ = √(2 / (fanIn + fanOut)) (Keras' correction for the truncation). */
export const glorotNormal = (): Initializer => scaled('glorotNormal', 1, 'avg', 'normal');
/** He uniform: U(±√(6 / fanIn)), for ReLU layers. */
export const heUniform = (): Initializer => scaled('heUniform', 2, 'in', 'uniform');
/** He normal: truncated at 2σ, σ = √(2 / fanIn), for ReLU layers. */
export const heNormal = (): Initializer => scaled('heNormal', 2, 'in', 'normal');
/** LeCun uniform: U(±√(3 / fanIn)). */
export const lecunUniform = (): Initializer => scaled('lecunUniform', 1, 'in', 'uniform');
/** LeCun normal: truncated at 2σ, σ = √(1 / fanIn). */
export const lecunNormal = (): Initializer => scaled('lecunNormal', 1, 'in', 'normal');
/** Another name for glorotUniform. */
export const xavierUniform = glorotUniform;
/** Another name for glorotNormal. */
export const xavierNormal = glorotNormal;

/** An option's value, or dflt when absent (undefined; null is a value, and refused). */
const or = (o: StrictOptions, k: string, dflt: number): unknown => (o.has(k) ? o.get(k) : dflt);

// Each name: how to make it from the options of its { name, ...options } form (read strictly by getInitializer).
const BY_NAME: Record<string, [keys: readonly string[], make: (owner: string, o: StrictOptions) => Initializer]> = {
  zeros: [[], zeros], ones: [[], ones], constant: [['value'], (owner, o) => makeConstant(owner, or(o, 'value', 0))],
  uniform: [['lo', 'hi'], (owner, o) => makeUniform(owner, or(o, 'lo', -0.05), or(o, 'hi', 0.05))],
  normal: [['mean', 'std'], (owner, o) => makeNormal(owner, or(o, 'mean', 0), or(o, 'std', 0.05), false)],
  truncatedNormal: [['mean', 'std'], (owner, o) => makeNormal(owner, or(o, 'mean', 0), or(o, 'std', 0.05), true)],
  glorotUniform: [[], glorotUniform], glorotNormal: [[], glorotNormal], heUniform: [[], heUniform], heNormal: [[], heNormal],
  lecunUniform: [[], lecunUniform], lecunNormal: [[], lecunNormal], xavierUniform: [[], glorotUniform], xavierNormal: [[], glorotNormal],
};

/** Every initializer name getInitializer knows, aliases included (the CLI and docs list these). */
export const INITIALIZER_NAMES: readonly string[] = Object.keys(BY_NAME);

/** The initializer names layers and the command line accept. */
export type InitializerName = 'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'xavierUniform' | 'xavierNormal'
  | 'heUniform' | 'heNormal' | 'lecunUniform' | 'lecunNormal' | 'uniform' | 'normal' | 'truncatedNormal';

/** An initializer as { name, ...its own options } (how models save it): a union by name. */
export type InitializerSpec =
  | { name: 'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'xavierUniform' | 'xavierNormal' | 'heUniform' | 'heNormal'
    | 'lecunUniform' | 'lecunNormal' }
  | { name: 'constant'; value?: number }
  | { name: 'uniform'; lo?: number; hi?: number }
  | { name: 'normal' | 'truncatedNormal'; mean?: number; std?: number };

/**
 * An initializer from a name ('heNormal'), a { name, ...options } object (model files; also { name, config: {…} }), or
 * an Initializer. Unknown names and option keys are refused naming the nearest valid one.
 */
export function getInitializer(owner: string, spec: InitializerName | Initializer | InitializerSpec): Initializer;
export function getInitializer(owner: string, spec: { name: string; [k: string]: unknown }): Initializer;
export function getInitializer(owner: string, given_: InitializerName | Initializer | InitializerSpec | { name: string; [k: string]: unknown }): Initializer {
  const spec = given_ as InitializerName | Initializer | { name: string; [k: string]: unknown };
  if (typeof spec === 'object' && spec !== null && typeof (spec as Initializer).fill === 'function') return spec as Initializer;
  if (typeof spec !== 'string' && !isPlainObject(spec)) {
    throw new TypeError(`${owner}: initializer must be a name (${INITIALIZER_NAMES.join(', ')}), { name, ...options } or an Initializer, got ${given(spec)}`);
  }
  const name = typeof spec === 'string' ? spec : spec.name;
  if (typeof name !== 'string' || !Object.hasOwn(BY_NAME, name)) unknownName(owner, 'initializer', name, INITIALIZER_NAMES);
  const [keys, f] = BY_NAME[name];
  const who = `${owner}: initializer "${name}"`;
  let cfg: unknown = {};
  if (typeof spec === 'object') {
    const { name: _, ...rest } = spec;
    // { name, config: { … } } (the Keras form) or { name, ...options }.
    cfg = Object.keys(rest).length === 1 && isPlainObject(rest.config) ? rest.config : rest;
  }
  return f(who, StrictOptions.read(who, cfg, keys));
}
