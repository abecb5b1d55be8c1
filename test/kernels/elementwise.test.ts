// assembly/elementwise.ts against test/reference/elementwise.ts: add, sub, mul (flat and broadcast over rows), scale,
// axpy, biasAdd, fill, copy bit for bit, over lengths that hit every loop phase, NaN-poisoned, in place.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertEqualBits } from '../helpers/compare.js';
import { binaryRef, binaryRowsRef, scaleRef, axpyRef } from '../reference/elementwise.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`elementwise [${BUILD}]`);

const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 129];

test('add, sub, mul: one float32 rounding per element, every length', () => {
  let seed = 1;
  for (const op of ['add', 'sub', 'mul'] as const) for (const n of LENGTHS) {
    const rng = new Rng(seed++);
    const a = rng.array(n, -3, 3), b = rng.array(n, -3, 3);
    const pa = put(a), pb = put(b), po = poisoned(n);
    kern.binary(op, pa, pb, po, n);
    assertEqualBits(read(po, n), binaryRef(op, a, b), { op, shape: `[${n}]`, seed: rng.seed });
    kern.binary(op, pa, pb, pa, n); // in place
    assertEqualBits(read(pa, n), read(po, n), { op: `${op} in place`, shape: `[${n}]` });
    freeAll();
  }
});

test('addRows, subRows, mulRows and biasAdd broadcast b over rows', () => {
  let seed = 100;
  for (const op of ['add', 'sub', 'mul'] as const) for (const rows of [1, 3, 8]) for (const cols of [1, 3, 4, 5, 17, 33]) {
    const rng = new Rng(seed++);
    const a = rng.array(rows * cols), b = rng.array(cols);
    const pa = put(a), pb = put(b), po = poisoned(rows * cols);
    kern.binaryRows(op, pa, pb, po, rows, cols);
    const exp = binaryRowsRef(op, a, b, rows, cols);
    assertEqualBits(read(po, rows * cols), exp, { op: `${op}Rows`, shape: `[${rows}, ${cols}]`, seed: rng.seed });
    if (op === 'add') {
      const pz = poisoned(rows * cols);
      kern.biasAdd(pa, pb, pz, rows, cols);
      assertEqualBits(read(pz, rows * cols), exp, { op: 'biasAdd', shape: `[${rows}, ${cols}]`, seed: rng.seed });
    }
    freeAll();
  }
});

test('scale, axpy, fill, copy', () => {
  let seed = 200;
  for (const n of LENGTHS) {
    const rng = new Rng(seed++);
    const x = rng.array(n), y = rng.array(n);
    const px = put(x), py = put(y), po = poisoned(n);
    kern.scale(px, -0.37, po, n);
    assertEqualBits(read(po, n), scaleRef(x, -0.37), { op: 'scale', shape: `[${n}]`, seed: rng.seed });
    kern.axpy(1.5, px, py, n);
    assertEqualBits(read(py, n), axpyRef(1.5, x, y), { op: 'axpy', shape: `[${n}]`, seed: rng.seed });
    kern.fill(po, 2.25, n);
    assertEqualBits(read(po, n), new Array(n).fill(2.25), { op: 'fill', shape: `[${n}]` });
    const pc = poisoned(n);
    kern.copy(px, pc, n);
    assertEqualBits(read(pc, n), x, { op: 'copy', shape: `[${n}]` });
    freeAll();
  }
});

test('writes stop at n: the element after the end is untouched', () => {
  for (const n of [1, 3, 5, 17]) {
    const pa = put(new Float32Array(n + 1).fill(1)), po = poisoned(n + 1);
    kern.binary('add', pa, pa, po, n);
    kern.scale(pa, 2, po, n);
    kern.fill(po, 3, n);
    assert.ok(Number.isNaN(read(po, n + 1)[n]), `wrote past n = ${n}`);
    freeAll();
  }
});

test.run();
