// Experiment files' deep merge (objects key by key, a model's layers by name, a layer of another kind replacing it),
// library specs (optimizer, loss, initializer objects) checked by the library's own readers before anything trains,
// and file-only settings (early stopping, class weights, regularizer scale).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD } from '../helpers/setup.js';
import { readExperiment } from '../../src/cli/experiment.js';
import { mergeSettings } from '../../src/run/merge.js';
import { buildModel } from '../../src/cli/config.js';
import { train } from '../../src/cli/train.js';
import { init } from '../../src/index.js';

const test = suite(`experiment files: merge and specs (node) [${BUILD}]`);
const dir = mkdtempSync(join(tmpdir(), 'simdnet-exp-'));
let n = 0;
function read(e: unknown) {
  const f = join(dir, `e${n++}.json`);
  writeFileSync(f, JSON.stringify(e));
  return readExperiment(f, join(dir, 'out'));
}
function refused(e: unknown, re: RegExp) {
  assert.throws(() => read(e), (err: Error) => { assert.match(err.message, re); return true; });
}
const model = { layers: [
  { kind: 'flatten' },
  { kind: 'dense', config: { name: 'h1', units: 8, activation: 'relu', kernelInitializer: 'heNormal' } },
  { kind: 'dense', config: { name: 'out', units: 10, activation: 'softmax' } },
] };

test.before(async () => { await init(); });

test('mergeSettings: objects merge key by key, arrays and values are replaced', () => {
  const base = { optimizer: { name: 'adam', learningRate: 0.01, beta1: 0.8 }, hidden: [1, 2], epochs: 3 };
  assert.equal(mergeSettings(base, { optimizer: { learningRate: 0.1 }, hidden: [4] }),
    { optimizer: { name: 'adam', learningRate: 0.1, beta1: 0.8 }, hidden: [4], epochs: 3 });
  assert.equal(mergeSettings(base, { optimizer: 'sgd' }).optimizer, 'sgd');
  assert.equal(base.optimizer.learningRate, 0.01, 'base is not modified');
});

test('a variant changes one layer by name; a spec of another kind replaces it; unknown names are refused with the nearest', () => {
  const e = read({ base: { model, epochs: 1 }, variants: [
    { name: 'a' },
    { name: 'b', model: { layers: { h1: { config: { activation: 'tanh' } } } } },
    { name: 'c', model: { layers: { h1: { kind: 'maxout', config: { name: 'h1', units: 8, pieces: 2 } } } } },
  ] });
  const layersOf = (i: number) => (e.variants[i].config.model as { layers: { kind: string; config?: Record<string, unknown> }[] }).layers;
  assert.equal(layersOf(0)[1].config, { name: 'h1', units: 8, activation: 'relu', kernelInitializer: 'heNormal' });
  assert.equal(layersOf(1)[1].config, { name: 'h1', units: 8, activation: 'tanh', kernelInitializer: 'heNormal' });
  assert.equal(layersOf(1)[2], model.layers[2]);
  assert.equal(layersOf(2)[1], { kind: 'maxout', config: { name: 'h1', units: 8, pieces: 2 } });
  refused({ base: { model }, variants: [{ name: 'x', model: { layers: { h2: { config: { units: 3 } } } } }] },
    /variant "x": model\.layers: no layer named "h2" in base's model \(did you mean "h1"\?\); named layers: h1, out/);
  refused({ base: { model }, variants: [{ name: 'x', model: { layers: { h1: { config: { unitz: 3 } } } } }] }, /variant "x": model: layer 2: .*unitz/);
});

test('optimizer, loss and initializer objects are checked by the library: unknown keys name the nearest', () => {
  refused({ variants: [{ name: 'x', optimizer: { name: 'adam', learningrate: 0.1 } }] }, /variant "x": .*"learningrate".*learningRate/);
  refused({ variants: [{ name: 'x', optimizer: { name: 'adamm' } }] }, /variant "x": .*adamm.*did you mean "adam"/);
  refused({ variants: [{ name: 'x', loss: { name: 'weightedCrossEntropy', numClasses: 10, pairz: [] } }] }, /variant "x": .*"pairz"/);
  refused({ variants: [{ name: 'x', init: { name: 'uniform', low: 0 } }] }, /variant "x": .*"low"/);
  refused({ variants: [{ name: 'x', init: { name: 'uniform', lo: 1, hi: 0 } }] }, /variant "x": .*uniform/);
  refused({ variants: [{ name: 'x', earlyStopping: { patiense: 2 } }] }, /variant "x": earlyStopping: unknown key "patiense" \(did you mean "patience"\?\)/);
  refused({ variants: [{ name: 'x', augment: { shfit: 2 } }] }, /variant "x": augment: .*"shfit".*shift/);
  refused({ variants: [{ name: 'x', augment: { flip: 2 } }] }, /variant "x": augment: .*flip/);
  refused({ variants: [{ name: 'x', classWeight: [1, -1] }] }, /variant "x": classWeight\[1\] must be a finite number ≥ 0/);
  refused({ variants: [{ name: 'x', regularizerScale: 'perSampel' }] }, /variant "x": regularizerScale must be one of sum, perSample; got "perSampel" \(did you mean "perSample"\?\)/);
  refused({ variants: [{ name: 'x', model: { layers: [{ kind: 'dense', config: { units: 3 } }], descripton: 'x' } }] }, /unknown key "descripton" \(did you mean "description"\?\)/);
  refused({ variants: [{ name: 'x', model, hidden: [3] }] }, /variant "x": hidden does not apply to a model given by its layers: it sets its own layers/);
  const ok = read({ base: { optimizer: { name: 'momentum', momentum: 0.5 }, loss: { name: 'huber', delta: 2 }, init: { name: 'constant', value: 0.1 } },
    variants: [{ name: 'x', optimizer: { learningRate: 0.2 } }] });
  assert.equal(ok.variants[0].config.optimizer, { name: 'momentum', momentum: 0.5, learningRate: 0.2 });
});

test('the compiled model follows the specs: optimizer options, loss options, learningRate given twice is an error', () => {
  const e = read({ base: { model, optimizer: { name: 'momentum', momentum: 0.5, learningRate: 0.2 }, loss: { name: 'huber', delta: 2 } }, variants: [{ name: 'x' }] });
  const m = buildModel(e.variants[0].config, [4, 4, 1], 10);
  try {
    assert.is(m.optimizer!.name, 'momentum');
    assert.is(m.optimizer!.learningRate, 0.2);
    assert.is((m.optimizer!.config() as { momentum: number }).momentum, 0.5);
    assert.is(m.loss!.name, 'huber');
    assert.equal(m.loss!.config, { delta: 2 });
  } finally { m.dispose(); }
  const twice = read({ base: { model, optimizer: { name: 'sgd', learningRate: 0.2 }, learningRate: 0.1 }, variants: [{ name: 'x' }] });
  assert.throws(() => buildModel(twice.variants[0].config, [4, 4, 1], 10), /learningRate is given twice/);
});

test('augment, early stopping and class weights reach fit: a run with them differs from one without, and repeats bit for bit', async () => {
  const quiet = () => {};
  const run = async (extra: Record<string, unknown>, out: string) => {
    const e = read({ base: { limit: 300, epochs: 2, batchSize: 50, hidden: [8], ...extra }, variants: [{ name: out }] });
    return train(e.variants[0].config, { log: quiet, warn: quiet });
  };
  const plain = await run({}, 'plain');
  const aug = await run({ augment: { shift: 2, flip: 0.5 } }, 'aug');
  const again = await run({ augment: { shift: 2, flip: 0.5 } }, 'aug2');
  assert.is.not(aug.weightsHash, plain.weightsHash);
  assert.is(again.weightsHash, aug.weightsHash);
  const weighted = await run({ classWeight: { 3: 5 } }, 'weighted');
  assert.is.not(weighted.weightsHash, plain.weightsHash);
  const stopped = await run({ epochs: 6, earlyStopping: { monitor: 'loss', patience: 0, minDelta: 10 } }, 'stopped');
  assert.is(stopped.stoppedEpoch, 1, 'minDelta 10: no epoch improves on the first, so it stops after the second');
  assert.is(stopped.history.loss.length, 2);
  assert.ok(Number.isFinite(stopped.test.accuracy) && stopped.train!.accuracy > 0);
});

test("train({ onEpoch }) sees each epoch's logs and stops the run where it returns true (evaluated and saved)", async () => {
  const e = read({ base: { limit: 300, epochs: 5, batchSize: 50, hidden: [8] }, variants: [{ name: 'hooked' }] });
  const seen: [number, Record<string, number>][] = [];
  const r = await train(e.variants[0].config, { log: () => {}, warn: () => {}, onEpoch: (epoch, logs) => { seen.push([epoch, logs]); return epoch === 1; } });
  assert.equal(seen.map(([ep]) => ep), [0, 1]);
  assert.equal(Object.keys(seen[0][1]).sort(), ['accuracy', 'loss', 'valAccuracy', 'valLoss']);
  assert.is(seen[1][1].loss, r.history.loss[1]);
  assert.is(r.stoppedEpoch, 1);
  assert.is(r.history.loss.length, 2);
  assert.ok(Number.isFinite(r.test.accuracy));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
