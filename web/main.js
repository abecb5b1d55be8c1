// The demo page's logic: starts web/worker.js, drives the train/stop button, the progress bar and the chart, and
// sends drawings and test images to the worker for predictions. body[data-state]: loading, ready, training, done, error.
import { TrainingChart } from './chart.js';
import { DrawingPad, showPixels, SIZE } from './draw.js';

const $ = (id) => document.getElementById(id);
const pct = (p, digits = 1) => `${(100 * p).toFixed(digits)} %`;
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const chart = new TrainingChart($('chart'));
const pad = new DrawingPad($('pad'), () => onInput(pad.toInput()));

let classes = [], state = 'loading', trained = false, run = null;
let current = null; // what the prediction panel is about: { pixels, label? }
let inFlight = false, dirty = false, framePending = false; // one prediction request at a time; dirty: ask again

function setState(s) {
  state = s;
  document.body.dataset.state = s;
  const training = s === 'training';
  $('train').textContent = training ? 'Stop' : trained ? 'Train again' : 'Train';
  $('train').disabled = s === 'loading' || s === 'error';
  $('model').disabled = $('epochs').disabled = training;
  $('sample').disabled = s === 'loading' || s === 'error';
}
const status = (text) => { $('status').textContent = text; };

$('train-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (state === 'training') { worker.postMessage({ type: 'stop' }); $('train').disabled = true; status('Stopping after this batch…'); return; }
  const epochs = Math.min(50, Math.max(1, Math.round(Number($('epochs').value) || 10)));
  $('epochs').value = String(epochs);
  run = { model: $('model').value, epochs, batchSize: 64, learningRate: 1e-3, epochsDone: 0 };
  $('test-accuracy').textContent = '–';
  delete $('test-accuracy').dataset.accuracy;
  worker.postMessage({ type: 'train', ...run });
});
$('clear').addEventListener('click', () => { pad.clear(); onInput(null); });
$('sample').addEventListener('click', () => worker.postMessage({ type: 'sample' }));
$('brush').addEventListener('change', () => { pad.brush = Number($('brush').value); });
pad.brush = Number($('brush').value);
addEventListener('resize', () => chart.draw());

/** New input for the prediction panel: pixels [784] or null (cleared); label when it is a test image. */
function onInput(pixels, label) {
  current = pixels ? { pixels, label } : null;
  showPixels($('seen'), pixels ?? new Float32Array(SIZE * SIZE));
  if (!pixels) { $('verdict').textContent = trained ? 'Draw something or pick a test image.' : 'Train the network, then draw or pick an image.'; $('bars').replaceChildren(); return; }
  requestPrediction();
}

function requestPrediction() {
  if (!current) return;
  if (!trained || state === 'training') {
    $('verdict').textContent = state === 'training' ? 'Predictions resume when training ends.' : 'Train the network first to see predictions.';
    $('bars').replaceChildren();
    return;
  }
  if (inFlight) { dirty = true; return; }
  inFlight = true;
  worker.postMessage({ type: 'predict', pixels: current.pixels });
}

function showPrediction(probs) {
  if (!current || !probs) return;
  const order = probs.map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]);
  const [p, best] = order[0];
  const verdict = $('verdict');
  verdict.replaceChildren('Prediction: ', Object.assign(document.createElement('strong'), { textContent: classes[best] }), ` (${pct(p)})`);
  if (current.label !== undefined) {
    const right = current.label === best;
    verdict.append(`. True label: ${classes[current.label]} ${right ? '✓' : '✗'}`);
  }
  $('bars').replaceChildren(...order.slice(0, 5).map(([q, i]) => {
    const li = document.createElement('li');
    li.innerHTML = '<span class="name"></span><span class="bar" aria-hidden="true"><span></span></span><span class="pct"></span>';
    li.querySelector('.name').textContent = classes[i];
    li.querySelector('.bar span').style.width = `${(100 * q).toFixed(1)}%`;
    li.querySelector('.pct').textContent = pct(q);
    return li;
  }));
}

function redrawSoon() {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => { framePending = false; chart.draw(); });
}

/** The progress label: epochs finished so far, the same count as the status line's "After epoch N of M". */
const epochsDoneText = () => `${run.epochsDone} of ${run.epochs} epochs done`;

const handlers = {
  ready(m) {
    classes = m.classes;
    setState('ready');
    status(`Ready: ${m.train.toLocaleString('en')} training and ${m.test.toLocaleString('en')} test images loaded in ${Math.round(m.ms)} ms. Press Train.`);
  },
  start(m) {
    setState('training');
    run.batches = m.batches;
    chart.reset(m.epochs, m.batches);
    $('progress').max = m.epochs * m.batches;
    $('progress').value = 0;
    status(`Training the ${$('model').selectedOptions[0].dataset.name} (${m.parameters.toLocaleString('en')} parameters) with Adam, batches of ${run.batchSize}…`);
    requestPrediction();
  },
  progress(m) {
    chart.addLosses(m.losses);
    $('progress').value = m.done;
    $('progress-text').textContent = epochsDoneText();
    redrawSoon();
  },
  epoch(m) {
    run.epochsDone = m.epoch + 1; // the one epoch count: the progress label and the status both read it
    $('progress-text').textContent = epochsDoneText();
    chart.addEpoch(m.epoch, m.accuracy, m.testAccuracy);
    $('chart').setAttribute('aria-label', `Training chart: after epoch ${m.epoch + 1}, loss ${m.loss.toFixed(3)}, training accuracy ${pct(m.accuracy)}, test accuracy ${pct(m.testAccuracy)}`);
    status(`After epoch ${run.epochsDone} of ${run.epochs}: loss ${m.loss.toFixed(3)}, training accuracy ${pct(m.accuracy)}, test accuracy ${pct(m.testAccuracy)}.`);
    redrawSoon();
  },
  diagnostics(m) {
    const rows = m.layers.map(({ layer, rms }) => {
      const tr = document.createElement('tr');
      const width = Number.isFinite(rms) && rms > 0 ? Math.max(2, Math.min(100, 100 + 12.5 * Math.log10(rms))) : 0; // 1e-8 … 1 on a log scale
      tr.innerHTML = '<th scope="row"></th><td class="num"></td><td class="bar" aria-hidden="true"><span></span></td>';
      tr.querySelector('th').textContent = layer;
      tr.querySelector('.num').textContent = rms.toExponential(2);
      tr.querySelector('.bar span').style.width = `${width.toFixed(1)}%`;
      return tr;
    });
    $('grad-epoch').textContent = String(m.epoch + 1);
    $('grad-rows').replaceChildren(...rows);
    $('verdicts').replaceChildren(...(m.verdicts.length ? m.verdicts.map((v) => Object.assign(document.createElement('li'), { textContent: v.message, className: v.kind }))
      : [Object.assign(document.createElement('li'), { textContent: 'No problems found so far.', className: 'healthy' })]));
  },
  done(m) {
    trained = true;
    setState('done');
    const out = $('test-accuracy');
    out.textContent = pct(m.testAccuracy, 2);
    out.dataset.accuracy = String(m.testAccuracy);
    const epochs = m.batchesDone / run.batches;
    const what = m.stopped ? `Stopped after ${epochs.toFixed(1)} epochs` : `Trained ${run.epochs} epochs`;
    status(`${what} in ${(m.ms / 1000).toFixed(1)} s (${Math.round(m.samples / (m.ms / 1000)).toLocaleString('en')} images/s). Now draw or pick a test image.`);
    $('progress-text').textContent = m.stopped ? 'stopped' : 'done';
    redrawSoon();
    requestPrediction();
  },
  prediction(m) {
    inFlight = false;
    showPrediction(m.probs);
    if (dirty) { dirty = false; requestPrediction(); }
  },
  sample(m) {
    pad.show(m.pixels);
    onInput(m.pixels, m.label);
  },
  error(m) {
    inFlight = false;
    setState(classes.length ? (trained ? 'done' : 'ready') : 'error');
    status(`Error: ${m.message}`);
  },
};
worker.onmessage = ({ data }) => handlers[data.type]?.(data);
worker.onerror = (e) => { setState('error'); status(`The worker failed: ${e.message ?? 'see the console'} (is the page served by npm run demo?)`); };
onInput(null);
chart.draw();
