// toOnnx against ONNX Runtime for Node (CPU), and fromOnnx back: every layer kind and the option combinations the
// layer tests cover, random weights and inputs; ONNX Runtime's output within 1e-5 of the output scale of simdnet's
// predict, and the re-imported model's predictions identical bit for bit. Node only (onnxruntime-node).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { layers, sequential } from '../../src/index.js';
import type { Layer } from '../../src/layers/index.js';
import { layerKinds } from '../../src/layers/registry.js';
import { toOnnx, fromOnnx, type ToOnnxOptions } from '../../src/onnx/index.js';
import { EXPORTERS } from '../../src/onnx/export-layers.js';
import { SIMDNET_VERSION } from '../../src/onnx/version.js';
import { onnx } from '../../src/onnx/proto.js';
import { ready, BUILD } from '../helpers/setup.js';
import { compare, nhwcToNchw, randomInput, randomizeWeights, runOnnx, sameBits, values } from './helpers.js';

const test = suite(`simdnet/onnx export [${BUILD}]`);
test.before(ready);

interface Case { label: string; make: () => Layer[]; inputShape: number[]; options?: ToOnnxOptions }
const acts = ['linear', 'relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'softplus', 'softmax'] as const;
const img = (...l: Layer[]) => l;

const CASES: Case[] = [
  ...acts.flatMap((activation) => [true, false].map((useBias) => ({ label: `dense ${activation} bias=${useBias}`, make: () => [layers.dense({ units: 5, activation, useBias })], inputShape: [7] }))),
  { label: 'dense on [3, 6] samples (MatMul + Add)', make: () => [layers.dense({ units: 4, activation: 'tanh' })], inputShape: [3, 6] },
  { label: 'dense leakyRelu alpha 0.05, elu alpha 0.5', make: () => [layers.dense({ units: 6, activation: { name: 'leakyRelu', alpha: 0.05 } }), layers.dense({ units: 3, activation: { name: 'elu', alpha: 0.5 } })], inputShape: [5] },
  ...(['relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'softmax', 'linear'] as const).map((a) => ({ label: `activation ${a}`, make: () => [layers.activation(a)], inputShape: [9] })),
  { label: 'leakyRelu layer 0.1', make: () => [layers.leakyRelu({ alpha: 0.1 })], inputShape: [9] },
  { label: 'softmax over channels of an image', make: () => [layers.conv2d({ filters: 4, kernelSize: 1 }), layers.activation('softmax')], inputShape: [3, 3, 2] },
  ...([
    ['3×3 valid', { filters: 4, kernelSize: 3 }, [6, 6, 3]],
    ['3×3 same relu', { filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }, [5, 5, 2]],
    ['5×5 same stride 2', { filters: 3, kernelSize: 5, padding: 'same', strides: 2 }, [7, 7, 3]],
    ['1×1 no bias', { filters: 6, kernelSize: 1, useBias: false }, [4, 4, 5]],
    ['3×2 stride [2, 1] dilation 2 tanh', { filters: 2, kernelSize: [3, 2], strides: [2, 1], dilation: 2, activation: 'tanh' }, [9, 6, 1]],
    ['explicit asymmetric padding', { filters: 3, kernelSize: 3, padding: [1, 0, 2, 1] }, [4, 5, 2]],
    ['7×7 same on 3×3 (kernel larger than input)', { filters: 2, kernelSize: 7, padding: 'same' }, [3, 3, 2]],
    ['same with dilation [1, 2]', { filters: 3, kernelSize: 3, padding: 'same', dilation: [1, 2], activation: 'softplus' }, [6, 7, 2]],
  ] as const).map(([label, o, shape]) => ({ label: `conv2d ${label}`, make: () => [layers.conv2d(o as Parameters<typeof layers.conv2d>[0])], inputShape: [...shape] })),
  { label: 'maxPool 2×2', make: () => [layers.maxPool2d({ poolSize: 2 })], inputShape: [4, 6, 3] },
  { label: 'maxPool 3×3 stride 2 same', make: () => [layers.maxPool2d({ poolSize: 3, strides: 2, padding: 'same' })], inputShape: [7, 5, 2] },
  { label: 'avgPool 2×2', make: () => [layers.avgPool2d({ poolSize: 2 })], inputShape: [4, 4, 3] },
  { label: 'avgPool 3×3 stride 1 same', make: () => [layers.avgPool2d({ poolSize: 3, strides: 1, padding: 'same' })], inputShape: [5, 5, 2] },
  { label: 'avgPool 3×3 same countPad', make: () => [layers.avgPool2d({ poolSize: 3, strides: 2, padding: 'same', countPad: true })], inputShape: [5, 6, 2] },
  { label: 'avgPool explicit padding countPad', make: () => [layers.avgPool2d({ poolSize: [3, 2], strides: [1, 2], padding: [1, 2, 0, 1], countPad: true })], inputShape: [5, 6, 2] },
  { label: 'flatten of a conv output (NHWC order) into dense', make: () => img(layers.conv2d({ filters: 3, kernelSize: 2 }), layers.flatten(), layers.dense({ units: 4 })), inputShape: [4, 5, 2] },
  { label: 'flatten of the input', make: () => [layers.flatten(), layers.dense({ units: 3 })], inputShape: [2, 3, 2] },
  { label: 'dropout (identity at inference)', make: () => [layers.dense({ units: 6 }), layers.dropout({ rate: 0.3 })], inputShape: [10] },
  { label: 'batchNorm on [C]', make: () => [layers.batchNorm()], inputShape: [5] },
  { label: 'batchNorm on [H, W, C]', make: () => [layers.batchNorm({ epsilon: 1e-2 })], inputShape: [3, 3, 4] },
  { label: 'batchNorm on [T, C]', make: () => [layers.batchNorm()], inputShape: [4, 3] },
  { label: 'conv, batchNorm, relu, pool (NCHW all along)', make: () => [layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), layers.batchNorm(), layers.activation('relu'), layers.maxPool2d({})], inputShape: [6, 6, 2] },
  { label: 'maxout pieces 2', make: () => [layers.maxout({ pieces: 2 })], inputShape: [8] },
  { label: 'maxout pieces 3 on channels', make: () => [layers.maxout({ pieces: 3 })], inputShape: [2, 2, 6] },
  { label: 'maxout units 4 pieces 3', make: () => [layers.maxout({ units: 4, pieces: 3 })], inputShape: [5] },
  { label: 'maxout after conv, opset 18 (ReduceMax axes as input)', make: () => [layers.conv2d({ filters: 4, kernelSize: 2 }), layers.maxout({ pieces: 2 })], inputShape: [3, 3, 2], options: { opset: 18 } },
  { label: 'residual identity dense', make: () => [layers.residual({ layers: [layers.dense({ units: 6, activation: 'tanh' }), layers.dense({ units: 6 })], activation: 'relu' })], inputShape: [6] },
  { label: 'residual projection dense', make: () => [layers.residual({ layers: [layers.dense({ units: 4, activation: 'tanh' })] })], inputShape: [6] },
  { label: 'residual identity conv', make: () => [layers.residual({ layers: [layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }), layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' })] })], inputShape: [4, 4, 3] },
  { label: 'residual projection conv stride 2', make: () => [layers.residual({ layers: [layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', strides: 2, activation: 'tanh' })], shortcut: 'projection' })], inputShape: [5, 5, 2] },
  { label: 'residual of a maxout and a nested residual', make: () => [layers.residual({ layers: [layers.maxout({ units: 5, pieces: 2 }), layers.residual({ layers: [layers.dense({ units: 5, activation: 'elu' })] })], activation: 'sigmoid' })], inputShape: [5] },
  { label: 'a small CNN ending in softmax', make: () => [layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), layers.avgPool2d({}), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })], inputShape: [8, 8, 1] },
  { label: 'a small CNN, layout nchw', make: () => [layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), layers.maxPool2d({}), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })], inputShape: [8, 8, 2], options: { layout: 'nchw' } },
  { label: 'a fully convolutional model, layout nchw (NCHW output)', make: () => [layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' })], inputShape: [5, 4, 2], options: { layout: 'nchw', inputName: 'images', outputName: 'maps' } },
  { label: 'layout nchw leaves [T, C] samples as they are', make: () => [layers.batchNorm(), layers.dense({ units: 2 })], inputShape: [4, 3], options: { layout: 'nchw' } },
  { label: 'an MLP at opset 13', make: () => [layers.dense({ units: 8, activation: 'relu' }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 3, activation: 'softmax' })], inputShape: [6], options: { opset: 13 } },
];

test('every registered layer kind has an ONNX mapping', () => {
  const kinds = layerKinds();
  assert.ok(kinds.length >= 11, `registered kinds: ${kinds.join(', ')}`);
  for (const k of kinds) assert.ok(EXPORTERS[k], `layer kind ${k} is registered but has no ONNX mapping in src/onnx/export-layers.ts`);
  const covered = new Set<string>();
  const walk = (l: Layer) => { covered.add(l.kind); l.children().forEach(walk); };
  for (const c of CASES) c.make().forEach(walk);
  for (const k of kinds) assert.ok(covered.has(k), `layer kind ${k} has no export test case`);
});

test('the producer version is package.json version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.is(SIMDNET_VERSION, pkg.version);
});

test('the ModelProto: opset, IR version, producer, named input and output, symbolic batch', () => {
  const m = sequential([layers.conv2d({ filters: 2, kernelSize: 3 }), layers.flatten(), layers.dense({ units: 3 })], { inputShape: [5, 5, 1], seed: 1, name: 'tiny' });
  try {
    const p = onnx.ModelProto.decode(toOnnx(m));
    assert.is(Number(p.irVersion), 8);
    assert.is(p.producerName, 'simdnet');
    assert.is(p.producerVersion, SIMDNET_VERSION);
    assert.equal(p.opsetImport!.map((o) => [o.domain, Number(o.version)]), [['', 17]]);
    const g = p.graph!, input = g.input!, output = g.output!;
    const dims = (v: (typeof input)[number]) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    assert.equal(input.map((v) => v.name), ['input']);
    assert.equal(dims(input[0]), ['N', 5, 5, 1]);
    assert.equal(dims(output[0]), ['N', 3]);
    assert.is(p.graph!.name, 'tiny');
  } finally {
    m.dispose();
  }
});

test('options are read strictly', () => {
  const m = sequential([layers.dense({ units: 2 })], { inputShape: [3], seed: 1 });
  try {
    assert.throws(() => toOnnx(m, { opst: 17 } as never), /toOnnx: unknown option "opst"; did you mean "opset"\?/);
    assert.throws(() => toOnnx(m, { opset: 12 }), /toOnnx: opset.*13/);
    assert.throws(() => toOnnx(m, { layout: 'nwhc' } as never), /layout/);
    assert.throws(() => toOnnx(m, { inputName: 'x', outputName: 'x' }), /outputName/);
    assert.throws(() => toOnnx({} as never), /toOnnx: model must be a simdnet Model/);
  } finally {
    m.dispose();
  }
});

for (const [i, c] of CASES.entries()) {
  test(`${c.label}: ONNX Runtime agrees with predict, fromOnnx gives the same bits`, async () => {
    const model = sequential(c.make(), { inputShape: c.inputShape, seed: 10 + i });
    const x = randomInput([3, ...c.inputShape], 100 + i);
    let back;
    try {
      randomizeWeights(model, 1000 + i);
      const want = values(model.predict(x));
      const bytes = toOnnx(model, c.options);
      const nchw = c.options?.layout === 'nchw' && c.inputShape.length === 3;
      const xs = x.toFloat32Array();
      const dims = nchw ? [3, c.inputShape[2], c.inputShape[0], c.inputShape[1]] : [3, ...c.inputShape];
      const got = await runOnnx(bytes, nchw ? nhwcToNchw(xs, [3, ...c.inputShape]) : xs, dims, c.options?.inputName, c.options?.outputName);
      const out = model.outputShape;
      const nchwOut = c.options?.layout === 'nchw' && out.length === 3;
      assert.equal([...got.dims], nchwOut ? [3, out[2], out[0], out[1]] : [3, ...out]);
      compare(c.label, got.data, nchwOut ? nhwcToNchw(want, [3, ...out]) : want);
      back = fromOnnx(bytes);
      assert.equal([...back.inputShape], c.inputShape);
      assert.ok(sameBits(values(back.predict(x)), want), `${c.label}: the re-imported model predicts other bits`);
      assert.is(back.params().length, model.params().length);
    } finally {
      x.dispose(); model.dispose(); back?.dispose();
    }
  });
}

test.run();
