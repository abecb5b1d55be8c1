// The strict options reader used by every layer factory and by the model file's header check: an options object may
// hold only known keys (an unknown key is refused, naming the nearest valid one) and each value is checked for type and
// range, errors naming the owner (`dense "d1"`), the option, what was expected and what was given (as JSON, so the
// string "32" shows as "32"). Defaults are the callers' business; this file only reads.
import type { Pair, Padding } from '../ops/conv.js';
import { given, isPlainObject, nearest, show } from '../ops/options.js';

export { given, isPlainObject, nearest, show }; // the ops' renderings of values, shared so every message shows them alike

/**
 * Checks that `o` is a plain object whose keys are all in `keys`; an unknown key is refused naming it, `owner` and the
 * nearest valid key. `what` names the object in messages ('options', 'config', 'field').
 */
export function checkKeys(owner: string, o: unknown, keys: readonly string[], what = 'option'): Record<string, unknown> {
  if (!isPlainObject(o)) throw new TypeError(`${owner}: expected an object { ${keys.join(', ')} }, got ${given(o)}`);
  for (const key of Object.keys(o)) {
    if (!keys.includes(key)) {
      throw new Error(`${owner}: unknown ${what} "${key.length > 64 ? `${key.slice(0, 64)}…` : key}"; did you mean "${nearest(key, keys)}"? ` +
        `(${what}s: ${keys.join(', ')})`);
    }
  }
  return o;
}

/** How errors name a layer: `dense "d1"` when its options give a usable name, else the kind. */
function ownerOf(kind: string, o: unknown): string {
  const name = isPlainObject(o) ? o.name : undefined;
  return typeof name === 'string' && name.length > 0 && name.length <= 200 ? `${kind} ${JSON.stringify(name)}` : kind;
}

/** A layer's options, read strictly: `Options.read('dense', o, keys)`, then one typed getter per option. */
export class Options {
  /** `dense "d1"` when a name was given, else `dense`: how errors name the layer. */
  readonly owner: string;

  private constructor(readonly kind: string, private readonly o: Record<string, unknown>) {
    this.owner = ownerOf(kind, o);
  }

  /** Checks o (undefined → {}) is a plain object with only `keys` (plus `name`, always allowed). */
  static read(kind: string, o: unknown, keys: readonly string[]): Options {
    const all = keys.includes('name') ? keys : [...keys, 'name'];
    const opts = new Options(kind, o === undefined ? {} : checkKeys(ownerOf(kind, o), o, all));
    opts.name(); // checked first, so later errors can name the layer
    return opts;
  }

  /** The raw value (undefined when absent). */
  get(key: string): unknown { return this.o[key]; }
  has(key: string): boolean { return this.o[key] !== undefined; }

  private wrong(key: string, expected: string): never {
    throw new TypeError(`${this.owner}: ${key} must be ${expected}, got ${given(this.o[key])}`);
  }

  private outOfRange(key: string, expected: string): never {
    throw new RangeError(`${this.owner}: ${key} must be ${expected}, got ${given(this.o[key])}`);
  }

  /** The layer's name: a non-empty string without '/' (parameters are named `${layer}/${param}`), or undefined. */
  name(): string | undefined {
    const v = this.o.name;
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.wrong('name', 'a string');
    if (v.length === 0 || v.length > 200 || v.includes('/')) this.outOfRange('name', 'a non-empty string of at most 200 characters without "/"');
    return v;
  }

  /** An integer ≥ min (default 1); required unless a default is given. */
  int(key: string, options: { min?: number; default?: number } = {}): number {
    const v = this.o[key], min = options.min ?? 1;
    if (v === undefined && options.default !== undefined) return options.default;
    const expected = min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
    if (typeof v !== 'number') this.wrong(key, expected);
    if (!Number.isSafeInteger(v) || v < min) this.outOfRange(key, expected);
    return v;
  }

  /** A finite number inside [min, max] (or (min, max) where exclusive); required unless a default is given. */
  number(key: string, range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; default?: number } = {}): number {
    const v = this.o[key];
    if (v === undefined && range.default !== undefined) return range.default;
    const { min, max } = range;
    const lo = min === undefined ? '' : `${range.minExclusive ? '>' : '≥'} ${min}`;
    const hi = max === undefined ? '' : `${range.maxExclusive ? '<' : '≤'} ${max}`;
    const expected = `a finite number${lo || hi ? ` ${[lo, hi].filter(Boolean).join(' and ')}` : ''}`;
    if (typeof v !== 'number') this.wrong(key, expected);
    if (!Number.isFinite(v) || (min !== undefined && (range.minExclusive ? v <= min : v < min)) ||
      (max !== undefined && (range.maxExclusive ? v >= max : v > max))) this.outOfRange(key, expected);
    return v;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.o[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') this.wrong(key, 'true or false');
    return v;
  }

  /** One of the given strings. */
  oneOf<T extends string>(key: string, values: readonly T[], dflt: T): T {
    const v = this.o[key];
    if (v === undefined) return dflt;
    const expected = `one of ${values.map((s) => `'${s}'`).join(', ')}`;
    if (typeof v !== 'string') this.wrong(key, expected);
    if (!values.includes(v as T)) this.outOfRange(key, `${expected} (did you mean '${nearest(v, values)}'?)`);
    return v as T;
  }

  /** A positive integer or a pair [h, w] of them (kernel sizes, strides, dilations); kept as given. */
  pair(key: string, dflt?: number): Pair {
    const v = this.o[key];
    if (v === undefined && dflt !== undefined) return dflt;
    const expected = 'a positive integer or a pair [h, w] of them';
    const ok = (d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 1;
    if (typeof v === 'number') { if (!ok(v)) this.outOfRange(key, expected); return v; }
    if (!Array.isArray(v) || v.length !== 2) this.wrong(key, expected);
    if (!v.every(ok)) this.outOfRange(key, expected);
    return [v[0], v[1]] as const;
  }

  /** 'same', 'valid' or explicit [top, bottom, left, right] of non-negative integers. */
  padding(key: string): Padding | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    const expected = "'same', 'valid' or [top, bottom, left, right] of non-negative integers";
    if (v === 'same' || v === 'valid') return v;
    if (typeof v === 'string') this.outOfRange(key, expected);
    if (!Array.isArray(v) || v.length !== 4) this.wrong(key, expected);
    if (!v.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) this.outOfRange(key, expected);
    return [v[0], v[1], v[2], v[3]] as const;
  }
}
