// The checker checked: planted wrong backward passes must fail gradCheck, naming the tensor and the index; a right
// one passes; kinks are skipped, not failed; bad targets and inputs are refused clearly.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { tensor, layers, gradCheck, type Tensor } from '../../src/index.js';
import { Dense } from '../../src/layers/dense.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`gradCheck itself [${BUILD}]`);

function input(seed: number, shape: number[]): Tensor {
  return tensor(new Rng(seed).array(shape.reduce((a, b) => a * b, 1)), shape);
}

// A dense layer whose kernel gradient is 5% too large.
class ScaledKernelGrad extends Dense {
  override backward(dy: Tensor, n: number): Tensor | null {
    const dx = super.backward(dy, n);
    kern.scale(this.kernel.grad!.ptr, 1.05, this.kernel.grad!.ptr, this.kernel.grad!.size);
    return dx;
  }
}

// A dense layer whose input gradient ignores input element `skip` (of the flattened batch).
class DropsOneInputGrad extends Dense {
  constructor(private readonly skip: number) { super({ units: 3, activation: 'tanh', name: 'leaky_dense' }); }
  override backward(dy: Tensor, n: number): Tensor | null {
    const dx = super.backward(dy, n)!;
    kern.fill(dx.ptr + this.skip * 4, 0, 1);
    return dx;
  }
}

test('a correct layer passes', () => {
  const x = input(1, [4, 6]);
  const r = gradCheck(layers.dense({ units: 3, activation: 'tanh' }), { x });
  assert.ok(r.passed, r.report);
  assert.ok(r.worst && r.worst.maxRelError < 1e-2);
  x.dispose();
});

test('a kernel gradient off by 5% fails, naming the parameter', () => {
  const x = input(2, [4, 6]);
  const r = gradCheck(new ScaledKernelGrad({ units: 3, activation: 'tanh', name: 'scaled' }), { x });
  assert.not.ok(r.passed);
  const bad = r.checks.filter((c) => !c.passed).map((c) => c.name);
  assert.equal(bad, ['scaled/kernel'], r.report);
  assert.match(r.report, /FAIL scaled\/kernel/);
  assert.ok(r.worst!.maxRelError > 0.02 && r.worst!.maxRelError < 0.03, `5% off gives a relative error near 0.024, got ${r.worst!.maxRelError}`);
  x.dispose();
});

test('an input gradient that ignores one element fails at that index', () => {
  for (const skip of [0, 7, 23]) {
    const x = input(3 + skip, [4, 6]);
    const r = gradCheck(new DropsOneInputGrad(skip), { x });
    assert.not.ok(r.passed, `skip ${skip}`);
    const c = r.checks.find((e) => e.name === 'input')!;
    assert.not.ok(c.passed);
    assert.is(c.index, skip);
    assert.is(c.analytic, 0);
    assert.match(r.report, new RegExp(`FAIL input .* at \\[${skip}\\]`));
    assert.ok(r.checks.filter((e) => e.name !== 'input').every((e) => e.passed), r.report);
    x.dispose();
  }
});

test('big tensors are sampled; small ones checked whole', () => {
  const x = input(9, [8, 40]);
  const r = gradCheck(layers.dense({ units: 30, activation: 'tanh' }), { x }, { maxChecksPerTensor: 20 });
  const k = r.checks.find((c) => c.name.endsWith('/kernel'))!;
  assert.ok(k.checked + k.skipped <= 20 && k.checked >= 15, `${k.checked} checked`);
  const b = r.checks.find((c) => c.name.endsWith('/bias'))!;
  assert.is(b.checked + b.skipped, 30 > 20 ? b.checked + b.skipped : 30);
  x.dispose();
});

test('ReLU inputs sitting on the kink are skipped, not failed', () => {
  // x = 0 exactly for half the inputs: relu's derivative is undefined there
  const v = new Rng(10).array(40);
  for (let i = 0; i < 40; i += 2) v[i] = 0;
  const x = tensor(v, [4, 10]);
  const r = gradCheck(layers.activation('relu'), { x });
  const c = r.checks.find((e) => e.name === 'input')!;
  assert.ok(r.passed, r.report);
  assert.ok(c.skipped >= 15, `skipped ${c.skipped}`);
  x.dispose();
});

test('bad targets and inputs are refused', () => {
  const x = input(11, [2, 3]);
  assert.throws(() => gradCheck({} as never, { x }), /target must be a layer, a loss or a model/);
  assert.throws(() => gradCheck(layers.dense({ units: 2 }), {} as never), /give an input batch x/);
  const l = layers.dense({ units: 2, name: 'd' });
  gradCheck(l, { x });
  const x2 = input(12, [2, 5]);
  assert.throws(() => gradCheck(l, { x: x2 }), /x is \[2, 5\], layer "d" takes \[2, 3\]/);
  [x, x2].forEach((t) => t.dispose());
});

test.run();
