// Strict options of the network parts (src/nets): every factory and getter (optimizers, getOptimizer, losses, getLoss,
// initializers, regularizers, schedules) refuses an unknown key naming it, the function and the nearest valid key, and a
// mistyped or out-of-range value naming the option and the value; saved configs still round-trip; fast-check fuzzes the
// optimizer options. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ready, BUILD } from '../helpers/setup.js';
import { initializers, losses, memoryInUse, optimizers, regularizers, schedules } from '../../src/index.js';
import { getOptimizer, OPTIMIZER_NAMES } from '../../src/nets/optimizers.js';
import { getLoss, LOSS_NAMES } from '../../src/nets/losses.js';
import { getInitializer, INITIALIZER_NAMES } from '../../src/nets/initializers.js';
import { getRegularizer } from '../../src/nets/regularizers.js';
import { getSchedule } from '../../src/nets/schedules.js';
import { record } from './tally.js';

await ready();
const test = suite(`nets: strict options [${BUILD}]`);

/** The error fn throws, as 'Class: message'; counted as a clear refusal. */
function failure(fn: () => unknown): string {
  try { fn(); } catch (e) { record({ cases: 1, refused: 1 }); return `${(e as Error).constructor.name}: ${(e as Error).message}`; }
  throw new Error('expected an error, but the call returned');
}
const ok = <T>(fn: () => T): T => { record({ cases: 1 }); return fn(); };
const any = (f: unknown) => f as (...args: unknown[]) => unknown;

test('optimizers: a misspelt option is refused, naming the key, the optimizer and the nearest valid key', () => {
  const cases: [() => unknown, string][] = [
    [() => any(optimizers.adam)({ learningrate: 0.1 }),
      'Error: optimizers.adam: unknown option "learningrate"; did you mean "learningRate"? (options: learningRate, clipValue, clipNorm, beta1, beta2, epsilon, epsilonConvention)'],
    [() => any(optimizers.sgd)({ lr: 0.1 }), 'Error: optimizers.sgd: unknown option "lr"; did you mean "clipNorm"? (options: learningRate, clipValue, clipNorm)'],
    [() => any(optimizers.momentum)({ momentun: 0.5 }), 'Error: optimizers.momentum: unknown option "momentun"; did you mean "momentum"? (options: learningRate, clipValue, clipNorm, momentum)'],
    [() => any(optimizers.nesterov)({ nesterov: true }), 'Error: optimizers.nesterov: unknown option "nesterov"; did you mean "clipNorm"? (options: learningRate, clipValue, clipNorm, momentum)'],
    [() => any(optimizers.rmsprop)({ decay: 0.9 }), 'Error: optimizers.rmsprop: unknown option "decay"; did you mean "rho"? (options: learningRate, clipValue, clipNorm, rho, epsilon, epsilonConvention)'],
    [() => any(optimizers.adagrad)({ initialAccumulator: 0.1 }),
      'Error: optimizers.adagrad: unknown option "initialAccumulator"; did you mean "initialAccumulatorValue"? (options: learningRate, clipValue, clipNorm, initialAccumulatorValue, epsilon, epsilonConvention)'],
    // Adam and Nadam have no weight decay: it was silently ignored.
    [() => any(optimizers.adam)({ weightDecay: 0.01 }), 'Error: optimizers.adam: unknown option "weightDecay"; adam has no weight decay (did you mean optimizers.adamw({ weightDecay })?)'],
    [() => any(optimizers.nadam)({ beta_1: 0.9 }), 'Error: optimizers.nadam: unknown option "beta_1"; did you mean "beta1"? (options: learningRate, clipValue, clipNorm, beta1, beta2, epsilon)'],
    [() => any(optimizers.adamw)({ weight_decay: 0.01 }),
      'Error: optimizers.adamw: unknown option "weight_decay"; did you mean "weightDecay"? (options: learningRate, clipValue, clipNorm, beta1, beta2, epsilon, epsilonConvention, weightDecay)'],
  ];
  for (const [call, want] of cases) assert.is(failure(call), want);
});

test('optimizers: wrong types and ranges name the option and the value', () => {
  const cases: [() => unknown, string][] = [
    [() => any(optimizers.adam)({ learningRate: '0.1' }), 'TypeError: optimizers.adam: learningRate must be a finite number > 0 or a schedule (schedules.exponential(…)), got "0.1" (a string)'],
    [() => any(optimizers.sgd)({ learningRate: { initial: 1 } }), 'TypeError: optimizers.sgd: learningRate must be a finite number > 0 or a schedule (schedules.exponential(…)), got {"initial":1} (an object)'],
    [() => optimizers.sgd({ learningRate: 0 }), 'RangeError: optimizers.sgd: learningRate must be a finite number > 0, got 0'],
    [() => optimizers.sgd({ learningRate: Infinity }), 'RangeError: optimizers.sgd: learningRate must be a finite number > 0, got Infinity'],
    [() => any(optimizers.sgd)({ clipValue: null }), 'TypeError: optimizers.sgd: clipValue must be a finite number > 0, got null'],
    [() => optimizers.adam({ beta2: 1 }), 'RangeError: optimizers.adam: beta2 must be in [0, 1), got 1'],
    [() => any(optimizers.adam)({ epsilon: '1e-7' }), 'TypeError: optimizers.adam: epsilon must be a finite number > 0, got "1e-7" (a string)'],
    [() => optimizers.adamw({ weightDecay: -0.1 }), 'RangeError: optimizers.adamw: weightDecay must be a finite number ≥ 0, got -0.1'],
    [() => optimizers.adagrad({ initialAccumulatorValue: NaN }), 'RangeError: optimizers.adagrad: initialAccumulatorValue must be a finite number ≥ 0, got NaN'],
    [() => any(optimizers.momentum)({ momentum: true }), 'TypeError: optimizers.momentum: momentum must be in [0, 1), got true'],
    [() => any(optimizers.rmsprop)(null), 'TypeError: optimizers.rmsprop: options must be an object { learningRate, clipValue, clipNorm, rho, epsilon, epsilonConvention } or undefined, got null'],
    [() => any(optimizers.adam)(0.01), 'TypeError: optimizers.adam: options must be an object { learningRate, clipValue, clipNorm, beta1, beta2, epsilon, epsilonConvention } or undefined, got 0.01'],
    [() => optimizers.sgd({ learningRate: { name: 'bad', config: {}, at: () => -1 } }),
      'RangeError: optimizers.sgd: learningRate schedule "bad" must give a finite rate > 0 at step 0, got -1'],
  ];
  for (const [call, want] of cases) assert.is(failure(call), want);
});

test('getOptimizer: names, { name, ...options } and saved configs, strictly', () => {
  const cases: [() => unknown, string][] = [
    [() => getOptimizer('compile', 'adamm' as never), 'RangeError: compile: unknown optimizer "adamm"; did you mean "adam"? (expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, nadam)'],
    [() => getOptimizer('compile', { name: 'Adam' }), 'RangeError: compile: unknown optimizer "Adam"; did you mean "adam"? (expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, nadam)'],
    [() => getOptimizer('compile', { name: 'adam', learningrate: 0.1 }),
      'Error: compile: optimizer "adam": unknown option "learningrate"; did you mean "learningRate"? (options: learningRate, clipValue, clipNorm, beta1, beta2, epsilon, epsilonConvention)'],
    [() => getOptimizer('compile', { name: 'sgd', learningRate: -1 }), 'RangeError: compile: optimizer "sgd": learningRate must be a finite number > 0, got -1'],
    [() => getOptimizer('compile', { name: 'sgd', learningRate: { name: 'cosin', initial: 1, decaySteps: 5 } }),
      'RangeError: compile: optimizer "sgd": learningRate: unknown learning-rate schedule "cosin"; did you mean "cosine"? (expected one of exponential, step, cosine, warmup)'],
    [() => getOptimizer('compile', { name: 'sgd', learningRate: { name: 'cosine', initial: 1, decaySteps: 5, alfa: 0.1 } }),
      'Error: compile: optimizer "sgd": learningRate: schedule "cosine": unknown option "alfa"; did you mean "alpha"? (options: initial, decaySteps, alpha)'],
    [() => getOptimizer('compile', { name: 7 } as never), 'RangeError: compile: unknown optimizer 7 (expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, nadam)'],
    [() => getOptimizer('compile', 5 as never), 'TypeError: compile: optimizer must be a name (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, nadam), { name, ...options } or an Optimizer, got 5'],
    [() => getOptimizer('compile', null as never), 'TypeError: compile: optimizer must be a name (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, nadam), { name, ...options } or an Optimizer, got null'],
  ];
  for (const [call, want] of cases) assert.is(failure(call), want);
  // Every optimizer's saved config builds the same optimizer again (schedules too), and undefined values mean "absent".
  for (const name of OPTIMIZER_NAMES) {
    const opt = ok(() => getOptimizer('t', { name, learningRate: schedules.warmup({ target: 0.1, warmupSteps: 3, after: schedules.cosine({ initial: 0.1, decaySteps: 9 }) }), clipNorm: 2, clipValue: undefined }));
    const again = ok(() => getOptimizer('t', JSON.parse(JSON.stringify({ name: opt.name, ...opt.config() }))));
    assert.equal(again.config(), opt.config(), name);
    assert.is(again.schedule!.at(7), opt.schedule!.at(7));
  }
});

test('losses: factories and getLoss refuse unknown keys and bad values by name; saved configs round-trip', () => {
  const before = memoryInUse();
  const cases: [() => unknown, string][] = [
    [() => any(losses.huber)({ delta: '1' }), 'TypeError: losses.huber: delta must be a finite number > 0, got "1" (a string)'],
    [() => any(losses.huber)({ detla: 1 }), 'Error: losses.huber: unknown option "detla"; did you mean "delta"? (options: delta)'],
    [() => any(losses.binaryCrossEntropy)({ fromLogits: 'yes' }), 'TypeError: losses.binaryCrossEntropy: fromLogits must be true or false, got "yes" (a string)'],
    [() => any(losses.crossEntropy)({ from_logits: true }), 'Error: losses.crossEntropy: unknown option "from_logits"; did you mean "fromLogits"? (options: fromLogits)'],
    [() => any(losses.mse)({ reduction: 'sum' }), 'Error: losses.mse: unknown option "reduction"; losses.mse takes no options'],
    [() => any(losses.weightedCrossEntropy)(undefined), 'TypeError: losses.weightedCrossEntropy: options must be an object { numClasses, classWeights, pairs }, got undefined'],
    [() => any(losses.weightedCrossEntropy)({ numClasses: 3, classWeight: [1, 1, 1] }),
      'Error: losses.weightedCrossEntropy: unknown option "classWeight"; did you mean "classWeights"? (options: numClasses, classWeights, pairs)'],
    [() => any(losses.weightedCrossEntropy)({ numClasses: '3' }), 'TypeError: losses.weightedCrossEntropy: numClasses must be an integer ≥ 1 and ≤ 16384, got "3" (a string)'],
    [() => losses.weightedCrossEntropy({ numClasses: 1e6 }), 'RangeError: losses.weightedCrossEntropy: numClasses must be an integer ≥ 1 and ≤ 16384, got 1000000'],
    [() => any(losses.weightedCrossEntropy)({ numClasses: 2, classWeights: 1 }), 'TypeError: losses.weightedCrossEntropy: classWeights must be an array of 2 finite numbers ≥ 0 (one per class), got 1'],
    [() => losses.weightedCrossEntropy({ numClasses: 2, classWeights: [1, -1] }), 'RangeError: losses.weightedCrossEntropy: classWeights[1] must be a finite number ≥ 0, got -1'],
    [() => any(losses.weightedCrossEntropy)({ numClasses: 2, pairs: [[0, 1]] }), 'TypeError: losses.weightedCrossEntropy: pairs[0] must be [trueClass, predictedClass, weight], got [0,1] (an array)'],
    [() => losses.weightedCrossEntropy({ numClasses: 2, pairs: [[0, 2, 1.3]] }), 'RangeError: losses.weightedCrossEntropy: pairs[0][1] (the predicted class) must be a class in 0..1, got 2'],
    [() => any(losses.clipped)('crossEntropy', [0]), 'TypeError: losses.clipped: range must be [lo, hi], got [0] (an array)'],
    [() => losses.clipped('crossEntropy', [1, 0]), 'RangeError: losses.clipped: range [1, 0] must have lo ≤ hi'],
    [() => losses.clipped('crossEntrpy' as never), 'RangeError: losses.clipped: base: unknown loss "crossEntrpy"; did you mean "crossEntropy"? (expected one of ' + LOSS_NAMES.join(', ') + ')'],
    [() => getLoss('compile', { name: 'huber', delta: 2, deltas: 1 }), 'Error: compile: loss "huber": unknown option "deltas"; did you mean "delta"? (options: delta)'],
    [() => getLoss('compile', { name: 'mse', fromLogits: true }), 'Error: compile: loss "mse": unknown option "fromLogits"; compile: loss "mse" takes no options'],
    [() => getLoss('compile', { name: 'clipped', base: 'mse', rnage: [0, 2] }), 'Error: compile: loss "clipped": unknown option "rnage"; did you mean "range"? (options: base, mode, range)'],
    [() => getLoss('compile', { name: 'clipped', base: { name: 'huber', delt: 1 } }), 'Error: compile: loss "clipped": base: loss "huber": unknown option "delt"; did you mean "delta"? (options: delta)'],
    [() => getLoss('compile', 3 as never), `TypeError: compile: loss must be a name (${LOSS_NAMES.join(', ')}), { name, ...options }, a Loss or a custom { name, forward, backward }, got 3`],
  ];
  for (const [call, want] of cases) assert.is(failure(call), want);
  const made = [
    losses.crossEntropy({ fromLogits: true }), losses.sparseCrossEntropy(), losses.binaryCrossEntropy({ fromLogits: false }), losses.mse(), losses.mae(),
    losses.hinge(), losses.categoricalHinge(), losses.huber({ delta: 0.5 }), losses.cosineProximity(),
    losses.weightedCrossEntropy({ numClasses: 3, classWeights: [1, 2, 0.5], pairs: [[0, 1, 1.3]] }), losses.clipped(losses.huber({ delta: 2 }), [0, 3]),
  ];
  for (const l of made) {
    const again = ok(() => getLoss('t', JSON.parse(JSON.stringify({ name: l.name, ...l.config }))));
    assert.equal([again.name, again.config], [l.name, l.config]);
    again.dispose?.(); l.dispose?.();
  }
  assert.is(memoryInUse(), before);
});

test('initializers, regularizers and schedules: strict getters, typed factories, saved forms accepted', () => {
  const cases: [() => unknown, string][] = [
    [() => any(initializers.constant)('1'), 'TypeError: initializers.constant: value must be a finite number, got "1" (a string)'],
    [() => any(initializers.uniform)(0, '1'), 'TypeError: initializers.uniform: hi must be a finite number, got "1" (a string)'],
    [() => initializers.normal(0, -1), 'RangeError: initializers.normal: std must be a finite number ≥ 0, got -1'],
    [() => getInitializer('dense "d"', 'heNormall' as never), `RangeError: dense "d": unknown initializer "heNormall"; did you mean "heNormal"? (expected one of ${INITIALIZER_NAMES.join(', ')})`],
    [() => getInitializer('dense "d"', { name: 'uniform', low: -1 }), 'Error: dense "d": initializer "uniform": unknown option "low"; did you mean "lo"? (options: lo, hi)'],
    [() => getInitializer('dense "d"', { name: 'heNormal', scale: 2 }), 'Error: dense "d": initializer "heNormal": unknown option "scale"; dense "d": initializer "heNormal" takes no options'],
    [() => getInitializer('dense "d"', { name: 'normal', std: 'big' }), 'TypeError: dense "d": initializer "normal": std must be a finite number ≥ 0, got "big" (a string)'],
    [() => getInitializer('dense "d"', { name: 'constant', value: null }), 'TypeError: dense "d": initializer "constant": value must be a finite number, got null'],
    [() => getInitializer('dense "d"', 7 as never), `TypeError: dense "d": initializer must be a name (${INITIALIZER_NAMES.join(', ')}), { name, ...options } or an Initializer, got 7`],
    [() => any(regularizers.l1l2)({ l3: 1 }), 'Error: regularizers.l1l2: unknown option "l3"; did you mean "l1"? (options: l1, l2, scale)'],
    [() => any(regularizers.l2)('0.01'), 'TypeError: regularizers.l2: l2 must be a finite number ≥ 0, got "0.01" (a string)'],
    [() => getRegularizer('dense "d"', { name: 'L2' }), 'RangeError: dense "d": unknown regularizer "L2"; did you mean "l2"? (expected one of l1, l2, l1l2)'],
    [() => getRegularizer('dense "d"', { name: 'l2', l2: 0.1, scael: 'sum' } as never), 'Error: dense "d": regularizer "l2": unknown option "scael"; did you mean "scale"? (options: l1, l2, scale)'],
    [() => getRegularizer('dense "d"', { name: 'l2', l1: 0.1, l2: 0.1 }), 'RangeError: dense "d": regularizer "l2": l1 must be 0 or absent for l2 (use l1l2 for both), got 0.1'],
    [() => getRegularizer('dense "d"', 0.01 as never), 'TypeError: dense "d": a regularizer must be l1, l2, l1l2 (a name, { name, l1, l2, scale } or regularizers.l2(…)), got 0.01'],
    [() => any(schedules.exponential)({ initial: 0.1, decayRate: 0.9, decay_steps: 10 }),
      'Error: schedules.exponential: unknown option "decay_steps"; did you mean "decaySteps"? (options: initial, decayRate, decaySteps, staircase)'],
    [() => any(schedules.exponential)({ initial: 0.1, decayRate: 0.9, decaySteps: 10, staircase: 'yes' }), 'TypeError: schedules.exponential: staircase must be true or false, got "yes" (a string)'],
    [() => any(schedules.step)({ initial: 0.1, factor: 0.5 }), 'TypeError: schedules.step: every must be a finite number > 0, got undefined'],
    [() => any(schedules.warmup)({ target: 0.1, warmupSteps: 5, after: 0.01 }), 'TypeError: schedules.warmup: after must be a schedule (schedules.cosine(…), …) or undefined, got 0.01'],
    [() => any(schedules.cosine)(), 'TypeError: schedules.cosine: options must be an object { initial, decaySteps, alpha }, got undefined'],
    [() => getSchedule({ name: 'warmup', target: 1, warmupSteps: 2, after: { name: 'step', initial: 1, factor: 0.5, evry: 3 } }, 'fit'),
      'Error: fit: schedule "warmup": after: schedule "step": unknown option "evry"; did you mean "every"? (options: initial, factor, every)'],
  ];
  for (const [call, want] of cases) assert.is(failure(call), want);
  // Saved forms: { name, ...config }, Keras' { name, config }, and a regularizer's { name, l1, l2: 0 }.
  for (const init of [initializers.constant(0.5), initializers.uniform(-1, 1), initializers.truncatedNormal(0.1, 0.2), initializers.heNormal(), initializers.zeros()]) {
    const saved = { name: init.name, ...init.config };
    assert.equal(ok(() => getInitializer('t', saved)).config, init.config);
    assert.equal(ok(() => getInitializer('t', { name: init.name, config: { ...init.config } })).config, init.config);
  }
  for (const reg of [regularizers.l1(0.2), regularizers.l2(0.3), regularizers.l1l2({ l1: 0.1, l2: 0.2 })]) {
    assert.equal(ok(() => getRegularizer('t', JSON.parse(JSON.stringify(reg)))), reg);
  }
  assert.equal(ok(() => getRegularizer('t', 'l2')), regularizers.l2());
  for (const s of [schedules.exponential({ initial: 0.1, decayRate: 0.5, decaySteps: 4, staircase: true }), schedules.step({ initial: 1, factor: 0.5, every: 2 })]) {
    const again = ok(() => getSchedule(JSON.parse(JSON.stringify({ name: s.name, ...s.config }))));
    assert.equal([again.config, again.at(9)], [s.config, s.at(9)]);
  }
});

test('fuzz: random optimizer options either build (with those settings) or are refused naming the key', () => {
  const keys = ['learningRate', 'clipValue', 'clipNorm', 'momentum', 'initialAccumulatorValue', 'epsilon', 'rho', 'beta1', 'beta2', 'weightDecay'];
  const value = fc.oneof(fc.double({ min: -1, max: 2 }), fc.constantFrom(0, 0.5, 1e-7, NaN, Infinity, null, '0.1', true, [0.1], {}));
  const spec = fc.record({
    name: fc.constantFrom(...OPTIMIZER_NAMES),
    options: fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 12 })), value, { maxKeys: 3 }),
  });
  fc.assert(fc.property(spec, ({ name, options }) => {
    const make = (optimizers as unknown as Record<string, (o: unknown) => { config(): Record<string, unknown> }>)[name];
    let built: Record<string, unknown> | undefined, err: Error | undefined;
    try { built = make(options).config(); } catch (e) { err = e as Error; }
    record({ cases: 1, refused: err ? 1 : 0 });
    if (built) {
      for (const [k, v] of Object.entries(options)) assert.is(built[k], v, `${name}: ${k} given ${String(v)}, config has ${String(built[k])}`);
      return;
    }
    assert.ok(err instanceof Error && err.message.startsWith(`optimizers.${name}: `), `${name}: unclear error ${err?.message}`);
    const named = Object.keys(options).some((k) => err!.message.includes(`unknown option ${JSON.stringify(k)}`) || err!.message.startsWith(`optimizers.${name}: ${k} must be`));
    assert.ok(named, `${name}: the error names none of ${JSON.stringify(Object.keys(options))}: ${err.message}`);
  }), { seed: 42, numRuns: 400 });
});

test.run();
