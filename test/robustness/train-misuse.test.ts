// Calls on a model while its fit() runs (predict, evaluate, a second fit, trainOnBatch, compile, dispose), fit without
// targets, and the memory each leaves: nothing corrupts a running fit, refusals name the model and say why.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { quadrants } from '../helpers/problems.js';
import { sequential, layers, memoryInUse, type Model, type Tensor } from '../../src/index.js';
import { record } from './tally.js';

await ready();
const test = suite(`training misuse [${BUILD}]`);

function model(): Model {
  const m = sequential([layers.dense({ units: 8, activation: 'relu' }), layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed: 11, name: 'busy' });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  return m;
}

const FIT = { epochs: 3, batchSize: 8, yieldEveryMs: 0 } as const;

test('predict and evaluate between fit batches (more rows than the batch) run at the planned size and change nothing', async () => {
  const { x, y, labels } = quadrants(96);
  labels.dispose();
  const quiet = model();
  const hQuiet = await quiet.fit(x, y, FIT);
  const busy = model();
  let calls = 0;
  const h = await busy.fit(x, y, { ...FIT, callbacks: [{
    onBatchEnd: () => {
      const p = busy.predict(x); // 96 rows > batch 8: must not re-plan fit's buffers
      assert.equal(p.shape, [96, 4]);
      p.dispose();
      const r = busy.evaluate(x, y);
      assert.ok(Number.isFinite(r.loss));
      calls++;
    },
  }] });
  assert.is(calls, 36);
  assert.equal(h.history, hQuiet.history, 'the calls between batches changed what fit computed');
  assert.is(busy.weightsHash(), quiet.weightsHash());
  record({ cases: calls * 2 });
  [x, y].forEach((t) => t.dispose()); quiet.dispose(); busy.dispose();
});

test('during fit: a second fit, trainOnBatch, compile and a larger predict batch are refused at once, naming the model', async () => {
  const { x, y, labels } = quadrants(64);
  labels.dispose();
  const m = model();
  const errors: string[] = [];
  const attempt = (f: () => unknown) => { try { f(); errors.push('no error'); } catch (e) { errors.push((e as Error).message); } };
  let second: Promise<unknown> | undefined;
  await m.fit(x, y, { ...FIT, callbacks: [{
    onBatchEnd: (b) => {
      if (b !== 2) return;
      second = m.fit(x, y, FIT).then(() => 'resolved', (e: Error) => e.message);
      attempt(() => m.trainOnBatch(x, y));
      attempt(() => m.compile({ optimizer: 'sgd', loss: 'crossEntropy' }));
      attempt(() => m.predict(x, { batchSize: 64 }));
      attempt(() => m.initialize());
    },
  }] });
  const secondResult = await second;
  assert.match(String(secondResult), /fit: model "busy" is training \(a fit\(\) is running\)/);
  assert.match(errors[0], /trainOnBatch: model "busy" is training/);
  assert.match(errors[1], /compile: model "busy" is training/);
  assert.match(errors[2], /predict: model "busy" is training with batches of 8; .* \(got batchSize 64\)/);
  assert.match(errors[3], /initialize: model "busy" is training/);
  // after fit resolves, everything works again
  const p = m.predict(x, { batchSize: 64 }); p.dispose();
  m.trainOnBatch(x, y);
  record({ cases: 5, refused: 5 });
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test('two fits started together: the second rejects, the first trains as if alone', async () => {
  const { x, y, labels } = quadrants(64);
  labels.dispose();
  const alone = model();
  await alone.fit(x, y, { ...FIT, yieldEveryMs: 1 });
  const m = model();
  const [a, b] = await Promise.allSettled([m.fit(x, y, { ...FIT, yieldEveryMs: 1 }), m.fit(x, y, { ...FIT, yieldEveryMs: 1 })]);
  assert.is(a.status, 'fulfilled');
  assert.is(b.status, 'rejected');
  assert.match(String((b as PromiseRejectedResult).reason), /is training/);
  assert.is(m.weightsHash(), alone.weightsHash());
  record({ cases: 2, refused: 1 });
  [x, y].forEach((t) => t.dispose()); m.dispose(); alone.dispose();
});

test('dispose during fit stops it after the batch and frees the model when fit returns; memory back to baseline', async () => {
  const { x, y, labels } = quadrants(64);
  labels.dispose();
  const base = memoryInUse();
  const m = model();
  const h = await m.fit(x, y, { ...FIT, callbacks: [{ onBatchEnd: (b) => { if (b === 3) m.dispose(); } }] });
  assert.equal({ epoch: h.stoppedAt!.epoch, batch: h.stoppedAt!.batch }, { epoch: 0, batch: 4 });
  assert.throws(() => m.predict(x), /model "busy" was disposed/);
  assert.is(memoryInUse(), base, 'the model and fit\'s buffers are freed');
  record({ cases: 1, leakedBytes: Math.max(0, memoryInUse() - base) });
  [x, y].forEach((t) => t.dispose());
});

test('fit and evaluate without targets, or with a non-tensor, say so; nothing is allocated', async () => {
  const { x, y, labels } = quadrants(16);
  labels.dispose();
  const m = model();
  m.trainOnBatch(x, y);
  const base = memoryInUse();
  const cases: [() => unknown, RegExp][] = [
    [() => m.fit(x, undefined as unknown as Tensor), /fit: y \(the targets\) is missing/],
    [() => m.fit(x, null as unknown as Tensor), /fit: y \(the targets\) is missing/],
    [() => m.fit(x, [1, 2] as unknown as Tensor), /fit: y must be a Tensor/],
    [() => m.evaluate(x, undefined as unknown as Tensor), /evaluate: y \(the targets\) is missing/],
    [() => m.fit(undefined as unknown as Tensor, y), /fit: x \(the inputs\) is missing/],
    [() => m.fit([0.5, 0.5] as unknown as Tensor, y), /fit: x must be a Tensor/],
    [() => m.fit(x, y, { epochs: 1, batchsize: 4 } as never), /fit: unknown option "batchsize"; did you mean "batchSize"\?/],
    [() => m.evaluate(x, y, { confusion: true } as never), /evaluate: unknown option "confusion"; did you mean "confusionMatrix"\?/],
    [() => m.fit(x, y, { classWeight: { 9: 2 } }), /fit: classWeight names class 9/],
  ];
  for (const [call, re] of cases) {
    let message = 'no error';
    try { await call(); } catch (e) { message = (e as Error).message; }
    assert.match(message, re);
    assert.is(memoryInUse(), base, `leak after: ${message}`);
  }
  record({ cases: cases.length, refused: cases.length });
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test.run();
