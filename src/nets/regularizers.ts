// Weight regularizers: l1, l2 and l1l2 penalties on a layer's kernel or bias, added to the loss and (by the fused
// `regularize` kernel) to the gradient: g += l1·sign(w) + 2·l2·w. Two scales: 'sum' (Keras: l1·Σ|w| + l2·Σw², the
// default) and 'perSample' (the course convention of networks written from scratch: λ1/m·Σ|w| + λ2/(2m)·Σw², m the
// samples the data loss averages over: the mini-batch in training, the evaluated set in evaluate).
import { given, isPlainObject, numberArg, StrictOptions, unknownName } from '../ops/options.js';

/** How a factor scales the penalty: 'sum' (Keras, default) or 'perSample' (λ/m·Σ|w|, λ/(2m)·Σw²). */
export type RegularizerScale = 'sum' | 'perSample';
/** Every RegularizerScale, for option checks and help texts. */
export const REGULARIZER_SCALES: readonly RegularizerScale[] = ['sum', 'perSample'];

/** A weight penalty: its L1 and L2 factors and how they scale (added to the loss and the gradients). */
export interface Regularizer {
  readonly name: 'l1' | 'l2' | 'l1l2';
  readonly l1: number;
  readonly l2: number;
  /** Present only when 'perSample' (the saved form of a 'sum' regularizer is unchanged). */
  readonly scale?: RegularizerScale;
}

/** Options of the factories besides the factors. */
export interface RegularizerOptions { scale?: RegularizerScale }
/** The saved / spec form: { name, l1?, l2?, scale? }. */
export interface RegularizerSpec { name: 'l1' | 'l2' | 'l1l2'; l1?: number; l2?: number; scale?: RegularizerScale }

const NAMES = ['l1', 'l2', 'l1l2'] as const;
const check = (owner: string, what: string, v: unknown): number => numberArg(owner, what, v, { min: 0 });

function make(name: Regularizer['name'], l1: number, l2: number, scale: RegularizerScale): Regularizer {
  return Object.freeze(scale === 'perSample' ? { name, l1, l2, scale } : { name, l1, l2 });
}
function readScale(owner: string, options: unknown): RegularizerScale {
  return StrictOptions.read(owner, options ?? {}, ['scale']).oneOf('scale', REGULARIZER_SCALES, 'sum');
}

/** l1·Σ|w| (scale 'perSample': l1/m·Σ|w|). */
export function l1(l1 = 0.01, options?: RegularizerOptions): Regularizer {
  return make('l1', check('regularizers.l1', 'l1', l1), 0, readScale('regularizers.l1', options));
}
/** l2·Σw² (scale 'perSample': l2/(2m)·Σw²). */
export function l2(l2 = 0.01, options?: RegularizerOptions): Regularizer {
  return make('l2', 0, check('regularizers.l2', 'l2', l2), readScale('regularizers.l2', options));
}
/** Both penalties (defaults 0.01 each). */
export function l1l2(options: { l1?: number; l2?: number; scale?: RegularizerScale } = {}): Regularizer { return makeL1l2('regularizers.l1l2', options); }
function makeL1l2(owner: string, options: unknown): Regularizer {
  const o = StrictOptions.read(owner, options, ['l1', 'l2', 'scale']);
  return make('l1l2', check(owner, 'l1', o.has('l1') ? o.get('l1') : 0.01), check(owner, 'l2', o.has('l2') ? o.get('l2') : 0.01),
    o.oneOf('scale', REGULARIZER_SCALES, 'sum'));
}

/**
 * The factors the `regularize` kernel applies (g += l1·sign(w) + 2·l2·w; penalty l1·Σ|w| + l2·Σw²) when the data loss
 * averages over `samples` samples: the regularizer's own for 'sum', l1/m and l2/(2m) for 'perSample'.
 */
export function regularizerFactors(r: Regularizer, samples: number): { l1: number; l2: number } {
  if (r.scale !== 'perSample') return r;
  return { l1: r.l1 / samples, l2: r.l2 / (2 * samples) };
}

/**
 * From a Regularizer, a name ('l2': the default factor 0.01) or the saved form { name, l1, l2, scale } (which for l1
 * and l2 carries the other factor as 0). Unknown names and keys are refused naming the nearest valid one.
 */
export function getRegularizer(owner: string, spec: Regularizer | 'l1' | 'l2' | 'l1l2' | RegularizerSpec | { name: string; [k: string]: unknown } | undefined): Regularizer | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (typeof spec !== 'string' && !isPlainObject(spec)) {
    throw new TypeError(`${owner}: a regularizer must be l1, l2, l1l2 (a name, { name, l1, l2, scale } or regularizers.l2(…)), got ${given(spec)}`);
  }
  const name = typeof spec === 'string' ? spec : spec.name;
  if (typeof name !== 'string' || !(NAMES as readonly string[]).includes(name)) unknownName(owner, 'regularizer', name, NAMES);
  const who = `${owner}: regularizer "${name}"`;
  const { name: _, ...cfg } = typeof spec === 'string' ? { name } : spec;
  const o = StrictOptions.read(who, cfg, ['l1', 'l2', 'scale']);
  // The saved form of l1 and l2 carries the other factor as 0: accepted as long as it is 0.
  const other = name === 'l1' ? 'l2' : name === 'l2' ? 'l1' : undefined;
  if (other && o.has(other) && o.get(other) !== 0) o.outOfRange(other, `0 or absent for ${name} (use l1l2 for both)`);
  const scale = o.oneOf('scale', REGULARIZER_SCALES, 'sum');
  if (name === 'l1') return make('l1', check(who, 'l1', o.has('l1') ? o.get('l1') : 0.01), 0, scale);
  if (name === 'l2') return make('l2', 0, check(who, 'l2', o.has('l2') ? o.get('l2') : 0.01), scale);
  return makeL1l2(who, cfg);
}
