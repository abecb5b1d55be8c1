// A sweep's best trial and its configuration, ready to run: the one best-trial rule (the coordinator in
// src/sweep/run.ts and the report both use it), a `simdnet train …` command (when every setting it needs has a flag:
// the caller passes the CLI's flag table, which lives in src/run/settings.ts) and an experiment file for `simdnet run`
// (the sweep's base with the trial's parameters as its one variant; dotted keys as nested objects). Browser-usable.
import { isPlainObject } from '../ops/options.js';

/** What the rule reads of a trial record. */
export interface Ranked { trial: number; status: string; metric: number | null }

/**
 * The best trial by `goal` (status 'ok'; 'stopped' ones only when none finished), or undefined when none has a
 * value. Ties go to the lower trial number.
 */
export function bestTrial<T extends Ranked>(records: readonly T[], goal: 'maximize' | 'minimize'): T | undefined {
  for (const status of ['ok', 'stopped']) {
    let best: T | undefined;
    for (const r of records) {
      if (r.status !== status || r.metric === null) continue;
      if (!best || (goal === 'maximize' ? r.metric > best.metric! : r.metric < best.metric!) || (r.metric === best.metric && r.trial < best.trial)) best = r;
    }
    if (best) return best;
  }
  return undefined;
}

/** A setting's command-line flag (without dashes); boolean flags are given alone (a "no-" flag sets false). */
export interface SweepFlag { flag: string; boolean?: boolean; default?: unknown }

/** Sets an own property, whatever its name ("__proto__" included: never the prototype). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}
const own = (o: Record<string, unknown>, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** Dotted keys as nested objects: { "optimizer.name": "sgd" } → { optimizer: { name: "sgd" } } (plain objects merged). */
export function nestParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const parts = key.split('.');
    let at = out;
    for (const p of parts.slice(0, -1)) {
      if (!isPlainObject(own(at, p))) put(at, p, {});
      at = own(at, p) as Record<string, unknown>;
    }
    const last = parts[parts.length - 1], was = own(at, last);
    put(at, last, isPlainObject(value) && isPlainObject(was) ? { ...was, ...value } : value);
  }
  return out;
}

/** A shell word: kept as is when plain, else single-quoted. */
export const shellWord = (s: string): string => (/^[A-Za-z0-9_.,:=+/@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * `simdnet train` with a flag for every base setting and parameter, or why there is none (a dotted parameter, a setting
 * without a flag, an object value). The base's "out" is left out (each trial wrote to its own folder).
 */
export function trainCommand(base: Record<string, unknown>, params: Record<string, unknown>, flags: Record<string, SweepFlag>): { command?: string; why?: string } {
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) if (k !== 'out') put(merged, k, v);
  for (const [k, v] of Object.entries(params)) {
    if (k.includes('.')) return { why: `the parameter "${k}" sets a part of a setting, which no flag does alone` };
    put(merged, k, v);
  }
  const words = ['simdnet', 'train'];
  const known = Object.keys(flags), order = [...known.filter((k) => k in merged), ...Object.keys(merged).filter((k) => !known.includes(k))];
  for (const key of order) {
    const v = merged[key], f = own(flags as Record<string, unknown>, key) as SweepFlag | undefined;
    if (!f || !f.flag) return { why: `"${key}" has no flag (experiment files only)` };
    if (f.boolean) {
      const on = !f.flag.startsWith('no-');
      if (v === on) words.push(`--${f.flag}`);
      else if (v !== f.default) return { why: `"${key}": ${JSON.stringify(v)} is not what the flag --${f.flag} or its absence gives` };
    } else if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) {
      words.push(`--${f.flag}`, shellWord(String(v)));
    } else if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      words.push(`--${f.flag}`, v.join(','));
    } else {
      return { why: `"${key}" is ${Array.isArray(v) ? 'a list' : 'an object'} (${JSON.stringify(v).slice(0, 60)}), which no flag takes` };
    }
  }
  return { command: words.join(' ') };
}

/** A name usable as an experiment's folder: letters, digits, '.', '_', '-' (others become '-'), not starting with '.'. */
const folderName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 90) || 'sweep';

/** The experiment file for `simdnet run`: the sweep's base and the best trial's parameters as its one variant. */
export function experimentFile(sweep: string, base: Record<string, unknown>, trial: number, params: Record<string, unknown>, description: string): string {
  const b: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) if (k !== 'out') put(b, k, v);
  const name = folderName(`${sweep}-best`);
  return JSON.stringify({ name, description, base: b, variants: [{ name: `trial-${trial}`, ...nestParams(params) }] }, null, 2);
}
