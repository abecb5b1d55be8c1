// The mistakes of spec-mistakes.ts made at run time (JavaScript callers, model and experiment files): every optimizer,
// loss, schedule, initializer and metric spec is read strictly, naming the unknown key or name and the nearest valid one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { sequential, layers } from '../../src/index.js';
import { getOptimizer } from '../../src/nets/optimizers.js';
import { getLoss } from '../../src/nets/losses.js';
import { getSchedule } from '../../src/nets/schedules.js';
import { getInitializer } from '../../src/nets/initializers.js';

await ready();
const test = suite(`typed specs at run time [${BUILD}]`);

const spec = (v: unknown) => v as never;

test('optimizer specs: unknown names and keys refused with the nearest valid one', () => {
  assert.throws(() => getOptimizer('t', spec({ name: 'adamm' })), /unknown optimizer "adamm"; did you mean "adam"\?/);
  assert.throws(() => getOptimizer('t', spec({ name: 'adam', learningrate: 0.1 })), /unknown option "learningrate"; did you mean "learningRate"\?/);
  assert.throws(() => getOptimizer('t', spec({ name: 'sgd', beta1: 0.9 })), /unknown option "beta1"/);
  assert.throws(() => getOptimizer('t', spec({ name: 'rmsprop', epsilonConvention: 'torch' })), /epsilonConvention must be one of 'keras', 'pytorch' \(did you mean 'pytorch'\?\)/);
  assert.throws(() => getOptimizer('t', spec({ name: 'sgd', learningRate: { name: 'exponential', initial: 0.1, decayRate: 0.9, decaysteps: 5 } })),
    /unknown option "decaysteps"; did you mean "decaySteps"\?/);
});

test('loss, schedule, initializer and metric specs: the same', () => {
  assert.throws(() => getLoss('t', spec({ name: 'crossEntropy', fromLogit: true })), /unknown option "fromLogit"; did you mean "fromLogits"\?/);
  assert.throws(() => getLoss('t', spec({ name: 'huber', delta: '1' })), /delta must be/);
  assert.throws(() => getLoss('t', spec({ name: 'clipped', base: 'crossEntropy', mdoe: 'loss' })), /unknown option "mdoe"; did you mean "mode"\?/);
  assert.throws(() => getLoss('t', spec({ name: 'crossEntropyy' })), /unknown loss "crossEntropyy"; did you mean "crossEntropy"\?/);
  assert.throws(() => getSchedule(spec({ name: 'cosine', initial: 0.1, decaySteps: 10, alpa: 0 })), /unknown option "alpa"; did you mean "alpha"\?/);
  assert.throws(() => getSchedule(spec({ name: 'linear' })), /unknown learning-rate schedule "linear"/);
  assert.throws(() => getInitializer('t', spec({ name: 'uniform', low: -1 })), /unknown option "low"; did you mean "lo"\?/);
  assert.throws(() => getInitializer('t', spec({ name: 'heNormall' })), /unknown initializer "heNormall"; did you mean "heNormal"\?/);
  const m = sequential([layers.dense({ units: 2 })], { inputShape: [2] });
  assert.throws(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: spec(['acuracy']) }), /unknown metric "acuracy"; did you mean "accuracy"\?/);
  assert.throws(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: spec([{ name: 'topKAccuracy', kk: 3 }]) }), /unknown option "kk"; did you mean "k"\?/);
  m.dispose();
});

test.run();
