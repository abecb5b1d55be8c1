// assembly/im2col.ts's explicit im2col and col2imAdd against test/reference/im2col.ts, over chunks of output pixels:
// batch, sizes, channels, kernels, strides, dilations and pads at the edges; NaN-poisoned col; wrapper refusals.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, F32_EPS } from '../helpers/compare.js';
import { convOut, type ConvGeom } from '../reference/conv2d.js';
import { im2colRef, col2imAddRef, tapSource } from '../reference/im2col.js';
import { backend } from '../../src/backend/module.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`im2col [${BUILD}]`);

interface Case {
  N?: number; H: number; W: number; C: number; kh: number; kw: number;
  s?: number | [number, number]; d?: number | [number, number]; pad?: number | [number, number, number, number];
}

function geom(c: Case): ConvGeom {
  const [strideH, strideW] = typeof c.s === 'object' ? c.s : [c.s ?? 1, c.s ?? 1];
  const [dilationH, dilationW] = typeof c.d === 'object' ? c.d : [c.d ?? 1, c.d ?? 1];
  const p = c.pad ?? 0;
  const [padTop, padBottom, padLeft, padRight] = typeof p === 'object' ? p : [p, p, p, p];
  return { N: c.N ?? 1, H: c.H, W: c.W, inC: c.C, outC: 1, kh: c.kh, kw: c.kw, strideH, strideW, dilationH, dilationW,
    padTop, padBottom, padLeft, padRight };
}

function label(g: ConvGeom): string {
  const [OH, OW] = convOut(g);
  return `x [${g.N}, ${g.H}, ${g.W}, ${g.inC}] k ${g.kh}×${g.kw} stride ${g.strideH},${g.strideW} ` +
    `dil ${g.dilationH},${g.dilationW} pad ${g.padTop},${g.padBottom},${g.padLeft},${g.padRight} → ${OH}×${OW}`;
}

const pixels = (g: ConvGeom) => { const [OH, OW] = convOut(g); return g.N * OH * OW; };

/** [q0, P] chunks that partition [0, NPix) in steps of `step` (the last one shorter). */
function partition(NPix: number, step: number): [number, number][] {
  const out: [number, number][] = [];
  for (let q0 = 0; q0 < NPix; q0 += step) out.push([q0, Math.min(step, NPix - q0)]);
  return out;
}

/** The partitions a case runs: the whole range, and steps of 1 (small cases), 3, 7 and 13 (not multiples of 4). */
function partitions(NPix: number): [number, number][][] {
  const steps = [NPix, 3, 7, 13, ...(NPix <= 40 ? [1] : [])];
  return steps.filter((s, i) => s <= NPix && steps.indexOf(s) === i).map((s) => partition(NPix, s));
}

/** im2col on chunk [q0, q0 + P): every float of col [P, K] written (poisoned before), exactly the reference (copies), and
 *  nothing written past it (4 guard floats stay NaN). colOff: col starts that many floats into its block. */
function checkIm2col(g: ConvGeom, x: Float32Array, px: number, q0: number, P: number, seed: number, colOff = 0): void {
  const K = g.kh * g.kw * g.inC;
  const pcol = poisoned(colOff + P * K + 4) + 4 * colOff;
  kern.im2col(g, px, pcol, q0, P);
  const got = read(pcol, P * K + 4);
  const shape = `${label(g)} pixels [${q0}, ${q0 + P}) colOff ${colOff}`;
  assertClose(got.subarray(0, P * K), im2colRef(x, g, q0, P), () => 0, { op: 'im2col', shape, seed });
  for (let t = P * K; t < P * K + 4; t++) if (!Number.isNaN(got[t])) throw new Error(`im2col ${shape} seed ${seed}: wrote past col at ${t - P * K}`);
}

/** A random col [P, K] for chunk [q0, q0 + P) whose out-of-image entries are NaN: col2imAdd must never read them. */
function colWithNaNPads(rng: Rng, g: ConvGeom, q0: number, P: number): Float32Array {
  const C = g.inC, col = rng.array(P * g.kh * g.kw * C, -2, 2);
  for (let p = 0; p < P; p++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
    if (tapSource(g, q0 + p, i, j) < 0) col.fill(NaN, (p * g.kh * g.kw + i * g.kw + j) * C, (p * g.kh * g.kw + i * g.kw + j + 1) * C);
  }
  return col;
}

/**
 * col2imAdd over the chunks of one partition, adding into a random dx (4 guard floats after it must keep their value).
 * Compared EXACTLY with the reference's float32 replay, because the summation order is fixed by the data: the taps of
 * one pixel land on distinct x cells, so a cell gets at most one term per output pixel; the kernel walks pixels in
 * ascending q (and the chunks run in order), so each cell is dx0 + its terms in ascending q, every addition one float32
 * rounding whether the vector add or the scalar loop does it. That is the replay's order, so the bits must agree.
 * Against the float64 sum: a cell has at most kh·kw terms (for a fixed tap, one pixel per image reaches it), and a
 * sequential float32 sum of m + 1 terms errs by at most about m·(ε/2)·Σ|terms|, so kh·kw·ε·Σ|terms| bounds it.
 */
function checkCol2im(g: ConvGeom, chunks: [number, number][], seed: number, dxOff = 0): void {
  const rng = new Rng(seed);
  const xs = g.N * g.H * g.W * g.inC;
  const dx0 = rng.array(xs, -2, 2);
  const pdx = poisoned(dxOff + xs + 4) + 4 * dxOff;
  backend().arena.f32.set([...dx0, 7, 7, 7, 7], pdx >>> 2);
  let exact: Float64Array = Float64Array.from(dx0), wide: Float64Array = Float64Array.from(dx0);
  const absSum = Float64Array.from(dx0, Math.abs);
  for (const [q0, P] of chunks) {
    const col = colWithNaNPads(rng, g, q0, P);
    kern.col2imAdd(g, put(col), pdx, q0, P);
    exact = col2imAddRef(col, exact, g, q0, P, true).dx;
    const r = col2imAddRef(col, wide, g, q0, P);
    for (let t = 0; t < xs; t++) absSum[t] += r.absSum[t] - Math.abs(wide[t]); // this chunk's Σ|terms|
    wide = r.dx;
  }
  const got = read(pdx, xs + 4);
  const shape = `${label(g)} chunks ${chunks.length > 4 ? `${chunks.length} × ${chunks[0][1]}` : JSON.stringify(chunks)} dxOff ${dxOff}`;
  assertClose(got.subarray(0, xs), exact, () => 0, { op: 'col2imAdd vs float32 replay', shape, seed });
  const K = g.kh * g.kw;
  assertClose(got.subarray(0, xs), wide, (i) => K * F32_EPS * absSum[i], { op: 'col2imAdd vs float64', shape, seed });
  for (let t = xs; t < xs + 4; t++) if (got[t] !== 7) throw new Error(`col2imAdd ${shape} seed ${seed}: wrote past dx at ${t - xs}`);
}

/** Every partition through im2col and col2imAdd, plus P = 1 at a random pixel and the last 1- and 5-pixel chunks. */
function check(c: Case, seed: number): number {
  const g = geom(c);
  const NPix = pixels(g);
  const xSeed = seed++, rng = new Rng(xSeed); // x from xSeed; each col2imAdd run draws dx and col from its own seed
  const x = rng.array(g.N * g.H * g.W * g.inC);
  const px = put(x);
  for (const chunks of partitions(NPix)) {
    for (const [q0, P] of chunks) checkIm2col(g, x, px, q0, P, xSeed);
    checkCol2im(g, chunks, seed++);
  }
  const q = rng.int(0, NPix - 1);
  for (const [q0, P] of [[q, 1], [NPix - 1, 1], [Math.max(0, NPix - 5), Math.min(5, NPix)]]) {
    checkIm2col(g, x, px, q0, P, xSeed);
    checkCol2im(g, [[q0, P]], seed++);
  }
  freeAll();
  return seed;
}

test('channels 1, 3, 4, 5, 8, 17 (3×3 same, batch 1 and 3): copy rows of every loop phase', () => {
  let seed = 1;
  for (const C of [1, 3, 4, 5, 8, 17]) {
    seed = check({ H: 5, W: 5, C, kh: 3, kw: 3, pad: 1 }, seed);
    seed = check({ N: 3, H: 3, W: 3, C, kh: 3, kw: 3, pad: 1 }, seed);
    seed = check({ N: 3, H: 17, W: 5, C, kh: 3, kw: 3 }, seed); // mostly interior windows
  }
});

test('kernel rows of 3 to 9 floats (kw·C), the window inside the image: the two-vector copy of rows of 4 to 8 and its neighbours', () => {
  let seed = 500;
  for (const [kw, C] of [[3, 1], [4, 1], [5, 1], [3, 2], [7, 1], [4, 2], [3, 3], [1, 4], [2, 4]]) {
    seed = check({ N: 2, H: 9, W: kw + 4, C, kh: 3, kw }, seed);          // every window inside x
    seed = check({ N: 2, H: 7, W: kw + 3, C, kh: 2, kw, pad: 1 }, seed);  // interior and border windows side by side
  }
});

test('image sizes 1, 3, 5, 17 in each direction (3×3, pad 1)', () => {
  let seed = 1000;
  for (const H of [1, 3, 5, 17]) for (const W of [1, 3, 5, 17]) seed = check({ N: H * W < 50 ? 3 : 1, H, W, C: 3, kh: 3, kw: 3, pad: 1 }, seed);
});

test('kernels 1×1, 5×5, 2×3, 3×2, and kernels larger than the input with padding', () => {
  let seed = 2000;
  const cases: Case[] = [
    { N: 3, H: 5, W: 5, C: 4, kh: 1, kw: 1 },
    { H: 5, W: 17, C: 5, kh: 1, kw: 1, s: 2 },
    { H: 17, W: 17, C: 3, kh: 5, kw: 5, pad: 2 },
    { N: 3, H: 5, W: 5, C: 8, kh: 5, kw: 5, pad: 2 },
    { H: 5, W: 5, C: 3, kh: 2, kw: 3, pad: [0, 1, 1, 1] },
    { N: 3, H: 3, W: 5, C: 17, kh: 3, kw: 2, pad: [1, 1, 0, 1] },
    { N: 3, H: 1, W: 1, C: 3, kh: 3, kw: 3, pad: 1 },      // every window mostly padding
    { H: 1, W: 1, C: 5, kh: 5, kw: 5, pad: 2 },
    { N: 3, H: 3, W: 2, C: 4, kh: 5, kw: 5, pad: 2 },
    { H: 3, W: 3, C: 1, kh: 4, kw: 4, pad: [1, 2, 0, 3] },
    { H: 1, W: 17, C: 8, kh: 3, kw: 5, pad: [1, 1, 4, 0] },
  ];
  for (const c of cases) seed = check(c, seed);
});

test('strides 1, 2, 3 and dilations 1, 2 (each direction), with and without padding', () => {
  let seed = 3000;
  for (const s of [1, 2, 3, [2, 3], [3, 1]] as const) for (const d of [1, 2, [1, 2], [2, 1]] as const) for (const pad of [0, 2]) {
    seed = check({ N: 3, H: 5, W: 17, C: s === 1 ? 4 : 3, kh: 3, kw: 3, s: s as Case['s'], d: d as Case['d'], pad }, seed);
  }
});

test('asymmetric padding on every side', () => {
  let seed = 4000;
  for (const pad of [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 2, 1, 0], [3, 0, 0, 2], [2, 3, 3, 2]] as const) {
    seed = check({ N: 3, H: 5, W: 5, C: 5, kh: 3, kw: 3, s: 2, pad: [...pad] as [number, number, number, number] }, seed);
  }
});

test('random geometries: sizes, channels, kernels, strides, dilations, pads', () => {
  const rng = new Rng(5000);
  let seed = 5001, n = 0;
  while (n < 60) {
    const c: Case = {
      N: rng.pick([1, 3]), H: rng.pick([1, 2, 3, 5, 8, 17]), W: rng.pick([1, 2, 3, 5, 8, 17]), C: rng.pick([1, 3, 4, 5, 8, 17]),
      kh: rng.int(1, 5), kw: rng.int(1, 5), s: [rng.int(1, 3), rng.int(1, 3)], d: [rng.int(1, 2), rng.int(1, 2)],
      pad: [rng.int(0, 3), rng.int(0, 3), rng.int(0, 3), rng.int(0, 3)],
    };
    const [OH, OW] = convOut(geom(c));
    if (OH < 1 || OW < 1) continue;
    seed = check(c, seed); n++;
  }
});

test('x, col and dx at offsets 4, 8, 12 bytes past 16-byte alignment', () => {
  let seed = 6000;
  for (const c of [{ N: 3, H: 5, W: 5, C: 5, kh: 3, kw: 3, pad: 1 }, { H: 17, W: 17, C: 8, kh: 3, kw: 3, d: 2, pad: 1 }] as Case[]) {
    const g = geom(c), NPix = pixels(g);
    for (let off = 1; off < 4; off++) {
      const x = new Rng(seed).array(g.N * g.H * g.W * g.inC);
      const px = poisoned(x.length + off) + 4 * off;
      backend().arena.f32.set(x, px >>> 2);
      checkIm2col(g, x, px, 1, NPix - 1, seed, off);
      checkIm2col(g, x, px, NPix - 7, 7, seed, 4 - off);
      checkCol2im(g, partition(NPix, 6), seed++, off);
      freeAll();
    }
  }
});

test('wrappers refuse chunks past the pixels, bad counts and offsets, empty outputs', () => {
  const g = geom({ N: 2, H: 3, W: 3, C: 2, kh: 3, kw: 3, pad: 1 }); // 18 pixels, K = 18
  const x = put(new Float32Array(36)), col = put(new Float32Array(18 * 18)), dx = put(new Float32Array(36));
  for (const k of ['im2col', 'col2imAdd'] as const) {
    const call = (gg: ConvGeom, q0: number, P: number, o: { x?: number; col?: number; dx?: number } = {}) =>
      k === 'im2col' ? kern.im2col(gg, o.x ?? x, o.col ?? col, q0, P) : kern.col2imAdd(gg, o.col ?? col, o.dx ?? dx, q0, P);
    assert.throws(() => call(g, 16, 3), new RegExp(`^kernel ${k}: pixels \\[16, 19\\) run past the 18 output pixels$`));
    assert.throws(() => call(g, 18, 1), /pixels \[18, 19\) run past the 18 output pixels/);
    assert.throws(() => call(g, 0, 0), /P = 0 must be an integer ≥ 1/);
    assert.throws(() => call(g, -1, 2), /q0 = -1 must be an integer ≥ 0/);
    assert.throws(() => call(g, 1.5, 2), /q0 = 1.5 must be an integer ≥ 0/);
    assert.throws(() => call({ ...g, kh: 5, padTop: 0, padBottom: 0 }, 0, 1), /output -1×3 is empty/);
    assert.throws(() => call({ ...g, dilationW: 0 }, 0, 1), /dilationW = 0/);
    assert.throws(() => call(g, 0, 1, { col: col + 2 }), new RegExp(`kernel ${k}: col offset ${col + 2} is not a 4-byte aligned address`));
    const top = backend().arena.capacity() - 16;
    assert.throws(() => call(g, 0, 2, { col: top }), new RegExp(`kernel ${k}: col \\[${top}, \\+36\\) lies outside memory`));
    assert.throws(() => call(g, 0, 1, { col: 0 }), /col offset 0 is not/);
  }
  assert.throws(() => kern.im2col(g, x + 1, col, 0, 1), new RegExp(`kernel im2col: x offset ${x + 1} is not a 4-byte aligned address`));
  assert.throws(() => kern.col2imAdd(g, col, dx + 2, 0, 1), new RegExp(`kernel col2imAdd: dx offset ${dx + 2} is not a 4-byte aligned address`));
  freeAll();
});

test('deterministic: the same calls give the same bits', () => {
  const g = geom({ N: 3, H: 17, W: 17, C: 5, kh: 3, kw: 3, s: 2, pad: 1 }), NPix = pixels(g), K = 45;
  const rng = new Rng(7);
  const x = put(rng.array(3 * 17 * 17 * 5)), col = put(rng.array(NPix * K)), dx0 = rng.array(3 * 17 * 17 * 5);
  const run = () => {
    const c = poisoned(NPix * K), dx = put(dx0);
    kern.im2col(g, x, c, 0, NPix);
    kern.col2imAdd(g, col, dx, 0, NPix);
    return [...read(c, NPix * K), ...read(dx, dx0.length)];
  };
  assert.equal(run(), run());
  freeAll();
});

test.run();
