// Every layer passes gradCheck (finite differences vs backprop) in every configuration it supports: parameters and
// the input gradient, with inputs kept off kinks by the checker's kink detection.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { tensor, layers, gradCheck, initializers, regularizers, type Tensor } from '../../src/index.js';
import type { Layer } from '../../src/layers/index.js';

await ready();
const test = suite(`layer gradients [${BUILD}]`);

function input(seed: number, shape: number[], lo = -1, hi = 1): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(rng.array(n, lo, hi), shape);
}

function check(label: string, layer: Layer, x: Tensor, opts = {}): void {
  const r = gradCheck(layer, { x }, { seed: 5, ...opts });
  layer.dispose();
  x.dispose();
  assert.ok(r.passed, `${label}:\n${r.report}`);
  assert.ok(r.checks.length >= 1 && r.checks.every((c) => c.checked > 0), `${label}: nothing was checked\n${r.report}`);
}

test('dense: every activation, with and without bias, on 1-D and 2-D samples', () => {
  let seed = 1;
  for (const activation of ['linear', 'relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'softplus', 'softmax'] as const) {
    for (const useBias of [true, false]) {
      check(`dense ${activation} bias=${useBias}`, layers.dense({ units: 5, activation, useBias, biasInitializer: initializers.uniform(-0.5, 0.5) }), input(seed++, [4, 7]));
    }
  }
  check('dense on [n, 3, 6]', layers.dense({ units: 4, activation: 'tanh' }), input(seed++, [2, 3, 6]));
});

test('activation and leakyRelu layers', () => {
  let seed = 100;
  for (const a of ['relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'softmax', 'linear'] as const) check(`activation ${a}`, layers.activation(a), input(seed++, [3, 9], -3, 3));
  check('leakyRelu 0.1', layers.leakyRelu({ alpha: 0.1 }), input(seed++, [3, 9], -3, 3));
});

test('conv2d: kernel sizes, strides, padding, dilation, bias, activation, odd channels', () => {
  let seed = 200;
  const cases: [string, Parameters<typeof layers.conv2d>[0], number[]][] = [
    ['3×3 valid', { filters: 4, kernelSize: 3 }, [2, 6, 6, 3]],
    ['3×3 same relu', { filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }, [2, 5, 5, 2]],
    ['5×5 same stride 2', { filters: 3, kernelSize: 5, padding: 'same', strides: 2 }, [1, 7, 7, 3]],
    ['1×1 no bias', { filters: 6, kernelSize: 1, useBias: false }, [2, 4, 4, 5]],
    ['3×2 stride [2, 1] dilation 2 tanh', { filters: 2, kernelSize: [3, 2], strides: [2, 1], dilation: 2, activation: 'tanh' }, [1, 9, 6, 1]],
    ['explicit asymmetric padding', { filters: 3, kernelSize: 3, padding: [1, 0, 2, 1] }, [2, 4, 5, 2]],
    ['7×7 same on 3×3 (kernel larger than input)', { filters: 2, kernelSize: 7, padding: 'same' }, [1, 3, 3, 2]],
  ];
  for (const [label, o, shape] of cases) check(`conv2d ${label}`, layers.conv2d({ ...o, biasInitializer: initializers.uniform(-0.2, 0.2) }), input(seed++, shape));
});

test('maxPool2d and avgPool2d: windows, strides, padding, countPad', () => {
  let seed = 300;
  check('maxPool 2×2', layers.maxPool2d({ poolSize: 2 }), input(seed++, [2, 4, 6, 3]));
  check('maxPool 3×3 stride 2 same', layers.maxPool2d({ poolSize: 3, strides: 2, padding: 'same' }), input(seed++, [1, 7, 5, 2]));
  check('avgPool 2×2', layers.avgPool2d({ poolSize: 2 }), input(seed++, [2, 4, 4, 3]));
  check('avgPool 3×3 stride 1 same', layers.avgPool2d({ poolSize: 3, strides: 1, padding: 'same' }), input(seed++, [1, 5, 5, 2]));
  check('avgPool 3×3 same countPad', layers.avgPool2d({ poolSize: 3, strides: 2, padding: 'same', countPad: true }), input(seed++, [1, 5, 6, 2]));
});

test('flatten, dropout (fixed mask), batchNorm (training and inference), maxout', () => {
  let seed = 400;
  check('flatten', layers.flatten(), input(seed++, [2, 3, 2, 2]));
  check('dropout 0.3', layers.dropout({ rate: 0.3 }), input(seed++, [4, 10]));
  check('dropout 0.3 inference (identity)', layers.dropout({ rate: 0.3 }), input(seed++, [4, 10]), { training: false });
  check('batchNorm on [n, C]', layers.batchNorm(), input(seed++, [6, 5], -2, 2));
  check('batchNorm on [n, H, W, C]', layers.batchNorm({ epsilon: 1e-2 }), input(seed++, [2, 3, 3, 4], -2, 2));
  check('maxout pieces 2', layers.maxout({ pieces: 2 }), input(seed++, [3, 8]));
  check('maxout pieces 3 on channels', layers.maxout({ pieces: 3 }), input(seed++, [2, 2, 2, 6]));
  check('maxout units 4 pieces 3', layers.maxout({ units: 4, pieces: 3 }), input(seed++, [3, 5]));
});

test('residual: identity and projection shortcuts, dense and conv blocks, activation after the sum', () => {
  let seed = 500;
  check('residual identity dense', layers.residual({ layers: [layers.dense({ units: 6, activation: 'tanh' }), layers.dense({ units: 6 })], activation: 'relu' }), input(seed++, [3, 6]));
  check('residual projection dense', layers.residual({ layers: [layers.dense({ units: 4, activation: 'tanh' })] }), input(seed++, [3, 6]));
  check('residual identity conv', layers.residual({ layers: [layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }), layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' })] }), input(seed++, [2, 4, 4, 3]));
  check('residual projection conv stride 2', layers.residual({ layers: [layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', strides: 2, activation: 'tanh' })], shortcut: 'projection' }), input(seed++, [2, 5, 5, 2]));
});

test('batchNorm backward after an inference forward is refused with its name', () => {
  const x = input(700, [3, 5]);
  assert.throws(() => gradCheck(layers.batchNorm({ name: 'bn' }), { x }, { training: false }), /batchNorm "bn": backward needs a training-mode forward/);
  x.dispose();
});

test('regularized parameters still check (the regularizer acts in the model, not the layer)', () => {
  check('dense l2', layers.dense({ units: 3, kernelRegularizer: regularizers.l2(0.1) }), input(600, [2, 4]));
});

test.run();
