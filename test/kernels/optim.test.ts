// assembly/optim.ts: each optimizer against its float64 reference over 6 consecutive steps (state carried), for
// lengths that hit every loop phase; clipByValue, sumSquares, regularize and allFinite.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, read, freeAll } from '../helpers/buffers.js';
import { assertClose, assertEqualBits, mixed, F32_EPS } from '../helpers/compare.js';
import {
  sgdRef, momentumRef, adagradRef, rmspropRef, adamRef, nadamRef, clipByValueRef, sumSquaresRef, regularizeRef, allFiniteRef,
} from '../reference/optim.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`optim [${BUILD}]`);

const N = [1, 3, 4, 5, 16, 17, 129, 1000];
const STEPS = 6;
const f = Math.fround;

// Hyperparameters as the float32 values the kernels see; the references get the same numbers. The decay rates stay
// float64: the kernels take them so, to form 1 − rate exactly (1 − float32(0.999) is 1.3e-5 off, beyond tolerance).
const lr = f(0.05), mu = f(0.9), eps = f(1e-7), rho = 0.9, b1 = 0.9, b2 = 0.999, wd = f(0.01);
const c1 = (t: number) => f(1 / (1 - b1 ** t));
const c2 = (t: number) => f(1 / (1 - b2 ** t));
// Keras' Adam scale √(1 − b2^t)/(1 − b1^t) with c2 = 1; Keras 3's Nadam coefficients from μ_t = b1·(1 − ½·0.96^t)
const cKeras = (t: number) => f(Math.sqrt(1 - b2 ** t) / (1 - b1 ** t));
const mu_ = (t: number) => b1 * (1 - 0.5 * 0.96 ** t);
const muProd = (t: number) => { let p = 1; for (let i = 1; i <= t; i++) p *= mu_(i); return p; };
const cm = (t: number) => f(mu_(t + 1) / (1 - muProd(t + 1))), cg = (t: number) => f((1 - mu_(t)) / (1 - muProd(t)));
// ε large enough that its place in the denominator shows beside the float32 rounding
const bigEps = f(1e-2);

interface OptCase {
  name: string;
  /** Initial range of each state buffer. */
  state: [number, number][];
  kernel(w: number, g: number, s: number[], n: number, step: number): void;
  ref(w: Float64Array, g: Float32Array, s: Float64Array[], step: number): void;
}

const CASES: OptCase[] = [
  { name: 'sgdUpdate', state: [], kernel: (w, g, _s, n) => kern.sgdUpdate(w, g, n, lr), ref: (w, g) => sgdRef(w, g, lr) },
  {
    name: 'momentumUpdate', state: [[-0.1, 0.1]],
    kernel: (w, g, [v], n) => kern.momentumUpdate(w, g, v, n, lr, mu, false), ref: (w, g, [v]) => momentumRef(w, g, v, lr, mu, false),
  },
  {
    name: 'momentumUpdate (nesterov)', state: [[-0.1, 0.1]],
    kernel: (w, g, [v], n) => kern.momentumUpdate(w, g, v, n, lr, mu, true), ref: (w, g, [v]) => momentumRef(w, g, v, lr, mu, true),
  },
  ...[eps, bigEps].flatMap((e) => [true, false].flatMap((inside): OptCase[] => [
    {
      name: `adagradUpdate (ε ${e}, ${inside ? 'inside' : 'outside'} the root)`, state: [[0, 0.5]],
      kernel: (w, g, [a], n) => kern.adagradUpdate(w, g, a, n, lr, e, inside), ref: (w, g, [a]) => adagradRef(w, g, a, lr, e, inside),
    },
    {
      name: `rmspropUpdate (ε ${e}, ${inside ? 'inside' : 'outside'} the root)`, state: [[0, 0.5]],
      kernel: (w, g, [ms], n) => kern.rmspropUpdate(w, g, ms, n, lr, rho, e, inside),
      ref: (w, g, [ms]) => rmspropRef(w, g, ms, lr, rho, e, inside),
    },
  ])),
  {
    name: 'adamUpdate (Keras scales, ε on √v)', state: [[-0.1, 0.1], [0, 0.1]],
    kernel: (w, g, [m, v], n, t) => kern.adamUpdate(w, g, m, v, n, lr, b1, b2, bigEps, cKeras(t), 1, 0),
    ref: (w, g, [m, v], t) => adamRef(w, g, m, v, lr, b1, b2, bigEps, cKeras(t), 1, 0),
  },
  {
    name: 'adamUpdate', state: [[-0.1, 0.1], [0, 0.1]],
    kernel: (w, g, [m, v], n, t) => kern.adamUpdate(w, g, m, v, n, lr, b1, b2, eps, c1(t), c2(t), 0),
    ref: (w, g, [m, v], t) => adamRef(w, g, m, v, lr, b1, b2, eps, c1(t), c2(t), 0),
  },
  {
    name: 'adamUpdate (AdamW, wd ≠ 0)', state: [[-0.1, 0.1], [0, 0.1]],
    kernel: (w, g, [m, v], n, t) => kern.adamUpdate(w, g, m, v, n, lr, b1, b2, eps, c1(t), c2(t), wd),
    ref: (w, g, [m, v], t) => adamRef(w, g, m, v, lr, b1, b2, eps, c1(t), c2(t), wd),
  },
  {
    name: 'adamUpdate (from zero state)', state: [[0, 0], [0, 0]],
    kernel: (w, g, [m, v], n, t) => kern.adamUpdate(w, g, m, v, n, lr, b1, b2, eps, c1(t), c2(t), 0),
    ref: (w, g, [m, v], t) => adamRef(w, g, m, v, lr, b1, b2, eps, c1(t), c2(t), 0),
  },
  {
    name: 'nadamUpdate', state: [[-0.1, 0.1], [0, 0.1]],
    kernel: (w, g, [m, v], n, t) => kern.nadamUpdate(w, g, m, v, n, lr, b1, b2, eps, cm(t), cg(t), c2(t)),
    ref: (w, g, [m, v], t) => nadamRef(w, g, m, v, lr, b1, b2, eps, cm(t), cg(t), c2(t)),
  },
];

test(`optimizers against float64 over ${STEPS} consecutive steps, state carried, every length`, () => {
  let seed = 1;
  for (const c of CASES) for (const n of N) {
    const rng = new Rng(seed++);
    const w0 = rng.array(n, -1, 1);
    const s0 = c.state.map(([lo, hi]) => (lo === hi ? new Float32Array(n).fill(lo) : rng.array(n, lo, hi)));
    const pw = put(w0), ps = s0.map((s) => put(s));
    const w = Float64Array.from(w0), s = s0.map((a) => Float64Array.from(a));
    for (let step = 1; step <= STEPS; step++) {
      const g = rng.array(n, -1, 1);
      const pg = put(g);
      c.kernel(pw, pg, ps, n, step);
      c.ref(w, g, s, step);
      const shape = `[${n}] step ${step}`;
      // each step rounds w and its update a few times: errors grow at most linearly with the step count
      assertClose(read(pw, n), w, mixed(w, step * 4 * F32_EPS * lr, step * 2 * F32_EPS), { op: `${c.name}.w`, shape, seed: rng.seed });
      s.forEach((ref, j) => assertClose(read(ps[j], n), ref, mixed(ref, step * 2 * F32_EPS * lr, step * 4 * F32_EPS),
        { op: `${c.name}.state[${j}]`, shape, seed: rng.seed }));
      assertEqualBits(read(pg, n), g, { op: `${c.name} leaves g`, shape });
    }
    freeAll();
  }
});

test('clipByValue: exact clamp, values at and beyond ±c', () => {
  let seed = 100;
  for (const n of N) {
    const rng = new Rng(seed++);
    const c = f(0.5);
    const g = rng.array(n, -2, 2);
    for (let i = 0; i < n; i += 7) g[i] = i % 2 ? c : -c;
    const pg = put(g);
    kern.clipByValue(pg, n, c);
    assertEqualBits(read(pg, n), clipByValueRef(g, c), { op: 'clipByValue', shape: `[${n}]`, seed: rng.seed });
    freeAll();
  }
});

test('sumSquares: float64 accumulation in a fixed order, beyond the float32 range too', () => {
  let seed = 200;
  for (const n of N) {
    const rng = new Rng(seed++);
    const x = rng.array(n, -3, 3);
    const px = put(x);
    const got = kern.sumSquares(px, n), exp = sumSquaresRef(x);
    // the squares are exact; only the order of n float64 additions differs from the reference
    assert.ok(Math.abs(got - exp) <= n * 2 ** -52 * exp, `sumSquares [${n}] seed ${rng.seed}: expected ${exp}, got ${got}`);
    assert.is(kern.sumSquares(px, n), got, 'the same sum twice');
    freeAll();
  }
  const big = put([3e38, -3e38, 1e-30]);
  // squares far beyond float32 (≈ 1.8e77), summed in order from the tail loop
  assert.is(kern.sumSquares(big, 3), f(3e38) ** 2 + f(-3e38) ** 2 + f(1e-30) ** 2);
  assert.is(kern.sumSquares(big, 0), 0);
  freeAll();
});

test('regularize: g += l1·sign(w) + 2·l2·w, penalty in float64; w = 0 leaves g alone; l1 or l2 zero', () => {
  let seed = 300;
  for (const [l1, l2] of [[f(0.01), f(0.001)], [f(0.02), 0], [0, f(0.05)]]) for (const n of N) {
    const rng = new Rng(seed++);
    const w = rng.array(n, -2, 2), g = rng.array(n, -1, 1);
    for (let i = 0; i < n; i += 5) w[i] = 0;
    const pw = put(w), pg = put(g);
    const pen = kern.regularize(pw, pg, n, l1, l2);
    const gRef = Float64Array.from(g);
    const penRef = regularizeRef(w, gRef, l1, l2);
    const shape = `[${n}] l1 ${l1} l2 ${l2}`;
    // g + (l1·sign + 2·l2·w): three roundings of values ≤ |g| + |l1| + |2·l2·w|
    assertClose(read(pg, n), gRef, (i) => 2 * F32_EPS * (Math.abs(g[i]) + l1 + Math.abs(2 * l2 * w[i])), { op: 'regularize.g', shape, seed: rng.seed });
    for (let i = 0; i < n; i += 5) assert.is(read(pg, n)[i], g[i], `regularize ${shape}: w[${i}] = 0 changed g`);
    assert.ok(Math.abs(pen - penRef) <= (n + 4) * 2 ** -52 * penRef, `regularize.penalty ${shape} seed ${rng.seed}: expected ${penRef}, got ${pen}`);
    assertEqualBits(read(pw, n), w, { op: 'regularize leaves w', shape });
    freeAll();
  }
});

test('allFinite: 1 for finite data (extremes, −0, subnormals); 0 for a NaN or ±Inf in any loop phase', () => {
  let seed = 400;
  for (const n of N) {
    const rng = new Rng(seed++);
    const x = rng.array(n, -1, 1);
    const extremes = [3.4028234663852886e38, -3.4028234663852886e38, -0, 1e-40, -1e-45];
    for (let i = 0; i < Math.min(n, extremes.length); i++) x[(i * 37) % n] = extremes[i];
    const px = put(x);
    assert.is(kern.allFinite(px, n), allFiniteRef(x), `allFinite [${n}] seed ${rng.seed}`);
    assert.is(kern.allFinite(px, n), true);
    // a bad value in the unrolled body, the one-vector loop, the tail, first and last
    const at = new Set([0, n - 1, n >> 1, (n & ~15) - 1, n & ~15, (n & ~3) - 1, n & ~3].filter((i) => i >= 0 && i < n));
    for (const i of at) for (const bad of [NaN, Infinity, -Infinity]) {
      const y = Float32Array.from(x);
      y[i] = bad;
      const py = put(y);
      assert.is(kern.allFinite(py, n), false, `allFinite [${n}]: ${bad} at ${i} not caught`);
    }
    freeAll();
  }
});

test('wrappers reject bad sizes and offsets', () => {
  const p = put([1, 2, 3, 4]);
  assert.throws(() => kern.sgdUpdate(p, p + 1, 4, 0.1), /4-byte aligned/);
  assert.throws(() => kern.adamUpdate(p, p, p, 0, 4, 0.1, 0.9, 0.999, 1e-7, 1, 1, 0), /v offset 0/);
  assert.throws(() => kern.allFinite(p, -1), /n = -1/);
  freeAll();
});

test.run();
