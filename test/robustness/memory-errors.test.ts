// Error paths of src/ops/tensor.ts leave nothing behind: tidy() and untracked() whose function throws dispose what it
// made and rethrow; tensor() and empty() refuse bad values, shapes and dtypes before allocating (fuzzed with
// fast-check); a fault injected after tensor()'s allocation frees the block; reshape and use-after-dispose refusals.
// After every failing call memoryInUse() and the number of live blocks are back at their baseline. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ready, BUILD } from '../helpers/setup.js';
import { thrown } from '../helpers/errors.js';
import { backend } from '../../src/backend/module.js';
import { empty, tensor, tidy, untracked, viewOf, memoryInUse, type Tensor } from '../../src/ops/tensor.js';
import { ops } from '../../src/index.js';
import { record } from './tally.js';

await ready();
const test = suite(`memory: error paths free what they made [${BUILD}]`);

/** Runs a call that must throw; returns its message after checking memory and blocks are back where they were. */
function refusedClean(call: () => unknown, what: string): string {
  const a = backend().arena, bytes = memoryInUse(), blocks = a.blocks();
  const m = thrown(call);
  assert.is(memoryInUse(), bytes, `${what}: bytes in use back at the baseline (${m})`);
  assert.is(a.blocks(), blocks, `${what}: live blocks back at the baseline`);
  return m;
}

test('tidy(fn) whose fn throws disposes everything fn made, nested scopes included, and rethrows the same error', () => {
  const bytes = memoryInUse();
  const boom = new Error('boom');
  const outerKept = tensor([1, 2]);
  let inner: Tensor | undefined;
  const caught = (() => { try { tidy(() => {
    ops.randomUniform([1e6], { seed: 3 });        // 4 MB, as in the issue
    inner = tidy(() => ops.relu(tensor([-1, 1]))); // returned by an inner scope: belongs to this one now
    tidy(() => [tensor([5]), tensor([6])]);
    throw boom;
  }); } catch (e) { return e; } })();
  assert.is(caught, boom, 'the same error object is rethrown');
  assert.ok(inner!.disposed, 'a tensor returned by a nested tidy is disposed with the failing scope');
  assert.not.ok(outerKept.disposed, 'a tensor made before tidy is untouched');
  outerKept.dispose();
  assert.is(memoryInUse(), bytes);
  // A non-Error value is rethrown as is; an inner failing scope does not dispose what the outer one returns.
  const kept = tidy(() => {
    const keep = tensor([7, 8]);
    try { tidy(() => { tensor([9]); throw 'plain string'; }); } catch (e) { assert.is(e, 'plain string'); }
    return keep;
  });
  assert.equal(Array.from(kept.toFloat32Array()), [7, 8]);
  kept.dispose();
  assert.is(memoryInUse(), bytes);
  record({ cases: 2, faults: 2 });
});

test('untracked(fn) whose fn throws disposes what it made; when fn returns, what it made stays alive outside every scope', () => {
  const bytes = memoryInUse();
  refusedClean(() => untracked(() => { empty([1000]); tensor([1, 2, 3]); tidy(() => tensor([4])); throw new RangeError('half built'); }), 'untracked');
  let longLived: Tensor | undefined;
  tidy(() => { longLived = untracked(() => tensor([1, 2, 3])); });
  assert.not.ok(longLived!.disposed, 'survives the enclosing tidy');
  longLived!.dispose();
  assert.is(memoryInUse(), bytes);
  record({ cases: 2, faults: 1 });
});

test('tensor() refuses non-integers, out-of-range values and bad dtypes for int32 before allocating', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['[1.5] int32', () => tensor([1.5], [1], 'int32'), /int32 value 1\.5 at index 0 is not an integer/],
    ['Float32Array int32', () => tensor(new Float32Array([0, 2.25]), [2], 'int32'), /int32 value 2\.25 at index 1/],
    ['NaN int32', () => tensor([1, NaN], [2], 'int32'), /int32 value NaN at index 1/],
    ['2^31 int32', () => tensor([2 ** 31], [1], 'int32'), /int32 value 2147483648 at index 0 is outside/],
    ['-2^31-1 int32', () => tensor([[0], [-(2 ** 31) - 1]], undefined, 'int32'), /index 1 is outside/],
    ['dtype float64', () => tensor([1], [1], 'float64' as 'int32'), /dtype must be 'float32' or 'int32', got "float64"/],
    ['dtype 5', () => tensor([1], [1], 5 as unknown as 'int32'), /dtype must be 'float32' or 'int32', got 5/],
    ['empty dtype', () => empty([2], 'int8' as 'int32'), /empty\(\): dtype must be/],
  ];
  for (const [what, call, re] of cases) assert.match(refusedClean(call, what), re, what);
  // The extremes of int32 are accepted.
  const t = tensor([-(2 ** 31), 2 ** 31 - 1], [2], 'int32');
  assert.equal(Array.from(t.toInt32Array()), [-(2 ** 31), 2 ** 31 - 1]);
  t.dispose();
  record({ cases: cases.length + 1, refused: cases.length });
});

test('tensor() refuses bad values and shapes with a message naming the problem, before allocating', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['string element', () => tensor(['a'] as unknown as number[]), /value at \[0\] is string, expected a number or an array/],
    ['null element', () => tensor([[1, 2], null] as unknown as number[][]), /value at \[1\] is null/],
    ['object element', () => tensor([{}] as unknown as number[]), /value at \[0\] is \[object Object\]/],
    ['ragged number/array', () => tensor([1, [2]] as unknown as number[]), /ragged at \[1\]/],
    ['ragged array/number', () => tensor([[1], 2] as unknown as number[][]), /ragged at \[1\]/],
    ['ragged lengths', () => tensor([[1, 2], [3]]), /ragged at depth 1/],
    ['empty', () => tensor([]), /every dimension must be a positive integer/],
    ['values not array', () => tensor(5 as unknown as number[]), /values must be an array/],
    ['size mismatch', () => tensor([1, 2, 3], [2, 2]), /needs 4 values, got 3/],
    ['bad shape', () => tensor([1, 2], [2, -1]), /every dimension must be a positive integer/],
    ['empty bad shape', () => empty([0]), /every dimension/],
    ['empty too big', () => empty([2 ** 31]), /out of memory/],
    ['viewOf bad shape', () => viewOf(64, [1.5]), /every dimension/],
  ];
  for (const [what, call, re] of cases) assert.match(refusedClean(call, what), re, what);
  // Rows given as typed arrays are still accepted.
  const rows = tensor([new Float32Array([1, 2]), new Float32Array([3, 4])] as unknown as number[][]);
  assert.equal(rows.toArray(), [[1, 2], [3, 4]]);
  rows.dispose();
  record({ cases: cases.length + 1, refused: cases.length });
});

test('reshape and use-after-dispose refusals leave the storage as it was (its last dispose still frees it)', () => {
  const bytes = memoryInUse();
  const t = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
  assert.match(refusedClean(() => t.reshape([4, 2]), 'reshape size'), /cannot reshape .* of size 6 to \[4, 2\]/);
  assert.match(refusedClean(() => t.reshape([-1, 4]), 'reshape -1'), /reshape/);
  t.dispose(); // had a refused reshape kept a reference, this would not free
  assert.is(memoryInUse(), bytes);
  assert.match(thrown(() => t.toFloat32Array()), /was disposed and cannot be used/);
  assert.match(thrown(() => t.reshape([6])), /was disposed/);
  t.dispose(); // twice is harmless
  assert.is(memoryInUse(), bytes);
  record({ cases: 5, refused: 4 });
});

test('a fault after tensor() allocated (writing the values throws) frees the block and rethrows', () => {
  const a = backend().arena;
  const proto = Object.getPrototypeOf(a) as object;
  const desc = Object.getOwnPropertyDescriptor(proto, 'f32')!;
  const fault = new Error('injected: memory view unavailable');
  let armed = false;
  // The first read of the f32 view after allocating throws (only while armed; tensor() reads it after empty()).
  Object.defineProperty(a, 'f32', { configurable: true, get() { if (armed) { armed = false; throw fault; } return desc.get!.call(a); } });
  try {
    const m = refusedClean(() => { armed = true; return tensor([1, 2, 3]); }, 'injected fault');
    assert.is(m, fault.message);
  } finally {
    delete (a as unknown as Record<string, unknown>).f32;
  }
  record({ cases: 1, faults: 1 });
});

test('fuzzed: tensor(values, shape, dtype) either round-trips or refuses with nothing left behind', () => {
  const bytes = memoryInUse(), blocks = backend().arena.blocks();
  let ok = 0, refused = 0;
  // Mostly valid pieces, so that both outcomes are common.
  const value = fc.oneof(
    { arbitrary: fc.integer({ min: -5, max: 5 }), weight: 12 }, { arbitrary: fc.double(), weight: 3 },
    { arbitrary: fc.constantFrom(2 ** 31, -(2 ** 31), 2 ** 31 - 1, -0, 0.5), weight: 2 },
    { arbitrary: fc.constantFrom('x', null, undefined, {}, true) as fc.Arbitrary<unknown>, weight: 1 },
  );
  const values = fc.oneof(fc.array(value, { minLength: 1, maxLength: 8 }), fc.array(fc.array(value, { minLength: 1, maxLength: 3 }), { maxLength: 3 }));
  const shape = fc.option(fc.array(fc.oneof({ arbitrary: fc.integer({ min: -1, max: 4 }), weight: 8 }, { arbitrary: fc.constant(1.5), weight: 1 }), { maxLength: 3 }), { nil: undefined, freq: 2 });
  const dtype = fc.option(fc.constantFrom('float32', 'int32', 'int32', 'float64', ''), { nil: undefined, freq: 2 });
  fc.assert(fc.property(values, shape, dtype, (v, s, d) => {
    let t: Tensor | undefined;
    try {
      t = tensor(v as number[], s, d as 'float32');
    } catch (e) {
      assert.instance(e, Error);
      assert.ok(/^tensor\(\)|^shape/.test((e as Error).message), `message names tensor() or the shape: ${(e as Error).message}`);
      assert.is(memoryInUse(), bytes); assert.is(backend().arena.blocks(), blocks);
      refused++;
      return;
    }
    const flat = (v as unknown[]).flat(2) as number[];
    const got = Array.from(t.dtype === 'int32' ? t.toInt32Array() : t.toFloat32Array());
    assert.equal(got, flat.map((x) => (t!.dtype === 'int32' ? x : Math.fround(x))));
    t.dispose();
    ok++;
  }), { seed: 13, numRuns: 400 });
  assert.is(memoryInUse(), bytes);
  assert.ok(ok > 20 && refused > 20, `both kinds were tried: ${ok} accepted, ${refused} refused`);
  record({ cases: ok + refused, refused });
});

test.run();
