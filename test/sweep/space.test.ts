// Sweep spaces: strict reading (each error names the key and what was wrong), sampling inside every range
// (fast-check), the grid-free corners that reach every choice, and params applied to base settings by the
// experiment merge (dotted keys, a model's layers by name).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { applyParams, checkSpace, inDim, paramsToSettings, readSpace, sampleDim, spaceCorners, type Dim } from '../../src/sweep/space.js';

const test = suite('sweep space');

const spec = {
  'optimizer.learningRate': { logUniform: [1e-4, 0.1] },
  batchSize: { values: [32, 64, 128] },
  hidden: { values: [[128], [128, 128]] },
  epochs: { int: [2, 10] },
  dropout: { uniform: [0, 0.5] },
};

test('readSpace keeps the keys in order with their dimensions, copies of the values', () => {
  const s = readSpace('sweep.json', spec);
  assert.equal(s.keys, Object.keys(spec));
  assert.equal(s.dims, Object.values(spec));
  assert.is.not((s.dims[2] as { values: unknown[] }).values[0], spec.hidden.values[0]);
});

test('readSpace refuses each kind of bad space naming the key and the fault', () => {
  const bad: [unknown, RegExp][] = [
    [[], /sweep\.json\.space must be an object/],
    [{}, /sweep\.json\.space is empty/],
    [{ lr: { logUniferm: [1, 2] } }, /sweep\.json\.space\.lr: unknown key "logUniferm"; did you mean "logUniform"\?/],
    [{ lr: { vals: [1] } }, /unknown key "vals"; did you mean "values"\?/],
    [{ lr: { uniform: [0, 1], int: [0, 1] } }, /sweep\.json\.space\.lr must have exactly one of values, int, uniform, logUniform; got uniform and int/],
    [{ lr: {} }, /space\.lr must have exactly one of .*; got none/],
    [{ lr: 0.1 }, /space\.lr must be an object with one of/],
    [{ lr: { values: [] } }, /space\.lr\.values must be a non-empty list/],
    [{ lr: { values: 3 } }, /space\.lr\.values must be a non-empty list of choices; got 3/],
    [{ lr: { values: [1, 2, 1] } }, /space\.lr\.values\[0\] and \[2\] are the same choice 1/],
    [{ lr: { values: [1, NaN] } }, /space\.lr\.values\[1\] is not a JSON value/],
    [{ lr: { uniform: [1, 1] } }, /space\.lr\.uniform must have lo < hi; got \[1,1\] \(a single value: \{ "values": \[1\] \}\)/],
    [{ lr: { uniform: [2, 1] } }, /lo < hi; got \[2,1\]/],
    [{ lr: { uniform: [0, Infinity] } }, /space\.lr\.uniform must be \[lo, hi\], two finite numbers/],
    [{ lr: { uniform: [0, 1, 2] } }, /two finite numbers; got \[0,1,2\]/],
    [{ lr: { uniform: ['0', 1] } }, /two finite numbers/],
    [{ lr: { logUniform: [0, 1] } }, /space\.lr\.logUniform must have lo > 0/],
    [{ lr: { uniform: [-1e308, 1e308] } }, /space\.lr\.uniform is too wide: hi − lo overflows/],
    [{ lr: { logUniform: [-1, 1] } }, /lo > 0/],
    [{ n: { int: [1.5, 4] } }, /space\.n\.int bounds must be integers; got \[1\.5,4\]/],
    [{ n: { int: [3, 3] } }, /space\.n\.int must have lo < hi/],
    [{ 'optimizer..name': { values: ['sgd'] } }, /key "optimizer\.\.name" is not a dotted settings path/],
    [{ '': { values: ['sgd'] } }, /key "" is not a dotted settings path/],
    [{ 'a.__proto__': { values: [1] } }, /"__proto__" cannot be a settings key/],
    [{ optimizer: { values: ['sgd'] }, 'optimizer.learningRate': { uniform: [0, 1] } }, /keys "optimizer" and "optimizer\.learningRate" overlap/],
  ];
  for (const [s, re] of bad) assert.throws(() => readSpace('sweep.json', s), re, JSON.stringify(s));
});

const dimArb: fc.Arbitrary<Dim> = fc.oneof(
  fc.array(fc.jsonValue(), { minLength: 1, maxLength: 6 }).map((v) => ({ values: [...new Map(v.map((x) => [JSON.stringify(x), x])).values()] })),
  fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 1, max: 1e6 })).map(([a, w]) => ({ int: [a, a + w] as [number, number] })),
  fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-9, max: 1e6, noNaN: true }))
    .filter(([a, w]) => a + w > a).map(([a, w]) => ({ uniform: [a, a + w] as [number, number] })),
  fc.tuple(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.double({ min: 1.0000001, max: 1e6, noNaN: true }))
    .filter(([a, f]) => Number.isFinite(a * f) && a * f > a).map(([a, f]) => ({ logUniform: [a, a * f] as [number, number] })),
);

test('checkSpace holds a space given whole to the same rules', () => {
  assert.equal(checkSpace('lib', { keys: ['x'], dims: [{ int: [0, 3] }] }), { keys: ['x'], dims: [{ int: [0, 3] }] });
  assert.throws(() => checkSpace('lib', { keys: ['x'], dims: [{ uniform: [1, 0] }] }), /lib\.space\.x\.uniform must have lo < hi/);
  assert.throws(() => checkSpace('lib', { keys: ['x', 'x'], dims: [{ int: [0, 3] }, { int: [0, 3] }] }), /lib: space key "x" is given twice/);
  assert.throws(() => checkSpace('lib', { keys: ['x'], dims: [] }), /one dimension per key/);
  assert.throws(() => checkSpace('lib', null), /a space must be \{ keys: string\[\], dims: Dim\[\] \}/);
  assert.throws(() => checkSpace('lib', { keys: [3], dims: [{ int: [0, 3] }] }), /space key 0 must be a string; got 3/);
});

test('sampleDim stays inside its dimension for every u in [0, 1) (fast-check), and its ends are reached', () => {
  fc.assert(fc.property(dimArb, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (d, u) => {
    const v = sampleDim(d, u);
    return inDim(d, v) && inDim(d, sampleDim(d, 0)) && inDim(d, sampleDim(d, 1 - 2 ** -53));
  }), { seed: 42, numRuns: 2000 });
  assert.is(sampleDim({ int: [2, 4] }, 0), 2);
  assert.is(sampleDim({ int: [2, 4] }, 0.999999), 4);
  assert.is(sampleDim({ int: [2, 4] }, 0.5), 3);
  assert.is(sampleDim({ values: ['a', 'b'] }, 0.5), 'b');
  assert.is(sampleDim({ uniform: [1, 3] }, 0.25), 1.5);
  assert.ok(Math.abs((sampleDim({ logUniform: [1e-4, 1] }, 0.5) as number) - 1e-2) < 1e-15);
  assert.throws(() => sampleDim({ uniform: [0, 1] }, 1), /u must be in \[0, 1\); got 1/);
  assert.throws(() => sampleDim({ uniform: [0, 1] }, NaN), /got NaN/);
});

test('sampleDim returns a fresh copy of an array or object choice', () => {
  const d = { values: [[128, 128]] };
  const v = sampleDim(d, 0) as number[];
  v.push(1);
  assert.equal(d.values[0], [128, 128]);
});

test('spaceCorners reach every choice of each values list and both ends of each range', () => {
  const s = readSpace('s', spec);
  const corners = spaceCorners(s);
  assert.is(corners.length, 3);
  assert.equal(corners.map((c) => c.batchSize), [32, 64, 128]);
  assert.equal(corners.map((c) => c.hidden), [[128], [128, 128], [128]]);
  assert.equal(corners.map((c) => c.epochs), [2, 10, 2]);
  assert.equal(corners.map((c) => c['optimizer.learningRate']), [1e-4, 0.1, 1e-4]);
  assert.is(spaceCorners(readSpace('s', { x: { uniform: [0, 1] } })).length, 2);
});

test('applyParams: dotted keys become nested settings merged over base (objects by key, layers by name)', () => {
  const base = {
    epochs: 3, optimizer: { name: 'adam', learningRate: 0.001, beta1: 0.9 }, hidden: [64, 64],
    model: { layers: [{ kind: 'dense', config: { name: 'fc1', units: 32 } }, { kind: 'dense', config: { name: 'out', units: 10 } }] },
  };
  const out = applyParams(base, { 'optimizer.learningRate': 0.01, hidden: [128], 'model.layers.fc1.config.units': 256, epochs: 5 });
  assert.equal(out, {
    epochs: 5, optimizer: { name: 'adam', learningRate: 0.01, beta1: 0.9 }, hidden: [128],
    model: { layers: [{ kind: 'dense', config: { name: 'fc1', units: 256 } }, { kind: 'dense', config: { name: 'out', units: 10 } }] },
  });
  assert.equal(base.model.layers[0].config.units, 32, 'base unchanged');
  assert.equal(base.optimizer.learningRate, 0.001, 'base unchanged');
  assert.equal(applyParams({}, { 'a.b.c': 1, 'a.d': 2 }), { a: { b: { c: 1 }, d: 2 } });
  assert.throws(() => applyParams(base, { 'model.layers.fc2.config.units': 3 }), /no layer named "fc2" in base's model \(did you mean "fc1"\?\)/);
});

test('paramsToSettings refuses keys that overlap or are not dotted paths', () => {
  assert.throws(() => paramsToSettings({ optimizer: 'sgd', 'optimizer.learningRate': 0.1 }), /reaches inside "optimizer", which another key sets to "sgd"/);
  assert.throws(() => paramsToSettings({ 'optimizer.learningRate': 0.1, optimizer: { name: 'sgd' } }), /key "optimizer" overlaps another key/);
  assert.throws(() => paramsToSettings({ 'a..b': 1 }), /not a dotted settings path/);
  assert.throws(() => paramsToSettings({ 'constructor.x': 1 }), /not a dotted settings path/);
});

test.run();
