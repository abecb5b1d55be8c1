// assembly/conv2d.ts against the float64 reference: forward (with and without bias) over a NaN-poisoned y, backprop
// to the input over a NaN-poisoned dx, backprop to the filter accumulating into random dw and db. Sweeps batch,
// channels, kernel sizes, strides, dilations, same/valid/asymmetric padding, kernels larger than the input, the 1×1
// direct-GEMM path and inputs large enough to span several im2col chunks. The workspace is NaN-poisoned too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, F32_EPS } from '../helpers/compare.js';
import { conv2dRef, conv2dBackpropInputRef, conv2dBackpropFilterRef, convOut, type ConvGeom } from '../reference/conv2d.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`conv2d [${BUILD}]`);

type Pair = number | [number, number];
type Pad = 'same' | 'valid' | [number, number, number, number];
interface Case { N: number; H: number; W: number; inC: number; outC: number; kh: number; kw: number; s?: Pair; d?: Pair; pad?: Pad }

const CH = [1, 3, 5, 8, 17, 32];

// TensorFlow 'same': total = max((⌈n/s⌉ − 1)·s + (k − 1)·d + 1 − n, 0), the smaller half before.
function same(n: number, k: number, s: number, d: number): [number, number] {
  const t = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
  return [Math.floor(t / 2), t - Math.floor(t / 2)];
}

function geom(c: Case): ConvGeom {
  const [sh, sw] = typeof c.s === 'number' ? [c.s, c.s] : c.s ?? [1, 1];
  const [dh, dw] = typeof c.d === 'number' ? [c.d, c.d] : c.d ?? [1, 1];
  const pad = c.pad ?? 'valid';
  const p = pad === 'valid' ? [0, 0, 0, 0] : pad === 'same' ? [...same(c.H, c.kh, sh, dh), ...same(c.W, c.kw, sw, dw)] : pad;
  return { N: c.N, H: c.H, W: c.W, inC: c.inC, outC: c.outC, kh: c.kh, kw: c.kw, strideH: sh, strideW: sw,
    dilationH: dh, dilationW: dw, padTop: p[0], padBottom: p[1], padLeft: p[2], padRight: p[3] };
}

/** Output pixels per im2col chunk (0: the direct 1×1 path), from the workspace size. */
function chunkOf(g: ConvGeom): number {
  return Math.floor(kern.conv2dWorkspaceBytes(g) / (4 * g.kh * g.kw * g.inC));
}

function label(g: ConvGeom): string {
  const [OH, OW] = convOut(g);
  return `x [${g.N}, ${g.H}, ${g.W}, ${g.inC}] w [${g.kh}, ${g.kw}, ${g.inC}, ${g.outC}] → [${OH}, ${OW}] ` +
    `strides [${g.strideH}, ${g.strideW}] dilations [${g.dilationH}, ${g.dilationW}] ` +
    `pads [${g.padTop}, ${g.padBottom}, ${g.padLeft}, ${g.padRight}] chunk ${chunkOf(g)}`;
}

let cases = 0;

/** Runs the three kernels on random data and checks them against the reference. Returns the chunk size used. */
function check(c: Case, seed: number): number {
  const g = geom(c);
  const [OH, OW] = convOut(g);
  const { N, H, W, inC, outC, kh, kw } = g;
  const rng = new Rng(seed);
  const xs = N * H * W * inC, ws = kh * kw * inC * outC, ys = N * OH * OW * outC, npix = N * OH * OW;
  const x = rng.array(xs), w = rng.array(ws), b = rng.array(outC), dy = rng.array(ys), dw0 = rng.array(ws), db0 = rng.array(outC);
  const withBias = seed % 2 === 0, withDb = seed % 3 !== 0;
  const px = put(x), pw = put(w), pb = put(b), pdy = put(dy), pdw = put(dw0), pdb = put(db0);
  const bytes = kern.conv2dWorkspaceBytes(g);
  const work = bytes ? poisoned(bytes / 4) : 0;
  const py = poisoned(ys), pdx = poisoned(xs);
  kern.conv2d(g, { x: px, w: pw, bias: withBias ? pb : undefined, y: py });
  kern.conv2dBackpropInput(g, { dy: pdy, w: pw, dx: pdx, work });
  kern.conv2dBackpropFilter(g, { x: px, dy: pdy, dw: pdw, db: withDb ? pdb : undefined, work });
  const shape = label(g);
  const K = kh * kw * inC;
  const fwd = conv2dRef(x, w, withBias ? b : null, g);
  assertClose(read(py, ys), fwd.y, (i) => 1e-6 + 2 * (K + 3) * F32_EPS * fwd.absSum[i],
    { op: `conv2d${withBias ? ' +bias' : ''}`, shape, seed });
  const bi = conv2dBackpropInputRef(dy, w, g);
  assertClose(read(pdx, xs), bi.dx, (i) => 1e-6 + 2 * (outC + kh * kw + 2) * F32_EPS * bi.absSum[i],
    { op: 'conv2dBackpropInput', shape, seed });
  const bf = conv2dBackpropFilterRef(x, dy, dw0, db0, g);
  assertClose(read(pdw, ws), bf.dw, (i) => 1e-6 + 2 * (npix + 2) * F32_EPS * bf.absDw[i],
    { op: 'conv2dBackpropFilter dw (+=)', shape, seed });
  if (withDb) {
    assertClose(read(pdb, outC), bf.db, (i) => 1e-6 + 2 * (npix + 2) * F32_EPS * bf.absDb[i],
      { op: 'conv2dBackpropFilter db (+=)', shape, seed });
  } else {
    assert.equal(Array.from(read(pdb, outC)), Array.from(db0), `db untouched when not asked for: ${shape}`);
  }
  freeAll();
  cases++;
  return chunkOf(g);
}

test('channels in and out across 1, 3, 5, 8, 17, 32 (3×3 same, batch 1 and 3)', () => {
  let seed = 1;
  for (const inC of CH) for (const outC of CH) {
    const N = seed % 2 ? 1 : 3;
    check({ N, H: N === 1 ? 5 : 4, W: 5, inC, outC, kh: 3, kw: 3, pad: 'same' }, seed++);
  }
});

test('kernels 1×1, 3×3, 5×5, 7×7 with valid and same padding, strides 1, 2, 3', () => {
  let seed = 1000;
  for (const k of [1, 3, 5, 7]) for (const pad of ['valid', 'same'] as const) for (const s of [1, 2, 3]) {
    check({ N: seed % 2 ? 1 : 3, H: 9, W: 8, inC: 3, outC: 5, kh: k, kw: k, s, pad }, seed++);
  }
});

test('H = W = 1 and kernels larger than the input with same padding', () => {
  let seed = 2000;
  check({ N: 1, H: 1, W: 1, inC: 1, outC: 1, kh: 1, kw: 1 }, seed++);
  check({ N: 3, H: 1, W: 1, inC: 5, outC: 3, kh: 1, kw: 1 }, seed++);
  check({ N: 3, H: 1, W: 1, inC: 3, outC: 8, kh: 3, kw: 3, pad: 'same' }, seed++);
  check({ N: 1, H: 1, W: 1, inC: 17, outC: 5, kh: 7, kw: 7, pad: 'same' }, seed++);
  check({ N: 1, H: 3, W: 3, inC: 8, outC: 17, kh: 7, kw: 7, pad: 'same' }, seed++);
  check({ N: 3, H: 2, W: 4, inC: 3, outC: 5, kh: 5, kw: 5, pad: 'same', s: 2 }, seed++);
  check({ N: 1, H: 2, W: 2, inC: 1, outC: 3, kh: 5, kw: 3, pad: 'same', s: 3 }, seed++);
  check({ N: 1, H: 1, W: 6, inC: 3, outC: 3, kh: 7, kw: 1, pad: 'same' }, seed++);
});

test('dilation 2 and mixed dilations, including taps that skip past the whole image', () => {
  let seed = 3000;
  for (const pad of ['valid', 'same'] as const) {
    check({ N: 1, H: 9, W: 9, inC: 3, outC: 5, kh: 3, kw: 3, d: 2, pad }, seed++);
    check({ N: 3, H: 7, W: 10, inC: 5, outC: 8, kh: 3, kw: 2, d: [2, 1], pad }, seed++);
    check({ N: 1, H: 11, W: 8, inC: 8, outC: 3, kh: 5, kw: 3, d: [1, 3], pad }, seed++);
    check({ N: 1, H: 12, W: 12, inC: 3, outC: 5, kh: 3, kw: 3, d: 2, s: 2, pad }, seed++);
  }
  check({ N: 1, H: 1, W: 2, inC: 3, outC: 5, kh: 3, kw: 3, d: 2, pad: 'same' }, seed++);
  check({ N: 3, H: 3, W: 1, inC: 1, outC: 3, kh: 5, kw: 5, d: 3, pad: 'same' }, seed++);
  check({ N: 1, H: 4, W: 4, inC: 3, outC: 1, kh: 3, kw: 3, d: 2, pad: [4, 4, 0, 5] }, seed++);
});

test('asymmetric explicit padding, non-square inputs and kernels', () => {
  let seed = 4000;
  check({ N: 1, H: 6, W: 11, inC: 3, outC: 5, kh: 3, kw: 5, pad: [2, 0, 1, 3] }, seed++);
  check({ N: 3, H: 7, W: 5, inC: 5, outC: 8, kh: 1, kw: 7, pad: [0, 1, 0, 2] }, seed++);
  check({ N: 1, H: 5, W: 9, inC: 17, outC: 3, kh: 5, kw: 2, s: [2, 1], pad: [3, 1, 0, 0] }, seed++);
  check({ N: 3, H: 8, W: 3, inC: 1, outC: 17, kh: 2, kw: 3, s: [1, 3], pad: [0, 2, 2, 1] }, seed++);
  check({ N: 1, H: 10, W: 13, inC: 8, outC: 32, kh: 4, kw: 6, s: [3, 2], pad: 'same' }, seed++);
  check({ N: 1, H: 6, W: 6, inC: 3, outC: 3, kh: 3, kw: 3, pad: [6, 6, 0, 0] }, seed++); // whole output rows in padding
});

test('1×1 convolutions: the direct GEMM path and the im2col path (stride, padding)', () => {
  let seed = 5000;
  assert.is(check({ N: 3, H: 5, W: 7, inC: 17, outC: 9, kh: 1, kw: 1 }, seed++), 0);
  assert.is(check({ N: 1, H: 4, W: 4, inC: 32, outC: 32, kh: 1, kw: 1, d: 3 }, seed++), 0);
  assert.ok(check({ N: 3, H: 7, W: 6, inC: 5, outC: 8, kh: 1, kw: 1, s: 2 }, seed++) > 0);
  assert.ok(check({ N: 1, H: 5, W: 5, inC: 3, outC: 5, kh: 1, kw: 1, pad: [1, 0, 0, 1] }, seed++) > 0);
});

test('strides larger than the kernel: x cells no window reads get dx = 0', () => {
  let seed = 6000;
  check({ N: 3, H: 7, W: 7, inC: 5, outC: 3, kh: 1, kw: 1, s: 3 }, seed++);
  check({ N: 1, H: 9, W: 8, inC: 3, outC: 8, kh: 2, kw: 2, s: 3 }, seed++);
  check({ N: 1, H: 10, W: 10, inC: 17, outC: 5, kh: 3, kw: 2, s: [4, 5] }, seed++);
});

test('one input channel with unit steps along rows (row-wise col2im of the backprop-input): strides, dilations and padding down the columns, chunks ending mid-row', () => {
  let seed = 6500;
  check({ N: 3, H: 30, W: 31, inC: 1, outC: 5, kh: 3, kw: 3, pad: 'same' }, seed++);                      // K 9: chunk 2048 of 2790
  check({ N: 2, H: 29, W: 37, inC: 1, outC: 3, kh: 5, kw: 4, s: [2, 1], d: [2, 1], pad: [3, 1, 4, 2] }, seed++);
  check({ N: 1, H: 6, W: 5, inC: 1, outC: 8, kh: 3, kw: 7, pad: [0, 0, 6, 6] }, seed++);                     // kernel wider than x
  check({ N: 3, H: 4, W: 9, inC: 1, outC: 17, kh: 1, kw: 3, s: [3, 1], pad: [0, 2, 0, 0] }, seed++);
});

test('several im2col chunks, chunks ending mid-image and mid-row', () => {
  let seed = 7000;
  const big: Case[] = [
    { N: 3, H: 27, W: 27, inC: 3, outC: 5, kh: 3, kw: 3, pad: 'same' },   // K 27: chunk 2048 of 2187 pixels
    { N: 1, H: 31, W: 31, inC: 32, outC: 8, kh: 3, kw: 3, pad: 'same' },  // K 288: chunk 908 of 961
    { N: 3, H: 13, W: 11, inC: 8, outC: 5, kh: 7, kw: 7, pad: 'same' },   // K 392: chunk 668 of 429 (one chunk)
    { N: 3, H: 17, W: 15, inC: 17, outC: 3, kh: 5, kw: 5, s: 1, pad: 'valid' }, // K 425: chunk 616 of 429
    { N: 2, H: 20, W: 19, inC: 32, outC: 3, kh: 5, kw: 5, pad: 'same' },  // K 800: chunk 324 of 760
    { N: 3, H: 9, W: 9, inC: 32, outC: 5, kh: 7, kw: 7, pad: 'same' },    // K 1568: chunk 164 of 243
  ];
  let crossed = 0;
  for (const c of big) {
    const chunk = check(c, seed++);
    const [OH, OW] = convOut(geom(c));
    if (chunk < c.N * OH * OW) crossed++;
  }
  assert.ok(crossed >= 4, `expected at least 4 cases spanning several chunks, got ${crossed}`);
});

test('random geometries: sizes, kernels, strides, dilations and pads drawn at random', () => {
  const rng = new Rng(424242);
  let done = 0;
  for (let seed = 8000; done < 80; seed++) {
    const kh = rng.int(1, 7), kw = rng.int(1, 7), d: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const pad: Pad = rng.next() < 0.3 ? 'same' : [rng.int(0, 4), rng.int(0, 4), rng.int(0, 4), rng.int(0, 4)];
    const c: Case = { N: rng.int(1, 3), H: rng.int(1, 12), W: rng.int(1, 12), inC: rng.pick(CH), outC: rng.pick(CH),
      kh, kw, s: [rng.int(1, 3), rng.int(1, 3)], d, pad };
    const [OH, OW] = convOut(geom(c));
    if (OH < 1 || OW < 1) continue;
    check(c, seed);
    done++;
  }
});

test('one input channel, forward by the direct path: channels 1…15 (groups of 4 and their tails), rows of 1…17 pixels (groups of 8 and their tails), steps and dilations down the columns, K up to one GEMM block', () => {
  let seed = 9100;
  for (const outC of [1, 2, 3, 4, 6, 7, 9, 12, 15]) {
    check({ N: 2, H: 9, W: outC + 2, inC: 1, outC, kh: 3, kw: 3, pad: 'same' }, seed++);
  }
  check({ N: 1, H: 5, W: 1, inC: 1, outC: 6, kh: 5, kw: 5, pad: 'same' }, seed++);
  check({ N: 2, H: 11, W: 17, inC: 1, outC: 6, kh: 4, kw: 2, s: [3, 1], d: [2, 1], pad: [2, 0, 1, 3] }, seed++);
  check({ N: 1, H: 20, W: 20, inC: 1, outC: 5, kh: 16, kw: 16, pad: 'same' }, seed++);  // K 256: the direct path's limit
  check({ N: 1, H: 20, W: 20, inC: 1, outC: 5, kh: 17, kw: 16, pad: 'same' }, seed++);  // K 272: the GEMM path
});

test('one input channel: the direct forward gives the bits of the GEMM over an explicit im2col, bias added in its epilogue', () => {
  const rng = new Rng(9200);
  for (const c of [{ N: 2, H: 13, W: 19, outC: 6, kh: 5, kw: 5, pad: 'same' as Pad }, { N: 1, H: 9, W: 10, outC: 11, kh: 3, kw: 4, pad: [1, 0, 2, 1] as Pad, s: [2, 1] as Pair }]) {
    const g = geom({ ...c, inC: 1 });
    const [OH, OW] = convOut(g);
    const P = c.N * OH * OW, K = c.kh * c.kw;
    const x = put(rng.array(c.N * c.H * c.W)), w = put(rng.array(K * c.outC)), b = put(rng.array(c.outC));
    const y = poisoned(P * c.outC), col = poisoned(P * K), yg = poisoned(P * c.outC);
    kern.conv2d(g, { x, w, bias: b, y });
    kern.im2col(g, x, col, 0, P);
    kern.gemm({ transA: false, transB: false, M: P, N: c.outC, K, a: col, lda: K, b: w, ldb: c.outC, c: yg, ldc: c.outC, bias: b });
    const direct = new Uint32Array(read(y, P * c.outC).buffer), viaGemm = new Uint32Array(read(yg, P * c.outC).buffer);
    assert.equal(Array.from(direct), Array.from(viaGemm), `bits of ${label(g)}`);
    freeAll();
  }
});

test('the workspace is bounded: it does not grow with N·OH·OW', () => {
  const base: Case = { N: 1, H: 64, W: 64, inC: 16, outC: 8, kh: 3, kw: 3, pad: 'same' };
  const small = kern.conv2dWorkspaceBytes(geom(base));
  const huge = kern.conv2dWorkspaceBytes(geom({ ...base, N: 4096, H: 256, W: 256 }));
  assert.is(huge, small);
  assert.ok(small <= 2048 * 3 * 3 * 16 * 4, `${small} bytes`);
  assert.is(kern.conv2dWorkspaceBytes(geom({ ...base, kh: 1, kw: 1, pad: 'valid' })), 0);
  // Tiny convolutions ask for no more than they need.
  assert.is(kern.conv2dWorkspaceBytes(geom({ N: 1, H: 2, W: 2, inC: 1, outC: 1, kh: 3, kw: 3, pad: 'same' })), 4 * 9 * 4);
});

test('deterministic: the same calls give the same bits', () => {
  const g = geom({ N: 2, H: 23, W: 29, inC: 8, outC: 17, kh: 3, kw: 3, s: 1, pad: 'same' });
  const [OH, OW] = convOut(g);
  const rng = new Rng(99);
  const xs = g.N * g.H * g.W * g.inC, ws = 9 * g.inC * g.outC, ys = g.N * OH * OW * g.outC;
  const x = put(rng.array(xs)), w = put(rng.array(ws)), dy = put(rng.array(ys));
  const work = poisoned(kern.conv2dWorkspaceBytes(g) / 4);
  const run = () => {
    const y = poisoned(ys), dx = poisoned(xs), dw = put(new Float32Array(ws)), db = put(new Float32Array(g.outC));
    kern.conv2d(g, { x, w, y });
    kern.conv2dBackpropInput(g, { dy, w, dx, work });
    kern.conv2dBackpropFilter(g, { x, dy, dw, db, work });
    return [...read(y, ys), ...read(dx, xs), ...read(dw, ws), ...read(db, g.outC)];
  };
  assert.equal(run(), run());
  freeAll();
});

test('wrapper refuses bad geometry, offsets and workspaces', () => {
  const g = geom({ N: 1, H: 4, W: 4, inC: 2, outC: 2, kh: 3, kw: 3 });
  const a = put(new Float32Array(64)), b = put(new Float32Array(64)), y = put(new Float32Array(64));
  const work = put(new Float32Array(64));
  assert.throws(() => kern.conv2d({ ...g, kh: 5 }, { x: a, w: b, y }), /output 0×2 is empty/);
  assert.throws(() => kern.conv2d({ ...g, strideH: 0 }, { x: a, w: b, y }), /strideH = 0/);
  assert.throws(() => kern.conv2d({ ...g, padTop: -1 }, { x: a, w: b, y }), /padTop = -1/);
  assert.throws(() => kern.conv2d(g, { x: a + 2, w: b, y }), /x offset .* aligned/);
  assert.throws(() => kern.conv2dBackpropInput(g, { dy: a, w: b, dx: y, work: work + 4 }), /work offset .* 16-byte/);
  assert.throws(() => kern.conv2dBackpropInput(g, { dy: a, w: b, dx: 0, work }), /dx offset 0/);
  assert.throws(() => kern.conv2dBackpropFilter(g, { x: a, dy: b, dw: y, db: 3, work }), /db offset 3/);
  freeAll();
});

test('case count', () => {
  assert.ok(cases >= 170, `${cases} cases`);
});

test.run();
