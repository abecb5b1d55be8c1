// `node scripts/interchange-check.mjs MODEL.simdnet [WORK_DIR]`: how closely models agree once they leave or enter
// simdnet, on fashion-small's 2,000 test images (the figures the README quotes). 1. The model, exported with
// `simdnet export --onnx`, run in ONNX Runtime for Node: identical predicted classes and the largest probability
// difference. 2. A TensorFlow.js Layers model trained here on fashion-small, saved as model.json + weights, imported
// with `simdnet import`: the same two figures against tfjs' predict. Measures; asserts nothing. Node-only tooling
// (needs dist/: node scripts/build.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { init } = await import(join(root, 'dist/index.js'));
const { loadModelFile } = await import(join(root, 'dist/io/files.js'));
const { loadDataset } = await import(join(root, 'dist/cli/datasets.js'));
const { disposeDataset } = await import(join(root, 'dist/run/dataset.js'));
const [modelPath, work = mkdtempSync(join(tmpdir(), 'simdnet-interchange-'))] = process.argv.slice(2);
if (!modelPath) { console.error('usage: node scripts/interchange-check.mjs MODEL.simdnet [WORK_DIR]'); process.exit(2); }
mkdirSync(work, { recursive: true });
const cli = (...args) => {
  const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`simdnet ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

/** Identical arg-max classes, the largest |a − b|, and each side's accuracy against the labels. */
function agreement(a, b, labels, classes) {
  const cls = (v, i) => { let best = 0; for (let c = 1; c < classes; c++) if (v[i * classes + c] > v[i * classes + best]) best = c; return best; };
  let same = 0, maxAbs = 0, okA = 0, okB = 0;
  for (let i = 0; i < labels.length; i++) {
    const ca = cls(a, i), cb = cls(b, i);
    same += ca === cb; okA += ca === labels[i]; okB += cb === labels[i];
  }
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
  return { same, of: labels.length, maxAbs, accuracyA: okA / labels.length, accuracyB: okB / labels.length };
}

await init();
await tf.setBackend('cpu');
const data = await loadDataset({ dataset: 'fashion-small' });
const tx = data.test.x, labels = data.test.labels.toInt32Array();

// 1. simdnet → ONNX Runtime
const onnxPath = join(work, 'model.onnx');
console.log(`$ simdnet export ${modelPath} --onnx ${onnxPath}\n${cli('export', modelPath, '--onnx', onnxPath)}`);
const model = await loadModelFile(modelPath);
const ours = model.predict(tx).toFloat32Array();
const session = await ort.InferenceSession.create(onnxPath);
const { output } = await session.run({ input: new ort.Tensor('float32', tx.toFloat32Array(), tx.shape) });
const r1 = agreement(ours, output.data, labels, 10);
console.log(`simdnet predict vs ONNX Runtime ${ort.env.versions?.common ?? ''} on fashion-small test: same class for ${r1.same} of ${r1.of} images, ` +
  `max abs difference of the probabilities ${r1.maxAbs.toExponential(2)}; accuracy simdnet ${(r1.accuracyA * 100).toFixed(2)}%, ONNX Runtime ${(r1.accuracyB * 100).toFixed(2)}%`);
model.dispose();

// 2. TensorFlow.js Layers → simdnet
const n = data.train.x.shape[0];
const m = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), tfl.layers.dense({ units: 128, activation: 'relu' }), tfl.layers.dense({ units: 10, activation: 'softmax' })] });
m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
await m.fit(tf.tensor(data.train.x.toFloat32Array(), [n, 28, 28, 1]), tf.tensor(Float32Array.from(data.train.labels.toInt32Array()), [n]), { epochs: 2, batchSize: 32, verbose: 0 });
const dir = join(work, 'web_model');
mkdirSync(dir, { recursive: true });
await m.save(tf.io.withSaveHandler(async (a) => {
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }] }));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(a.weightData));
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
}));
const imported = join(work, 'imported.simdnet');
console.log(`(tfjs-layers 4.22 model 784-128-10 trained 2 epochs on fashion-small's ${n} images, saved to ${dir})`);
console.log(`$ simdnet import ${join(dir, 'model.json')} --out ${imported}\n${cli('import', join(dir, 'model.json'), '--out', imported)}`);
console.log(`$ simdnet evaluate ${imported}\n${cli('evaluate', imported).split('\n')[0]}`);
const back = await loadModelFile(imported);
const theirs = m.predict(tf.tensor(tx.toFloat32Array(), tx.shape)).dataSync();
const r2 = agreement(back.predict(tx).toFloat32Array(), theirs, labels, 10);
console.log(`imported model vs tfjs predict on fashion-small test: same class for ${r2.same} of ${r2.of} images, max abs difference ${r2.maxAbs.toExponential(2)}; ` +
  `accuracy simdnet ${(r2.accuracyA * 100).toFixed(2)}%, tfjs ${(r2.accuracyB * 100).toFixed(2)}%`);
back.dispose();
disposeDataset(data);
