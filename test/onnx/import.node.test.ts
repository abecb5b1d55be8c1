// fromOnnx: imported models train further; a PyTorch-style NCHW graph (channels-first flatten into Gemm transB) imports
// and agrees with ONNX Runtime; unsupported operators and attributes are refused naming node, operator and what is
// supported; truncated, forged and mutated files are refused cleanly with nothing left allocated. Node only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { layers, memoryInUse, sequential, tensor } from '../../src/index.js';
import { fromOnnx, toOnnx } from '../../src/onnx/index.js';
import { floatTensor, onnx } from '../../src/onnx/proto.js';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { compare, randomInput, randomizeWeights, runOnnx, values } from './helpers.js';

const test = suite(`simdnet/onnx import [${BUILD}]`);
test.before(ready);

function cnn() {
  const m = sequential([layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }), layers.batchNorm(), layers.maxPool2d({}),
    layers.flatten(), layers.dropout({ rate: 0.25 }), layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [6, 6, 2], seed: 3 });
  randomizeWeights(m, 7);
  return m;
}

test('a re-imported model trains further: compile, trainOnBatch, fit', async () => {
  const m = cnn();
  const back = fromOnnx(toOnnx(m));
  const x = randomInput([8, 6, 6, 2], 1);
  const y = tensor(Int32Array.from({ length: 8 }, (_, i) => i % 4), [8]);
  try {
    assert.is(back.optimizer, undefined);
    back.compile({ optimizer: 'adam', loss: 'sparseCrossEntropy' });
    const before = back.weightsHash();
    const loss = back.trainOnBatch(x, y);
    assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
    assert.is.not(back.weightsHash(), before);
    const h = await back.fit(x, y, { epochs: 2, batchSize: 4 });
    assert.is(h.history.loss.length, 2);
    // dropout came back as dropout, batchNorm with its running statistics
    assert.equal(back.layers.map((l) => l.kind), ['conv2d', 'batchNorm', 'maxPool2d', 'flatten', 'dropout', 'dense']);
    assert.equal(back.layers.map((l) => l.name), m.layers.map((l) => l.name));
  } finally {
    [x, y].forEach((t) => t.dispose()); m.dispose(); back.dispose();
  }
});

/** A graph as PyTorch writes it: NCHW input, Conv, Relu, Flatten (channels first), Gemm with transB, Softmax. */
function torchStyle(): { bytes: Uint8Array; w: Float32Array; fc: Float32Array } {
  const rng = new Rng(5);
  const w = rng.array(2 * 1 * 3 * 3), b = rng.array(2), fc = rng.array(3 * 18), fb = rng.array(3);
  const node = (opType: string, input: string[], output: string, name: string, attribute: object[] = []) => ({ opType, input, output: [output], name, attribute });
  const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v });
  const graph = {
    name: 'torch', node: [
      node('Conv', ['x', 'W', 'B'], 'c', '/conv1/Conv', [ints('kernel_shape', [3, 3]), ints('pads', [0, 0, 0, 0]), ints('strides', [1, 1]), ints('dilations', [1, 1]), { name: 'group', type: 2, i: 1 }]),
      node('Relu', ['c'], 'r', '/Relu'),
      node('Flatten', ['r'], 'f', '/Flatten', [{ name: 'axis', type: 2, i: 1 }]),
      node('Gemm', ['f', 'FC', 'FB'], 'g', '/fc/Gemm', [{ name: 'alpha', type: 1, f: 1 }, { name: 'beta', type: 1, f: 1 }, { name: 'transB', type: 2, i: 1 }]),
      node('Softmax', ['g'], 'y', '/Softmax', [{ name: 'axis', type: 2, i: 1 }]),
    ],
    initializer: [floatTensor('W', [2, 1, 3, 3], w), floatTensor('B', [2], b), floatTensor('FC', [3, 18], fc), floatTensor('FB', [3], fb)],
    input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 1 }, { dimValue: 5 }, { dimValue: 5 }] } } } }],
    output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 3 }] } } } }],
  };
  const bytes = onnx.ModelProto.encode(onnx.ModelProto.fromObject({ irVersion: 8, producerName: 'pytorch', opsetImport: [{ domain: '', version: 17 }], graph })).finish();
  return { bytes, w, fc };
}

test('a PyTorch-style NCHW graph imports: the model takes NHWC and agrees with ONNX Runtime', async () => {
  const { bytes } = torchStyle();
  const m = fromOnnx(bytes);
  const x = randomInput([4, 5, 5, 1], 9);
  try {
    assert.equal([...m.inputShape], [5, 5, 1]);
    assert.equal(m.layers.map((l) => l.kind), ['conv2d', 'flatten', 'dense']);
    // one channel: NHWC and NCHW hold the same values in the same order
    const got = await runOnnx(bytes, x.toFloat32Array(), [4, 1, 5, 5], 'x', 'y');
    const r = compare('torch-style graph', values(m.predict(x)), got.data);
    assert.ok(r.scale > 0.2, `outputs are softmax probabilities (scale ${r.scale})`);
  } finally {
    x.dispose(); m.dispose();
  }
});

test('the channels-first flatten matters: without the row permutation the predictions differ', async () => {
  // Two channels make NCHW and NHWC flatten orders differ; the importer must permute the Gemm rows to agree.
  const rng = new Rng(11);
  const w = rng.array(2 * 2 * 1 * 1), fc = rng.array(2 * 8);
  const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v });
  const graph = {
    name: 'g', node: [
      { opType: 'Conv', input: ['x', 'W'], output: ['c'], name: '/c', attribute: [ints('kernel_shape', [1, 1])] },
      { opType: 'Flatten', input: ['c'], output: ['f'], name: '/f' },
      { opType: 'MatMul', input: ['f', 'FC'], output: ['y'], name: '/m' },
    ],
    initializer: [floatTensor('W', [2, 2, 1, 1], w), floatTensor('FC', [8, 2], fc)],
    input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }, { dimValue: 2 }, { dimValue: 2 }] } } } }],
    output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } } }],
  };
  const bytes = onnx.ModelProto.encode(onnx.ModelProto.fromObject({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })).finish();
  const m = fromOnnx(bytes);
  const x = randomInput([3, 2, 2, 2], 12);
  try {
    const xs = x.toFloat32Array(), nchw = new Float32Array(xs.length);
    for (let n = 0; n < 3; n++) for (let h = 0; h < 2; h++) for (let v = 0; v < 2; v++) for (let c = 0; c < 2; c++) nchw[((n * 2 + c) * 2 + h) * 2 + v] = xs[((n * 2 + h) * 2 + v) * 2 + c];
    const got = await runOnnx(bytes, nchw, [3, 2, 2, 2], 'x', 'y');
    compare('channels-first flatten', values(m.predict(x)), got.data);
  } finally {
    x.dispose(); m.dispose();
  }
});

function edit(bytes: Uint8Array, change: (p: InstanceType<typeof onnx.ModelProto>) => void): Uint8Array {
  const p = onnx.ModelProto.decode(bytes);
  change(p);
  return onnx.ModelProto.encode(p).finish();
}

test('an unsupported operator or attribute is refused naming the node, the operator and what is supported', () => {
  const m = cnn();
  const bytes = toOnnx(m);
  m.dispose();
  const conv = (p: InstanceType<typeof onnx.ModelProto>) => p.graph!.node!.find((n) => n.opType === 'Conv')!;
  assert.throws(() => fromOnnx(edit(bytes, (p) => { conv(p).opType = 'ConvTranspose'; })),
    /fromOnnx: cannot import the ONNX model: node "conv2d_\d+" \(ConvTranspose\): operator ConvTranspose is not supported \(supported: Gemm, MatMul, Add, Conv, MaxPool/);
  assert.throws(() => fromOnnx(edit(bytes, (p) => { conv(p).attribute!.push(onnx.AttributeProto.create({ name: 'group', type: 2, i: 2 })); })),
    /node "conv2d_\d+" \(Conv\): attribute group = 2 is not supported \(supported: 1 \(grouped and depthwise convolutions have no simdnet layer\)\)/);
  assert.throws(() => fromOnnx(edit(bytes, (p) => { conv(p).attribute!.push(onnx.AttributeProto.create({ name: 'foo', type: 2, i: 1 })); })),
    /node "conv2d_\d+" \(Conv\): attribute "foo" is not supported \(supported for Conv: kernel_shape, strides, dilations, pads, group, auto_pad\)/);
  assert.throws(() => fromOnnx(edit(bytes, (p) => { p.graph!.node!.find((n) => n.opType === 'MaxPool')!.attribute!.push(onnx.AttributeProto.create({ name: 'ceil_mode', type: 2, i: 1 })); })),
    /\(MaxPool\): attribute ceil_mode = 1 is not supported \(supported: 0\)/);
  assert.throws(() => fromOnnx(edit(bytes, (p) => { p.graph!.node!.find((n) => n.opType === 'Softmax')!.attribute![0].i = 0; })),
    /\(Softmax\): softmax over axis 0 of a rank-2 tensor is not supported/);
  assert.throws(() => fromOnnx(edit(bytes, (p) => { p.opsetImport![0].version = 25; })), /opset 25 is not supported \(9 to 21\)/);
});

test('truncated, forged and mutated files are refused cleanly, nothing left allocated', () => {
  const m = cnn();
  const bytes = toOnnx(m);
  m.dispose();
  const base = memoryInUse();
  const refused = (b: Uint8Array, what: string) => {
    try {
      fromOnnx(b).dispose();
    } catch (e) {
      assert.instance(e, Error);
      assert.match((e as Error).message, /^fromOnnx: /, what);
    }
  };
  for (let n = 0; n < bytes.length; n += 41) refused(bytes.subarray(0, n), `truncated to ${n} bytes`);
  assert.throws(() => fromOnnx(bytes.subarray(0, bytes.length - 9)), /fromOnnx: cannot import the ONNX model: /);
  // A graph field (7) claiming 2^32 − 1 bytes, with 4 present: refused before reading, nothing allocated for it.
  assert.throws(() => fromOnnx(Uint8Array.of(0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3, 4)), /not a valid ONNX file \(truncated or corrupted/);
  // An initializer whose dims claim 2^32 values over a few bytes of data.
  assert.throws(() => fromOnnx(edit(bytes, (p) => { p.graph!.initializer![0].dims = [65536, 65536, 1, 1]; })), /dims \[65536, 65536, 1, 1\] hold more than 268435456 values/);
  assert.throws(() => fromOnnx(edit(bytes, (p) => { p.graph!.initializer![0].dims = [1000, 1000, 1, 1]; })), /need 4000000 bytes, the tensor holds \d+/);
  const rng = new Rng(77);
  for (let i = 0; i < 300; i++) {
    const b = bytes.slice();
    for (let k = rng.int(1, 4); k > 0; k--) b[rng.int(0, b.length - 1)] = rng.int(0, 255);
    refused(b, `mutation ${i}`);
  }
  assert.throws(() => fromOnnx('model.onnx' as never), /fromOnnx: expected the file's bytes as a Uint8Array/);
  assert.is(memoryInUse(), base, 'memory in use after every refusal');
});

test.run();
