// assembly/activations.ts against float64: every forward and backward over lengths that hit the 16/4/tail phases,
// NaN-poisoned outputs, in place where allowed, inputs kept off the kink at 0.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, mixed } from '../helpers/compare.js';
import { activationRef as R } from '../reference/activations.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`activations [${BUILD}]`);

const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 129, 1000];
const ALPHA = 0.3;

// Values in [-6, 6], none within 1e-3 of the kink at 0.
function data(rng: Rng, n: number): Float32Array {
  const x = rng.array(n, -6, 6);
  for (let i = 0; i < n; i++) if (Math.abs(x[i]) < 1e-3) x[i] = 0.5;
  return x;
}

type Fwd = 'relu' | 'leakyRelu' | 'elu' | 'sigmoid' | 'tanh' | 'softplus';
const FWD: Fwd[] = ['relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'softplus'];

function forward(kind: Fwd, px: number, py: number, n: number): void {
  if (kind === 'leakyRelu' || kind === 'elu') kern.unaryAlpha(kind, px, py, n, ALPHA);
  else kern.unary(kind, px, py, n);
}

function refForward(kind: Fwd, x: number): number {
  return kind === 'leakyRelu' || kind === 'elu' ? R[kind](x, ALPHA) : R[kind](x);
}

function backward(kind: Fwd, px: number, pdy: number, pdx: number, n: number): void {
  const py = poisoned(n);
  forward(kind, px, py, n);
  if (kind === 'relu' || kind === 'softplus') kern.unaryGrad(`${kind}Grad`, px, pdy, pdx, n);
  else if (kind === 'sigmoid' || kind === 'tanh') kern.unaryGrad(`${kind}Grad`, py, pdy, pdx, n);
  else if (kind === 'leakyRelu') kern.leakyReluGrad(px, pdy, pdx, n, ALPHA);
  else kern.eluGrad(px, py, pdy, pdx, n, ALPHA);
}

function refBackward(kind: Fwd, x: number, dy: number): number {
  return kind === 'leakyRelu' || kind === 'elu' ? R[`${kind}Grad`](x, dy, ALPHA) : R[`${kind}Grad`](x, dy);
}

test('forward of every activation matches float64 (4 ulp-level relative error)', () => {
  let seed = 100;
  for (const kind of FWD) for (const n of LENGTHS) {
    const rng = new Rng(seed++);
    const x = data(rng, n);
    const px = put(x), py = poisoned(n);
    forward(kind, px, py, n);
    const exp = Array.from(x, (v) => refForward(kind, v));
    assertClose(read(py, n), exp, mixed(exp, 1e-7, 4e-7), { op: kind, shape: `[${n}]`, seed: rng.seed });
    freeAll();
  }
});

test('backward dx = dy·f′ matches float64', () => {
  let seed = 200;
  for (const kind of FWD) for (const n of LENGTHS) {
    const rng = new Rng(seed++);
    const x = data(rng, n), dy = rng.array(n, -2, 2);
    const px = put(x), pdy = put(dy), pdx = poisoned(n);
    backward(kind, px, pdy, pdx, n);
    const exp = Array.from(x, (v, i) => refBackward(kind, v, dy[i]));
    // sigmoid/tanh derive from the float32 y: error ~ eps·|dy|
    assertClose(read(pdx, n), exp, mixed(exp, 2e-7 * 2, 2e-6), { op: `${kind}Grad`, shape: `[${n}]`, seed: rng.seed });
    freeAll();
  }
});

test('in place: y may alias x, dx may alias dy', () => {
  const rng = new Rng(300);
  for (const kind of FWD) {
    const x = data(rng, 37);
    const p = put(x), q = poisoned(37);
    forward(kind, p, q, 37);
    forward(kind, p, p, 37);
    assert.equal(Array.from(read(p, 37)), Array.from(read(q, 37)), `${kind} in place`);
    freeAll();
  }
  const x = data(rng, 21), dy = rng.array(21);
  const px = put(x), pdy = put(dy), pdx = poisoned(21);
  kern.unaryGrad('reluGrad', px, pdy, pdx, 21);
  kern.unaryGrad('reluGrad', px, pdy, pdy, 21);
  assert.equal(Array.from(read(pdy, 21)), Array.from(read(pdx, 21)));
  freeAll();
});

test('sigmoid and tanh: the interleaved 16-float body gives the bits of the one-vector formula (4-float and 1-float tails)', () => {
  const rng = new Rng(400);
  const x = rng.array(1003, -20, 20);
  [0, 1e-30, -1e-30, 0.625, -0.625, 43.9, -88, 90, -90, Infinity, -Infinity, NaN, -0].forEach((v, i) => { x[i * 7] = v; });
  for (const act of ['sigmoid', 'tanh'] as const) {
    const px = put(x), pa = poisoned(x.length), p4 = poisoned(4), p1 = poisoned(1);
    kern.unary(act, px, pa, x.length); // 16-float blocks, then the tails
    const a = new Uint32Array(read(pa, x.length).buffer);
    const bits = (p: number, n: number) => new Uint32Array(read(p, n).buffer);
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i])) continue;
      kern.unary(act, px + 4 * i, p1, 1); // the one-float tail
      const one = bits(p1, 1)[0];
      if (a[i] !== one) throw new Error(`${act} at x = ${x[i]} (index ${i}): block ${a[i].toString(16)} vs 1-float tail ${one.toString(16)}`);
      if (i + 4 > x.length) continue;
      kern.unary(act, px + 4 * i, p4, 4); // one 4-float vector starting at i
      const four = bits(p4, 4)[0];
      if (a[i] !== four) throw new Error(`${act} at x = ${x[i]} (index ${i}): block ${a[i].toString(16)} vs 4-float vector ${four.toString(16)}`);
    }
    freeAll();
  }
});

test('relu at the kink and NaN: relu(0) = 0, relu(-0) = +0, grad at 0 is 0, NaN propagates', () => {
  const px = put([0, -0, NaN, -1, 2]), py = poisoned(5);
  kern.unary('relu', px, py, 5);
  const y = read(py, 5);
  assert.ok(Object.is(y[0], 0) && Object.is(y[1], 0) && Number.isNaN(y[2]) && y[3] === 0 && y[4] === 2, String(Array.from(y)));
  const pdy = put([1, 1, 1, 1, 1]), pdx = poisoned(5);
  kern.unaryGrad('reluGrad', px, pdy, pdx, 5);
  assert.equal(Array.from(read(pdx, 5)), [0, 0, 0, 0, 1]);
  freeAll();
});

test.run();
