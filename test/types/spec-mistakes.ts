// Type test, checked by tsc (tsconfig.json includes test/**) and never run: each line marked @ts-expect-error is a
// mistake the typed optimizer, loss, schedule, initializer and metric specs must refuse at compile time. If a type
// grows too loose, tsc reports the directive as unused and the type-check fails. The valid forms below must compile.
import { optimizers, losses, schedules, initializers, type Model } from '../../src/index.js';
import type { OptimizerSpec } from '../../src/nets/optimizers.js';
import type { LossSpec } from '../../src/nets/losses.js';
import type { ScheduleSpec } from '../../src/nets/schedules.js';
import type { InitializerSpec } from '../../src/nets/initializers.js';

export function mistakes(m: Model): void {
  // ---- optimizers ----
  // @ts-expect-error: an unknown optimizer name
  m.compile({ optimizer: 'adamm', loss: 'mse' });
  // @ts-expect-error: an unknown optimizer name in the object form
  m.compile({ optimizer: { name: 'adamm' }, loss: 'mse' });
  // @ts-expect-error: learningRate misspelt
  m.compile({ optimizer: { name: 'adam', learningrate: 0.01 }, loss: 'mse' });
  // @ts-expect-error: learningRate misspelt in a factory
  optimizers.adam({ learningrate: 0.01 });
  // @ts-expect-error: an option of another optimizer (sgd has no beta1)
  m.compile({ optimizer: { name: 'sgd', beta1: 0.9 }, loss: 'mse' });
  // @ts-expect-error: adam has no weight decay (adamw has)
  m.compile({ optimizer: { name: 'adam', weightDecay: 0.01 }, loss: 'mse' });
  // @ts-expect-error: Nadam has no ε convention to choose
  const nadam: OptimizerSpec = { name: 'nadam', epsilonConvention: 'keras' };
  // @ts-expect-error: not a convention
  optimizers.rmsprop({ epsilonConvention: 'torch' });
  // @ts-expect-error: a number option given as a string
  optimizers.rmsprop({ rho: '0.9' });

  // ---- schedules ----
  // @ts-expect-error: a schedule missing decaySteps
  m.compile({ optimizer: { name: 'sgd', learningRate: { name: 'exponential', initial: 0.1, decayRate: 0.9 } }, loss: 'mse' });
  // @ts-expect-error: alpha misspelt
  schedules.cosine({ initial: 0.1, decaySteps: 10, alpa: 0 });
  // @ts-expect-error: an unknown schedule
  const sched: ScheduleSpec = { name: 'linear', initial: 0.1 };

  // ---- losses ----
  // @ts-expect-error: an unknown loss name
  m.compile({ optimizer: 'sgd', loss: 'crossEntropyy' });
  // @ts-expect-error: fromLogits misspelt
  m.compile({ optimizer: 'sgd', loss: { name: 'crossEntropy', fromLogit: true } });
  // @ts-expect-error: delta given as a string
  m.compile({ optimizer: 'sgd', loss: { name: 'huber', delta: '1' } });
  // @ts-expect-error: mse takes no options
  const mseDelta: LossSpec = { name: 'mse', delta: 1 };
  // @ts-expect-error: weightedCrossEntropy needs numClasses
  m.compile({ optimizer: 'sgd', loss: { name: 'weightedCrossEntropy', pairs: [[7, 1, 1.3]] } });
  // @ts-expect-error: not a clip mode
  losses.clipped('crossEntropy', { mode: 'prediction' });
  // @ts-expect-error: a clipped loss needs its base
  m.compile({ optimizer: 'sgd', loss: { name: 'clipped', range: [0, 1] } });
  // @ts-expect-error: huber's option misspelt in the factory
  losses.huber({ delt: 1 });

  // ---- initializers and metrics ----
  // @ts-expect-error: uniform's bounds are lo and hi
  const init: InitializerSpec = { name: 'uniform', low: -1, high: 1 };
  // @ts-expect-error: an unknown initializer name
  const init2: InitializerSpec = { name: 'heNormall' };
  // @ts-expect-error: an unknown metric
  m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] });
  // @ts-expect-error: topKAccuracy needs k
  m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [{ name: 'topKAccuracy' }] });
  void [nadam, sched, mseDelta, init, init2];
}

/** The valid forms: these must keep compiling. */
export function validForms(m: Model): void {
  m.compile({ optimizer: { name: 'adamw', learningRate: 0.01, weightDecay: 0.004, epsilonConvention: 'pytorch' }, loss: 'crossEntropy' });
  m.compile({
    optimizer: { name: 'rmsprop', rho: 0.9, learningRate: { name: 'warmup', target: 0.1, warmupSteps: 5, after: { name: 'cosine', initial: 0.1, decaySteps: 100 } } },
    loss: { name: 'clipped', base: { name: 'crossEntropy' }, mode: 'predictions', range: [1e-7, 1 - 1e-7] },
    metrics: ['accuracy', 'binaryAccuracy', 'categoricalAccuracy', 'topKAccuracy', { name: 'topKAccuracy', k: 3 }],
  });
  m.compile({ optimizer: optimizers.nadam({ beta1: 0.9 }), loss: { name: 'weightedCrossEntropy', numClasses: 10, pairs: [[7, 1, 1.3]] } });
  m.compile({ optimizer: { name: 'momentum', momentum: 0.8, learningRate: schedules.step({ initial: 0.1, factor: 0.5, every: 10 }) }, loss: { name: 'huber', delta: 2 } });
  m.compile({ optimizer: 'sgd', loss: losses.clipped('crossEntropy', [0, 1]) });
  const inits: InitializerSpec[] = [{ name: 'uniform', lo: -1, hi: 1 }, { name: 'heNormal' }, { name: 'truncatedNormal', std: 0.1 }];
  void [inits, initializers.heNormal()];
}
