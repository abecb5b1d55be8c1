// assembly/pool.ts against the float64 reference: max and average pooling forward over NaN-poisoned y, backward over
// NaN-poisoned dx. Sweeps channels across the 16/4/scalar phases, windows, strides, same/valid/asymmetric padding,
// countPad on and off, batch 1 and 3, H = W = 1; ties (gradient to the first maximum) and all-negative inputs with
// padding (padded cells never win).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, F32_EPS } from '../helpers/compare.js';
import { maxPool2dRef, maxPool2dGradRef, avgPool2dRef, avgPool2dGradRef, poolOut, type PoolGeom } from '../reference/pool.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`pool [${BUILD}]`);

type Pair = number | [number, number];
type Pad = 'same' | 'valid' | [number, number, number, number];
interface Case { N: number; H: number; W: number; C: number; ph: number; pw: number; s?: Pair; pad?: Pad }

const CHANNELS = [1, 3, 4, 5, 8, 16, 17, 20, 32, 35];

function same(n: number, k: number, s: number): [number, number] {
  const t = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  return [Math.floor(t / 2), t - Math.floor(t / 2)];
}

function geom(c: Case): PoolGeom {
  const [sh, sw] = typeof c.s === 'number' ? [c.s, c.s] : c.s ?? [c.ph, c.pw];
  const pad = c.pad ?? 'valid';
  const p = pad === 'valid' ? [0, 0, 0, 0] : pad === 'same' ? [...same(c.H, c.ph, sh), ...same(c.W, c.pw, sw)] : pad;
  return { N: c.N, H: c.H, W: c.W, C: c.C, ph: c.ph, pw: c.pw, strideH: sh, strideW: sw,
    padTop: p[0], padBottom: p[1], padLeft: p[2], padRight: p[3] };
}

function label(g: PoolGeom): string {
  const [OH, OW] = poolOut(g);
  return `x [${g.N}, ${g.H}, ${g.W}, ${g.C}] window [${g.ph}, ${g.pw}] → [${OH}, ${OW}] strides [${g.strideH}, ${g.strideW}] ` +
    `pads [${g.padTop}, ${g.padBottom}, ${g.padLeft}, ${g.padRight}]`;
}

let cases = 0;

/** Both pools, both directions, both countPad settings; x from gen (default uniform in [-1, 1)). */
function check(c: Case, seed: number, gen?: (rng: Rng, n: number) => Float32Array): void {
  const g = geom(c);
  const [OH, OW] = poolOut(g);
  const rng = new Rng(seed);
  const xs = g.N * g.H * g.W * g.C, ys = g.N * OH * OW * g.C;
  const x = gen ? gen(rng, xs) : rng.array(xs), dy = rng.array(ys);
  const px = put(x), pdy = put(dy);
  const shape = label(g);
  const window = g.ph * g.pw;

  const py = poisoned(ys), pdx = poisoned(xs);
  kern.maxPool2d(g, px, py);
  kern.maxPool2dGrad(g, px, pdy, pdx);
  assertClose(read(py, ys), maxPool2dRef(x, g), () => 0, { op: 'maxPool2d', shape, seed });
  const mg = maxPool2dGradRef(x, dy, g);
  assertClose(read(pdx, xs), mg.dx, (i) => 2 * (window + 1) * F32_EPS * mg.absSum[i], { op: 'maxPool2dGrad', shape, seed });

  for (const countPad of [false, true]) {
    const qy = poisoned(ys), qdx = poisoned(xs);
    kern.avgPool2d(g, px, qy, countPad);
    kern.avgPool2dGrad(g, pdy, qdx, countPad);
    const op = `avgPool2d countPad=${countPad}`;
    const f = avgPool2dRef(x, g, countPad);
    assertClose(read(qy, ys), f.y, (i) => 1e-7 + 2 * (window + 2) * F32_EPS * f.absSum[i], { op, shape, seed });
    const b = avgPool2dGradRef(dy, g, countPad);
    assertClose(read(qdx, xs), b.dx, (i) => 1e-7 + 2 * (window + 2) * F32_EPS * b.absSum[i], { op: `${op} grad`, shape, seed });
  }
  freeAll();
  cases++;
}

test('channels across the 16-wide, 4-wide and scalar phases (2×2 and 3×3 windows)', () => {
  let seed = 1;
  for (const C of CHANNELS) {
    check({ N: 1, H: 6, W: 7, C, ph: 2, pw: 2 }, seed++);
    check({ N: 3, H: 5, W: 5, C, ph: 3, pw: 3, s: 2, pad: 'same' }, seed++);
  }
});

test('windows, strides and same/valid padding, batch 1 and 3', () => {
  let seed = 1000;
  for (const [ph, pw] of [[1, 1], [2, 2], [3, 3], [2, 3], [3, 1], [5, 4]]) for (const s of [1, 2, 3]) {
    for (const pad of ['valid', 'same'] as const) {
      check({ N: seed % 2 ? 1 : 3, H: 8, W: 9, C: seed % 3 ? 5 : 17, ph, pw, s, pad }, seed++);
    }
  }
});

test('H = W = 1, windows larger than the input with same padding, non-square inputs', () => {
  let seed = 2000;
  check({ N: 3, H: 1, W: 1, C: 5, ph: 1, pw: 1 }, seed++);
  check({ N: 1, H: 1, W: 1, C: 17, ph: 2, pw: 2, pad: 'same' }, seed++);
  check({ N: 3, H: 1, W: 1, C: 3, ph: 3, pw: 3, s: 1, pad: 'same' }, seed++);
  check({ N: 1, H: 2, W: 3, C: 8, ph: 5, pw: 5, s: 1, pad: 'same' }, seed++);
  check({ N: 1, H: 1, W: 10, C: 4, ph: 1, pw: 3, s: [1, 2] }, seed++);
  check({ N: 3, H: 11, W: 2, C: 9, ph: 3, pw: 2, s: [2, 1], pad: 'same' }, seed++);
});

test('asymmetric explicit padding (each side smaller than the window)', () => {
  let seed = 3000;
  check({ N: 1, H: 6, W: 7, C: 5, ph: 3, pw: 3, s: 2, pad: [2, 0, 1, 2] }, seed++);
  check({ N: 3, H: 5, W: 5, C: 20, ph: 2, pw: 4, s: [1, 3], pad: [0, 1, 3, 0] }, seed++);
  check({ N: 1, H: 4, W: 9, C: 1, ph: 4, pw: 2, s: 1, pad: [3, 3, 1, 1] }, seed++);
});

test('random geometries: sizes, windows, strides and pads drawn at random', () => {
  const rng = new Rng(777);
  let done = 0;
  for (let seed = 3500; done < 60; seed++) {
    const ph = rng.int(1, 5), pw = rng.int(1, 5);
    const pad: Pad = rng.next() < 0.3 ? 'same' : [rng.int(0, ph - 1), rng.int(0, ph - 1), rng.int(0, pw - 1), rng.int(0, pw - 1)];
    const c: Case = { N: rng.int(1, 3), H: rng.int(1, 10), W: rng.int(1, 10), C: rng.pick(CHANNELS), ph, pw,
      s: [rng.int(1, 4), rng.int(1, 4)], pad };
    const [OH, OW] = poolOut(geom(c));
    if (OH < 1 || OW < 1) continue;
    check(c, seed);
    done++;
  }
});

test('padded cells never win a max: all-negative inputs with padding', () => {
  let seed = 4000;
  const negative = (rng: Rng, n: number) => rng.array(n, -2, -1);
  check({ N: 1, H: 5, W: 5, C: 17, ph: 3, pw: 3, s: 1, pad: 'same' }, seed++, negative);
  check({ N: 3, H: 4, W: 6, C: 4, ph: 2, pw: 2, s: 2, pad: [1, 1, 1, 1] }, seed++, negative);
});

test('ties: the gradient goes to the first maximum of the window (row-major)', () => {
  let seed = 5000;
  const coarse = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.int(0, 2));
  for (const C of [1, 4, 5, 16, 21]) {
    check({ N: 1, H: 6, W: 6, C, ph: 3, pw: 3, s: 1, pad: 'same' }, seed++, coarse);
    check({ N: 3, H: 4, W: 5, C, ph: 2, pw: 2 }, seed++, coarse);
  }
  // A hand example: window 2×2 over [[1, 3], [3, 0]] routes dy to (0, 1), the first 3.
  const g = geom({ N: 1, H: 2, W: 2, C: 1, ph: 2, pw: 2 });
  const x = put([1, 3, 3, 0]), dy = put([5]), dx = poisoned(4);
  kern.maxPool2dGrad(g, x, dy, dx);
  assert.equal(Array.from(read(dx, 4)), [0, 5, 0, 0]);
  freeAll();
});

test('NaN: a window holding a NaN has max NaN; its gradient goes to the first maximum of the other cells', () => {
  for (const C of [1, 4, 16]) {
    const g = geom({ N: 1, H: 2, W: 2, C, ph: 2, pw: 2 });
    const xv = new Float32Array(4 * C), dyv = new Float32Array(C).fill(2);
    for (let c = 0; c < C; c++) { xv[c] = 1; xv[C + c] = NaN; xv[2 * C + c] = 3; xv[3 * C + c] = 3; }
    const x = put(xv), dy = put(dyv), y = poisoned(C), dx = poisoned(4 * C);
    kern.maxPool2d(g, x, y);
    assert.ok(Array.from(read(y, C)).every(Number.isNaN), `C=${C}: max is NaN`);
    kern.maxPool2dGrad(g, x, dy, dx);
    const want = Array.from({ length: 4 * C }, (_, i) => (Math.floor(i / C) === 2 ? 2 : 0));
    assert.equal(Array.from(read(dx, 4 * C)), want, `C=${C}`);
    freeAll();
  }
});

test('countPad: a 3×3 window over a 1×1 image divides by 9 or by 1', () => {
  const g = geom({ N: 1, H: 1, W: 1, C: 5, ph: 3, pw: 3, s: 1, pad: 'same' });
  const x = put([9, 18, -9, 2.25, 4.5]), y = poisoned(5), dx = poisoned(5), dy = put([9, 9, 9, 9, 9]);
  kern.avgPool2d(g, x, y, true);
  assert.equal(Array.from(read(y, 5)), Array.from(new Float32Array([1, 2, -1, 0.25, 0.5])));
  kern.avgPool2d(g, x, y, false);
  assert.equal(Array.from(read(y, 5)), Array.from(new Float32Array([9, 18, -9, 2.25, 4.5])));
  kern.avgPool2dGrad(g, dy, dx, true);
  assert.equal(Array.from(read(dx, 5)), [1, 1, 1, 1, 1]);
  kern.avgPool2dGrad(g, dy, dx, false);
  assert.equal(Array.from(read(dx, 5)), [9, 9, 9, 9, 9]);
  freeAll();
});

test('wrapper refuses padding as large as the window and empty outputs', () => {
  const g = geom({ N: 1, H: 4, W: 4, C: 2, ph: 2, pw: 2 });
  const x = put(new Float32Array(32)), y = put(new Float32Array(32));
  assert.throws(() => kern.maxPool2d({ ...g, padTop: 2 }, x, y), /padTop 2 .* < ph = 2/);
  assert.throws(() => kern.avgPool2d({ ...g, padRight: 2 }, x, y, false), /padRight 2 must be < pw = 2/);
  assert.throws(() => kern.maxPool2d({ ...g, ph: 5 }, x, y), /output 0×2 is empty/);
  assert.throws(() => kern.maxPool2dGrad(g, x, y, 6), /dx offset 6/);
  freeAll();
});

test('case count', () => {
  assert.ok(cases >= 130, `${cases} cases`);
});

test.run();
