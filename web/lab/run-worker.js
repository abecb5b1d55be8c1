// The lab's Web Worker, one per variant run: its own simdnet module, the page's dataset posted as arrays, and the
// variant trained by the command line's own steps (src/run: buildModel, trainEpochs, finishRun), so the weights hash
// and report.html are the CLI's. Also checks a saved model's gradients (ONNX: onnx-worker.js). No DOM here.
import { init, loadModel, tensor, gradCheck, layerGradientRms } from '../../dist/entry-browser.js';
import { datasetFromArrays, disposeDataset } from '../../dist/run/dataset.js';
import { buildModel } from '../../dist/run/model.js';
import { trainEpochs, trainingPart, targetsOf } from '../../dist/run/epochs.js';
import { finishRun } from '../../dist/run/finish.js';

const POST_EVERY_MS = 150; // batch progress at most this often, with every loss since the last message
let stopRequested = false;

/** Trains one variant from the start or from a checkpoint { model, epoch, batch, progress, history }. */
async function train({ config, data: arrays, checkpoint }) {
  const data = datasetFromArrays(arrays, config.limit);
  let model;
  try {
    const { batches } = trainingPart(config, data.train.x.shape[0]);
    model = checkpoint ? loadModel(checkpoint.model, { source: 'the checkpoint in this browser' }) : buildModel(config, data.inputShape, data.classes.length);
    if (model.inputShape.join(',') !== data.inputShape.join(',')) {
      throw new Error(`the model takes [${model.inputShape.join(', ')}] but ${data.name} gives [${data.inputShape.join(', ')}]`);
    }
    const history = {};
    for (const [k, v] of Object.entries(checkpoint?.history ?? {})) history[k] = v.map((x) => x ?? NaN);
    const start = checkpoint ? { epoch: checkpoint.epoch, batch: checkpoint.batch, progress: checkpoint.progress } : { epoch: 0, batch: 0 };
    postMessage({ type: 'begin', epochs: config.epochs, batches, parameters: model.params().filter((p) => p.trainable).reduce((a, p) => a + p.value.size, 0), start, history });
    let losses = [], last = 0, done = start.epoch * batches + start.batch, samples = 0;
    const flush = () => { postMessage({ type: 'batch', done, total: config.epochs * batches, losses, samples }); losses = []; last = performance.now(); };
    const t0 = performance.now();
    const loop = await trainEpochs(model, config, data, {
      start, history,
      interrupted: () => stopRequested,
      afterEpoch: async (pos) => { postMessage({ type: 'checkpoint', checkpoint: { model: model.save(), ...pos, history } }); },
      callbacks: [{
        onBatchEnd(_b, logs) {
          losses.push(logs.loss); done++; samples += logs.size;
          if (stopRequested) model.stopTraining = true;
          if (performance.now() - last >= POST_EVERY_MS) flush();
        },
        onEpochEnd(epoch, logs) { flush(); postMessage({ type: 'epoch', epoch, logs: { ...logs } }); },
        onDiagnostics(epoch, d, verdicts) { // the same diagnostics and verdicts as the command line, computed in this worker
          postMessage({ type: 'diagnostics', epoch, layers: layerGradientRms(d), verdicts: verdicts.map((v) => ({ kind: v.kind, message: v.message })) });
        },
      }],
    });
    flush();
    if (loop.pos.epoch < config.epochs && !loop.stoppedBy) { // stopped by the page: keep where it stands
      postMessage({ type: 'stopped', checkpoint: { model: model.save(), ...loop.pos, history: loop.history } });
      return;
    }
    const fin = finishRun(model, config, data, loop.history, loop.diagnostics, { stoppedEpoch: loop.stoppedEpoch });
    const verdicts = fin.full.diagnostics?.verdicts?.map((v) => ({ kind: v.kind, message: v.message })) ?? null;
    const ms = performance.now() - t0;
    postMessage({
      type: 'done', weightsHash: fin.weightsHash, test: fin.test, train: fin.train, history: loop.history, verdicts,
      stopMessage: loop.stopMessage ?? null, seconds: loop.trainMs / 1000, samplesPerSecond: loop.trained / (loop.trainMs / 1000),
      wallSeconds: ms / 1000, files: fin.files,
    }, fin.files.map(([, b]) => b.buffer));
  } finally {
    model?.dispose();
    disposeDataset(data);
  }
}

/** Finite differences against backpropagation for a saved model, on the first 8 training samples. */
function gradientCheck({ model: bytes, data: d, config }) {
  const model = loadModel(bytes, { source: 'the run\'s model' });
  const data = datasetFromArrays(d, 8);
  try {
    const r = gradCheck(model, { x: data.train.x, y: targetsOf(config, data.train) });
    postMessage({ type: 'gradcheck', passed: r.passed, report: r.report, worst: r.worst ? { name: r.worst.name, maxRelError: r.worst.maxRelError } : null });
  } finally {
    model.dispose();
    disposeDataset(data);
  }
}

const ready = init();
onmessage = async ({ data: m }) => {
  try {
    await ready;
    if (m.type === 'stop') { stopRequested = true; return; }
    if (m.type === 'train') await train(m);
    else if (m.type === 'gradcheck') gradientCheck(m);
  } catch (e) {
    postMessage({ type: 'error', message: e.message ?? String(e) });
  }
};
