// Weight regularizers: l1, l2 and l1l2 penalties on a layer's kernel or bias, added to the loss and (by the fused
// `regularize` kernel) to the gradient: g += l1·sign(w) + 2·l2·w.

export interface Regularizer {
  readonly name: 'l1' | 'l2' | 'l1l2';
  readonly l1: number;
  readonly l2: number;
}

function check(name: string, what: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`regularizers.${name}: ${what} must be a finite number ≥ 0, got ${v}`);
  return v;
}

export function l1(l1 = 0.01): Regularizer { return Object.freeze({ name: 'l1', l1: check('l1', 'l1', l1), l2: 0 }); }
export function l2(l2 = 0.01): Regularizer { return Object.freeze({ name: 'l2', l1: 0, l2: check('l2', 'l2', l2) }); }
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  return Object.freeze({ name: 'l1l2', l1: check('l1l2', 'l1', options.l1 ?? 0.01), l2: check('l1l2', 'l2', options.l2 ?? 0.01) });
}

/** From a Regularizer or its saved form { name, l1, l2 }. */
export function getRegularizer(owner: string, spec: Regularizer | { name: string; l1?: number; l2?: number } | undefined): Regularizer | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (spec.name === 'l1') return l1(spec.l1);
  if (spec.name === 'l2') return l2(spec.l2);
  if (spec.name === 'l1l2') return l1l2({ l1: spec.l1, l2: spec.l2 });
  throw new RangeError(`${owner}: unknown regularizer "${spec.name}" (expected l1, l2 or l1l2)`);
}
