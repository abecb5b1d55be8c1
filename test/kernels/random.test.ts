// assembly/random.ts against test/reference/random.ts (the spec): Philox known answers, pinned first values, words and
// uniforms bit for bit at every alignment of offset and length, normals within a few ulps, chunk independence,
// moments over 2^20 draws, a chi-square test of the uniform stream, and permutations.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { poisoned, read, readI32, freeAll } from '../helpers/buffers.js';
import { assertClose, assertEqualBits, F32_EPS } from '../helpers/compare.js';
import { philox4x32_10, streamWords, uniformRef, normalRef, permutationRef, type StreamKey } from '../reference/random.js';
import * as kern from '../../src/backend/kernels/index.js';
import { ops, memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`random [${BUILD}]`);

const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 129];
const KEYS: StreamKey[] = [
  { seedLo: 0, seedHi: 0, stream: 0 },
  { seedLo: 42, seedHi: 0, stream: 3 },
  { seedLo: 0xdeadbeef, seedHi: 0x01234567, stream: 0xffffffff },
];

function hex(v: number): string { return `0x${(v >>> 0).toString(16).padStart(8, '0')}`; }

function assertSameWords(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    if ((actual[i] >>> 0) !== (expected[i] >>> 0)) {
      throw new Error(`${what}: word ${i} of ${expected.length} differs: expected ${hex(expected[i])}, got ${hex(actual[i])}`);
    }
  }
}

function bits(key: StreamKey, offset: number, n: number): Int32Array {
  const p = poisoned(n);
  kern.randomBits(p, n, { ...key, offset });
  return readI32(p, n);
}
function uniform(key: StreamKey, offset: number, n: number, lo = 0, hi = 1): Float32Array {
  const p = poisoned(n);
  kern.randomUniform(p, n, { ...key, offset }, lo, hi);
  return read(p, n);
}
function normal(key: StreamKey, offset: number, n: number, mean = 0, std = 1): Float32Array {
  const p = poisoned(n);
  kern.randomNormal(p, n, { ...key, offset }, mean, std);
  return read(p, n);
}
const keyName = (k: StreamKey) => `seed ${hex(k.seedHi)}:${hex(k.seedLo)} stream ${k.stream}`;

// |z| ≤ 5.77: the float32 log, sqrt and sincos err by about 1e-7 in the radius and the angle.
const normalTol = (ref: ArrayLike<number>, std: number) => (i: number) => 1e-6 * Math.abs(std) + 1e-7 + 4 * F32_EPS * Math.abs(ref[i]);

test('the reference Philox4x32-10 reproduces the published known-answer vectors; the kernel the first', () => {
  const kat: [number[], number[], number[]][] = [
    [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
  ];
  for (const [ctr, key, out] of kat) assertSameWords(philox4x32_10(ctr, key), out, `philox4x32_10(${ctr.map(hex)}, ${key.map(hex)})`);
  // counter (0, 0, stream 0, 0), key (0, 0) is words 0..3 of seed 0, stream 0
  assertSameWords(bits(KEYS[0], 0, 4), kat[0][2], 'kernel words 0..3 of seed 0, stream 0');
  freeAll();
});

test('pinned first values of seed 42, stream 0 (computed once from the reference)', () => {
  const key = { seedLo: 42, seedHi: 0, stream: 0 };
  const words = [0x9ceaf053, 0x77f5493b, 0x12bf50ad, 0x5742b3d7, 0xfcdb2127, 0x53ba6cfd, 0x838f5a6e, 0x744e06fb];
  const uniforms = [0.6129598617553711, 0.4685865044593811, 0.07323169708251953, 0.3408614993095398, 0.9877186417579651,
    0.32706332206726074, 0.5139061212539673, 0.45431554317474365];
  const normals = [-0.54883570630562, 0.8232197884736133, 0.48670610624580907, 2.2341372834457953, 0.04663785753305512,
    0.15013188945547934, -0.5515304013396779, 1.0135301336404563];
  assertSameWords(streamWords(key, 0, 8), words, 'reference words');
  assertSameWords(bits(key, 0, 8), words, 'kernel words');
  assertEqualBits(uniformRef(key, 0, 8), uniforms, { op: 'reference uniform', shape: '[8]' });
  assertEqualBits(uniform(key, 0, 8), uniforms, { op: 'randomUniform', shape: '[8]' });
  assertClose(normalRef(key, 0, 8), normals, () => 1e-15, { op: 'reference normal', shape: '[8]' });
  assertClose(normal(key, 0, 8), normals, normalTol(normals, 1), { op: 'randomNormal', shape: '[8]' });
  freeAll();
});

test('words and uniforms bit for bit at every offset mod 16 and every length, across a 2^32-block carry', () => {
  const rng = new Rng(11);
  for (const key of KEYS) for (const base of [0, 4 * 2 ** 32 - 24, 2 ** 52]) for (let r = 0; r < 16; r++) for (const n of LENGTHS) {
    const offset = base + r;
    const shape = `[${n}] offset ${offset} ${keyName(key)}`;
    assertSameWords(bits(key, offset, n), streamWords(key, offset, n), `randomBits ${shape}`);
    const [lo, hi] = rng.pick([[0, 1], [-1, 1], [-3.5, 0.25], [1e-3, 2e-3], [-1e6, 1e6]]);
    assertEqualBits(uniform(key, offset, n, lo, hi), uniformRef(key, offset, n, lo, hi),
      { op: 'randomUniform', shape: `${shape} [${lo}, ${hi})` });
    freeAll();
  }
});

test('normals within a few ulps of the float64 Box–Muller at every alignment', () => {
  for (const key of KEYS) for (const base of [0, 4 * 2 ** 32 - 24]) for (let r = 0; r < 16; r++) for (const n of LENGTHS) {
    for (const [mean, std] of [[0, 1], [0.5, 2], [-3, 0.01]]) {
      const offset = base + r;
      const ref = normalRef(key, offset, n, mean, std);
      assertClose(normal(key, offset, n, mean, std), ref, normalTol(ref, std),
        { op: 'randomNormal', shape: `[${n}] offset ${offset} ${keyName(key)} mean ${mean} std ${std}` });
      freeAll();
    }
  }
  // a long run: every code path of the sincos and the log
  const key = KEYS[1], n = 1 << 17;
  const ref = normalRef(key, 0, n);
  assertClose(normal(key, 0, n), ref, normalTol(ref, 1), { op: 'randomNormal', shape: `[${n}] ${keyName(key)}` });
  freeAll();
});

test('chunk independence: drawing in pieces gives the same bits as one draw', () => {
  const rng = new Rng(12);
  const n = 1000;
  for (const key of KEYS) {
    const start = rng.int(0, 100);
    const whole = { b: bits(key, start, n), u: uniform(key, start, n, -2, 5), z: normal(key, start, n, 1, 3) };
    const pb = poisoned(n), pu = poisoned(n), pz = poisoned(n);
    for (let i = 0; i < n;) {
      const len = Math.min(n - i, rng.pick([1, 2, 3, 5, 13, 16, 17, 64, 100]));
      const d = { ...key, offset: start + i };
      kern.randomBits(pb + 4 * i, len, d);
      kern.randomUniform(pu + 4 * i, len, d, -2, 5);
      kern.randomNormal(pz + 4 * i, len, d, 1, 3);
      i += len;
    }
    assertSameWords(readI32(pb, n), whole.b, `randomBits in pieces, ${keyName(key)}`);
    assertEqualBits(read(pu, n), whole.u, { op: 'randomUniform in pieces', shape: `[${n}] ${keyName(key)}` });
    assertEqualBits(read(pz, n), whole.z, { op: 'randomNormal in pieces', shape: `[${n}] ${keyName(key)}` });
    freeAll();
  }
});

test('seeds, streams and offsets select different numbers; the same ones repeat', () => {
  const n = 64;
  const a = bits(KEYS[1], 0, n);
  assertSameWords(bits(KEYS[1], 0, n), a, 'same key, same words');
  for (const other of [{ ...KEYS[1], stream: 4 }, { ...KEYS[1], seedLo: 43 }, { ...KEYS[1], seedHi: 1 }]) {
    const b = bits(other, 0, n);
    let same = 0;
    for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
    assert.ok(same <= 1, `${keyName(other)} repeats ${same} of ${n} words of ${keyName(KEYS[1])}`);
  }
  freeAll();
});

test('moments over 2^20 draws: uniform mean 1/2, variance 1/12; normal mean 0, variance 1, skewness 0, kurtosis 3', () => {
  const n = 1 << 20;
  for (const key of [KEYS[1], KEYS[2]]) {
    const u = uniform(key, 0, n);
    let s = 0, s2 = 0, lo = 1, hi = 0;
    for (const v of u) { s += v; s2 += v * v; lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const mu = s / n, varU = s2 / n - mu * mu;
    // 5σ: sd(mean) = sqrt(1/12 / n), sd(var) = sqrt((1/80 − 1/144) / n)
    assert.ok(Math.abs(mu - 0.5) < 5 * Math.sqrt(1 / 12 / n), `uniform mean ${mu} (${keyName(key)})`);
    assert.ok(Math.abs(varU - 1 / 12) < 5 * Math.sqrt((1 / 80 - 1 / 144) / n), `uniform variance ${varU} (${keyName(key)})`);
    assert.ok(lo >= 0 && hi < 1, `uniform range [${lo}, ${hi}]`);
    const z = normal(key, 0, n);
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0, zmax = 0;
    for (const v of z) { m1 += v; zmax = Math.max(zmax, Math.abs(v)); }
    m1 /= n;
    for (const v of z) { const d = v - m1; m2 += d * d; m3 += d * d * d; m4 += d * d * d * d; }
    m2 /= n; m3 /= n; m4 /= n;
    const skew = m3 / m2 ** 1.5, kurt = m4 / (m2 * m2);
    // 5σ: sd(mean) = 1/√n, sd(var) = √(2/n), sd(skew) ≈ √(6/n), sd(kurt) ≈ √(24/n)
    assert.ok(Math.abs(m1) < 5 / Math.sqrt(n), `normal mean ${m1} (${keyName(key)})`);
    assert.ok(Math.abs(m2 - 1) < 5 * Math.sqrt(2 / n), `normal variance ${m2} (${keyName(key)})`);
    assert.ok(Math.abs(skew) < 5 * Math.sqrt(6 / n), `normal skewness ${skew} (${keyName(key)})`);
    assert.ok(Math.abs(kurt - 3) < 5 * Math.sqrt(24 / n), `normal kurtosis ${kurt} (${keyName(key)})`);
    assert.ok(zmax <= 5.78, `normal |z| max ${zmax} exceeds the Box–Muller bound sqrt(48 ln 2) = 5.77`);
    freeAll();
  }
});

test('chi-square of the uniform stream: 100 bins, 2^20 draws, 61.14 < χ² < 148.23 (df 99, two-sided p = 0.002)', () => {
  const n = 1 << 20, bins = 100;
  for (const key of [KEYS[0], KEYS[1], KEYS[2]]) {
    const u = uniform(key, 7, n);
    const counts = new Float64Array(bins);
    for (const v of u) counts[Math.floor(v * bins)]++;
    const e = n / bins;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - e) ** 2 / e;
    assert.ok(chi2 > 61.14 && chi2 < 148.23, `χ² = ${chi2.toFixed(2)} outside (61.14, 148.23) for ${keyName(key)}`);
    freeAll();
  }
});

test('uniform ranges: [lo, hi) even where lo + (hi − lo)·u rounds to hi', () => {
  const key = KEYS[1], n = 4096;
  for (const [lo, hi] of [[1e7, 1e7 + 1], [-1, -0.999999], [-2, 0], [0.5, 1], [-1e30, 1e30]]) {
    const u = uniform(key, 0, n, lo, hi), l = Math.fround(lo), h = Math.fround(hi);
    for (let i = 0; i < n; i++) {
      if (!(u[i] >= l && u[i] < h)) throw new Error(`randomUniform [${lo}, ${hi}) [${n}]: element ${i} = ${u[i]} outside`);
    }
    assertEqualBits(u, uniformRef(key, 0, n, lo, hi), { op: 'randomUniform', shape: `[${n}] [${lo}, ${hi})` });
    freeAll();
  }
});

test('permutations: equal to the reference, each index once, words used reported', () => {
  for (const key of KEYS) for (const n of [1, 2, 3, 4, 5, 8, 17, 32, 129, 1000]) for (const offset of [0, 1, 6]) {
    const p = poisoned(n);
    const used = kern.randomPermutation(p, n, { ...key, offset });
    const got = readI32(p, n), ref = permutationRef(key, offset, n);
    const shape = `n ${n} offset ${offset} ${keyName(key)}`;
    assert.is(used, ref.used, `words used, ${shape}`);
    assert.ok(used >= n - 1, `at least n − 1 words, ${shape}`);
    assert.equal(Array.from(got), Array.from(ref.perm), `permutation ${shape}`);
    assert.equal(Array.from(got).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `each index once, ${shape}`);
    freeAll();
  }
});

test('permutations of 3 drawn one after another are uniform: χ² over the 6 orders, 0.21 < χ² < 20.5 (df 5, p = 0.002)', () => {
  const draws = 60000, key = KEYS[2], counts = new Map<string, number>();
  const p = poisoned(3);
  let offset = 0;
  for (let t = 0; t < draws; t++) {
    offset += kern.randomPermutation(p, 3, { ...key, offset });
    const k = Array.from(readI32(p, 3)).join('');
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  assert.is(counts.size, 6);
  let chi2 = 0;
  for (const c of counts.values()) chi2 += (c - draws / 6) ** 2 / (draws / 6);
  assert.ok(chi2 > 0.21 && chi2 < 20.5, `χ² = ${chi2.toFixed(2)} for the orders of 3`);
  freeAll();
});

test('wrappers refuse bad seeds, streams, offsets and ranges', () => {
  const p = poisoned(16);
  const d = { seedLo: 1, seedHi: 2, stream: 3, offset: 0 };
  assert.throws(() => kern.randomBits(p, 4, { ...d, seedLo: -1 }), /seedLo = -1/);
  assert.throws(() => kern.randomBits(p, 4, { ...d, seedHi: 2 ** 32 }), /seedHi/);
  assert.throws(() => kern.randomBits(p, 4, { ...d, stream: 1.5 }), /stream = 1.5/);
  assert.throws(() => kern.randomBits(p, 4, { ...d, offset: 2 ** 53 }), /offset/);
  assert.throws(() => kern.randomUniform(p, 4, d, 1, 1), /lo = 1 must be below hi = 1/);
  assert.throws(() => kern.randomNormal(p, 4, d, 0, Infinity), /std = Infinity/);
  assert.throws(() => kern.randomUniform(p + 2, 4, d, 0, 1), /aligned/);
  freeAll();
});

test('ops: randomUniform, randomNormal and randomPermutation make tensors; errors name the op, shape and option', () => {
  const before = memoryInUse();
  const u = ops.randomUniform([3, 5], { seed: 42, stream: 0, lo: -1, hi: 1 });
  assert.equal(u.shape, [3, 5]);
  assertEqualBits(u.toFloat32Array(), uniformRef({ seedLo: 42, seedHi: 0, stream: 0 }, 0, 15, -1, 1), { op: 'ops.randomUniform', shape: '[3, 5]' });
  const big = ops.randomUniform([4], { seed: 2n ** 40n + 5n, stream: 9, offset: 3 });
  assertEqualBits(big.toFloat32Array(), uniformRef({ seedLo: 5, seedHi: 256, stream: 9 }, 3, 4), { op: 'ops.randomUniform bigint seed', shape: '[4]' });
  const z = ops.randomNormal([2, 3], { seed: 2 ** 32 + 7, mean: 1, std: 2 });
  const zr = normalRef({ seedLo: 7, seedHi: 1, stream: 0 }, 0, 6, 1, 2);
  assertClose(z.toFloat32Array(), zr, normalTol(zr, 2), { op: 'ops.randomNormal', shape: '[2, 3]' });
  const { indices, wordsUsed } = ops.randomPermutation(10, { seed: 1 });
  assert.is(indices.dtype, 'int32');
  assert.is(wordsUsed, permutationRef({ seedLo: 1, seedHi: 0, stream: 0 }, 0, 10).used);
  for (const t of [u, big, z, indices]) t.dispose();
  assert.is(memoryInUse(), before, 'ops leak nothing');
  assert.throws(() => ops.randomUniform([2, 0], { seed: 1 }), /randomUniform: shape \[2, 0\]/);
  assert.throws(() => ops.randomUniform([2], { seed: -1 }), /randomUniform: seed -1 \(shape \[2\]\)/);
  assert.throws(() => ops.randomUniform([2], { seed: 1, lo: 2, hi: 1 }), /randomUniform: lo 2 and hi 1 \(shape \[2\]\)/);
  assert.throws(() => ops.randomNormal([2], { seed: 1, std: -1 }), /randomNormal: std -1 \(shape \[2\]\)/);
  assert.throws(() => ops.randomNormal([2], { seed: 1, stream: 2 ** 32 }), /randomNormal: stream 4294967296/);
  assert.throws(() => ops.randomPermutation(0, { seed: 1 }), /randomPermutation: n 0/);
  assert.throws(() => ops.randomUniform([2], undefined as never), /randomUniform: options \{ seed \} are required/);
});

test('truncated normal: inside mean ± 2σ, kept draws equal the normal stream, redraws come from index + r·2^40, std 0.8796', () => {
  const key = { seedLo: 7, seedHi: 1, stream: 9 };
  const d = { ...key, offset: 5 };
  const n = 1 << 16, mean = 0.5, std = 2;
  const pt = poisoned(n), pn = poisoned(n), one = poisoned(1);
  kern.randomTruncatedNormal(pt, n, d, mean, std);
  kern.randomNormal(pn, n, d, mean, std);
  const t = read(pt, n), z = read(pn, n);
  let redrawn = 0, s = 0, ss = 0;
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(t[i] - mean) <= 2 * std, `value ${t[i]} at ${i} is outside mean ± 2σ`);
    if (Math.abs(z[i] - mean) <= 2 * std) assert.is(t[i], z[i], `kept draw ${i} changed`);
    else {
      redrawn++;
      let j = d.offset + i, v = z[i];
      while (Math.abs(v - mean) > 2 * std) { j += 2 ** 40; kern.randomNormal(one, 1, { ...key, offset: j }, mean, std); v = read(one, 1)[0]; }
      assert.is(t[i], v, `redraw of ${i}`);
    }
    s += (t[i] - mean) / std; ss += ((t[i] - mean) / std) ** 2;
  }
  const sd = Math.sqrt(ss / n - (s / n) ** 2);
  assert.ok(redrawn > 0.03 * n && redrawn < 0.06 * n, `redrawn ${redrawn} of ${n} (expected about 4.6%)`);
  assert.ok(Math.abs(sd - 0.8796) < 0.01, `std of the truncated standard normal ${sd}, expected 0.8796`);
  freeAll();
});

test.run();
