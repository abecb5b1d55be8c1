// assembly/softmax.ts: softmax, logSoftmax, their backward passes and the fused softmax cross-entropy against
// float64, for rows × cols over the edge sizes, with large logits (stability) and NaN-poisoned outputs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, mixed } from '../helpers/compare.js';
import { softmaxRef, softmaxGradRef, softmaxCrossEntropyRef } from '../reference/softmax.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`softmax [${BUILD}]`);

const ROWS = [1, 2, 3, 7];
const COLS = [1, 2, 3, 4, 5, 8, 10, 17, 129];

test('softmax and logSoftmax rows, including logits in the thousands', () => {
  let seed = 1;
  for (const rows of ROWS) for (const cols of COLS) for (const spread of [5, 3000]) {
    const rng = new Rng(seed++);
    const x = rng.array(rows * cols, -spread, spread);
    const px = put(x), py = poisoned(rows * cols), pl = poisoned(rows * cols);
    kern.softmaxRows('softmax', px, py, rows, cols);
    kern.softmaxRows('logSoftmax', px, pl, rows, cols);
    const shape = `[${rows}, ${cols}] spread ${spread}`;
    const p = softmaxRef(x, rows, cols), lp = softmaxRef(x, rows, cols, true);
    assertClose(read(py, rows * cols), p, mixed(p, 1e-9, 2e-6), { op: 'softmax', shape, seed: rng.seed });
    // log-softmax: x − m is exact, log Σ adds a few ulps of max(|x − m|, log Σ)
    assertClose(read(pl, rows * cols), lp, mixed(lp, 2e-6, 1e-6), { op: 'logSoftmax', shape, seed: rng.seed });
    freeAll();
  }
});

test('softmaxGrad and logSoftmaxGrad from y', () => {
  let seed = 100;
  for (const rows of ROWS) for (const cols of COLS) {
    const rng = new Rng(seed++);
    const x = rng.array(rows * cols, -4, 4), dy = rng.array(rows * cols, -1, 1);
    const px = put(x), pdy = put(dy), py = poisoned(rows * cols), pdx = poisoned(rows * cols);
    const shape = `[${rows}, ${cols}]`;
    kern.softmaxRows('softmax', px, py, rows, cols);
    kern.softmaxRowsGrad('softmaxGrad', py, pdy, pdx, rows, cols);
    const e1 = softmaxGradRef(x, dy, rows, cols);
    assertClose(read(pdx, rows * cols), e1, (i) => 1e-6 * (1 + cols * 0.1) + 1e-5 * Math.abs(e1[i]), { op: 'softmaxGrad', shape, seed: rng.seed });
    kern.softmaxRows('logSoftmax', px, py, rows, cols);
    kern.softmaxRowsGrad('logSoftmaxGrad', py, pdy, pdx, rows, cols);
    const e2 = softmaxGradRef(x, dy, rows, cols, true);
    assertClose(read(pdx, rows * cols), e2, (i) => 2e-6 * (1 + cols * 0.1) + 1e-5 * Math.abs(e2[i]), { op: 'logSoftmaxGrad', shape, seed: rng.seed });
    freeAll();
  }
});

test('fused softmax cross-entropy: loss and dLogits, one-hot and soft targets', () => {
  let seed = 200;
  for (const rows of ROWS) for (const cols of COLS) for (const soft of [false, true]) {
    const rng = new Rng(seed++);
    const x = rng.array(rows * cols, -8, 8);
    const t = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      if (soft) { let s = 0; for (let c = 0; c < cols; c++) s += (t[r * cols + c] = rng.next()); for (let c = 0; c < cols; c++) t[r * cols + c] /= s; }
      else t[r * cols + rng.int(0, cols - 1)] = 1;
    }
    const px = put(x), pt = put(t), pl = poisoned(rows), pg = poisoned(rows * cols);
    const scale = 1 / rows;
    kern.softmaxCrossEntropy(px, pt, pl, pg, rows, cols, scale, 0);
    const ref = softmaxCrossEntropyRef(x, t, rows, cols, scale);
    const shape = `[${rows}, ${cols}]${soft ? ' soft' : ''}`;
    assertClose(read(pl, rows), ref.loss, mixed(ref.loss, 4e-6, 2e-6), { op: 'softmaxCrossEntropy.loss', shape, seed: rng.seed });
    assertClose(read(pg, rows * cols), ref.grad, mixed(ref.grad, 1e-7, 4e-6), { op: 'softmaxCrossEntropy.grad', shape, seed: rng.seed });
    // without the gradient: same loss, scratch used instead
    const pl2 = poisoned(rows), ps = poisoned(cols);
    kern.softmaxCrossEntropy(px, pt, pl2, 0, rows, cols, 1, ps);
    assert.equal(Array.from(read(pl2, rows)), Array.from(read(pl, rows)));
    freeAll();
  }
});

test('a confident correct row keeps its tiny loss (no cancellation against |x|)', () => {
  const px = put([30, 0, 0, 0]), pt = put([1, 0, 0, 0]), pl = poisoned(1), pg = poisoned(4);
  kern.softmaxCrossEntropy(px, pt, pl, pg, 1, 4, 1, 0);
  const exp = Math.log1p(3 * Math.exp(-30));
  // lse − x would be off by ulp(30) ≈ 2e-6; the fused kernel is off by at most the rounding of log Σ near 1
  assert.ok(Math.abs(read(pl, 1)[0] - exp) <= 1e-9, `loss ${read(pl, 1)[0]} vs ${exp}`);
  freeAll();
});

test.run();
