// Weight regularizers: l1, l2 and l1l2 penalties on a layer's kernel or bias, added to the loss and (by the fused
// `regularize` kernel) to the gradient: g += l1·sign(w) + 2·l2·w.
import { given, isPlainObject, numberArg, StrictOptions, unknownName } from '../ops/options.js';

export interface Regularizer {
  readonly name: 'l1' | 'l2' | 'l1l2';
  readonly l1: number;
  readonly l2: number;
}

const NAMES = ['l1', 'l2', 'l1l2'] as const;
const check = (owner: string, what: string, v: unknown): number => numberArg(owner, what, v, { min: 0 });

export function l1(l1 = 0.01): Regularizer { return Object.freeze({ name: 'l1', l1: check('regularizers.l1', 'l1', l1), l2: 0 }); }
export function l2(l2 = 0.01): Regularizer { return Object.freeze({ name: 'l2', l1: 0, l2: check('regularizers.l2', 'l2', l2) }); }
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer { return makeL1l2('regularizers.l1l2', options); }
function makeL1l2(owner: string, options: unknown): Regularizer {
  const o = StrictOptions.read(owner, options, ['l1', 'l2']);
  return Object.freeze({ name: 'l1l2', l1: check(owner, 'l1', o.has('l1') ? o.get('l1') : 0.01), l2: check(owner, 'l2', o.has('l2') ? o.get('l2') : 0.01) });
}

/**
 * From a Regularizer, a name ('l2': the default factor 0.01) or the saved form { name, l1, l2 } (which for l1 and l2
 * carries the other factor as 0). Unknown names and keys are refused naming the nearest valid one.
 */
export function getRegularizer(owner: string, spec: Regularizer | 'l1' | 'l2' | 'l1l2' | { name: string; l1?: number; l2?: number } | undefined): Regularizer | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (typeof spec !== 'string' && !isPlainObject(spec)) {
    throw new TypeError(`${owner}: a regularizer must be l1, l2, l1l2 (a name, { name, l1, l2 } or regularizers.l2(…)), got ${given(spec)}`);
  }
  const name = typeof spec === 'string' ? spec : spec.name;
  if (typeof name !== 'string' || !(NAMES as readonly string[]).includes(name)) unknownName(owner, 'regularizer', name, NAMES);
  const who = `${owner}: regularizer "${name}"`;
  const { name: _, ...cfg } = typeof spec === 'string' ? { name } : spec;
  const o = StrictOptions.read(who, cfg, ['l1', 'l2']);
  // The saved form of l1 and l2 carries the other factor as 0: accepted as long as it is 0.
  const other = name === 'l1' ? 'l2' : name === 'l2' ? 'l1' : undefined;
  if (other && o.has(other) && o.get(other) !== 0) o.outOfRange(other, `0 or absent for ${name} (use l1l2 for both)`);
  if (name === 'l1') return Object.freeze({ name: 'l1', l1: check(who, 'l1', o.has('l1') ? o.get('l1') : 0.01), l2: 0 });
  if (name === 'l2') return Object.freeze({ name: 'l2', l1: 0, l2: check(who, 'l2', o.has('l2') ? o.get('l2') : 0.01) });
  return makeL1l2(who, cfg);
}
