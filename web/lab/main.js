// The lab page's logic: picks an experiment (a shipped file or the user's), the data, and runs the variants, each in
// its own Web Worker (run-worker.js), as many at once as the machine has cores; draws the curves, gradient norms and
// verdicts as they come; keeps checkpoints and finished runs in IndexedDB (store.js); gradient checks and small sweeps.
// body[data-state]: loading, ready, running, error.
import { readExperimentObject } from '../../dist/run/experiment.js';
import { datasetNames } from '../../dist/data/sources.js';
import { fashionSmall, imageFolder, idxFiles, csvFiles, droppedFiles } from './data.js';
import { SettingsForm } from './form.js';
import { Curves, PALETTE } from './curves.js';
import { putRun, allRuns, deleteRun } from './store.js';
import { showDiagnostics } from './diagnostics.js';
import { sweepOnPage } from './sweep.js';
import { el } from './dom.js';
import { DEFAULTS } from '../../dist/run/settings.js';

const $ = (id) => document.getElementById(id);
const pct = (p) => (Number.isFinite(p) ? `${(100 * p).toFixed(2)} %` : '–');
const CORES = Math.max(1, navigator.hardwareConcurrency || 2);
const SAVED = 'simdnet-lab:experiment';

let experiment = null; // { name, description, object, variants: [{ name, config, color }] }
let data = null; // DatasetArrays
let selected = null; // the selected variant's name
const runs = new Map(); // variant name → run state
const queue = [];
const lossChart = new Curves($('loss-chart'), { yLabel: 'loss' });
const accChart = new Curves($('acc-chart'), { yLabel: 'accuracy', fixed: [0, 1], format: (v) => `${Math.round(100 * v)} %` });
const form = new SettingsForm($('settings'), applySettings);

const status = (text, error = false) => { $('lab-status').textContent = text; $('lab-status').classList.toggle('error', error); };
/** Says which variants name a dataset other than the one loaded here (they train on the loaded one). */
function dataNote() {
  if (!experiment || !data) { $('data-note').textContent = ''; return; }
  const other = [...new Set(experiment.variants.map((v) => v.config.dataset).filter((d) => d !== data.name))];
  $('data-note').textContent = other.length ? `The experiment names ${other.join(', ')}; here every variant trains on the data loaded: ${data.name}.` : '';
}
const keyOf = (variant) => `${experiment.name}/${variant}`;
const running = () => [...runs.values()].filter((r) => r.worker).length;
function setState() {
  const busy = running() > 0 || queue.length > 0;
  document.body.dataset.state = !experiment || !data ? (document.body.dataset.state === 'error' ? 'error' : 'loading') : busy ? 'running' : 'ready';
  $('run-all').disabled = !experiment || !data;
  $('stop-all').disabled = !busy;
  const sel = runs.get(selected);
  $('gradcheck').disabled = !sel?.files;
  $('gradcheck').textContent = `Check gradients of ${selected ?? '–'}`;
  $('sweep-run').disabled = !experiment || !data || !selected || sweeping;
  $('sweep-file-run').disabled = !data || sweeping;
  dataNote();
}

// ── experiments ────────────────────────────────────────────────────────────────────────────────────────────────
async function listExperiments() {
  const sel = $('experiment');
  try {
    const res = await fetch('../../experiments/index.json');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const files = await res.json();
    sel.replaceChildren(el('option', { value: '', textContent: 'choose…' }), ...files.map((f) => el('option', { value: f, textContent: f })));
  } catch (e) {
    sel.replaceChildren(el('option', { value: '', textContent: `(no list of experiments/: ${e.message})` }));
  }
}

/** Reads an experiment object strictly (the CLI's reader) and shows it; runs kept for it in IndexedDB come back. */
async function useExperiment(source, object) {
  let e;
  try {
    e = readExperimentObject(source, object);
  } catch (err) {
    status(err.message, true);
    return;
  }
  for (const r of runs.values()) r.worker?.terminate();
  runs.clear(); queue.length = 0;
  const name = e.name ?? source.replace(/\.json$/i, '');
  experiment = { name, source, description: e.description ?? '', object, variants: e.variants.map((v, i) => ({ ...v, color: PALETTE[i % PALETTE.length] })) };
  localStorage.setItem(SAVED, JSON.stringify({ source, object }));
  $('exp-description').textContent = experiment.description;
  for (const r of await allRuns()) {
    const v = experiment.variants.find((x) => keyOf(x.name) === r.key);
    if (!v) continue;
    v.config = r.config;
    // A run the last page left training (closed or reloaded) continues from its last checkpoint, by the user's Resume.
    const status = ['running', 'queued', 'stopping'].includes(r.status) ? (r.checkpoint ? 'stopped' : 'idle') : r.status;
    runs.set(v.name, { ...r, status, worker: null, losses: r.losses ?? [], diag: r.diag ?? null });
  }
  selected = experiment.variants[0].name;
  status(`${experiment.variants.length} variant${experiment.variants.length > 1 ? 's' : ''}; up to ${CORES} train at once (navigator.hardwareConcurrency).`);
  renderVariants(); selectVariant(selected); redraw(); renderDiagnostics(); setState();
}

$('experiment').addEventListener('change', async () => {
  const f = $('experiment').value;
  if (!f) return;
  try {
    const res = await fetch(`../../experiments/${encodeURIComponent(f)}`);
    if (!res.ok) throw new Error(`fetching experiments/${f} failed (HTTP ${res.status})`);
    const obj = await res.json();
    if (obj && typeof obj === 'object' && 'space' in obj) { // a sweep file: run it whole in section 6
      sweepFile = { source: f, object: obj };
      $('sweep-file-run').textContent = `Run ${f} (${obj.budget?.trials ?? '?'} trials, ${obj.method})`;
      $('sweep-file-run').hidden = false;
      status(`${f} is a sweep file: run it in section 6 (it keeps the experiment below).`);
      setState();
      return;
    }
    await useExperiment(f, obj);
  } catch (e) { status(e.message, true); }
});
$('experiment-file').addEventListener('change', async () => {
  const f = $('experiment-file').files[0];
  if (!f) return;
  let obj;
  try { obj = JSON.parse(await f.text()); } catch (e) { status(`${f.name}: not valid JSON (${e.message})`, true); return; }
  $('experiment').value = '';
  await useExperiment(f.name, obj);
});

// ── data ───────────────────────────────────────────────────────────────────────────────────────────────────────
async function loadData(kind, what) {
  $('data-status').classList.remove('error');
  $('data-status').textContent = 'Reading the data…';
  try {
    const t0 = performance.now();
    const d = await what();
    data = d;
    const n = (p) => p.labels.length.toLocaleString('en');
    $('data-status').textContent = `${d.name}: ${n(d.train)} training and ${n(d.test)} test samples of [${d.inputShape.join(', ')}], ${d.classes.length} classes (${d.classes.slice(0, 10).join(', ')}${d.classes.length > 10 ? ', …' : ''}); read in ${Math.round(performance.now() - t0)} ms.`;
    $('data-status').dataset.name = d.name;
    $('data-status').dataset.train = String(d.train.labels.length);
  } catch (e) {
    data = null;
    $('data-status').textContent = `${kind}: ${e.message}`;
    $('data-status').classList.add('error');
  }
  setState();
}
for (const radio of document.querySelectorAll('input[name="data"]')) {
  radio.addEventListener('change', () => {
    for (const x of document.querySelectorAll('#data-inputs [data-for]')) x.hidden = x.dataset.for !== radio.value;
    if (radio.value === 'fashion-small') loadData('fashion-small', () => fashionSmall());
    else { data = null; $('data-status').textContent = 'Choose the files.'; setState(); }
  });
}
$('folder-input').addEventListener('change', () => {
  const files = [...$('folder-input').files].map((f) => [f.webkitRelativePath || f.name, f]);
  loadData('the image folder', () => imageFolder(files));
});
$('idx-input').addEventListener('change', () => loadData('IDX files', () => idxFiles([...$('idx-input').files])));
$('csv-input').addEventListener('change', () => loadData('CSV files', () => csvFiles([...$('csv-input').files])));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault(); drop.classList.remove('over');
  const dt = e.dataTransfer;
  loadData('the image folder', async () => imageFolder(await droppedFiles(dt)));
});

// ── variants ───────────────────────────────────────────────────────────────────────────────────────────────────
function renderVariants() {
  $('variant-rows').replaceChildren(...experiment.variants.map((v) => {
    const tr = el('tr', { id: `row-${v.name}` });
    tr.dataset.variant = v.name;
    const name = el('th', { scope: 'row' }, el('span', { className: 'swatch', style: `background:${v.color}` }), v.name);
    tr.append(name, el('td', { className: 'prog' }), el('td', { className: 'res' }), el('td', { className: 'actions' }));
    return tr;
  }));
  for (const v of experiment.variants) updateRow(v.name);
}

function button(text, onClick, props = {}) {
  return el('button', { type: 'button', textContent: text, onclick: onClick, ...props });
}
function download(name, bytes, label, type = 'application/octet-stream') {
  const a = el('a', { className: 'button', textContent: label, download: name, href: URL.createObjectURL(new Blob([bytes], { type })) });
  return a;
}

function updateRow(name) {
  const tr = document.getElementById(`row-${name}`);
  if (!tr) return;
  const r = runs.get(name), st = r?.status ?? 'idle';
  tr.dataset.status = st;
  tr.classList.toggle('selected', name === selected);
  const prog = tr.querySelector('.prog'), res = tr.querySelector('.res'), act = tr.querySelector('.actions');
  // Progress, ETA and results are updated in place; the buttons are rebuilt only when they change (keeps keyboard focus).
  let p = prog.querySelector('progress');
  if (!p) {
    p = el('progress'); p.setAttribute('aria-label', `${name}: progress`);
    prog.replaceChildren(p, el('div', { className: 'eta' }));
  }
  p.max = r?.total || 1; p.value = r?.done ?? 0;
  const eta = st === 'running' ? r.eta ?? 'starting…' : st === 'queued' ? 'waiting for a free worker' : st === 'done' ? `done in ${r.result.wallSeconds.toFixed(1)} s` : st;
  prog.querySelector('.eta').textContent = eta;
  const resKey = JSON.stringify([r?.result?.weightsHash, r?.error, r?.checkpoint && [r.checkpoint.epoch, r.checkpoint.batch], st === 'running', r?.dataName]);
  if (res.dataset.key !== resKey) {
    res.dataset.key = resKey;
    res.replaceChildren();
    for (const k of ['hash', 'samplesPerSecond', 'seconds', 'wallSeconds']) delete res.dataset[k];
    if (r?.result) {
      Object.assign(res.dataset, { hash: r.result.weightsHash, samplesPerSecond: String(r.result.samplesPerSecond), seconds: String(r.result.seconds), wallSeconds: String(r.result.wallSeconds) });
      res.append(el('div', { textContent: `test ${pct(r.result.test.accuracy)}` }), el('div', {}, 'hash ', el('code', { className: 'hash', textContent: r.result.weightsHash })),
        el('div', { textContent: `${Math.round(r.result.samplesPerSecond).toLocaleString('en')} samples/s · ${r.dataName}` }));
    } else if (r?.error) res.append(el('div', { className: 'error', textContent: r.error }));
    else if (r?.checkpoint && st !== 'running') res.append(el('div', { textContent: `checkpoint: epoch ${r.checkpoint.epoch + 1}, batch ${r.checkpoint.batch + 1} · ${r.dataName}` }));
  }
  const actKey = JSON.stringify([name === selected, st, !!r?.checkpoint, !!r?.files, r?.result?.weightsHash]);
  if (act.dataset.key === actKey) return;
  act.dataset.key = actKey;
  const focused = act.contains(document.activeElement) ? document.activeElement.textContent : null;
  const acts = [button(name === selected ? 'Selected' : 'Select', () => selectVariant(name), { ariaPressed: String(name === selected) })];
  if (st === 'running' || st === 'queued' || st === 'stopping') acts.push(button('Stop', () => stopRun(name), { disabled: st === 'stopping' }));
  else {
    acts.push(button(st === 'done' ? 'Run again' : 'Run', () => enqueue(name, false)));
    if (r?.checkpoint && st !== 'done') acts.push(button('Resume', () => enqueue(name, true)));
  }
  if (r?.files) {
    const f = Object.fromEntries(r.files);
    acts.push(download(`${name}-report.html`, f['report.html'], 'report.html', 'text/html'), download(`${name}.simdnet`, f['model.simdnet'], 'model.simdnet'),
      button('ONNX', (e) => onnx(name, e.target)));
  }
  for (const a of act.querySelectorAll('a[href^="blob:"]')) URL.revokeObjectURL(a.href);
  act.replaceChildren(...acts);
  if (focused) (acts.find((b) => b.textContent === focused) ?? acts[0]).focus(); // keyboard focus stays in the row
}

function selectVariant(name) {
  const prev = selected;
  selected = name;
  const v = experiment.variants.find((x) => x.name === name);
  $('settings-variant').textContent = name;
  form.fill(v.config);
  if (prev && prev !== name) updateRow(prev);
  updateRow(name);
  setState();
}

function applySettings(config) {
  const v = experiment.variants.find((x) => x.name === selected);
  v.config = config;
  const r = runs.get(selected);
  if (r && !r.worker) { runs.delete(selected); deleteRun(keyOf(selected)); }
  $('form-summary').textContent = `Applied to ${selected}: its next run uses these settings.`;
  updateRow(selected); redraw();
}

function enqueue(name, resume) {
  if (!data) { status('Load the data first.', true); return; }
  const prev = runs.get(name);
  if (prev?.worker || queue.some((q) => q.name === name)) return;
  if (resume && prev.dataName !== data.name) { status(`${name}: its checkpoint trained on ${prev.dataName}; load that data to resume it`, true); return; }
  runs.set(name, { ...(resume ? prev : { losses: [], history: {}, diag: null, checkpoint: null }), status: 'queued', error: null, result: null, files: null, worker: null, dataName: data.name });
  queue.push({ name, resume });
  updateRow(name); pump(); setState();
}
$('run-all').addEventListener('click', () => { for (const v of experiment.variants) if (runs.get(v.name)?.status !== 'done') enqueue(v.name, !!runs.get(v.name)?.checkpoint); });
$('stop-all').addEventListener('click', () => { for (const v of experiment.variants) stopRun(v.name); });

function stopRun(name) {
  const i = queue.findIndex((q) => q.name === name);
  if (i >= 0) { queue.splice(i, 1); const r = runs.get(name); r.status = r.checkpoint ? 'stopped' : 'idle'; updateRow(name); setState(); return; }
  const r = runs.get(name);
  if (!r?.worker) return;
  r.worker.postMessage({ type: 'stop' });
  r.status = 'stopping'; r.eta = 'stopping after this batch…';
  updateRow(name);
}

/** The configuration a variant trains with here: the data picked in the page (its dataset setting says which). */
function configFor(v) {
  return datasetNames.includes(data.name) ? { ...v.config, dataset: data.name } : { ...v.config };
}

function pump() {
  while (queue.length && running() < CORES) {
    const { name, resume } = queue.shift();
    start(name, resume);
  }
  setState();
}

const save = (name) => {
  const r = runs.get(name);
  const { worker, eta, t0, done0, ...keep } = r;
  const v = experiment.variants.find((x) => x.name === name);
  return putRun({ ...keep, key: keyOf(name), experiment: experiment.name, variant: name, config: v.config })
    .catch((e) => status(`could not keep ${name} in IndexedDB: ${e.message}`, true));
};

function start(name, resume) {
  const v = experiment.variants.find((x) => x.name === name), r = runs.get(name);
  const config = configFor(v);
  const worker = new Worker(new URL('./run-worker.js', import.meta.url), { type: 'module', name: `simdnet lab: ${name}` });
  Object.assign(r, { worker, status: 'running', eta: 'starting…', t0: performance.now() });
  const handlers = {
    begin(m) {
      Object.assign(r, { total: m.epochs * m.batches, batches: m.batches, epochs: m.epochs, done: m.start.epoch * m.batches + m.start.batch, history: m.history });
      r.done0 = r.done; r.t0 = performance.now();
      if (!resume) r.losses = [];
    },
    batch(m) {
      r.done = m.done;
      let s = r.losses.length ? r.losses[r.losses.length - 1][1] : m.losses[0];
      m.losses.forEach((l, i) => { s += 0.1 * (l - s); r.losses.push([(m.done - m.losses.length + i + 1) / r.batches, s]); });
      const rate = (r.done - r.done0) / ((performance.now() - r.t0) / 1000);
      if (rate > 0) r.eta = `${r.done} of ${r.total} batches · ETA ${Math.ceil((r.total - r.done) / rate)} s`;
      updateRow(name); redrawSoon();
    },
    epoch(m) {
      for (const [k, val] of Object.entries(m.logs)) (r.history[k] ??= [])[m.epoch] = val;
      redrawSoon();
    },
    diagnostics(m) { r.diag = { epoch: m.epoch, layers: m.layers, verdicts: m.verdicts }; renderDiagnostics(); },
    checkpoint(m) { r.checkpoint = m.checkpoint; save(name); },
    stopped(m) {
      r.checkpoint = m.checkpoint; r.status = 'stopped';
      finish();
    },
    done(m) {
      r.status = 'done'; r.checkpoint = null; r.history = m.history;
      r.result = { weightsHash: m.weightsHash, test: m.test, train: m.train, seconds: m.seconds, samplesPerSecond: m.samplesPerSecond, wallSeconds: m.wallSeconds, stopMessage: m.stopMessage };
      r.files = m.files;
      if (m.verdicts && r.diag) r.diag.verdicts = m.verdicts;
      renderDiagnostics();
      finish();
    },
    error(m) { r.status = 'error'; r.error = m.message; finish(); },
  };
  const finish = () => {
    worker.terminate(); r.worker = null;
    save(name); updateRow(name); redraw(); pump(); setState();
  };
  worker.onmessage = ({ data: m }) => handlers[m.type]?.(m);
  worker.onerror = (e) => { e.preventDefault(); handlers.error({ message: `the worker failed: ${e.message || 'see the console'}` }); };
  worker.postMessage({ type: 'train', config, data, checkpoint: resume ? r.checkpoint : undefined });
  updateRow(name);
}

// ── curves and diagnostics ─────────────────────────────────────────────────────────────────────────────────────
let framePending = false;
function redrawSoon() {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => { framePending = false; redraw(); });
}
function redraw() {
  if (!experiment) return;
  const loss = [], acc = [];
  let epochs = 1;
  for (const v of experiment.variants) {
    const r = runs.get(v.name);
    if (!r) continue;
    const h = r.history ?? {}, ep = (k) => (h[k] ?? []).map((y, i) => [i + 1, y]);
    epochs = Math.max(epochs, v.config.epochs);
    loss.push({ color: v.color, points: r.losses?.length ? r.losses : ep('loss'), width: 1.5, dots: !r.losses?.length });
    loss.push({ color: v.color, points: ep('valLoss'), dashed: true, dots: true });
    acc.push({ color: v.color, points: ep('accuracy'), dots: true }, { color: v.color, points: ep('valAccuracy'), dashed: true, dots: true });
  }
  lossChart.set(loss, epochs); accChart.set(acc, epochs);
  const last = (r, k) => r.history?.[k]?.at(-1);
  const said = experiment.variants.filter((v) => runs.get(v.name)?.history?.loss?.length)
    .map((v) => { const r = runs.get(v.name); return `${v.name}: loss ${last(r, 'loss')?.toFixed(3)}, accuracy ${pct(last(r, 'accuracy'))}`; });
  $('loss-chart').setAttribute('aria-label', `Loss per variant: ${said.join('; ') || 'no epochs yet'}`);
  $('acc-chart').setAttribute('aria-label', `Accuracy per variant: ${said.join('; ') || 'no epochs yet'}`);
  $('legend').replaceChildren(...experiment.variants.map((v) => el('li', {}, el('span', { className: 'swatch', style: `border-color:${v.color}` }), v.name)));
}
addEventListener('resize', () => redraw());

function renderDiagnostics() {
  if (experiment) showDiagnostics($('diagnostics'), experiment.variants.map((v) => ({ name: v.name, color: v.color, diag: runs.get(v.name)?.diag })));
}

// ── gradient check, ONNX, sweep ────────────────────────────────────────────────────────────────────────────────
/** Runs one task (gradcheck on run-worker.js, onnx on the bundled onnx-worker.js) on a fresh worker; resolves with its reply. */
function task(message, script = new URL('./run-worker.js', import.meta.url)) {
  return new Promise((ok, fail) => {
    const w = new Worker(script, { type: 'module', name: `simdnet lab: ${message.type}` });
    w.onmessage = ({ data: m }) => { w.terminate(); m.type === 'error' ? fail(new Error(m.message)) : ok(m); };
    w.onerror = (e) => { e.preventDefault(); w.terminate(); fail(new Error(e.message || 'the worker failed')); };
    w.postMessage(message);
  });
}

$('gradcheck').addEventListener('click', async () => {
  const name = selected, r = runs.get(name);
  if (!r?.files || !data) return;
  const out = $('gradcheck-out');
  out.textContent = `Checking the gradients of ${name}…`;
  $('gradcheck').disabled = true;
  try {
    const v = experiment.variants.find((x) => x.name === name);
    const m = await task({ type: 'gradcheck', model: Object.fromEntries(r.files)['model.simdnet'], data, config: configFor(v) });
    out.dataset.passed = String(m.passed);
    out.textContent = `${name}: ${m.passed ? 'passed' : 'FAILED'}${m.worst ? ` (worst: ${m.worst.name}, relative error ${m.worst.maxRelError.toExponential(2)})` : ''}\n${m.report}`;
  } catch (e) {
    out.textContent = `${name}: ${e.message}`;
  } finally { setState(); }
});

async function onnx(name, btn) {
  const r = runs.get(name);
  btn.disabled = true;
  try {
    // npm run demo bundles the ONNX worker (simdnet/onnx needs the CommonJS package onnx-proto) into build/lab/.
    const script = new URL('../../build/lab/onnx-worker.js', import.meta.url);
    const found = await fetch(script, { method: 'HEAD' }).then((res) => res.ok, () => false);
    if (!found) { btn.textContent = 'ONNX export not available in this build'; return; }
    const m = await task({ type: 'onnx', model: Object.fromEntries(r.files)['model.simdnet'] }, script);
    const a = download(`${name}.onnx`, m.bytes, 'model.onnx');
    btn.replaceWith(a);
    a.click();
  } catch (e) {
    btn.textContent = `ONNX: ${e.message}`;
  }
}

let sweeping = false, sweepFile = null; // sweepFile: { source, object } picked in the experiment list

async function runSweep(sweep) {
  if (!data || sweeping) return;
  sweeping = true; setState();
  try { await sweepOnPage(sweep, data, CORES); } finally { sweeping = false; setState(); }
}

$('sweep-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const v = experiment?.variants.find((x) => x.name === selected);
  if (!v || !data) return;
  const trials = Math.min(12, Math.max(2, Math.round(Number($('sweep-trials').value) || 4)));
  $('sweep-trials').value = String(trials);
  // The variant's settings as an experiment file gives them: those off their defaults (a setting given for a model it
  // does not apply to is refused, even at its default), without the two the sweep searches.
  const base = Object.fromEntries(Object.entries(configFor(v)).filter(([k, x]) => x !== undefined && !['learningRate', 'batchSize', 'out', 'dataDir'].includes(k)
    && (k === 'model' || k === 'dataset' || JSON.stringify(x) !== JSON.stringify(DEFAULTS[k]))));
  runSweep({
    name: `${experiment.name}-${v.name}-sweep`, base,
    space: { learningRate: { logUniform: [0.0001, 0.1] }, batchSize: { values: [32, 64, 128] } },
    method: 'random', metric: { name: (base.validationSplit ?? DEFAULTS.validationSplit) > 0 ? 'valAccuracy' : 'trainAccuracy', goal: 'maximize' }, budget: { trials }, seed: 1,
  });
});
$('sweep-file-run').addEventListener('click', () => sweepFile && runSweep(sweepFile.object));

// ── start ──────────────────────────────────────────────────────────────────────────────────────────────────────
$('workers-note').textContent = `${CORES} worker${CORES > 1 ? 's' : ''} at once`;
await listExperiments();
const saved = (() => { try { return JSON.parse(localStorage.getItem(SAVED)); } catch { return null; } })();
await loadData('fashion-small', () => fashionSmall());
if (saved) {
  if ([...$('experiment').options].some((o) => o.value === saved.source)) $('experiment').value = saved.source;
  await useExperiment(saved.source, saved.object);
} else setState();
