// assembly/maxout.ts against test/reference/maxout.ts: y and the argmax exactly, and the backward exactly, over rows
// 1, 2, 7, 129, channels across the 16/4/1 group phases and k = 1..5, inputs without ties; finite differences of the
// float64 reference; ties go to the first maximum, NaN shows; the ops and their errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, readI32, freeAll } from '../helpers/buffers.js';
import { assertEqualBits } from '../helpers/compare.js';
import { maxoutRef, maxoutGradRef } from '../reference/maxout.js';
import * as kern from '../../src/backend/kernels/index.js';
import { ops, tensor, memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`maxout [${BUILD}]`);

const ROWS = [1, 2, 7, 129];
const CHANNELS = [1, 3, 4, 5, 8, 16, 17, 32];
const KS = [1, 2, 3, 4, 5];

/** x [M, C·k] with the k values of every group distinct (re-drawn on a tie), so the maximum is unique. */
function noTies(rng: Rng, M: number, C: number, k: number): Float32Array {
  const x = new Float32Array(M * C * k);
  for (let g = 0; g < M * C; g++) {
    for (let j = 0; j < k; j++) {
      let v: number;
      do { v = Math.fround(rng.uniform(-4, 4)); } while (x.subarray(g * k, g * k + j).includes(v));
      x[g * k + j] = v;
    }
  }
  return x;
}

function forward(x: Float32Array, M: number, C: number, k: number): { y: Float32Array; arg: Int32Array; py: number; parg: number } {
  const py = poisoned(M * C), parg = poisoned(M * C);
  kern.maxout(put(x), py, parg, M, C, k);
  return { y: read(py, M * C), arg: readI32(parg, M * C), py, parg };
}

function assertArg(actual: Int32Array, expected: Int32Array, shape: string, seed?: number): void {
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      throw new Error(`maxout arg ${shape}${seed !== undefined ? ` seed ${seed}` : ''}: index ${i}: expected ${expected[i]}, got ${actual[i]}`);
    }
  }
}

test('forward and backward exactly as the reference: rows × channels × k, no ties', () => {
  let seed = 1;
  for (const M of ROWS) for (const C of CHANNELS) for (const k of KS) {
    const rng = new Rng(seed++);
    const x = noTies(rng, M, C, k), dy = rng.array(M * C, -2, 2);
    const shape = `x [${M}, ${C * k}] k ${k}`;
    const got = forward(x, M, C, k), ref = maxoutRef(x, M, C, k);
    assertEqualBits(got.y, ref.y, { op: 'maxout y', shape, seed: rng.seed });
    assertArg(got.arg, ref.arg, shape, rng.seed);
    const pdx = poisoned(M * C * k);
    kern.maxoutGrad(put(dy), got.parg, pdx, M, C, k);
    assertEqualBits(read(pdx, M * C * k), maxoutGradRef(x, dy, M, C, k), { op: 'maxoutGrad dx', shape, seed: rng.seed });
    freeAll();
  }
});

test('finite differences of the float64 reference forward agree with the reference backward', () => {
  let seed = 100;
  for (const [M, C, k] of [[1, 1, 1], [2, 3, 2], [3, 5, 3], [2, 4, 5]]) {
    const rng = new Rng(seed++);
    const x = Float64Array.from(noTies(rng, M, C, k)), w = rng.array(M * C);
    const loss = () => maxoutRef(x, M, C, k).y.reduce((s, v, i) => s + w[i] * v, 0);
    const dx = maxoutGradRef(x, w, M, C, k);
    const h = 1e-7; // far below the smallest gap between distinct float32 values here (≥ 2^-21)
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      x[i] = v + h; const lp = loss();
      x[i] = v - h; const lm = loss();
      x[i] = v;
      const fd = (lp - lm) / (2 * h);
      if (Math.abs(fd - dx[i]) > 1e-7) throw new Error(`maxout [${M}, ${C * k}] k ${k} seed ${rng.seed}: x[${i}] finite difference ${fd}, analytic ${dx[i]}`);
    }
  }
});

test('ties go to the first maximum and a NaN shows, in the vector and the scalar phases', () => {
  for (const n of [1, 4, 5, 16, 21]) {
    const k = 3, x = new Float32Array(n * k);
    for (let g = 0; g < n; g++) {
      const pattern = [[2, 2, 2], [1, 3, 3], [3, 1, 3], [NaN, 5, 1], [5, NaN, NaN], [-0, 0, -1]][g % 6];
      x.set(pattern, g * k);
    }
    const got = forward(x, n, 1, k), ref = maxoutRef(x, n, 1, k);
    assertEqualBits(got.y, ref.y, { op: 'maxout y with ties and NaN', shape: `[${n}, ${k}]` });
    assertArg(got.arg, ref.arg, `[${n}, ${k}] with ties and NaN`);
    const firstArgs = [0, 1, 0, 0, 1, 0];
    for (let g = 0; g < n; g++) assert.is(got.arg[g], firstArgs[g % 6], `group ${g}`);
    freeAll();
  }
});

test('wrappers refuse k < 1 and empty-size misuse', () => {
  const p = put(new Float32Array(8));
  assert.throws(() => kern.maxout(p, p, p, 2, 2, 0), /k = 0/);
  assert.throws(() => kern.maxoutGrad(p, p, p, -1, 2, 2), /M = -1/);
  freeAll();
});

test('ops: maxout and maxoutGrad on tensors; errors name the op, tensor, shape and option', () => {
  const before = memoryInUse();
  const rng = new Rng(7);
  const xv = noTies(rng, 6, 4, 3), dyv = rng.array(24);
  const x = tensor(xv, [2, 3, 12]), dy = tensor(dyv, [2, 3, 4]);
  const y = ops.maxout(x, 3);
  assert.equal(y.shape, [2, 3, 4]);
  assertEqualBits(y.toFloat32Array(), maxoutRef(xv, 6, 4, 3).y, { op: 'ops.maxout', shape: '[2, 3, 12]' });
  const dx = ops.maxoutGrad(x, dy, 3);
  assert.equal(dx.shape, [2, 3, 12]);
  assertEqualBits(dx.toFloat32Array(), maxoutGradRef(xv, dyv, 6, 4, 3), { op: 'ops.maxoutGrad', shape: '[2, 3, 12]' });
  assert.throws(() => ops.maxout(x, 5), /maxout: the last dimension 12 of x "tensor#\d+" \[2, 3, 12\] is not divisible by k = 5/);
  assert.throws(() => ops.maxout(x, 0), /maxout: k 0 for x "tensor#\d+" \[2, 3, 12\]/);
  assert.throws(() => ops.maxoutGrad(x, x, 3), /maxoutGrad: dy "tensor#\d+" \[2, 3, 12\] must have shape \[2, 3, 4\]/);
  for (const t of [x, dy, y, dx]) t.dispose();
  assert.is(memoryInUse(), before, 'ops leak nothing');
});

test.run();
