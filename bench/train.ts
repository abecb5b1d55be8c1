// Whole training steps in samples/s: an MLP 784-128-128-10 (relu, softmax, cross-entropy, Adam lr 1e-3) at batch 128,
// seed study 4's network (784, 6 hidden layers of 128 tanh, 10; RMSProp lr 1e-3, batch 128) and a LeNet-style CNN
// (conv 5×5×6 'same', max pool, conv 5×5×16, max pool, dense 120, 84, 10) at batch 64, on 28×28×1 inputs. Peers:
// tfjs-layers model.trainOnBatch on tfjs-wasm and tfjs-cpu; jax-js with a jitted valueAndGrad + Adam step written here
// (it has no optimizer package; MLP and LeNet); the relaxed-SIMD build (bench/relaxed.ts); PyTorch at 1 and 2 threads
// when installed (bench/torch.ts). Every contender cycles through the same 4 random batches.
import * as tfl from '@tensorflow/tfjs-layers';
import { tensor, type Model } from '../src/index.js';
import { jax, onTf, randomValues, reason, tf, type TfBackend } from './common.js';
import { B1, B2, BATCHES, CLASSES, EPS, LR, NAMES, NETS, SHAPES, data, simdnetModel, trainStep, type Net } from './steps.js';
import type { Contender, Figure, Spec, Target } from './harness.js';
import { relaxedSimdnet } from './relaxed.js';
import { torchStepContenders } from './torch.js';

const np = jax.numpy, nn = jax.nn;

function tflModel(net: Net): tfl.Sequential {
  const L = tfl.layers;
  if (net.kind === 'study4') {
    const hidden = Array.from({ length: 6 }, (_, i) => L.dense({ units: 128, activation: 'tanh', kernelInitializer: 'glorotNormal', ...(i === 0 ? { inputShape: net.sample } : {}) }));
    const m = tfl.sequential({ layers: [...hidden, L.dense({ units: CLASSES, activation: 'softmax' })] });
    m.compile({ optimizer: tf.train.rmsprop(LR, 0.9, 0, EPS), loss: 'categoricalCrossentropy' });
    return m;
  }
  const ls = net.kind === 'mlp'
    ? [L.dense({ units: 128, activation: 'relu', inputShape: net.sample }), L.dense({ units: 128, activation: 'relu' })]
    : [L.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: net.sample }),
      L.maxPooling2d({ poolSize: 2 }), L.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }), L.maxPooling2d({ poolSize: 2 }),
      L.flatten(), L.dense({ units: 120, activation: 'relu' }), L.dense({ units: 84, activation: 'relu' })];
  const m = tfl.sequential({ layers: [...ls, L.dense({ units: CLASSES, activation: 'softmax' })] });
  m.compile({ optimizer: tf.train.adam(LR, B1, B2, EPS), loss: 'categoricalCrossentropy' });
  return m;
}

/** tfjs-layers trainOnBatch on one backend; n/a with the error when that backend lacks a kernel the step needs. */
async function tflContender(b: TfBackend, net: Net, d: { x: Float32Array[]; y: Float32Array[] }, made: (() => void)[]): Promise<Contender> {
  const { model, xs, ys } = onTf(b, () => ({
    model: tflModel(net),
    xs: d.x.map((v) => tf.tensor(v, [net.batch, ...net.sample])),
    ys: d.y.map((v) => tf.tensor(v, [net.batch, CLASSES])),
  }));
  made.push(() => { model.dispose(); xs.forEach((t) => t.dispose()); ys.forEach((t) => t.dispose()); });
  try {
    await onTf(b, () => model.trainOnBatch(xs[0], ys[0]));
  } catch (e) {
    return { name: `tfjs-${b}`, na: reason(e) };
  }
  let i = 0;
  return { name: `tfjs-${b}`, async: true, before: () => { void tf.setBackend(b); },
    run: async () => { const k = i++ % BATCHES; await model.trainOnBatch(xs[k], ys[k]); } };
}

// jax-js: parameters as a flat list [w1, b1, w2, b2, …]; the forward in NCHW (its conv layout).
function jaxParams(net: Net): jax.Array[] {
  const shapes = net.kind === 'mlp'
    ? [[784, 128], [128], [128, 128], [128], [128, CLASSES], [CLASSES]]
    : [[6, 1, 5, 5], [1, 6, 1, 1], [16, 6, 5, 5], [1, 16, 1, 1], [400, 120], [120], [120, 84], [84], [84, CLASSES], [CLASSES]];
  return shapes.map((s, i) => {
    const n = s.reduce((a, b) => a * b, 1);
    const fanIn = s.length === 4 ? s[1] * s[2] * s[3] : s[0];
    const lim = s.length === 1 || (s.length === 4 && s[0] === 1) ? 0 : Math.sqrt(6 / (fanIn + (s.length === 4 ? s[0] : s[1])));
    return np.array(randomValues(n, 60 + i, -lim, lim)).reshape(s);
  });
}

function pool2(x: jax.Array, n: number, c: number, h: number, w: number): jax.Array {
  return np.max(x.reshape([n, c, h / 2, 2, w / 2, 2]), [3, 5]);
}

function jaxLoss(net: Net) {
  return (p: jax.Array[], x: jax.Array, y: jax.Array): jax.Array => {
    let h: jax.Array;
    let i = 0;
    if (net.kind === 'cnn') {
      const n = net.batch;
      h = nn.relu(jax.lax.conv(x, p[0], [1, 1], 'SAME').add(p[1]));
      h = pool2(h, n, 6, 28, 28);
      h = nn.relu(jax.lax.conv(h, p[2], [1, 1], 'VALID').add(p[3]));
      h = pool2(h, n, 16, 10, 10).reshape([n, 400]);
      i = 4;
    } else {
      h = x;
    }
    for (; i < p.length - 2; i += 2) h = nn.relu(np.matmul(h, p[i]).add(p[i + 1]));
    const logits = np.matmul(h, p[i]).add(p[i + 1]);
    return nn.logSoftmax(logits, -1).mul(y).sum().mul(-1 / net.batch);
  };
}

async function jaxContender(net: Net, d: { x: Float32Array[]; y: Float32Array[] }, made: (() => void)[]): Promise<Contender> {
  const loss = jaxLoss(net);
  const step = jax.jit((p: jax.Array[], m: jax.Array[], v: jax.Array[], x: jax.Array, y: jax.Array, c1: jax.Array, c2: jax.Array) => {
    const [value, g] = jax.valueAndGrad(loss)(jax.tree.ref(p), x, y) as [jax.Array, jax.Array[]];
    const m2 = m.map((mi, k) => mi.mul(B1).add(g[k].ref.mul(1 - B1)));
    const v2 = v.map((vi, k) => vi.mul(B2).add(g[k].ref.mul(g[k]).mul(1 - B2)));
    const p2 = p.map((pi, k) => pi.sub(m2[k].ref.mul(c1.ref).mul(LR).div(np.sqrt(v2[k].ref.mul(c2.ref)).add(EPS))));
    c1.dispose(); c2.dispose();
    return [value, p2, m2, v2];
  });
  const xShape = net.kind === 'mlp' ? [net.batch, 784] : [net.batch, 1, 28, 28]; // 1 channel: NHWC and NCHW agree
  const xs = d.x.map((v) => np.array(v).reshape(xShape)), ys = d.y.map((v) => np.array(v).reshape([net.batch, CLASSES]));
  let p = jaxParams(net);
  let m = p.map((a) => np.zeros(a.shape)), v = p.map((a) => np.zeros(a.shape));
  let t = 0, b1t = 1, b2t = 1;
  made.push(() => { step.dispose(); [...xs, ...ys, ...p, ...m, ...v].forEach((a) => a.dispose()); });
  return {
    name: 'jax-js', async: true,
    run: async () => {
      const k = t++ % BATCHES;
      b1t *= B1; b2t *= B2;
      const [value, p2, m2, v2] = step(p, m, v, xs[k].ref, ys[k].ref, np.array(1 / (1 - b1t)), np.array(1 / (1 - b2t))) as unknown as
        [jax.Array, jax.Array[], jax.Array[], jax.Array[]];
      p = p2; m = m2; v = v2;
      await jax.blockUntilReady([value, p, m, v]);
      value.dispose();
    },
  };
}

/** The relaxed-SIMD build training the same network (its own model and tensors), or why it cannot run here. */
async function relaxedContender(net: Net, d: { x: Float32Array[]; y: Float32Array[] }, made: (() => void)[]): Promise<Contender> {
  const rx = await relaxedSimdnet();
  if (typeof rx === 'string') return { name: 'simdnet relaxed', na: rx };
  const step = trainStep(net, d, rx.api);
  made.push(step.dispose);
  return { name: 'simdnet relaxed', run: step.run };
}

async function trainFigure(net: Net): Promise<Figure> {
  const d = data(net);
  const step = trainStep(net, d), unguarded = trainStep(net, d, undefined, (m) => { m.guardNonFinite = false; });
  const made: (() => void)[] = [step.dispose, unguarded.dispose];
  const contenders: Contender[] = [
    { name: 'simdnet', run: step.run },
    { name: 'simdnet, guard off', run: unguarded.run },
    await tflContender('wasm', net, d, made),
    await tflContender('cpu', net, d, made),
    net.kind === 'study4' ? { name: 'jax-js', na: 'not written for this network' } : await jaxContender(net, d, made),
    await relaxedContender(net, d, made),
  ];
  const torch = await torchStepContenders(net.kind);
  contenders.push(...torch.contenders);
  made.push(torch.close);
  const targets: Target[] = net.kind === 'study4' ? [] : net.kind === 'mlp'
    ? [{ kind: 'peer', peer: 'tfjs-wasm', min: 5, label: 'MLP step vs tfjs-wasm' }, { kind: 'peer', peer: 'jax-js', min: 1.2, label: 'MLP step vs jax-js' }]
    : [{ kind: 'absolute', min: 400, label: 'CNN step samples/s' }, { kind: 'peer', peer: 'tfjs-cpu', min: 100, label: 'CNN step vs tfjs-cpu' },
      { kind: 'peer', peer: 'jax-js', min: 5, label: 'CNN step vs jax-js' }];
  return {
    family: 'train', name: `${NAMES[net.kind]} train step`,
    shape: SHAPES[net.kind], unit: 'samples/s', work: net.batch,
    contenders, targets, dispose: () => made.forEach((f) => f()),
  };
}

// One fit() epoch of 4,096 samples with diagnostics (the defaults: 4 sampled batches, 64-bin histograms) against the
// same epoch without, interleaved: the cost of seeing inside training (target: at most 5% slower).
async function diagnosticsFigure(net: Net): Promise<Figure> {
  const n = 4096, per = net.sample.reduce((a, b) => a * b, 1);
  const xv = randomValues(n * per, 70, 0, 1), lab = randomValues(n, 71, 0, CLASSES), yv = new Float32Array(n * CLASSES);
  for (let r = 0; r < n; r++) yv[r * CLASSES + Math.floor(lab[r])] = 1;
  const x = tensor(xv, [n, ...net.sample]), y = tensor(yv, [n, CLASSES]);
  const on = simdnetModel(net), off = simdnetModel(net);
  const epoch = (m: Model, diagnostics: boolean) => async () => { await m.fit(x, y, { epochs: 1, batchSize: net.batch, diagnostics, yieldEveryMs: 0 }); };
  return {
    family: 'train', name: `${net.kind === 'mlp' ? 'MLP' : 'LeNet'} epoch with diagnostics`,
    shape: `${n} samples, batch ${net.batch}`, unit: 'samples/s', work: n,
    contenders: [{ name: 'simdnet', async: true, run: epoch(on, true) }, { name: 'simdnet, no diagnostics', async: true, run: epoch(off, false) }],
    targets: [{ kind: 'peer', peer: 'simdnet, no diagnostics', min: 0.95, label: `${net.kind === 'mlp' ? 'MLP' : 'LeNet'} epoch: diagnostics cost ≤ 5%` }],
    dispose: () => { on.dispose(); off.dispose(); x.dispose(); y.dispose(); },
  };
}

export function trainFigures(): Spec[] {
  return [
    { label: 'MLP train step', build: () => trainFigure(NETS.mlp) },
    { label: 'Study-4 MLP train step', build: () => trainFigure(NETS.study4) },
    { label: 'LeNet train step', build: () => trainFigure(NETS.cnn) },
    { label: 'MLP epoch with diagnostics', build: () => diagnosticsFigure(NETS.mlp) },
    { label: 'LeNet epoch with diagnostics', build: () => diagnosticsFigure(NETS.cnn) },
  ];
}
