// assembly/reduce.ts against test/reference/reduce.ts: sum, max, argMax over x viewed as [outer, n, inner],
// against float64, for every combination of edge sizes; accumulate mode; NaN handling.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, readI32, freeAll } from '../helpers/buffers.js';
import { assertClose, assertEqualBits, F32_EPS } from '../helpers/compare.js';
import { reduceRef, absSumRef } from '../reference/reduce.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`reduce [${BUILD}]`);

const OUTER = [1, 2, 3];
const N = [1, 2, 3, 4, 5, 8, 9, 17, 129];
const INNER = [1, 2, 3, 4, 5, 8, 17];

test('sum over every [outer, n, inner] mix', () => {
  let seed = 1;
  for (const outer of OUTER) for (const n of N) for (const inner of INNER) {
    const rng = new Rng(seed++);
    const x = rng.array(outer * n * inner, -2, 2);
    const px = put(x), po = poisoned(outer * inner);
    kern.reduceSum(px, po, outer, n, inner);
    const exp = reduceRef('sum', x, outer, n, inner), abs = absSumRef(x, outer, n, inner);
    assertClose(read(po, outer * inner), exp, (i) => 1e-7 + (n + 1) * F32_EPS * abs[i], { op: 'reduceSum', shape: `[${outer}, ${n}, ${inner}]`, seed: rng.seed });
    freeAll();
  }
});

test('sum accumulates into out when asked (parameter gradients)', () => {
  const rng = new Rng(50);
  for (const [outer, n, inner] of [[1, 7, 1], [1, 9, 5], [2, 3, 17], [1, 129, 8]]) {
    const x = rng.array(outer * n * inner), o0 = rng.array(outer * inner);
    const px = put(x), po = put(o0);
    kern.reduceSum(px, po, outer, n, inner, true);
    const s = reduceRef('sum', x, outer, n, inner), abs = absSumRef(x, outer, n, inner);
    const exp = Array.from(s, (v, i) => v + o0[i]);
    assertClose(read(po, outer * inner), exp, (i) => 1e-7 + (n + 2) * F32_EPS * (abs[i] + Math.abs(o0[i])), { op: 'reduceSum(+=)', shape: `[${outer}, ${n}, ${inner}]` });
    freeAll();
  }
});

test('sum of everything is accurate over a million elements (float64 accumulation)', () => {
  const rng = new Rng(60);
  const n = 1_000_003;
  const x = rng.array(n, 0, 1);
  const px = put(x), po = poisoned(1);
  kern.reduceSum(px, po, 1, n, 1);
  const exp = reduceRef('sum', x, 1, n, 1)[0];
  assert.ok(Math.abs(read(po, 1)[0] - exp) <= 2 * F32_EPS * exp, `sum ${read(po, 1)[0]} vs ${exp}`);
  freeAll();
});

test('max and argMax (first maximum) over every mix; ties pick the first', () => {
  let seed = 100;
  for (const outer of OUTER) for (const n of N) for (const inner of INNER) {
    const rng = new Rng(seed++);
    const x = rng.array(outer * n * inner, -2, 2);
    if (n > 2) x[inner] = x[2 * inner] = 5; // a tie at k = 1 and 2 in the first group
    const px = put(x), po = poisoned(outer * inner), pi = poisoned(outer * inner);
    kern.reduceMax(px, po, outer, n, inner);
    kern.argMax(px, pi, outer, n, inner);
    const shape = `[${outer}, ${n}, ${inner}]`;
    assertEqualBits(read(po, outer * inner), reduceRef('max', x, outer, n, inner), { op: 'reduceMax', shape });
    assert.equal(Array.from(readI32(pi, outer * inner)), Array.from(reduceRef('argMax', x, outer, n, inner)), `argMax ${shape} seed ${rng.seed}`);
    freeAll();
  }
});

test('NaN shows: max is NaN and argMax points at it', () => {
  for (const n of [1, 4, 6, 17]) {
    const x = new Float32Array(n).fill(1);
    x[n - 1] = NaN;
    const px = put(x), po = poisoned(1), pi = poisoned(1);
    kern.reduceMax(px, po, 1, n, 1);
    kern.argMax(px, pi, 1, n, 1);
    assert.ok(Number.isNaN(read(po, 1)[0]), `max with NaN, n = ${n}`);
    assert.is(readI32(pi, 1)[0], n - 1);
    freeAll();
  }
});

test.run();
