// Layer options are read strictly, by the factories and by layerFromSpec (model files, JSON model files): an unknown key
// is refused naming it, the layer kind and the nearest valid key; a wrong type names the option, what was expected and
// the value given as JSON ("32" is a string); an unknown activation shows the value given. Every saved config reads
// back; fast-check options are accepted or refused with such a message, never a TypeError from inside. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ready, BUILD } from '../helpers/setup.js';
import { layers, memoryInUse, regularizers, sequential } from '../../src/index.js';
import { record } from './tally.js';

await ready();
const test = suite(`layer options, strictly [${BUILD}]`);

const { layerFromSpec, layerSpec } = layers;
type Make = (o: any) => unknown;
const factories: Record<string, Make> = {
  dense: layers.dense, conv2d: layers.conv2d, maxPool2d: layers.maxPool2d, avgPool2d: layers.avgPool2d, flatten: layers.flatten,
  dropout: layers.dropout, batchNorm: layers.batchNorm, activation: layers.activation, leakyRelu: layers.leakyRelu,
  maxout: layers.maxout, residual: layers.residual,
};

const refuses = (f: () => unknown, pattern: RegExp, what = String(pattern)) => {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  assert.ok(err instanceof Error, `${what}: did not throw`);
  assert.match((err as Error).message, pattern, what);
  assert.not.match((err as Error).message, /Cannot read|is not a function|undefined \(reading/, what);
  record({ cases: 1, refused: 1 });
};

test('an unknown key names it, the layer kind and the nearest valid key, in the factories and in specs', () => {
  refuses(() => layers.dense({ units: 3, activaton: 'relu' } as never), /^dense: unknown option "activaton"; did you mean "activation"\? \(options: units, activation/);
  refuses(() => layers.dense({ units: 3, activaton: 'relu', name: 'd1' } as never), /^dense "d1": unknown option "activaton"; did you mean "activation"\?/);
  refuses(() => layers.conv2d({ filters: 2, kernelSize: 3, stride: 2 } as never), /conv2d: unknown option "stride"; did you mean "strides"\?/);
  refuses(() => layers.maxPool2d({ poolsize: 2 } as never), /maxPool2d: unknown option "poolsize"; did you mean "poolSize"\?/);
  refuses(() => layers.maxPool2d({ countPad: true } as never), /maxPool2d: unknown option "countPad"/);
  refuses(() => layers.dropout({ rate: 0.1, seed: 1 } as never), /dropout: unknown option "seed"; did you mean "rate"\?/);
  refuses(() => layers.batchNorm({ momentun: 0.9 } as never), /batchNorm: unknown option "momentun"; did you mean "momentum"\?/);
  refuses(() => layers.flatten({ dataFormat: 'x' } as never), /flatten: unknown option "dataFormat"/);
  refuses(() => layers.leakyRelu({ alhpa: 0.1 } as never), /leakyRelu: unknown option "alhpa"; did you mean "alpha"\?/);
  refuses(() => layers.maxout({ pieces: 2, unit: 3 } as never), /maxout: unknown option "unit"; did you mean "units"\?/);
  refuses(() => layers.residual({ layers: [layers.flatten()], shortcuts: 'auto' } as never), /residual: unknown option "shortcuts"; did you mean "shortcut"\?/);
  refuses(() => layers.dense({ units: 3, activation: { name: 'elu', alfa: 1 } } as never), /dense: activation: unknown key "alfa"; did you mean "alpha"\?/);
  refuses(() => layers.dense({ units: 3, kernelRegularizer: { name: 'l2', l3: 1 } } as never), /^dense: kernelRegularizer: regularizer "l2": unknown option "l3"; did you mean "l1"\? \(options: l1, l2, scale\)$/);
  refuses(() => layers.dense({ units: 3, kernelInitializer: { name: 'uniform', lo: -1, high: 1 } } as never), /^dense: .*"uniform": unknown (key|option) "high"; did you mean "hi"\?/);
  // a model JSON with "activaton" must fail instead of training a linear layer
  refuses(() => layerFromSpec({ kind: 'dense', config: { units: 32, activaton: 'relu' } }), /dense: unknown option "activaton"; did you mean "activation"\?/);
  refuses(() => layerFromSpec({ kind: 'dens', config: { units: 3 } }), /unknown layer kind "dens"; did you mean "dense"\?/);
  refuses(() => layerFromSpec({ kind: 'dense', confg: { units: 3 } } as never), /layer spec: unknown key "confg"; did you mean "config"\?/);
  refuses(() => layerFromSpec({ kind: 'residual', config: { layers: [{ kind: 'dense', config: { units: 2, unit: 3 } }] } }),
    /residual: layers\[0\]: dense: unknown option "unit"; did you mean "units"\?/);
});

test('a wrong type names the option, what was expected and the value as given', () => {
  refuses(() => layers.dense({ units: '32' } as never), /^dense: units must be a positive integer, got "32" \(a string\)$/);
  refuses(() => layers.dense({ units: 0 }), /dense: units must be a positive integer, got 0$/);
  refuses(() => layers.dense({ units: 2.5 }), /dense: units must be a positive integer, got 2.5$/);
  refuses(() => layers.dense({ units: 3, activation: 5 } as never), /dense: activation must be a name \(linear, relu, .*\) or \{ name, alpha \}, got 5$/);
  refuses(() => layers.dense({ units: 3, activation: 'relux' } as never), /dense: unknown activation "relux"; did you mean "relu"\?/);
  refuses(() => layers.dense({ units: 3, activation: null } as never), /dense: activation must be .* got null/);
  refuses(() => layers.dense({ units: 3, useBias: 'yes' } as never), /dense: useBias must be true or false, got "yes" \(a string\)/);
  refuses(() => layers.dense({ units: 3, kernelInitializer: 'heNormel' } as never), /^dense: kernelInitializer: unknown initializer "heNormel"; did you mean "heNormal"\?/);
  refuses(() => layers.dense({ units: 3, kernelInitializer: 'constructor' } as never), /^dense: kernelInitializer: unknown initializer "constructor"/);
  refuses(() => layers.dense({ units: 3, kernelRegularizer: 0.01 } as never), /dense: kernelRegularizer must be a regularizer .* got 0.01/);
  refuses(() => layers.dense({ units: 3, name: 7 } as never), /dense: name must be a string, got 7/);
  refuses(() => layers.dense({ units: 3, name: 'a/b' }), /name must be a non-empty string .* without "\/", got "a\/b"/);
  refuses(() => layers.conv2d({ filters: 2, kernelSize: [3] } as never), /conv2d: kernelSize must be a positive integer or a pair \[h, w\] of them, got \[3\] \(an array\)/);
  refuses(() => layers.conv2d({ filters: 2, kernelSize: 3, padding: 'sam' } as never), /conv2d: padding must be 'same', 'valid' or \[top, bottom, left, right\].* got "sam"/);
  refuses(() => layers.conv2d({ filters: 2 } as never), /conv2d: kernelSize must be .* got undefined/);
  refuses(() => layers.dropout({ rate: 1 }), /dropout: rate must be in \[0, 1\), got 1$/);
  refuses(() => layers.dropout({ rate: '0.5' } as never), /dropout: rate must be .* got "0.5" \(a string\)/);
  refuses(() => layers.dropout(null as never), /^dropout: options must be an object \{ rate, name \} or undefined, got null$/);
  refuses(() => layers.dense(null as never), /^dense: options must be an object \{ units, .*\} or undefined, got null$/);
  refuses(() => layers.batchNorm({ momentum: 2 }), /batchNorm: momentum must be in \[0, 1\], got 2$/);
  refuses(() => layers.avgPool2d({ countPad: 1 } as never), /avgPool2d: countPad must be true or false, got 1/);
  refuses(() => layers.maxout({ pieces: 2, kernelInitializer: 'zeros' }), /maxout: kernelInitializer needs units/);
  refuses(() => layers.residual({ layers: 'x' } as never), /residual: layers must be a non-empty array of layers .*got "x" \(a string\)/);
  refuses(() => layers.residual({ layers: [null] } as never), /residual: layers\[0\] must be a layer .*got null/);
  refuses(() => layers.residual({ layers: [layers.flatten()], shortcut: 'proj' } as never), /residual: shortcut must be one of 'auto', 'identity', 'projection' \(did you mean 'projection'\?\), got "proj"/);
  refuses(() => layers.activation({ activation: 'gelu' } as never), /activation: unknown activation "gelu"/);
  refuses(() => layers.activation({} as never), /activation: the option activation is required/);
  // specs: a null layer, residual "layers": "x", a config that is not an object
  refuses(() => layerFromSpec(null as never), /^layer spec must be an object \{ kind, config \}, got null$/);
  refuses(() => layerFromSpec({ kind: 5 } as never), /a layer spec's kind must be a string .* got 5/);
  refuses(() => layerFromSpec({ kind: 'residual', config: { layers: 'x' } }), /residual: layers must be a non-empty array of layer specs .* got "x" \(a string\)/);
  refuses(() => layerFromSpec({ kind: 'residual', config: { layers: [null] } }), /residual: layers\[0\]: layer spec must be an object/);
  refuses(() => layerFromSpec({ kind: 'dense', config: 'units' } as never), /dense: config must be an object, got "units" \(a string\)/);
});

test('every saved config reads back (the strict reader accepts all the writer makes), with the same config', () => {
  const all = [
    layers.dense({ units: 3, activation: 'leakyRelu', kernelInitializer: 'heNormal', biasInitializer: 'ones', kernelRegularizer: regularizers.l1l2({ l1: 0.1, l2: 0.2 }), biasRegularizer: regularizers.l2(0.3) }),
    layers.dense({ units: 2, useBias: false, kernelInitializer: { name: 'uniform', lo: -1, hi: 2 } as never }),
    layers.conv2d({ filters: 2, kernelSize: [3, 2], strides: [1, 2], padding: [1, 0, 1, 0], dilation: 2, activation: { name: 'elu', alpha: 0.5 } }),
    layers.maxPool2d({ poolSize: 3, strides: 1, padding: 'same' }), layers.avgPool2d({ countPad: true }), layers.flatten(),
    layers.dropout({ rate: 0.3 }), layers.batchNorm({ momentum: 0.5, epsilon: 0.01 }), layers.activation('softmax'),
    layers.leakyRelu({ alpha: 0.1 }), layers.maxout({ pieces: 2 }), layers.maxout({ pieces: 3, units: 2, kernelInitializer: 'lecunNormal' }),
    layers.residual({ layers: [layers.dense({ units: 4 }), layers.residual({ layers: [layers.activation('tanh')] })], shortcut: 'projection', activation: 'relu' }),
  ];
  for (const l of all) {
    const spec = JSON.parse(JSON.stringify(layerSpec(l as never)));
    const back = layerFromSpec(spec);
    assert.equal(JSON.parse(JSON.stringify(layerSpec(back))), spec, spec.kind);
  }
});

test('fast-check: random options for every factory are accepted or refused naming the layer; nothing allocated', () => {
  const value = fc.oneof(fc.constantFrom(undefined, null, 0, 1, 2, 3, -1, 0.5, 1e9, NaN, '', 'relu', 'same', 'x', '3', true, [], {}, [3, 3], [1, 1, 1, 1]),
    fc.jsonValue({ maxDepth: 2 }));
  const keys = ['units', 'filters', 'kernelSize', 'strides', 'padding', 'dilation', 'poolSize', 'rate', 'momentum', 'epsilon', 'activation',
    'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'alpha', 'pieces', 'countPad', 'shortcut', 'name', 'layers', 'activaton', 'unit'];
  const before = memoryInUse();
  let accepted = 0, refusedCount = 0;
  fc.assert(fc.property(fc.constantFrom(...Object.keys(factories)), fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }), fc.boolean(), (kind, o, viaSpec) => {
    try {
      if (viaSpec) layerFromSpec({ kind, config: o as Record<string, unknown> });
      else factories[kind](o);
      accepted++;
    } catch (e) {
      const err = e as Error;
      if (!(err instanceof Error) || !err.message.startsWith(kind) || /Cannot read|is not a function|undefined \(reading|is not iterable/.test(err.message)) {
        throw new Error(`${kind}(${JSON.stringify(o)}): ${err?.constructor?.name}: ${err?.message}`);
      }
      refusedCount++;
    }
  }), { seed: 21, numRuns: 1500 });
  assert.is(memoryInUse(), before, 'a layer allocates nothing before it is built');
  assert.ok(accepted > 20 && refusedCount > 500, `${accepted} accepted, ${refusedCount} refused`);
  record({ cases: accepted + refusedCount, refused: refusedCount });
});

test('fast-check: accepted random layers either build into a model or are refused by shape; memory flat', () => {
  const before = memoryInUse();
  fc.assert(fc.property(fc.constantFrom('dense', 'conv2d', 'maxPool2d', 'batchNorm', 'maxout', 'dropout'), fc.integer({ min: 1, max: 6 }),
    fc.integer({ min: 1, max: 4 }), fc.constantFrom('same', 'valid'), (kind, a, b, padding) => {
      const o: Record<string, unknown> = { dense: { units: a }, conv2d: { filters: a, kernelSize: b, padding }, maxPool2d: { poolSize: b, padding },
        batchNorm: {}, maxout: { pieces: b, units: a }, dropout: { rate: 0.1 * (b - 1) } }[kind]!;
      try {
        sequential([layerFromSpec({ kind, config: o })], { inputShape: [4, 4, 2] }).dispose();
      } catch (e) {
        assert.match((e as Error).message, /cannot take input shape/);
      }
    }), { seed: 22, numRuns: 200 });
  assert.is(memoryInUse(), before);
});

test.run();
