// Initializers: fill a parameter from the module's counter-based generator (seed, stream), so the same seed gives the
// same weights in every runtime. Scales follow Keras (glorot/xavier, he, lecun; normal variants truncated at 2σ).
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from '../ops/tensor.js';
import { drawOf } from '../ops/random.js';

export interface Initializer {
  readonly name: string;
  /** Options that rebuild it (saved with the model). */
  readonly config: Readonly<Record<string, number>>;
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

function finite(name: string, what: string, v: number): number {
  if (!Number.isFinite(v)) throw new RangeError(`initializers.${name}: ${what} must be a finite number, got ${v}`);
  return v;
}

export function zeros(): Initializer { return constant(0, 'zeros'); }
export function ones(): Initializer { return constant(1, 'ones'); }

export function constant(value: number, name = 'constant'): Initializer {
  finite('constant', 'value', value);
  return make(name, name === 'constant' ? { value } : {}, (t) => kern.fill(t.ptr, value, t.size));
}

/** Uniform in [lo, hi). */
export function uniform(lo = -0.05, hi = 0.05): Initializer {
  finite('uniform', 'lo', lo); finite('uniform', 'hi', hi);
  if (!(hi >= lo)) throw new RangeError(`initializers.uniform: hi (${hi}) must be ≥ lo (${lo})`);
  return make('uniform', { lo, hi }, (t, _fi, _fo, seed, stream) => fillUniform(t, seed, stream, lo, hi));
}

export function normal(mean = 0, std = 0.05): Initializer {
  finite('normal', 'mean', mean); finite('normal', 'std', std);
  if (std < 0) throw new RangeError(`initializers.normal: std must be ≥ 0, got ${std}`);
  return make('normal', { mean, std }, (t, _fi, _fo, seed, stream) => fillNormal(t, seed, stream, mean, std, false));
}

/** Normal, redrawn outside mean ± 2·std. */
export function truncatedNormal(mean = 0, std = 0.05): Initializer {
  finite('truncatedNormal', 'mean', mean); finite('truncatedNormal', 'std', std);
  if (std < 0) throw new RangeError(`initializers.truncatedNormal: std must be ≥ 0, got ${std}`);
  return make('truncatedNormal', { mean, std }, (t, _fi, _fo, seed, stream) => fillNormal(t, seed, stream, mean, std, true));
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

export const glorotUniform = (): Initializer => scaled('glorotUniform', 1, 'avg', 'uniform');
export const glorotNormal = (): Initializer => scaled('glorotNormal', 1, 'avg', 'normal');
export const heUniform = (): Initializer => scaled('heUniform', 2, 'in', 'uniform');
export const heNormal = (): Initializer => scaled('heNormal', 2, 'in', 'normal');
export const lecunUniform = (): Initializer => scaled('lecunUniform', 1, 'in', 'uniform');
export const lecunNormal = (): Initializer => scaled('lecunNormal', 1, 'in', 'normal');
export const xavierUniform = glorotUniform;
export const xavierNormal = glorotNormal;

const BY_NAME: Record<string, (c: Record<string, number>) => Initializer> = {
  zeros: () => zeros(), ones: () => ones(), constant: (c) => constant(c.value ?? 0),
  uniform: (c) => uniform(c.lo, c.hi), normal: (c) => normal(c.mean, c.std), truncatedNormal: (c) => truncatedNormal(c.mean, c.std),
  glorotUniform, glorotNormal, heUniform, heNormal, lecunUniform, lecunNormal,
  xavierUniform: glorotUniform, xavierNormal: glorotNormal,
};

/** Every initializer name getInitializer knows, aliases included (the CLI and docs list these). */
export const INITIALIZER_NAMES: readonly string[] = Object.keys(BY_NAME);

export type InitializerName = 'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'xavierUniform' | 'xavierNormal'
  | 'heUniform' | 'heNormal' | 'lecunUniform' | 'lecunNormal' | 'uniform' | 'normal' | 'truncatedNormal';

/** An initializer from a name ('heNormal'), a { name, ...config } object (model files), or an Initializer. */
export function getInitializer(owner: string, spec: InitializerName | Initializer | { name: string; [k: string]: unknown }): Initializer {
  if (typeof spec === 'object' && spec !== null && 'fill' in spec) return spec as Initializer;
  const name = typeof spec === 'string' ? spec : (spec as { name: string }).name;
  const f = BY_NAME[name];
  if (!f) throw new RangeError(`${owner}: unknown initializer "${name}" (expected one of ${Object.keys(BY_NAME).join(', ')})`);
  const cfg = typeof spec === 'object' ? (spec as { config?: Record<string, number> }).config ?? (spec as unknown as Record<string, number>) : {};
  return f(cfg);
}
