// A sweep's search space: { "<dotted settings key>": { values | int | uniform | logUniform }, … } read strictly,
// one dimension drawn from a uniform u, a grid dimension's points, and a trial's params applied to the base settings.
import { isPlainObject, nearest } from '../ops/options.js';
import { mergeSettings } from '../run/merge.js';
import { exp, log } from './rng.js';

export type Dim = { values: unknown[] } | { int: [number, number] } | { uniform: [number, number] } | { logUniform: [number, number] };
export interface Space { keys: string[]; dims: Dim[] }
/** key → value (the dotted keys as given). */
export type Params = Record<string, unknown>;

/** The kinds of dimension, each the one key of its object. */
export const DIM_KINDS = ['values', 'int', 'uniform', 'logUniform'] as const;
export type DimKind = typeof DIM_KINDS[number];
const FORBIDDEN_SEGMENTS = ['__proto__', 'prototype', 'constructor'];
const show = (v: unknown) => { const s = JSON.stringify(v); return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s; };

/** The kind of a dimension read by readSpace. */
export function dimKind(d: Dim): DimKind {
  return 'values' in d ? 'values' : 'int' in d ? 'int' : 'uniform' in d ? 'uniform' : 'logUniform';
}

/**
 * Reads a sweep file's "space" strictly: a non-empty object of dotted settings keys (non-empty segments, no key
 * inside another: "optimizer" with "optimizer.name" is refused), each an object with exactly one of values (a non-empty
 * list of distinct JSON values), int ([lo, hi] safe integers, lo < hi), uniform ([lo, hi] finite, lo < hi) or
 * logUniform ([lo, hi] finite, 0 < lo < hi). Errors name `${where}.space.${key}`. Whether a key is a setting is the
 * trial's business (resolveConfig on the merged settings: see spaceCorners).
 */
export function readSpace(where: string, spec: unknown): Space {
  const at = `${where}.space`;
  if (!isPlainObject(spec)) throw new Error(`${at} must be an object { "<settings key>": { values | int | uniform | logUniform }, … }; got ${show(spec)}`);
  const keys = Object.keys(spec);
  if (keys.length === 0) throw new Error(`${at} is empty: give at least one key to search, e.g. { "optimizer.learningRate": { "logUniform": [1e-4, 0.1] } }`);
  for (const key of keys) {
    const segments = key.split('.');
    if (segments.some((s) => s === '')) throw new Error(`${at}: key ${show(key)} is not a dotted settings path (empty segment), e.g. "optimizer.name"`);
    const bad = segments.find((s) => FORBIDDEN_SEGMENTS.includes(s));
    if (bad) throw new Error(`${at}: key ${show(key)}: "${bad}" cannot be a settings key`);
    const outer = keys.find((k) => k !== key && key.startsWith(`${k}.`));
    if (outer) throw new Error(`${at}: keys "${outer}" and "${key}" overlap (the first sets the whole of what the second sets part of); search one of them`);
  }
  return { keys, dims: keys.map((k) => readDim(`${at}.${k}`, spec[k])) };
}

/** A Space given whole (not read from a file) checked by readSpace's rules: keys distinct, one dimension each. */
export function checkSpace(where: string, space: unknown): Space {
  const sp = space as Partial<Space> | null;
  if (!isPlainObject(sp) || !Array.isArray(sp.keys) || !Array.isArray(sp.dims) || sp.keys.length !== sp.dims.length) {
    throw new Error(`${where}: a space must be { keys: string[], dims: Dim[] } with one dimension per key (readSpace makes one); got ${show(space)}`);
  }
  const keys = sp.keys as unknown[];
  keys.forEach((k, i) => {
    if (typeof k !== 'string') throw new Error(`${where}: space key ${i} must be a string; got ${show(k)}`);
    if (keys.indexOf(k) !== i) throw new Error(`${where}: space key "${k}" is given twice`);
  });
  return readSpace(where, Object.fromEntries(keys.map((k, i) => [k, (sp.dims as unknown[])[i]])));
}

function readDim(at: string, d: unknown): Dim {
  const kinds = DIM_KINDS.join(', ');
  if (!isPlainObject(d)) throw new Error(`${at} must be an object with one of ${kinds}, e.g. { "values": [32, 64] }; got ${show(d)}`);
  const ks = Object.keys(d);
  for (const k of ks) if (!(DIM_KINDS as readonly string[]).includes(k)) throw new Error(`${at}: unknown key "${k}"; did you mean "${nearest(k, DIM_KINDS)}"? (one of ${kinds})`);
  if (ks.length !== 1) throw new Error(`${at} must have exactly one of ${kinds}; got ${ks.length ? ks.join(' and ') : 'none'}`);
  const kind = ks[0] as DimKind, v = d[kind];
  if (kind === 'values') {
    if (!Array.isArray(v) || v.length === 0) throw new Error(`${at}.values must be a non-empty list of choices; got ${show(v)}`);
    const seen = new Map<string, number>();
    v.forEach((x, i) => {
      const s = JSON.stringify(x);
      if (s === undefined || !isJsonValue(x)) throw new Error(`${at}.values[${i}] is not a JSON value (numbers finite, objects plain); got ${show(x)}`);
      const twin = seen.get(s);
      if (twin !== undefined) throw new Error(`${at}.values[${twin}] and [${i}] are the same choice ${show(x)}; list each once`);
      seen.set(s, i);
    });
    return { values: v.map(cloneJson) };
  }
  const pair = `[lo, hi]`;
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number' || !Number.isFinite(v[0]) || !Number.isFinite(v[1])) {
    throw new Error(`${at}.${kind} must be ${pair}, two finite numbers; got ${show(v)}`);
  }
  const [lo, hi] = v as [number, number];
  if (kind === 'int' && !(Number.isSafeInteger(lo) && Number.isSafeInteger(hi))) throw new Error(`${at}.int bounds must be integers; got ${show(v)}`);
  if (!(lo < hi)) throw new Error(`${at}.${kind} must have lo < hi; got ${show(v)}${lo === hi ? ` (a single value: { "values": [${lo}] })` : ''}`);
  if (kind === 'logUniform' && !(lo > 0)) throw new Error(`${at}.logUniform must have lo > 0 (a log scale); got ${show(v)}`);
  if (!Number.isFinite(hi - lo)) throw new Error(`${at}.${kind} is too wide: hi − lo overflows; got ${show(v)}`);
  return { [kind]: [lo, hi] } as Dim;
}

function isJsonValue(x: unknown): boolean {
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return true;
  if (typeof x === 'number') return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(isJsonValue);
  return isPlainObject(x) && Object.values(x).every(isJsonValue);
}

/** A deep copy of a JSON value (params never share arrays or objects with the space or with each other). */
export function cloneJson<T>(x: T): T {
  return (x === null || typeof x !== 'object' ? x : JSON.parse(JSON.stringify(x))) as T;
}

/**
 * The dimension's value for a uniform u in [0, 1): values[⌊u·n⌋], lo + ⌊u·(hi − lo + 1)⌋, lo + u·(hi − lo), or
 * exp(log lo + u·(log hi − log lo)); always inside the dimension's range (rounding clamped).
 */
export function sampleDim(d: Dim, u: number): unknown {
  if (!(u >= 0 && u < 1)) throw new RangeError(`sampleDim: u must be in [0, 1); got ${u}`);
  if ('values' in d) return cloneJson(d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))]);
  if ('int' in d) { const [lo, hi] = d.int; return Math.min(hi, lo + Math.floor(u * (hi - lo + 1))); }
  if ('uniform' in d) { const [lo, hi] = d.uniform; return clamp(lo + u * (hi - lo), lo, hi); }
  const [lo, hi] = d.logUniform;
  return clamp(exp(log(lo) + u * (log(hi) - log(lo))), lo, hi);
}

/** Whether value is a point of the dimension (a listed choice, an integer in range, a number in range). */
export function inDim(d: Dim, value: unknown): boolean {
  if ('values' in d) { const s = JSON.stringify(value); return d.values.some((x) => JSON.stringify(x) === s); }
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const [lo, hi] = 'int' in d ? d.int : 'uniform' in d ? d.uniform : d.logUniform;
  return value >= lo && value <= hi && (!('int' in d) || Number.isInteger(value));
}

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/**
 * A few params that together reach every choice of each values dimension and both ends of each range (max(2, the
 * longest values list) trials): a sweep checks each one's settings (resolveConfig) before any trial runs, so a bad key
 * or choice is refused up front rather than in trial 17.
 */
export function spaceCorners(space: Space): Params[] {
  const n = Math.max(2, ...space.dims.map((d) => ('values' in d ? d.values.length : 2)));
  return Array.from({ length: n }, (_, j) => {
    const p: Params = {};
    space.keys.forEach((k, i) => {
      const d = space.dims[i];
      p[k] = 'values' in d ? cloneJson(d.values[j % d.values.length]) : ('int' in d ? d.int : 'uniform' in d ? d.uniform : d.logUniform)[j % 2];
    });
    return p;
  });
}

/** The params as one nested settings object: { "optimizer.name": "adam" } → { optimizer: { name: "adam" } }. */
export function paramsToSettings(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const segments = key.split('.');
    if (segments.some((s) => s === '' || FORBIDDEN_SEGMENTS.includes(s))) throw new Error(`params: key ${show(key)} is not a dotted settings path`);
    let o = out;
    for (const s of segments.slice(0, -1)) {
      const next = Object.prototype.hasOwnProperty.call(o, s) ? o[s] : (o[s] = {});
      if (!isPlainObject(next)) throw new Error(`params: key ${show(key)} reaches inside "${s}", which another key sets to ${show(next)}`);
      o = next;
    }
    const last = segments[segments.length - 1];
    if (Object.prototype.hasOwnProperty.call(o, last)) throw new Error(`params: key ${show(key)} overlaps another key`);
    o[last] = cloneJson(value);
  }
  return out;
}

/** A trial's settings: the params as a nested object, merged over base by the experiment merge (layers by name). */
export function applyParams(base: Record<string, unknown>, params: Params): Record<string, unknown> {
  return mergeSettings(base, paramsToSettings(params));
}
