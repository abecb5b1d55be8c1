// Every loss passes gradCheck (finite differences of the loss vs its gradient), away from kinks; a custom loss built
// from ops passes too and trains like a built-in one; a custom loss with a wrong backward fails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { quadrants } from '../helpers/problems.js';
import { tensor, losses, gradCheck, ops, sequential, layers, type Tensor } from '../../src/index.js';
import { getLoss, type Loss, type CustomLoss } from '../../src/nets/losses.js';

await ready();
const test = suite(`loss gradients [${BUILD}]`);

const N = 5, C = 4;
function oneHot(seed: number): Tensor {
  const rng = new Rng(seed), v = new Float32Array(N * C);
  for (let i = 0; i < N; i++) v[i * C + rng.int(0, C - 1)] = 1;
  return tensor(v, [N, C]);
}
function probs(seed: number): Tensor {
  const rng = new Rng(seed), v = new Float32Array(N * C);
  for (let i = 0; i < N; i++) { let s = 0; for (let c = 0; c < C; c++) s += (v[i * C + c] = 0.2 + rng.next()); for (let c = 0; c < C; c++) v[i * C + c] /= s; }
  return tensor(v, [N, C]);
}
const values = (seed: number, lo = -2, hi = 2) => tensor(new Rng(seed).array(N * C, lo, hi), [N, C]);

function check(label: string, loss: Loss, yTrue: Tensor, yPred: Tensor, opts = {}): void {
  const r = gradCheck(loss, { yTrue, yPred }, opts);
  yTrue.dispose(); yPred.dispose(); loss.dispose?.();
  assert.ok(r.passed, `${label}:\n${r.report}`);
}

test('regression losses: mse, mae, huber (both regimes), cosine proximity', () => {
  check('mse', losses.mse(), values(1), values(2));
  check('mae', losses.mae(), values(3), values(4));
  check('huber δ=1', losses.huber(), values(5), values(6));
  check('huber δ=0.3', losses.huber({ delta: 0.3 }), values(7), values(8));
  check('cosineProximity', losses.cosineProximity(), values(9), values(10));
});

test('classification losses from probabilities and from logits', () => {
  check('crossEntropy (probabilities)', losses.crossEntropy(), oneHot(11), probs(12));
  check('crossEntropy (soft targets)', losses.crossEntropy(), probs(13), probs(14));
  check('crossEntropy fromLogits', losses.crossEntropy({ fromLogits: true }), oneHot(15), values(16));
  check('binaryCrossEntropy', losses.binaryCrossEntropy(), tensor(new Rng(17).array(N * C).map((v) => (v > 0 ? 1 : 0)), [N, C]), probs(18));
  check('binaryCrossEntropy fromLogits', losses.binaryCrossEntropy({ fromLogits: true }), probs(19), values(20));
  const labels = tensor(Int32Array.from({ length: N }, (_, i) => (i * 3) % C));
  check('sparseCrossEntropy (logits)', losses.sparseCrossEntropy(), labels, values(21));
});

test('margin losses: hinge, categorical hinge (away from the hinge points)', () => {
  const pm1 = tensor(new Rng(22).array(N * C).map((v) => (v > 0 ? 1 : -1)), [N, C]);
  check('hinge', losses.hinge(), pm1, values(23, -3, 3));
  check('categoricalHinge', losses.categoricalHinge(), oneHot(24), values(25, -1, 1));
});

test('weighted cross-entropy (class and pair weights) and clipped cross-entropy inside its range', () => {
  check('weightedCrossEntropy', losses.weightedCrossEntropy({ numClasses: C, classWeights: [1, 2, 0.5, 1], pairs: [[0, 1, 1.3], [1, 0, 1.3], [2, 3, 1.3]] }),
    oneHot(26), values(27));
  // inside [0, 5] the clipped loss is the loss itself
  check('clipped crossEntropy', losses.clipped('crossEntropy', [0, 5]), oneHot(28), probs(29));
});

test("clipped, mode 'loss': where the loss leaves the range its gradient is zero (documented), and the value is clamped", () => {
  const yTrue = oneHot(30), yPred = probs(31);
  const r = gradCheck(losses.clipped('crossEntropy', { mode: 'loss', range: [0, 0.01] }), { yTrue, yPred });
  // every per-sample loss here exceeds 0.01: clamped, constant, gradient 0 — and finite differences agree
  assert.ok(r.passed, r.report);
  assert.ok(r.checks[0].analytic === 0 && Math.abs(r.checks[0].numeric) < 1e-6, r.report);
  yTrue.dispose(); yPred.dispose();
});

/** The per-sample loss values of loss on (t, p), unfused. */
function perSample(loss: Loss, t: Tensor, p: Tensor): number[] {
  const out = tensor(new Float32Array(N)), scratch = tensor(new Float32Array(C));
  loss.compute(t, p, N, C, out, null, 1, { scratch });
  const v = Array.from(out.toFloat32Array());
  out.dispose(); scratch.dispose();
  return v;
}

// Probabilities with a third of them below 0.1 and none within 0.02 of 0.1 (the clip's kink), rows not normalised.
function straddling(seed: number): Tensor {
  const rng = new Rng(seed), v = new Float32Array(N * C);
  for (let i = 0; i < N * C; i++) v[i] = i % 3 === 0 ? rng.uniform(0.01, 0.08) : rng.uniform(0.12, 0.6);
  return tensor(v, [N, C]);
}

test("clipped, mode 'predictions' (the default): gradient through the clip, zero where yPred is outside the range", () => {
  check('clipped predictions crossEntropy [0.1, 0.9]', losses.clipped('crossEntropy', { range: [0.1, 0.9] }), oneHot(40), straddling(41));
  check('clipped predictions crossEntropy (soft targets)', losses.clipped('crossEntropy', { range: [0.1, 0.9] }), probs(42), straddling(43));
  check('clipped predictions binaryCrossEntropy', losses.clipped('binaryCrossEntropy', { range: [0.1, 0.9] }),
    tensor(new Rng(44).array(N * C).map((v) => (v > 0 ? 1 : 0)), [N, C]), straddling(45));
  check('clipped predictions mse', losses.clipped('mse', { range: [0.1, 0.9] }), values(46), straddling(47));
  // inside the default range [1e-7, 1 − 1e-7] the clip changes nothing: the value is crossEntropy's
  const a = losses.clipped('crossEntropy'), b = losses.crossEntropy();
  const t = oneHot(48), p = probs(49);
  assert.equal(perSample(a, t, p), perSample(b, t, p));
  [t, p].forEach((x) => x.dispose()); a.dispose?.();
});

test('clipped predictions: a planted pass-through gradient (the clip ignored in the backward pass) fails gradCheck', () => {
  const clip = losses.clipped('crossEntropy', { range: [0.1, 0.9] }), plain = losses.crossEntropy();
  const planted: Loss = {
    name: 'planted', config: {}, targets: 'dense',
    compute(yTrue, yPred, n, cols, loss, dPred, gradScale, ctx) {
      clip.compute(yTrue, yPred, n, cols, loss, null, gradScale, ctx);
      if (dPred) { // the gradient of the unclipped loss: wrong wherever yPred is below 0.1
        const scratchLoss = tensor(new Float32Array(n));
        plain.compute(yTrue, yPred, n, cols, scratchLoss, dPred, gradScale, ctx);
        scratchLoss.dispose();
      }
    },
  };
  const yTrue = oneHot(50), yPred = straddling(51);
  const r = gradCheck(planted, { yTrue, yPred });
  assert.not.ok(r.passed, 'the planted gradient must fail');
  const good = gradCheck(clip, { yTrue, yPred });
  assert.ok(good.passed, good.report);
  yTrue.dispose(); yPred.dispose(); clip.dispose?.();
});

test('clipped: options read strictly, logits-only bases refused for predictions, saved forms keep their meaning', () => {
  assert.throws(() => losses.clipped('crossEntropy', { mode: 'prediction' as never }), /mode must be one of 'predictions', 'loss' \(did you mean 'predictions'\?\)/);
  assert.throws(() => losses.clipped('crossEntropy', { rnage: [0, 1] } as never), /unknown option "rnage"; did you mean "range"\?/);
  assert.throws(() => losses.clipped('sparseCrossEntropy'), /reads logits only/);
  assert.throws(() => losses.clipped('crossEntropy', { range: [0.9, 0.1] }), /must have lo ≤ hi/);
  assert.equal(losses.clipped('crossEntropy').config, { base: { name: 'crossEntropy', fromLogits: false }, mode: 'predictions', range: [1e-7, 1 - 1e-7] });
  assert.equal(losses.clipped('crossEntropy', [0, 1]).config.mode, 'loss');
  // a spec with a range and no mode is the form saved before modes: the per-sample loss clip, as it was
  assert.equal(getLoss('t', { name: 'clipped', base: { name: 'crossEntropy', fromLogits: false }, range: [0, 1] }).config.mode, 'loss');
  assert.equal(getLoss('t', { name: 'clipped', base: 'crossEntropy' }).config.mode, 'predictions');
  assert.equal(getLoss('t', { name: 'clipped', base: 'crossEntropy', mode: 'predictions', range: [0.01, 0.99] }).config.range, [0.01, 0.99]);
});

// A user loss: mean squared error written with ops.
const myMse: CustomLoss = {
  name: 'myMse',
  forward: (t, p) => { const d = ops.sub(p, t); return ops.mean(ops.mul(d, d), -1); },
  backward: (t, p) => ops.mul(ops.sub(p, t), 2 / C),
};

test('a custom loss written with ops passes gradCheck; a wrong backward fails', () => {
  check('custom myMse', losses.custom(myMse), values(32), values(33));
  const wrong: CustomLoss = { ...myMse, name: 'wrong', backward: (t, p) => ops.mul(ops.sub(p, t), 1 / C) };
  const yTrue = values(34), yPred = values(35);
  const r = gradCheck(losses.custom(wrong), { yTrue, yPred });
  assert.not.ok(r.passed);
  yTrue.dispose(); yPred.dispose();
});

test('a custom loss trains like the built-in one: same loss trajectory as mse', async () => {
  const { x, y, labels } = quadrants(64);
  labels.dispose();
  const run = async (loss: 'mse' | CustomLoss) => {
    const m = sequential([layers.dense({ units: 8, activation: 'tanh' }), layers.dense({ units: 4 })], { inputShape: [2], seed: 4 });
    m.compile({ optimizer: 'adam', loss });
    const h = await m.fit(x, y, { epochs: 3, batchSize: 16 });
    m.dispose();
    return h.history.loss;
  };
  const a = await run('mse'), b = await run(myMse);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5 * Math.max(1, v), `epoch ${i}: mse ${v}, custom ${b[i]}`));
  x.dispose(); y.dispose();
});

test.run();
