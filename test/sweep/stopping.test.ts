// Early termination on hand-made curves, both goals: the median stopping rule (best so far against the median of
// the earlier curves that reached the epoch) and ASHA-style rungs (top 1/η of the earlier values at minEpochs·η^r).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isRung, median, shouldStop, type Curve, type StopRule } from '../../src/sweep/stopping.js';

const test = suite('sweep stopping');

const curves = (...vs: number[][]): Curve[] => vs.map((values, trial) => ({ trial, values }));
// accuracies (maximize): at epoch 2 the values are 0.5, 0.6, 0.7, 0.8 → median 0.65; only two curves reach epoch 4
const acc = curves([0.4, 0.5, 0.55], [0.5, 0.6, 0.62, 0.64], [0.6, 0.7, 0.75, 0.8], [0.7, 0.8]);
const median2: StopRule = { kind: 'median', minEpochs: 2 };

test('median: nothing stops before minEpochs; at or after it, a trial worse than the median stops (maximize)', () => {
  assert.is(shouldStop(median2, 'maximize', 1, 0.01, acc), false, 'epoch 1 < minEpochs');
  assert.is(shouldStop(median2, 'maximize', 2, 0.64, acc), true, '0.64 < median 0.65');
  assert.is(shouldStop(median2, 'maximize', 2, 0.65, acc), false, 'at the median');
  assert.is(shouldStop(median2, 'maximize', 2, 0.66, acc), false);
  assert.is(shouldStop(median2, 'maximize', 3, 0.62, acc), false, 'epoch 3: median of 0.55, 0.62, 0.75 is 0.62');
  assert.is(shouldStop(median2, 'maximize', 3, 0.61, acc), true);
  assert.is(shouldStop(median2, 'maximize', 4, 0.71, acc), true, 'epoch 4: two curves, median 0.72');
  assert.is(shouldStop(median2, 'maximize', 5, 0.01, acc), false, 'no earlier curve reached epoch 5');
  assert.is(shouldStop(median2, 'maximize', 2, 0.01, []), false, 'no earlier curves');
});

test('median: given the curve, the trial\'s best so far is compared (a dip after a good epoch does not stop it)', () => {
  assert.is(shouldStop(median2, 'maximize', 3, [0.2, 0.7, 0.5], acc), false, 'best 0.7 ≥ median 0.62');
  assert.is(shouldStop(median2, 'maximize', 3, [0.2, 0.6, 0.5], acc), true, 'best 0.6 < median 0.62');
  assert.is(shouldStop(median2, 'maximize', 2, [0.9, 0.1, 0.95], acc), false, 'the curve beyond the epoch is not read');
  assert.throws(() => shouldStop(median2, 'maximize', 3, [0.5, 0.6], acc), /curve has 2 values, fewer than epoch 3/);
});

test('median (minimize): losses above the median stop; non-finite earlier values are left out', () => {
  const loss = curves([2.0, 1.5], [1.8, 1.2], [1.6, 1.0], [1.5, NaN], [1.4, Infinity]);
  assert.is(shouldStop(median2, 'minimize', 2, 1.25, loss), true, 'median of 1.5, 1.2, 1.0 is 1.2');
  assert.is(shouldStop(median2, 'minimize', 2, 1.2, loss), false);
  assert.is(shouldStop(median2, 'minimize', 2, [0.9, 1.3], loss), false, 'best so far 0.9');
  assert.is(shouldStop(median2, 'minimize', 2, NaN, loss), true, 'a non-finite value stops');
  assert.is(shouldStop(median2, 'minimize', 1, Infinity, loss), true, 'even before minEpochs');
});

test('asha: rungs at minEpochs·η^r', () => {
  assert.equal([1, 2, 3, 4, 5, 9, 10, 27].map((e) => isRung(1, 3, e)), [true, false, true, false, false, true, false, true]);
  assert.equal([1, 2, 3, 4, 6, 8, 12, 16].map((e) => isRung(2, 2, e)), [false, true, false, true, false, true, false, true]);
  assert.throws(() => isRung(1, 1, 5), /reductionFactor must be ≥ 2/);
});

test('asha (maximize): at a rung, continue only in the top max(1, ⌊(n + 1)/η⌋); between rungs nothing stops', () => {
  const rule: StopRule = { kind: 'asha', minEpochs: 1, reductionFactor: 3 };
  // 8 earlier curves: at epoch 1 values 0.1 … 0.8; with this trial n + 1 = 9 → the top 3 continue
  const earlier = curves(...[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].map((v) => [v, v, v]));
  assert.is(shouldStop(rule, 'maximize', 1, 0.65, earlier), false, 'third place');
  assert.is(shouldStop(rule, 'maximize', 1, 0.6, earlier), false, 'tied with the third best: ties go to the trial');
  assert.is(shouldStop(rule, 'maximize', 1, 0.55, earlier), true, 'fourth place');
  assert.is(shouldStop(rule, 'maximize', 2, 0.0, earlier), false, 'epoch 2 is no rung');
  assert.is(shouldStop(rule, 'maximize', 3, 0.75, earlier), false);
  assert.is(shouldStop(rule, 'maximize', 3, 0.55, earlier), true);
  assert.is(shouldStop(rule, 'maximize', 9, 0.0, earlier), false, 'no earlier curve reached rung 9');
  // one earlier value: top max(1, ⌊2/3⌋) = 1 → must not be beaten
  assert.is(shouldStop(rule, 'maximize', 1, 0.5, curves([0.6])), true);
  assert.is(shouldStop(rule, 'maximize', 1, 0.6, curves([0.6])), false);
});

test('asha (minimize), η = 2 from epoch 2: the better half continues at epochs 2, 4, 8', () => {
  const rule: StopRule = { kind: 'asha', minEpochs: 2, reductionFactor: 2 };
  const earlier = curves([3, 2.0, 1.9, 1.5], [3, 1.0, 0.9, 0.7], [3, 3.0, 2.9, 2.5]);
  // at epoch 2: 2.0, 1.0, 3.0 and this one → top ⌊4/2⌋ = 2
  assert.is(shouldStop(rule, 'minimize', 2, 1.5, earlier), false, 'second of four');
  assert.is(shouldStop(rule, 'minimize', 2, 2.5, earlier), true, 'third of four');
  assert.is(shouldStop(rule, 'minimize', 1, 9, earlier), false, 'before minEpochs');
  assert.is(shouldStop(rule, 'minimize', 3, 9, earlier), false, 'epoch 3 is no rung');
  assert.is(shouldStop(rule, 'minimize', 4, 1.4, earlier), false, 'epoch 4: 1.5, 0.7, 2.5 and 1.4 → second');
  assert.is(shouldStop(rule, 'minimize', 4, 1.6, earlier), true, 'third');
  assert.is(shouldStop(rule, 'maximize', 2, 2.5, earlier), false, 'the same value is second of four when larger is better');
});

test('shouldStop refuses a bad epoch or rule; median of odd and even counts', () => {
  assert.throws(() => shouldStop(median2, 'maximize', 0, 0.5, acc), /epoch must be an integer ≥ 1; got 0/);
  assert.throws(() => shouldStop({ kind: 'median', minEpochs: 0 }, 'maximize', 1, 0.5, acc), /minEpochs must be an integer ≥ 1/);
  assert.throws(() => shouldStop({ kind: 'asha', minEpochs: 1, reductionFactor: 1 }, 'maximize', 1, 0.5, acc), /reductionFactor must be an integer ≥ 2/);
  assert.throws(() => shouldStop({ kind: 'hyperband', minEpochs: 1 } as unknown as StopRule, 'maximize', 1, 0.5, acc), /unknown rule kind "hyperband"/);
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
});

test.run();
