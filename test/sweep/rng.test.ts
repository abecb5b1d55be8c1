// The sweep generator and its math: uniforms keyed by integers (pinned values: the same bits in every runtime this
// suite runs in), exp and log made of exact operations (within an ulp or two of the host's), normal draws, Φ.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exp, KeyedStream, log, normalCdf, uniformAt } from '../../src/sweep/rng.js';
import { Rng } from '../helpers/rng.js';

const test = suite('sweep rng');

test('uniformAt gives pinned values for pinned keys (same bits in every runtime)', () => {
  assert.is(uniformAt([0]), 0.8128789613227926);
  assert.is(uniformAt([1, 2, 3]), 0.6569574760364385);
  assert.is(uniformAt([-7, 2 ** 40]), 0.985738503914188);
  assert.is(new KeyedStream([5]).normal(), -1.1968301863806245);
});

test('uniformAt is in [0, 1), spread evenly (χ² over 32 bins), and each key part matters', () => {
  const bins = new Array<number>(32).fill(0), n = 32000;
  for (let i = 0; i < n; i++) {
    const u = uniformAt([3, i]);
    assert.ok(u >= 0 && u < 1, `u = ${u}`);
    bins[Math.floor(u * 32)]++;
  }
  const chi2 = bins.reduce((s, b) => s + (b - n / 32) ** 2 / (n / 32), 0);
  assert.ok(chi2 < 62, `χ² = ${chi2} over 31 degrees of freedom (p < 0.001 at 61.1)`);
  const seen = new Set([uniformAt([1, 2]), uniformAt([2, 1]), uniformAt([1, 2, 0]), uniformAt([1]), uniformAt([1, 2 + 2 ** 32]), uniformAt([-1, 2])]);
  assert.is(seen.size, 6);
  assert.is(uniformAt([9, 9]), uniformAt([9, 9]));
});

test('uniformAt refuses key parts that are not safe integers', () => {
  assert.throws(() => uniformAt([1.5]), /safe integers; got 1.5/);
  assert.throws(() => uniformAt([2 ** 53]), /safe integers/);
  assert.throws(() => new KeyedStream([NaN]), /safe integers; got NaN/);
});

test('exp and log agree with the host within 2 ulp over their whole range; edge values exact', () => {
  const r = new Rng(17);
  for (let i = 0; i < 20000; i++) {
    const x = r.uniform(-740, 709);
    const e = exp(x), m = Math.exp(x);
    assert.ok(Math.abs(e - m) <= 4.5e-16 * m || (m < 1e-300 && Math.abs(e - m) <= 1e-323 + 4.5e-16 * m), `exp(${x}) = ${e}, host ${m}`);
    const y = Math.exp(r.uniform(-744, 709));
    const l = log(y), h = Math.log(y);
    assert.ok(Math.abs(l - h) <= 4.5e-16 * Math.max(1, Math.abs(h)), `log(${y}) = ${l}, host ${h}`);
  }
  assert.is(exp(0), 1); assert.is(log(1), 0);
  assert.is(exp(710), Infinity); assert.is(exp(-746), 0); assert.is(exp(-Infinity), 0); assert.is(exp(Infinity), Infinity);
  assert.ok(Number.isNaN(exp(NaN)) && Number.isNaN(log(NaN)) && Number.isNaN(log(-1)));
  assert.is(log(0), -Infinity); assert.is(log(Infinity), Infinity);
  assert.ok(Math.abs(log(5e-324) - Math.log(5e-324)) < 1e-12, 'subnormal');
  assert.ok(Math.abs(exp(709.7) / Math.exp(709.7) - 1) < 1e-15, 'near overflow');
});

test('normal draws have mean 0 and variance 1; normalCdf matches known values', () => {
  const s = new KeyedStream([2]);
  let sum = 0, sq = 0;
  const n = 40000;
  for (let i = 0; i < n; i++) { const z = s.normal(); sum += z; sq += z * z; }
  assert.ok(Math.abs(sum / n) < 0.02, `mean ${sum / n}`);
  assert.ok(Math.abs(sq / n - 1) < 0.03, `variance ${sq / n}`);
  for (const [z, p] of [[0, 0.5], [1.959963984540054, 0.975], [-1, 0.15865525393145707], [3, 0.9986501019683699], [-6, 9.865876450377e-10]]) {
    assert.ok(Math.abs(normalCdf(z) - p) < 2e-7 * Math.max(p, 1e-3), `Φ(${z}) = ${normalCdf(z)}, expected ${p}`);
  }
  const below = new KeyedStream([4]);
  for (let i = 0; i < 1000; i++) { const k = below.below(3); assert.ok(k === 0 || k === 1 || k === 2); }
});

test.run();
