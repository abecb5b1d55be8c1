// fast-check fuzzing of the public ops on tensors (matMul, elementwise with broadcasting, activations and their
// gradients, softmax family, reductions with axes, maxout, softmaxCrossEntropy) by the rule in api-fuzz-harness.ts:
// valid calls give the documented shapes, invalid ones are refused naming the op and the argument, memory stays flat.
// Convolution, pooling, batch norm, dropout and random ops are in api-fuzz-conv.test.ts. Runtime-neutral.
import { suite } from 'uvu';
import fc from 'fast-check';
import { ready, BUILD } from '../helpers/setup.js';
import { ops, type Tensor } from '../../src/index.js';
import { f32, fails, fuzz, i32, opt, other, shape, type Call } from './api-fuzz-harness.js';

await ready();
const test = suite(`ops: fuzzing the public API [${BUILD}]`);

type T = Tensor;
const any = ops as unknown as Record<string, (...args: unknown[]) => unknown>;
const ALPHA_BAD = [NaN, Infinity, '0.1', null, {}, [0.1]];

// Unary ops: x of any rank (a scalar [] too) → x's shape.
for (const [i, op] of ['relu', 'sigmoid', 'tanh', 'softplus', 'exp', 'log'].entries()) {
  test(`${op}(x)`, () => fuzz({
    op, calls: shape(0, 4).map((s) => ({ tensors: { x: s }, args: {}, expect: { out: f32(s) } })),
    run: (t) => any[op](t.x),
  }, 100 + 10 * i));
}

for (const [i, op] of ['leakyRelu', 'elu'].entries()) {
  test(`${op}(x, alpha)`, () => fuzz({
    op, calls: fc.tuple(shape(0, 4), opt(fc.double({ min: -3, max: 3, noNaN: true }))).map(([s, alpha]) => ({ tensors: { x: s }, args: { alpha }, expect: { out: f32(s) } })),
    run: (t, _o, a) => any[op](t.x, a.alpha), badArgs: { alpha: ALPHA_BAD },
  }, 200 + 10 * i));
}

// Gradients from x and dy of one shape.
const gradFaults = (c: Call): Call[] => [{ ...c, tensors: { x: c.tensors.x, dy: other(c.tensors.x) }, expect: fails('x', 'dy') }];
for (const [i, op] of ['reluGrad', 'sigmoidGrad', 'tanhGrad', 'softplusGrad', 'leakyReluGrad', 'eluGrad'].entries()) {
  const alpha = op === 'leakyReluGrad' || op === 'eluGrad';
  test(`${op}(x, dy${alpha ? ', alpha' : ''})`, () => fuzz({
    op, calls: fc.tuple(shape(0, 4), opt(fc.double({ min: -3, max: 3, noNaN: true }))).map(([s, a]) => ({
      tensors: { x: s, dy: s }, args: alpha ? { alpha: a } : {}, expect: { out: f32(s) },
    })),
    run: (t, _o, a) => (alpha ? any[op](t.x, t.dy, a.alpha) : any[op](t.x, t.dy)),
    badArgs: alpha ? { alpha: ALPHA_BAD } : undefined, faults: gradFaults,
  }, 300 + 10 * i));
}

// softmax family over the last axis: x needs one.
for (const [i, op] of ['softmax', 'logSoftmax'].entries()) {
  test(`${op}(x) and ${op}Grad(x, dy)`, () => {
    fuzz({
      op, calls: shape(1, 4).map((s) => ({ tensors: { x: s }, args: {}, expect: { out: f32(s) } })),
      run: (t) => any[op](t.x), faults: () => [{ tensors: { x: [] }, args: {}, expect: fails('x') }],
    }, 400 + 10 * i);
    fuzz({
      op: `${op}Grad`, calls: shape(1, 4).map((s) => ({ tensors: { x: s, dy: s }, args: {}, expect: { out: f32(s) } })),
      run: (t) => any[`${op}Grad`](t.x, t.dy),
      faults: (c) => [...gradFaults(c), { tensors: { x: [], dy: [] }, args: {}, expect: fails('x') }],
    }, 450 + 10 * i);
  });
}

// add, sub, mul: b of a's shape, a trailing part of it, or a number.
for (const [i, op] of ['add', 'sub', 'mul'].entries()) {
  const calls = shape(0, 4).chain((a) => fc.oneof(
    fc.nat(a.length).map((k) => ({ tensors: { a, b: a.slice(a.length - k) }, args: {}, expect: { out: f32(a) } })),
    fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((b) => ({ tensors: { a }, args: { b }, expect: { out: f32(a) } })),
  ));
  test(`${op}(a, b) with broadcasting`, () => fuzz({
    op, calls, run: (t, _o, a) => any[op](t.a, 'b' in t ? t.b : a.b),
    faults: (c) => {
      const a = c.tensors.a;
      const out: Call[] = [{ tensors: { a, b: [7, ...a] }, args: {}, expect: fails('a', 'b') }];
      if (a.length) out.push({ tensors: { a, b: [a[a.length - 1] + 1] }, args: {}, expect: fails('a', 'b') });
      return out;
    },
  }, 500 + 10 * i));
}

// Reductions: axis in [−rank, rank) or none; keepDims.
function reduced(s: number[], axis: number | undefined, keepDims: boolean): number[] {
  if (axis === undefined) return keepDims ? s.map(() => 1) : [1];
  const a = axis < 0 ? axis + s.length : axis;
  const r = keepDims ? s.map((d, i) => (i === a ? 1 : d)) : s.filter((_, i) => i !== a);
  return r.length ? r : [1];
}
const axisOf = (s: number[]) => (s.length ? opt(fc.integer({ min: -s.length, max: s.length - 1 })) : fc.constant(undefined));
for (const [i, op] of ['sum', 'mean', 'max'].entries()) {
  test(`${op}(x, axis, keepDims)`, () => fuzz({
    op, calls: shape(0, 4).chain((s) => fc.tuple(axisOf(s), opt(fc.boolean())).map(([axis, keepDims]) => ({
      tensors: { x: s }, args: { axis, keepDims }, expect: { out: f32(reduced(s, axis, keepDims ?? false)) },
    }))),
    run: (t, _o, a) => any[op](t.x, a.axis, a.keepDims),
    badArgs: { axis: [0.5, NaN, '0', null, 1e9, -1e9, Infinity], keepDims: ['yes', 1, null] },
  }, 600 + 10 * i));
}
test('argMax(x, axis)', () => fuzz({
  op: 'argMax', calls: shape(0, 4).chain((s) => axisOf(s).map((axis) => ({ tensors: { x: s }, args: { axis }, expect: { out: i32(reduced(s, axis, false)) } }))),
  run: (t, _o, a) => ops.argMax(t.x as T, a.axis as number), badArgs: { axis: [0.5, NaN, '0', null, 1e9, -1e9] },
}, 650));

test('matMul(a, b, { transposeA, transposeB })', () => {
  const dims = fc.integer({ min: 1, max: 9 });
  const calls = fc.tuple(dims, dims, dims, opt(fc.record({ transposeA: opt(fc.boolean()), transposeB: opt(fc.boolean()) }))).map(([M, K, N, o]) => ({
    tensors: { a: o?.transposeA ? [K, M] : [M, K], b: o?.transposeB ? [N, K] : [K, N] }, options: o, args: {}, expect: { out: f32([M, N]) },
  }));
  fuzz({
    op: 'matMul', calls, run: (t, o) => ops.matMul(t.a as T, t.b as T, o as ops.MatMulOptions), keys: ['transposeA', 'transposeB'], optionalOptions: true,
    bad: { transposeA: [1, 'yes', null, 0], transposeB: ['no', {}] },
    faults: (c) => {
      const [a, b] = [c.tensors.a, c.tensors.b];
      return [
        { ...c, tensors: { a: [...a, 2], b }, expect: fails('a', '2-D') },
        { ...c, tensors: { a, b: [b[0]] }, expect: fails('b', '2-D') },
        { ...c, tensors: { a, b: [b[0] + 1, b[1] + 1] }, expect: fails('a', 'b') },
      ];
    },
  }, 700);
});

test('maxout(x, k) and maxoutGrad(x, dy, k)', () => {
  const calls = fc.tuple(shape(0, 3), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).map(([lead, C, k]) => ({
    tensors: { x: [...lead, C * k] }, args: { k }, expect: { out: f32([...lead, C]) },
  }));
  const badArgs = { k: [0, -1, 1.5, NaN, '2', undefined, null] };
  const faults = (c: Call): Call[] => [
    { ...c, tensors: { ...c.tensors, x: [] }, expect: fails('x') },
    { ...c, args: { k: c.tensors.x[c.tensors.x.length - 1] + 1 }, expect: fails('x', 'k') },
  ];
  fuzz({ op: 'maxout', calls, run: (t, _o, a) => ops.maxout(t.x as T, a.k as number), badArgs, faults }, 800);
  const withDy = calls.map((c) => ({ ...c, tensors: { x: c.tensors.x, dy: c.tensors.x.slice(0, -1).concat(c.tensors.x[c.tensors.x.length - 1] / (c.args.k as number)) }, expect: { out: f32(c.tensors.x) } }));
  fuzz({
    op: 'maxoutGrad', calls: withDy, run: (t, _o, a) => ops.maxoutGrad(t.x as T, t.dy as T, a.k as number), badArgs,
    faults: (c) => [{ ...c, tensors: { x: c.tensors.x, dy: other(c.tensors.dy) }, expect: fails('dy') }, ...faults(c)],
  }, 850);
});

test('softmaxCrossEntropy(logits, target, { gradient, gradScale })', () => {
  const dims = fc.integer({ min: 1, max: 6 });
  const calls = fc.tuple(dims, dims, opt(fc.record({ gradient: opt(fc.boolean()), gradScale: opt(fc.double({ min: -2, max: 2, noNaN: true })) }))).map(([N, C, o]) => ({
    tensors: { logits: [N, C], target: [N, C] }, options: o, args: {},
    expect: { out: o?.gradient ? { loss: f32([N]), dLogits: f32([N, C]) } : { loss: f32([N]) } },
  }));
  fuzz({
    op: 'softmaxCrossEntropy', calls, run: (t, o) => ops.softmaxCrossEntropy(t.logits as T, t.target as T, o as never),
    keys: ['gradient', 'gradScale'], optionalOptions: true, bad: { gradient: [1, 'yes', null], gradScale: [NaN, Infinity, '1', null] },
    faults: (c) => [
      { ...c, tensors: { logits: c.tensors.logits, target: other(c.tensors.target) }, expect: fails('logits', 'target') },
      { ...c, tensors: { logits: [...c.tensors.logits, 2], target: [...c.tensors.target, 2] }, expect: fails('logits', '2-D') },
    ],
  }, 900);
});

test.run();
