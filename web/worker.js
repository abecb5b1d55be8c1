// The demo's Web Worker: loads simdnet's browser build (dist/entry-browser.js, which fetches dist/kernels.wasm) and
// the fashion-small IDX files (simdnet/data's idx loader), trains on request, and answers predictions. No DOM here;
// the messages are handled in web/main.js.
import { init, sequential, layers, tensor, layerGradientRms } from '../dist/entry-browser.js';
import { idx } from '../dist/data/index.js';

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DATA = new URL('../data/fashion-small/', import.meta.url);
const POST_EVERY_MS = 100; // batch progress is sent at most this often, with every loss since the last message

/** The networks the page offers; both take x [N, 28, 28, 1] and end in a 10-way softmax. */
const MODELS = {
  mlp: () => [layers.flatten(), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })],
  cnn: () => [
    layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(), layers.dense({ units: 64, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' }),
  ],
};

let train, test, testPixels, testLabels; // tensors x [N, 28, 28, 1] float32 in [0, 1], y [N] int32; copies for the page
let model, training = false;

async function idxFile(name, options) {
  const res = await fetch(new URL(name, DATA));
  if (!res.ok) throw new Error(`fetching ${res.url} failed (HTTP ${res.status})`);
  return idx(new Uint8Array(await res.arrayBuffer()), { name, ...options });
}

async function load() {
  const t0 = performance.now();
  await init();
  const [x, y, xt, yt] = await Promise.all([
    idxFile('train-images-idx3-ubyte.gz', { scale: true }), idxFile('train-labels-idx1-ubyte.gz'),
    idxFile('t10k-images-idx3-ubyte.gz', { scale: true }), idxFile('t10k-labels-idx1-ubyte.gz'),
  ]);
  train = { x, y }; test = { x: xt, y: yt };
  testPixels = xt.toFloat32Array(); testLabels = yt.toInt32Array();
  postMessage({ type: 'ready', classes: CLASSES, train: x.shape[0], test: xt.shape[0], ms: performance.now() - t0 });
}

async function fit({ model: kind, epochs, batchSize, learningRate }) {
  model?.dispose();
  model = sequential(MODELS[kind](), { inputShape: [28, 28, 1], seed: 1, name: kind });
  model.compile({ optimizer: { name: 'adam', learningRate }, loss: 'sparseCrossEntropy', metrics: ['accuracy'] });
  const batches = Math.ceil(train.x.shape[0] / batchSize);
  const parameters = model.params().reduce((a, p) => a + (p.trainable ? p.value.size : 0), 0);
  postMessage({ type: 'start', epochs, batches, parameters });
  training = true;
  let losses = [], done = 0, seen = 0, last = 0;
  const t0 = performance.now();
  const flush = (epoch) => { postMessage({ type: 'progress', epoch, done, losses }); losses = []; last = performance.now(); };
  try {
    await model.fit(train.x, train.y, {
      epochs, batchSize, validationData: [test.x, test.y], diagnostics: { samplesPerEpoch: 2 },
      callbacks: [{
        onDiagnostics(epoch, d, verdicts) { // the same diagnostics and verdicts as the command line, computed here in the worker
          postMessage({ type: 'diagnostics', epoch, layers: layerGradientRms(d), verdicts: verdicts.map((v) => ({ kind: v.kind, message: v.message })) });
        },
        onBatchEnd(_batch, logs) {
          losses.push(logs.loss); done++; seen += logs.size;
          if (performance.now() - last >= POST_EVERY_MS) flush(Math.floor((done - 1) / batches));
        },
        onEpochEnd(epoch, logs) {
          flush(epoch);
          postMessage({ type: 'epoch', epoch, loss: logs.loss, accuracy: logs.accuracy, testLoss: logs.valLoss, testAccuracy: logs.valAccuracy });
        },
      }],
    });
  } finally {
    training = false;
  }
  const ms = performance.now() - t0;
  if (losses.length) flush(Math.floor((done - 1) / batches));
  const r = model.evaluate(test.x, test.y);
  postMessage({ type: 'done', stopped: done < epochs * batches, batchesDone: done, ms, testLoss: r.loss, testAccuracy: r.accuracy, samples: seen });
}

/** probabilities [10] for one image of 784 values in [0, 1] (white on black). */
function predict(pixels) {
  const x = tensor(Float32Array.from(pixels), [1, 28, 28, 1]);
  try {
    const p = model.predict(x);
    try { return Array.from(p.toFloat32Array()); } finally { p.dispose(); }
  } finally { x.dispose(); }
}

const ready = load().catch((e) => postMessage({ type: 'error', message: `loading failed: ${e.message}` }));

onmessage = async ({ data: msg }) => {
  try {
    await ready;
    if (msg.type === 'train' && !training) await fit(msg);
    else if (msg.type === 'stop' && model) model.stopTraining = true;
    else if (msg.type === 'predict') {
      postMessage({ type: 'prediction', probs: model && !training ? predict(msg.pixels) : null });
    } else if (msg.type === 'sample') { // a random test image; the page then asks for its prediction
      const i = Math.floor(Math.random() * testLabels.length);
      const pixels = testPixels.slice(i * 784, (i + 1) * 784);
      postMessage({ type: 'sample', index: i, label: testLabels[i], pixels });
    }
  } catch (e) {
    training = false;
    postMessage({ type: 'error', message: e.message });
  }
};
