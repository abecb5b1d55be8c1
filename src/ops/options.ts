// Strict options for the ops and the network parts (src/nets): an options object holds only known keys (an unknown key
// is refused naming it, the function and the nearest valid key) and each value is checked for type and range, the
// error naming the function, the option and the value given. Defaults are the callers' business.

/** A value as it was given, for messages: JSON where it has one (the string "32" vs the number 32), short. */
export function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v); // NaN and Infinity, which JSON shows as null
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !isPlainObject(v)) {
    const name = (v as object).constructor?.name || 'object';
    return ArrayBuffer.isView(v) && 'length' in v ? `a ${name} of ${String(v.length)}` : `a ${name}`;
  }
  let s: string | undefined;
  try { s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : typeof x === 'bigint' ? `${x}n` : x)); } catch { s = undefined; }
  if (s === undefined) s = Object.prototype.toString.call(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** The value and, for strings, arrays and objects, what it is: `"0.1" (a string)`. */
export function given(v: unknown): string {
  const s = show(v);
  if (typeof v === 'string') return `${s} (a string)`;
  if (Array.isArray(v)) return `${s} (an array)`;
  if (isPlainObject(v)) return `${s} (an object)`;
  return s;
}

/** Whether v is a plain object ({…} or Object.create(null)): not null, an array, a typed array or a class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A key as messages show it (cut when long). */
const key = (k: string): string => JSON.stringify(k.length > 64 ? `${k.slice(0, 64)}…` : k);

export interface NumberRange {
  min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean;
  /** Only integers (safe integers). */
  integer?: boolean;
  /** Returned when the option is absent (undefined); without it the option is required. */
  default?: number;
  /** How messages state the expectation, instead of the one built from the range. */
  expected?: string;
}

/**
 * Checks that o is a plain object whose keys are all in `keys` and returns it. `what` names the keys in messages:
 * 'option' (an options object: `owner: options must be an object { … }`), 'key' or 'field' (`owner must be an object
 * { … }`); `orUndefined` adds "or undefined" to that message. An unknown key is refused naming it, the owner and the
 * nearest valid key. The one key check of the library (ops, network parts, layers, model files, data loaders).
 */
export function checkKeys(owner: string, o: unknown, keys: readonly string[], what = 'option', orUndefined = false): Record<string, unknown> {
  if (!isPlainObject(o)) {
    throw new TypeError(`${owner}${what === 'option' ? ': options' : ''} must be an object { ${keys.join(', ')} }${orUndefined ? ' or undefined' : ''}, got ${given(o)}`);
  }
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      throw new Error(keys.length ? `${owner}: unknown ${what} ${key(k)}; did you mean "${nearest(k, keys)}"? (${what}s: ${keys.join(', ')})`
        : `${owner}: unknown ${what} ${key(k)}; ${owner} takes no ${what}s`);
    }
  }
  return o;
}

/** An options object read strictly: `StrictOptions.read('optimizers.adam', o, keys)`, then one typed getter per option. */
export class StrictOptions {
  protected constructor(readonly owner: string, private readonly o: Record<string, unknown>, private readonly where?: string) {}

  /**
   * Checks o is a plain object whose keys are all in `keys` (undefined is {} unless required) and returns its reader.
   * owner names the function in messages ('optimizers.adam', 'conv2d'). Value errors read `owner: key must be …, got
   * value`, or, when where is given (what the options are for: ' for x "h1" [32, 10]', or ''), `owner: key value where
   * must be …`.
   */
  static read(owner: string, o: unknown, keys: readonly string[], required = false, where?: string): StrictOptions {
    return new StrictOptions(owner, o === undefined && !required ? {} : checkKeys(owner, o, keys, 'option', !required), where);
  }

  /** The raw value (undefined when absent). */
  get(k: string): unknown { return this.o[k]; }
  has(k: string): boolean { return this.o[k] !== undefined; }

  /** Throws a TypeError naming the owner, the option, the expectation and the value. */
  wrongType(k: string, expected: string): never { throw new TypeError(this.message(k, expected)); }
  /** Throws a RangeError naming the owner, the option, the expectation and the value. */
  outOfRange(k: string, expected: string): never { throw new RangeError(this.message(k, expected)); }

  private message(k: string, expected: string): string {
    const v = given(this.o[k]);
    return this.where !== undefined ? `${this.owner}: ${k} ${v}${this.where} must be ${expected}` : `${this.owner}: ${k} must be ${expected}, got ${v}`;
  }

  /** A finite number in the range (required unless range.default is given). */
  number(k: string, range: NumberRange = {}): number {
    const v = this.o[k];
    if (v === undefined && range.default !== undefined) return range.default;
    const expected = range.expected ?? describeRange(range);
    if (typeof v !== 'number') this.wrongType(k, expected);
    if (!inRange(v, range)) this.outOfRange(k, expected);
    return v;
  }

  /** true or false (dflt when absent). */
  bool(k: string, dflt: boolean): boolean {
    const v = this.o[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') this.wrongType(k, 'true or false');
    return v;
  }

  /** One of the given strings (dflt when absent); a near miss names the nearest. */
  oneOf<T extends string>(k: string, values: readonly T[], dflt: T): T {
    const v = this.o[k];
    if (v === undefined) return dflt;
    const expected = `one of ${values.map((s) => `'${s}'`).join(', ')}`;
    if (typeof v !== 'string') this.wrongType(k, expected);
    if (!values.includes(v as T)) this.outOfRange(k, `${expected} (did you mean '${nearest(v.slice(0, 64), values)}'?)`);
    return v as T;
  }
}

/** Whether v is a number inside the range (finite; an integer when asked). */
export function inRange(v: unknown, r: NumberRange): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (r.integer && !Number.isSafeInteger(v))) return false;
  if (r.min !== undefined && (r.minExclusive ? v <= r.min : v < r.min)) return false;
  if (r.max !== undefined && (r.maxExclusive ? v >= r.max : v > r.max)) return false;
  return true;
}

/** 'a finite number > 0', 'an integer ≥ 1 and ≤ 10', 'in [0, 1)'. */
export function describeRange(r: NumberRange): string {
  if (!r.integer && r.min !== undefined && r.max !== undefined) {
    return `in ${r.minExclusive ? '(' : '['}${r.min}, ${r.max}${r.maxExclusive ? ')' : ']'}`;
  }
  const lo = r.min === undefined ? '' : `${r.minExclusive ? '>' : '≥'} ${r.min}`;
  const hi = r.max === undefined ? '' : `${r.maxExclusive ? '<' : '≤'} ${r.max}`;
  const bounds = [lo, hi].filter(Boolean).join(' and ');
  return `${r.integer ? 'an integer' : 'a finite number'}${bounds ? ` ${bounds}` : ''}`;
}

/** Checks a positional numeric argument (alpha, k, a clipping range's ends) the way options are checked. */
export function numberArg(owner: string, name: string, v: unknown, range: NumberRange = {}, where?: string): number {
  return StrictOptions.read(owner, { [name]: v }, [name], false, where).number(name, range);
}

/** Throws naming the owner, the unknown name given and the nearest known one: 'unknown optimizer "adamm"; did you mean "adam"?'. */
export function unknownName(owner: string, what: string, name: unknown, known: readonly string[]): never {
  const near = typeof name === 'string' ? `; did you mean "${nearest(name.slice(0, 64), known)}"?` : '';
  throw new RangeError(`${owner}: unknown ${what} ${typeof name === 'string' ? key(name) : given(name)}${near} (expected one of ${known.join(', ')})`);
}

/** The edit distance between a and b (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * The candidate closest to word: one it abbreviates ('proj' → 'projection') if any, else by case-insensitive edit
 * distance (the first on ties). Long words are cut to keep this cheap. The one "did you mean" of the library and CLI.
 */
export function nearest(word: string, candidates: readonly string[]): string {
  const w = (word.length > 64 ? word.slice(0, 64) : word).toLowerCase();
  const prefixOf = w.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(w)) : undefined;
  if (prefixOf) return prefixOf;
  let best = candidates[0], d = Infinity;
  for (const c of candidates) {
    const e = levenshtein(w, c.toLowerCase());
    if (e < d) { best = c; d = e; }
  }
  return best;
}
