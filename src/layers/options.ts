// The strict options reader of every layer factory: the ops' reader (src/ops/options.ts: known keys only, the nearest
// valid key suggested, each value checked for type and range, errors naming the owner `dense "d1"`, the option, what
// was expected and what was given) plus the layers' own getters: the name, integers, size pairs and padding.
// Defaults are the callers' business; this file only reads.
import type { Pair, Padding } from '../ops/conv.js';
import { checkKeys, given, isPlainObject, nearest, show, StrictOptions } from '../ops/options.js';

export { checkKeys, given, isPlainObject, nearest, show }; // shared so every message checks keys and shows values alike

/** A layer's options, read strictly: `Options.read('dense', o, keys)`, then one typed getter per option. */
export class Options extends StrictOptions {
  /** Checks o (undefined → {}) is a plain object with only `keys` (plus `name`, always allowed). */
  static override read(kind: string, o: unknown, keys: readonly string[]): Options {
    const name = isPlainObject(o) ? o.name : undefined;
    // How errors name the layer: `dense "d1"` when its options give a usable name, else the kind.
    const owner = typeof name === 'string' && name.length > 0 && name.length <= 200 ? `${kind} ${JSON.stringify(name)}` : kind;
    const opts = new Options(owner, o === undefined ? {} : checkKeys(owner, o, keys.includes('name') ? keys : [...keys, 'name'], 'option', true));
    opts.name(); // checked first, so later errors can name the layer
    return opts;
  }

  /** The layer's name: a non-empty string without '/' (parameters are named `${layer}/${param}`), or undefined. */
  name(): string | undefined {
    const v = this.get('name');
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.wrongType('name', 'a string');
    if (v.length === 0 || v.length > 200 || v.includes('/')) this.outOfRange('name', 'a non-empty string of at most 200 characters without "/"');
    return v;
  }

  /** An integer ≥ min (default 1); required unless a default is given. */
  int(key: string, { min = 1, default: dflt }: { min?: number; default?: number } = {}): number {
    return this.number(key, { integer: true, min, default: dflt, expected: min === 1 ? 'a positive integer' : undefined });
  }

  /** A positive integer or a pair [h, w] of them (kernel sizes, strides, dilations); kept as given. */
  pair(key: string, dflt?: number): Pair {
    const v = this.get(key);
    if (v === undefined && dflt !== undefined) return dflt;
    const expected = 'a positive integer or a pair [h, w] of them';
    const ok = (d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 1;
    if (typeof v === 'number') { if (!ok(v)) this.outOfRange(key, expected); return v; }
    if (!Array.isArray(v) || v.length !== 2) this.wrongType(key, expected);
    if (!v.every(ok)) this.outOfRange(key, expected);
    return [v[0], v[1]] as const;
  }

  /** 'same', 'valid' or explicit [top, bottom, left, right] of non-negative integers. */
  padding(key: string): Padding | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    const expected = "'same', 'valid' or [top, bottom, left, right] of non-negative integers";
    if (v === 'same' || v === 'valid') return v;
    if (typeof v === 'string') this.outOfRange(key, expected);
    if (!Array.isArray(v) || v.length !== 4) this.wrongType(key, expected);
    if (!v.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) this.outOfRange(key, expected);
    return [v[0], v[1], v[2], v[3]] as const;
  }
}
