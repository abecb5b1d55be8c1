// The rule every public op keeps under fuzzing (test/robustness/api-fuzz*.test.ts): a valid call returns tensors of the
// documented shapes and dtypes; an invalid call (a non-tensor, disposed or int32 argument, a wrong shape, an unknown or
// mistyped option, a bad positional argument) throws an Error whose message starts with the op's name and names the
// offending argument or option, never a TypeError from inside; memoryInUse() is back at its baseline either way.
// Runtime-neutral (no node: imports).
import fc from 'fast-check';
import { memoryInUse, Tensor, tensor } from '../../src/index.js';
import { record } from './tally.js';

/** What a call must give: output dtypes and shapes ('float32 [2, 3]', nested like the result), or an error naming words. */
export type Expected = { out: unknown } | { error: string[] };

/** A call as the generators describe it: tensor arguments by name (as shapes), options, positional arguments. */
export interface Call {
  tensors: Record<string, number[]>;
  /** The options argument; a value { $tensor: name } stands for the tensor argument of that name. */
  options?: unknown;
  /** Positional arguments other than tensors (alpha, k, axis, n, shape), by name. */
  args: Record<string, unknown>;
  expect: Expected;
}

export interface OpSpec {
  op: string;
  /** Calls with valid arguments (a geometry may still make the output empty: expect says so then). */
  calls: fc.Arbitrary<Call>;
  /** Calls the op: t holds the built tensor arguments (or whatever replaced them), o the options, a the positional args. */
  run(t: Record<string, unknown>, o: unknown, a: Record<string, unknown>): unknown;
  /** The option keys the op takes; absent when it takes no options argument. */
  keys?: readonly string[];
  /** Whether the options argument may be left out. */
  optionalOptions?: boolean;
  /** Per option key: values refused naming the key. */
  bad?: Record<string, unknown[]>;
  /** Per positional argument: values refused naming it. */
  badArgs?: Record<string, unknown[]>;
  /** Wrong shapes derived from a valid call, each with the words its error must hold. */
  faults?: (c: Call) => Call[];
}

export const f32 = (shape: readonly number[]): string => `float32 [${shape.join(', ')}]`;
export const i32 = (shape: readonly number[]): string => `int32 [${shape.join(', ')}]`;
export const fails = (...words: string[]): Expected => ({ error: words });

/** Every dimension 1..maxDim, rank minRank..maxRank. */
export const shape = (minRank: number, maxRank: number, maxDim = 5): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/** An optional value: undefined (left out) about a third of the time. */
export const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 3 });

/** A shape that differs from s (one more in the first dimension, or one axis more for a scalar). */
export const other = (s: readonly number[]): number[] => (s.length ? [s[0] + 1, ...s.slice(1)] : [2]);

/** Values that are not tensors, for tensor arguments. */
const NOT_TENSORS: unknown[] = [undefined, null, 'x', [1, 2], {}, new Float32Array(4), true, { shape: [2], ptr: 16 }];
/** Values that are not options objects. */
const NOT_OPTIONS: unknown[] = [null, 5, 'same', [1, 2], true, new Float32Array(2)];
/** JSON for messages and comparisons: bigints as 5n, typed arrays by name, undefined shown. */
const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  (typeof x === 'bigint' ? `${x}n` : x instanceof Float32Array ? 'Float32Array' : x === undefined ? '<undefined>' : x));
const INSIDE = /Cannot read prop|is not a function|is not iterable|of undefined|of null|undefined \(reading|Invalid array length|Maximum call stack/;

type Mutation =
  | { kind: 'notTensor' | 'disposed' | 'int32'; arg: string; value?: unknown }
  | { kind: 'unknownKey'; key: string }
  | { kind: 'badValue'; key: string; value: unknown }
  | { kind: 'badOptions'; value: unknown }
  | { kind: 'badArg'; name: string; value: unknown }
  | { kind: 'fault'; index: number };

const misspell = (k: string, how: number): string => [
  k.toLowerCase(), k.toUpperCase(), k.slice(1), k.slice(0, -1), `${k}s`, k.length > 1 ? k[1] + k[0] + k.slice(2) : `${k}_`, `_${k}`,
][how];

/** Unknown option keys: near misses of the valid ones, random strings, and keys of Object.prototype. */
function unknownKeys(keys: readonly string[]): fc.Arbitrary<string> {
  const near = keys.length ? fc.tuple(fc.constantFrom(...keys), fc.nat(6)).map(([k, how]) => misspell(k, how)) : fc.string({ minLength: 1, maxLength: 8 });
  return fc.oneof(near, fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'))
    .filter((k) => !keys.includes(k));
}

/** The mutations that apply to a call of spec. */
function mutations(spec: OpSpec, c: Call): fc.Arbitrary<Mutation> {
  const arbs: fc.Arbitrary<Mutation>[] = [];
  const names = Object.keys(c.tensors);
  if (names.length) {
    // A tensor given in the options may be left out: undefined is then no fault.
    const inOptions = (arg: string) => json(c.options ?? null).includes(json({ $tensor: arg }));
    arbs.push(fc.constantFrom(...names).chain((arg) => fc.constantFrom(...NOT_TENSORS.filter((v) => v !== undefined || !inOptions(arg)))
      .map((value) => ({ kind: 'notTensor' as const, arg, value }))));
    arbs.push(fc.record({ kind: fc.constantFrom('disposed' as const, 'int32' as const), arg: fc.constantFrom(...names) }));
  }
  if (spec.keys) {
    arbs.push(unknownKeys(spec.keys).map((key) => ({ kind: 'unknownKey' as const, key })));
    arbs.push(fc.constantFrom(...NOT_OPTIONS, ...(spec.optionalOptions ? [] : [undefined])).map((value) => ({ kind: 'badOptions' as const, value })));
  }
  const bad = Object.entries(spec.bad ?? {}).flatMap(([key, vs]) => vs.map((value) => ({ kind: 'badValue' as const, key, value })));
  if (bad.length) arbs.push(fc.constantFrom(...bad));
  const badArgs = Object.entries(spec.badArgs ?? {}).flatMap(([name, vs]) => vs.map((value) => ({ kind: 'badArg' as const, name, value })));
  if (badArgs.length) arbs.push(fc.constantFrom(...badArgs));
  const n = spec.faults?.(c).length ?? 0;
  if (n) arbs.push(fc.nat(n - 1).map((index) => ({ kind: 'fault' as const, index })));
  return fc.oneof(...arbs);
}

/** Deterministic, varied values (a few special ones: ±0, large) for a tensor of the given shape. */
function values(shape: readonly number[], salt: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin((i + 1) * 12.9898 + salt * 78.233) * 3;
  if (n > 2) { v[1] = -0; v[2] = 1e30; }
  return v;
}

function disposeAll(v: unknown): void {
  if (v instanceof Tensor) v.dispose();
  else if (Array.isArray(v)) v.forEach(disposeAll);
  else if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) Object.values(v).forEach(disposeAll);
}

/** What a result is, to compare with Expected.out: tensors become 'float32 [2, 3]', numbers 'number'. */
function describeOut(v: unknown): unknown {
  if (v instanceof Tensor) return `${v.dtype} [${v.shape.join(', ')}]`;
  if (typeof v === 'number') return 'number';
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, describeOut(x)]));
  return v;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Whether message holds word: identifiers as whole words, anything else as is. */
const holds = (message: string, word: string): boolean =>
  /^\w+$/.test(word) ? new RegExp(`(^|[^\\w])${escape(word)}([^\\w]|$)`).test(message) : message.includes(word);

function fail(spec: OpSpec, c: Call, m: Mutation | undefined, what: string): never {
  throw new Error(`${spec.op}: ${what}\n  call: ${json(c)}\n  mutation: ${json(m)}`);
}

/**
 * Runs one call of spec, mutated by m when given, and checks the rule: the documented result or an error naming the op
 * and the argument, and memory back at its baseline. Records the case in the tally.
 */
function check(spec: OpSpec, call: Call, m?: Mutation): void {
  let c = call;
  let expect = c.expect;
  if (m?.kind === 'fault') { c = spec.faults!(call)[m.index]; expect = c.expect; }
  const made: Tensor[] = [];
  const t: Record<string, unknown> = {};
  let salt = 1;
  for (const [name, s] of Object.entries(c.tensors)) {
    const x = tensor(values(s, salt++), s);
    x.name = `arg.${name}`;
    made.push(x);
    t[name] = x;
  }
  const a = { ...c.args };
  let o: unknown;
  switch (m?.kind) {
    case 'notTensor': t[m.arg] = m.value; expect = fails(m.arg); break;
    case 'disposed': (t[m.arg] as Tensor).dispose(); expect = fails(m.arg, 'disposed'); break;
    case 'int32': {
      const x = t[m.arg] as Tensor;
      const y = tensor(new Int32Array(x.size), [...x.shape], 'int32');
      y.name = x.name;
      made.push(y);
      t[m.arg] = y;
      expect = fails(m.arg, 'float32');
      break;
    }
  }
  // Options after the tensors, so that { $tensor: name } finds what replaced the tensor.
  const resolve = (v: unknown): unknown => (v && typeof v === 'object' && '$tensor' in v ? t[(v as { $tensor: string }).$tensor] : v);
  o = c.options && typeof c.options === 'object' && !Array.isArray(c.options)
    ? Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, resolve(v)])) : c.options;
  switch (m?.kind) {
    case 'unknownKey': o = { ...(o as object), [m.key]: 1 }; expect = fails('unknown option', m.key.length <= 64 ? JSON.stringify(m.key) : '', 'did you mean'); break;
    case 'badValue': o = { ...(o as object), [m.key]: m.value }; expect = fails(m.key); break;
    case 'badOptions': o = m.value; expect = fails('options'); break;
    case 'badArg': a[m.name] = m.value; expect = fails(m.name); break;
  }
  const before = memoryInUse();
  let out: unknown, err: unknown, threw = false;
  try { out = spec.run(t, o, a); } catch (e) { err = e; threw = true; }
  let leaked = 0;
  try {
    if ('out' in expect) {
      if (threw) fail(spec, c, m, `a valid call threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message ?? String(err)}`);
      const got = describeOut(out);
      if (JSON.stringify(got) !== JSON.stringify(expect.out)) fail(spec, c, m, `gave ${JSON.stringify(got)}, documented ${JSON.stringify(expect.out)}`);
    } else {
      if (!threw) fail(spec, c, m, `an invalid call returned ${JSON.stringify(describeOut(out))}; expected an error naming ${expect.error.join(', ')}`);
      const e = err as Error;
      if (!(e instanceof Error)) fail(spec, c, m, `threw a non-Error ${String(err)}`);
      if (!e.message.startsWith(`${spec.op}: `) || INSIDE.test(e.message)) fail(spec, c, m, `unclear error ${e.constructor.name}: ${e.message}`);
      const missing = expect.error.filter((w) => !holds(e.message, w));
      if (missing.length) fail(spec, c, m, `the error does not name ${missing.join(', ')}: ${e.constructor.name}: ${e.message}`);
    }
  } finally {
    disposeAll(out);
    leaked = Math.max(0, memoryInUse() - before);
    made.forEach((x) => x.dispose());
    record({ cases: 1, refused: threw && !('out' in expect) ? 1 : 0, leakedBytes: leaked });
  }
  if (leaked) fail(spec, c, m, `memoryInUse() grew by ${leaked} bytes`);
}

/** Fixed seeds: a failure prints its seed and counterexample, and every build and runtime runs the same cases. */
const settings = (seed: number, numRuns: number) => ({ seed, numRuns, includeErrorInReport: true });

/** Valid calls (numRuns of them), then invalid ones (twice as many), each checked by the rule above. */
export function fuzz(spec: OpSpec, seed: number, numRuns = 25): void {
  fc.assert(fc.property(spec.calls, (c) => { check(spec, c); }), settings(seed, numRuns));
  // Mutations of valid calls only: a call already refused for its geometry would be refused for that first.
  const valid = spec.calls.filter((c) => 'out' in c.expect);
  fc.assert(fc.property(valid.chain((c) => mutations(spec, c).map((m) => [c, m] as const)), ([c, m]) => { check(spec, c, m); }),
    settings(seed + 1, 2 * numRuns));
}
