// fast-check fuzzing of the public ops with options objects: conv2d and both backprops, max/avg pooling and their
// gradients, batch norm (training, inference, gradient), dropout and the random ops, by the rule in
// api-fuzz-harness.ts (documented shapes, refusals naming op and argument or option, memory flat). Runtime-neutral.
import { suite } from 'uvu';
import fc from 'fast-check';
import { ready, BUILD } from '../helpers/setup.js';
import { ops, type Tensor } from '../../src/index.js';
import { f32, fails, fuzz, i32, opt, other, shape, type Call, type Expected } from './api-fuzz-harness.js';

await ready();
const test = suite(`ops: fuzzing conv, pooling, batch norm, dropout, random [${BUILD}]`);

type T = Tensor;
type P = number | [number, number];
const small = (max: number) => fc.integer({ min: 1, max });
const pairOf = (max: number): fc.Arbitrary<P> => fc.oneof(small(max), fc.tuple(small(max), small(max)));
const two = (p: P | undefined, d: number): [number, number] => (p === undefined ? [d, d] : typeof p === 'number' ? [p, p] : p);
const padding = (max: number) => opt(fc.oneof(fc.constantFrom('same' as const, 'valid' as const),
  fc.tuple(fc.nat(max), fc.nat(max), fc.nat(max), fc.nat(max))));

/** Output size along one axis (TensorFlow's 'same': ⌈n/s⌉), the test's own statement of the geometry. */
function outDim(n: number, k: number, s: number, d: number, pad: 'same' | 'valid' | [number, number]): number {
  if (pad === 'same') return Math.ceil(n / s);
  const [a, b] = pad === 'valid' ? [0, 0] : pad;
  const eff = (k - 1) * d + 1;
  return n + a + b < eff ? 0 : Math.floor((n + a + b - eff) / s) + 1;
}

interface Geo { N: number; H: number; W: number; inC: number; outC: number; kh: number; kw: number; strides?: P; dilations?: P; padding?: 'same' | 'valid' | [number, number, number, number] }
const geometry = fc.record({
  N: small(2), H: small(7), W: small(7), inC: small(3), outC: small(3), kh: small(3), kw: small(3),
  strides: opt(pairOf(3)), dilations: opt(pairOf(2)), padding: padding(2),
}).map((g) => g as Geo);

function convOut(g: Geo): [number, number] {
  const [sh, sw] = two(g.strides, 1), [dh, dw] = two(g.dilations, 1);
  const p = g.padding ?? 'valid';
  const [ph, pw]: ['same' | 'valid' | [number, number], 'same' | 'valid' | [number, number]] = Array.isArray(p) ? [[p[0], p[1]], [p[2], p[3]]] : [p, p];
  return [outDim(g.H, g.kh, sh, dh, ph), outDim(g.W, g.kw, sw, dw, pw)];
}
const spatial = (g: Geo) => ({ strides: g.strides, padding: g.padding, dilations: g.dilations });
const SPATIAL_BAD = {
  strides: [0, -1, 1.5, NaN, [1], [1, 2, 3], '1', null, 2 ** 31, [1, 0]],
  padding: ['SAME', 'full', [1, 1, 1], [-1, 0, 0, 0], [0.5, 0, 0, 0], 1, null, [2 ** 31, 0, 0, 0]],
  dilations: [0, 1.5, [0, 1], 'x', null],
};
const SHAPE_BAD = [[2, 5, 5], [0, 5, 5, 3], [1, 5, 5, 1.5], [1, -5, 5, 3], '1,5,5,3', null, undefined, [1, NaN, 5, 3], [2 ** 16, 2 ** 16, 2, 1]];

test('conv2d(x, w, { strides, padding, dilations, bias })', () => {
  const calls = fc.tuple(geometry, fc.boolean()).map(([g, bias]): Call => {
    const [OH, OW] = convOut(g);
    return {
      tensors: { x: [g.N, g.H, g.W, g.inC], w: [g.kh, g.kw, g.inC, g.outC], ...(bias ? { bias: [g.outC] } : {}) },
      options: { ...spatial(g), ...(bias ? { bias: { $tensor: 'bias' } } : {}) }, args: {},
      expect: OH >= 1 && OW >= 1 ? { out: f32([g.N, OH, OW, g.outC]) } : fails('x', 'too small'),
    };
  });
  fuzz({
    op: 'conv2d', calls, run: (t, o) => ops.conv2d(t.x as T, t.w as T, o as ops.Conv2dOptions),
    keys: ['strides', 'padding', 'dilations', 'bias'], optionalOptions: true, bad: { ...SPATIAL_BAD, bias: [5, 'b', null, {}] },
    faults: (c) => {
      const { x, w } = c.tensors;
      const out: Call[] = [
        { ...c, tensors: { ...c.tensors, x: x.slice(1) }, expect: fails('x', '4-D') },
        { ...c, tensors: { ...c.tensors, w: [w[0], w[1], w[2] + 1, w[3]] }, expect: fails('w', 'x') },
        { ...c, tensors: { ...c.tensors, w: w.slice(1) }, expect: fails('w', '4-D') },
      ];
      if (c.tensors.bias) out.push({ ...c, tensors: { ...c.tensors, bias: [w[3] + 1] }, expect: fails('bias') });
      return out;
    },
  }, 1000);
});

test('conv2dBackpropInput(dy, w, { inputShape, … }) and conv2dBackpropFilter(x, dy, { filterShape, bias, … })', () => {
  const calls = (filter: boolean) => fc.tuple(geometry, fc.boolean()).map(([g, bias]): Call => {
    const [OH, OW] = convOut(g);
    const xs = [g.N, g.H, g.W, g.inC], ws = [g.kh, g.kw, g.inC, g.outC], dy = [g.N, Math.max(OH, 1), Math.max(OW, 1), g.outC];
    const empty = OH < 1 || OW < 1;
    if (!filter) {
      return { tensors: { dy, w: ws }, options: { inputShape: xs, ...spatial(g) }, args: {}, expect: empty ? fails('inputShape', 'too small') : { out: f32(xs) } };
    }
    const expect: Expected = empty ? fails('x', 'too small') : { out: bias ? { dw: f32(ws), db: f32([g.outC]) } : f32(ws) };
    return { tensors: { x: xs, dy }, options: { filterShape: ws, ...spatial(g), ...(bias ? { bias: true } : {}) }, args: {}, expect };
  });
  fuzz({
    op: 'conv2dBackpropInput', calls: calls(false), run: (t, o) => ops.conv2dBackpropInput(t.dy as T, t.w as T, o as ops.Conv2dBackpropInputOptions),
    keys: ['inputShape', 'strides', 'padding', 'dilations'], bad: { ...SPATIAL_BAD, inputShape: SHAPE_BAD },
    faults: (c) => {
      const xs = (c.options as { inputShape: number[] }).inputShape, w = c.tensors.w;
      return [
        { ...c, tensors: { ...c.tensors, dy: other(c.tensors.dy) }, expect: c.expect && 'error' in c.expect ? c.expect : fails('dy') },
        { ...c, tensors: { ...c.tensors, w: [w[0], w[1], w[2] + 1, w[3]] }, expect: fails('w', 'inputShape') },
        { ...c, options: { ...(c.options as object), inputShape: xs.slice(1) }, expect: fails('inputShape', '4-D') },
      ];
    },
  }, 1100);
  fuzz({
    op: 'conv2dBackpropFilter', calls: calls(true), run: (t, o) => ops.conv2dBackpropFilter(t.x as T, t.dy as T, o as ops.Conv2dBackpropFilterOptions),
    keys: ['filterShape', 'strides', 'padding', 'dilations', 'bias'], bad: { ...SPATIAL_BAD, filterShape: SHAPE_BAD, bias: [1, 'yes', null] },
    faults: (c) => {
      const ws = (c.options as { filterShape: number[] }).filterShape;
      return [
        { ...c, tensors: { ...c.tensors, dy: other(c.tensors.dy) }, expect: 'error' in c.expect ? c.expect : fails('dy') },
        { ...c, options: { ...(c.options as object), filterShape: [ws[0], ws[1], ws[2] + 1, ws[3]] }, expect: fails('filterShape', 'x') },
        { ...c, tensors: { ...c.tensors, x: c.tensors.x.slice(1) }, expect: fails('x', '4-D') },
      ];
    },
  }, 1150);
});

// Pooling: explicit pads must stay below the window on every side.
const pools = (avg: boolean, grad: boolean) => fc.record({
  N: small(2), H: small(6), W: small(6), C: small(3), poolSize: pairOf(3), strides: opt(pairOf(3)), padding: padding(2),
  countPad: avg ? opt(fc.boolean()) : fc.constant(undefined),
}).map((g): Call => {
  const [ph, pw] = two(g.poolSize, 0), [sh, sw] = two(g.strides ?? g.poolSize, 0);
  const p = g.padding ?? 'valid';
  const xs = [g.N, g.H, g.W, g.C];
  const options = { poolSize: g.poolSize, strides: g.strides, padding: g.padding, ...(avg ? { countPad: g.countPad } : {}) };
  const tooBig = Array.isArray(p) && (p[0] >= ph || p[1] >= ph || p[2] >= pw || p[3] >= pw);
  const OH = outDim(g.H, ph, sh, 1, Array.isArray(p) ? [p[0], p[1]] : p), OW = outDim(g.W, pw, sw, 1, Array.isArray(p) ? [p[2], p[3]] : p);
  const expect = tooBig ? fails('padding', 'poolSize') : OH < 1 || OW < 1 ? fails('x', 'too small') : { out: f32(grad ? xs : [g.N, OH, OW, g.C]) };
  return { tensors: grad ? { x: xs, dy: [g.N, Math.max(OH, 1), Math.max(OW, 1), g.C] } : { x: xs }, options, args: {}, expect };
});
for (const [i, op] of (['maxPool2d', 'avgPool2d', 'maxPool2dGrad', 'avgPool2dGrad'] as const).entries()) {
  const avg = op.startsWith('avg'), grad = op.endsWith('Grad');
  test(`${op}(x${grad ? ', dy' : ''}, { poolSize, strides, padding${avg ? ', countPad' : ''} })`, () => fuzz({
    op, calls: pools(avg, grad),
    run: (t, o) => (grad ? (ops[op] as (x: T, dy: T, o: unknown) => T)(t.x as T, t.dy as T, o) : (ops[op] as (x: T, o: unknown) => T)(t.x as T, o)),
    keys: ['poolSize', 'strides', 'padding', ...(avg ? ['countPad'] : [])],
    bad: { poolSize: [0, 1.5, [2], 'x', null, undefined, [2, -1]], strides: [0, [1, 0], 'x'], padding: ['SAME', [1, 1], null], ...(avg ? { countPad: [1, 'yes', null] } : {}) },
    faults: (c) => [
      { ...c, tensors: { ...c.tensors, x: c.tensors.x.slice(1) }, expect: fails('x', '4-D') },
      ...(grad ? [{ ...c, tensors: { ...c.tensors, dy: other(c.tensors.dy) }, expect: 'error' in c.expect ? c.expect : fails('dy') }] : []),
    ],
  }, 1200 + 10 * i));
}

test('batchNorm, batchNormInference and batchNormGrad: per-channel tensors [C] for x [..., C]', () => {
  const dims = fc.tuple(shape(0, 3), small(5));
  const train = fc.tuple(dims, opt(fc.record({
    epsilon: opt(fc.double({ min: 1e-6, max: 1, noNaN: true })), momentum: opt(fc.double({ min: 0, max: 1, noNaN: true })), moving: fc.boolean(),
  }))).map(([[lead, C], o]): Call => {
    const { moving, ...rest } = o ?? { moving: false };
    return {
      tensors: { x: [...lead, C], gamma: [C], beta: [C], ...(moving ? { movingMean: [C], movingVariance: [C] } : {}) },
      options: o && { ...rest, ...(moving ? { movingMean: { $tensor: 'movingMean' }, movingVariance: { $tensor: 'movingVariance' } } : {}) },
      args: {}, expect: { out: { y: f32([...lead, C]), mean: f32([C]), invStd: f32([C]) } },
    };
  });
  const channelFaults = (names: string[]) => (c: Call): Call[] => [
    ...names.map((n) => ({ ...c, tensors: { ...c.tensors, [n]: other(c.tensors[n]) }, expect: fails(n) })),
    { ...c, tensors: { ...c.tensors, x: [] }, expect: fails('x') },
  ];
  const epsilonBad = [0, -1, NaN, 1e-50, '1e-3', null];
  fuzz({
    op: 'batchNorm', calls: train, run: (t, o) => ops.batchNorm(t.x as T, t.gamma as T, t.beta as T, o as ops.BatchNormOptions),
    keys: ['epsilon', 'momentum', 'movingMean', 'movingVariance'], optionalOptions: true,
    bad: { epsilon: epsilonBad, momentum: [-0.1, 1.5, NaN, '0.9', null], movingMean: [5, 'x', null, {}], movingVariance: [[1]] },
    faults: (c) => [
      ...channelFaults(['gamma', 'beta'])(c),
      ...(c.tensors.movingMean ? [
        { ...c, tensors: { ...c.tensors, movingMean: other(c.tensors.movingMean) }, expect: fails('movingMean') },
        { ...c, options: { ...(c.options as object), movingVariance: { $tensor: 'movingMean' } }, expect: fails('movingVariance') },
        { ...c, options: { ...(c.options as object), movingMean: { $tensor: 'gamma' } }, expect: fails('movingMean') },
      ] : []),
    ],
  }, 1300);
  const infer = fc.tuple(dims, opt(fc.record({ epsilon: opt(fc.double({ min: 1e-6, max: 1, noNaN: true })) }))).map(([[lead, C], o]): Call => ({
    tensors: { x: [...lead, C], gamma: [C], beta: [C], movingMean: [C], movingVariance: [C] }, options: o, args: {}, expect: { out: f32([...lead, C]) },
  }));
  fuzz({
    op: 'batchNormInference', calls: infer,
    run: (t, o) => ops.batchNormInference(t.x as T, t.gamma as T, t.beta as T, t.movingMean as T, t.movingVariance as T, o as { epsilon?: number }),
    keys: ['epsilon'], optionalOptions: true, bad: { epsilon: epsilonBad }, faults: channelFaults(['gamma', 'beta', 'movingMean', 'movingVariance']),
  }, 1350);
  const grad = dims.map(([lead, C]): Call => ({
    tensors: { x: [...lead, C], dy: [...lead, C], gamma: [C], mean: [C], invStd: [C] }, args: {},
    expect: { out: { dx: f32([...lead, C]), dGamma: f32([C]), dBeta: f32([C]) } },
  }));
  fuzz({
    op: 'batchNormGrad', calls: grad, run: (t) => ops.batchNormGrad(t.x as T, t.dy as T, t.gamma as T, t.mean as T, t.invStd as T),
    faults: (c) => [...channelFaults(['gamma', 'mean', 'invStd'])(c), { ...c, tensors: { ...c.tensors, dy: other(c.tensors.dy) }, expect: fails('dy') }],
  }, 1400);
});

const SEED_BAD = { seed: [-1, 1.5, NaN, '7', null, undefined, 2 ** 53, -1n, 2n ** 64n], stream: [-1, 2 ** 32, 0.5, '0', null], offset: [-1, 0.5, 2 ** 53, '0'] };
const draw = { seed: fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), stream: opt(fc.nat(2 ** 32 - 1)), offset: opt(fc.nat(2 ** 40)) };

test('dropout(x, { seed, stream, offset, rate }) and dropoutGrad(dy, mask)', () => {
  const calls = fc.tuple(shape(0, 4), fc.record({ ...draw, rate: fc.double({ min: 0, max: 0.99, noNaN: true }) })).map(([s, o]): Call => ({
    tensors: { x: s }, options: o, args: {}, expect: { out: { y: f32(s), mask: f32(s) } },
  }));
  fuzz({
    op: 'dropout', calls, run: (t, o) => ops.dropout(t.x as T, o as never), keys: ['seed', 'stream', 'offset', 'rate'],
    bad: { ...SEED_BAD, rate: [1, -0.1, NaN, '0.5', undefined, null] },
  }, 1500);
  fuzz({
    op: 'dropoutGrad', calls: shape(0, 4).map((s) => ({ tensors: { dy: s, mask: s }, args: {}, expect: { out: f32(s) } })),
    run: (t) => ops.dropoutGrad(t.dy as T, t.mask as T), faults: (c) => [{ ...c, tensors: { dy: c.tensors.dy, mask: other(c.tensors.mask) }, expect: fails('dy', 'mask') }],
  }, 1550);
});

test('randomUniform, randomNormal (shape, options) and randomPermutation(n, options)', () => {
  const SHAPES_BAD = [[0], [-1], [1.5], [NaN], 'x', null, undefined, [2, '3'], [2 ** 20, 2 ** 20], 5];
  const uniform = fc.tuple(shape(0, 4), fc.record({ ...draw, lo: opt(fc.double({ min: -5, max: -1, noNaN: true })), hi: opt(fc.double({ min: 1, max: 5, noNaN: true })) }))
    .map(([s, o]): Call => ({ tensors: {}, options: o, args: { shape: s }, expect: { out: f32(s) } }));
  fuzz({
    op: 'randomUniform', calls: uniform, run: (_t, o, a) => ops.randomUniform(a.shape as number[], o as never),
    keys: ['seed', 'stream', 'offset', 'lo', 'hi'], bad: { ...SEED_BAD, lo: [NaN, 'x', Infinity, null], hi: [-Infinity, '1'] }, badArgs: { shape: SHAPES_BAD },
    faults: (c) => [{ ...c, options: { ...(c.options as object), lo: 1, hi: 1 }, expect: fails('lo', 'hi') }],
  }, 1600);
  const normal = fc.tuple(shape(0, 4), fc.record({ ...draw, mean: opt(fc.double({ min: -5, max: 5, noNaN: true })), std: opt(fc.double({ min: 0, max: 5, noNaN: true })) }))
    .map(([s, o]): Call => ({ tensors: {}, options: o, args: { shape: s }, expect: { out: f32(s) } }));
  fuzz({
    op: 'randomNormal', calls: normal, run: (_t, o, a) => ops.randomNormal(a.shape as number[], o as never),
    keys: ['seed', 'stream', 'offset', 'mean', 'std'], bad: { ...SEED_BAD, mean: [NaN, '0'], std: [-1, NaN, Infinity, null] }, badArgs: { shape: SHAPES_BAD },
  }, 1650);
  const perm = fc.tuple(fc.integer({ min: 1, max: 50 }), fc.record(draw)).map(([n, o]): Call => ({
    tensors: {}, options: o, args: { n }, expect: { out: { indices: i32([n]), wordsUsed: 'number' } },
  }));
  fuzz({
    op: 'randomPermutation', calls: perm, run: (_t, o, a) => ops.randomPermutation(a.n as number, o as never),
    keys: ['seed', 'stream', 'offset'], bad: SEED_BAD, badArgs: { n: [0, -1, 1.5, NaN, '5', null, undefined, 2 ** 31] },
  }, 1700);
});

test.run();
