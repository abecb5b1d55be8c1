// simdnet/report: the report of a real training run (fit with diagnostics) parses as well-formed HTML, has every
// section with drawn content (curve points, classes² heat-map cells, one histogram row per epoch), escapes every user
// string, references nothing outside the file; options are read strictly; comparisons and the JSON round trip.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { bars } from '../helpers/problems.js';
import { sequential, layers, type History } from '../../src/index.js';
import { decodePng } from '../../src/data/index.js';
import { renderReport, renderComparison, reportJson, renderFromJson, parseReportJson, pickMisclassified, describeEnvironment,
  type ReportOptions } from '../../src/report/index.js';
import { parseHtml, all, byId, hasClass, text, pathPoints, type El } from './html-check.js';

await ready();
const test = suite(`report [${BUILD}]`);

const EPOCHS = 5;
const CLASSES = ['<script>alert(1)</script>', 'vertical & "bar"', "diagonal's"];

// A tiny CNN on the 6×6 bars, trained with diagnostics; evaluated with a confusion matrix; its mistakes picked.
async function realRun(): Promise<{ h: History; options: ReportOptions; mistakes: number }> {
  const { x, y } = bars(240);
  const m = sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
    layers.flatten(),
    layers.dense({ units: 8, activation: 'tanh' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { inputShape: [6, 6, 1], seed: 2 });
  m.compile({ optimizer: { name: 'sgd', learningRate: 0.05 } as never, loss: 'crossEntropy', metrics: ['accuracy'] });
  const h = await m.fit(x, y, { epochs: EPOCHS, batchSize: 24, validationSplit: 0.25, diagnostics: true });
  const ev = m.evaluate(x, y, { confusionMatrix: true });
  const p = m.predict(x), probs = p.toFloat32Array(), onehot = y.toFloat32Array();
  const labels = Array.from({ length: 240 }, (_, i) => [0, 1, 2].find((c) => onehot[i * 3 + c] === 1)!);
  const mistakes = labels.filter((l, i) => [0, 1, 2].reduce((b, c) => (probs[i * 3 + c] > probs[i * 3 + b] ? c : b), 0) !== l).length;
  const misclassified = pickMisclassified({ x: x.toFloat32Array(), imageShape: [6, 6, 1], labels, predicted: probs, limit: 12 });
  p.dispose(); x.dispose(); y.dispose();
  const options: ReportOptions = {
    title: 'Bars <CNN> & friends', command: 'simdnet train --model "<cnn>.json"',
    config: { model: 'cnn', optimizer: { name: 'sgd', learningRate: 0.05 }, note: '<img src=x onerror=alert(1)>' },
    environment: describeEnvironment(new Date(Date.UTC(2025, 0, 2))), weightsHash: m.weightsHash(),
    test: { loss: ev.loss, accuracy: ev.accuracy as number, confusionMatrix: ev.confusionMatrix, classNames: CLASSES },
    misclassified,
  };
  m.dispose();
  return { h, options, mistakes };
}

const run = await realRun();
const html = renderReport(run.h, run.options);
const doc = parseHtml(html);
const sectionOf = (id: string): El => { const s = byId(doc, id); assert.ok(s && s.tag === 'section', `section #${id}`); return s!; };
const lines = (e: El) => all(e, (x) => x.tag === 'path' && hasClass(x, 'line'));

test('the report of a real run is one well-formed page with every section, in order, linked from the contents', () => {
  const ids = ['verdicts', 'run', 'curves', 'confusion', 'layers', 'histograms', 'first-layer', 'misclassified'];
  const sections = all(doc, (x) => x.tag === 'section').map((s) => s.attrs.id);
  assert.equal(sections, ids);
  const toc = all(doc, (x) => x.tag === 'nav')[0];
  assert.equal(all(toc, (x) => x.tag === 'a').map((a) => a.attrs.href), ids.map((i) => `#${i}`));
  for (const a of all(doc, (x) => x.tag === 'a' && (x.attrs.href ?? '').startsWith('#'))) assert.ok(byId(doc, a.attrs.href.slice(1)), `link ${a.attrs.href} has a target`);
  assert.is(all(doc, (x) => x.tag === 'script').length, 1, 'only the sorting script');
  assert.is(run.h.diagnostics!.epochs.length, EPOCHS);
});

test('curves: a training and a validation line per metric, one point per epoch, with axes and legends', () => {
  const c = sectionOf('curves');
  const charts = all(c, (x) => x.tag === 'svg');
  assert.is(charts.length, 2, 'loss and accuracy');
  for (const svg of charts) {
    const ls = lines(svg);
    assert.is(ls.length, 2);
    for (const l of ls) { assert.is(Number(l.attrs['data-points']), EPOCHS); assert.is(pathPoints(l.attrs.d), EPOCHS); }
    assert.ok(all(svg, (x) => hasClass(x, 'tick')).length >= 6, 'tick labels');
    assert.is(all(svg, (x) => hasClass(x, 'key')).length, 2, 'legend');
  }
  assert.match(text(c), 'validation loss');
});

test('confusion matrix: classes² cells summing to the samples, per-class precision/recall, most confused pairs', () => {
  const c = sectionOf('confusion');
  const cells = all(c, (x) => x.tag === 'rect' && hasClass(x, 'cell'));
  assert.is(cells.length, CLASSES.length ** 2);
  const counts = cells.map((r) => Number(/: (\d+) \(/.exec(text(r))![1]));
  assert.is(counts.reduce((a, b) => a + b, 0), 240);
  const rows = all(all(c, (x) => x.tag === 'table' && hasClass(x, 'classes'))[0], (x) => x.tag === 'tr');
  assert.is(rows.length, CLASSES.length + 1);
  assert.ok(all(c, (x) => x.tag === 'table' && hasClass(x, 'pairs')).length + (/No confusions/.test(text(c)) ? 1 : 0) === 1);
});

test('layers: gradient RMS per layer and small multiples per parameter with drawn lines', () => {
  const l = sectionOf('layers');
  const params = run.h.diagnostics!.epochs[0].params;
  const blocks = all(l, (x) => hasClass(x, 'layer'));
  assert.is(blocks.length, run.h.diagnostics!.epochs[0].layers.length);
  const drawn = lines(l).filter((p) => Number(p.attrs['data-points']) > 0);
  // overview (one line per layer with parameters) + per parameter: weights, gradient RMS, update ratio + per layer: output (+ dead units for ReLU)
  assert.ok(drawn.length >= 3 * params.length + blocks.length, `${drawn.length} drawn lines`);
  assert.ok(all(l, (x) => hasClass(x, 'band')).length >= params.length, 'mean ± std bands');
  assert.match(text(l), 'dead units');
});

test('histograms: one strip per parameter for weights and one for gradients, one row per epoch', () => {
  const s = sectionOf('histograms');
  const strips = all(s, (x) => x.tag === 'figure' && hasClass(x, 'strip'));
  assert.is(strips.length, 2 * run.h.diagnostics!.epochs[0].params.length);
  for (const f of strips) {
    const rows = all(f, (x) => hasClass(x, 'hrow'));
    assert.is(rows.length, EPOCHS);
    assert.ok(rows.every((r) => all(r, (x) => x.tag === 'path').length > 0), 'every row draws bins');
  }
});

test('first layer: overlaid histograms and the first-versus-last numbers', () => {
  const f = sectionOf('first-layer');
  assert.is(all(f, (x) => x.tag === 'path' && hasClass(x, 'hist')).length, 2);
  const t = text(f);
  for (const k of ['mean |Δ|', 'correlation first ↔ last', 'relative change']) assert.match(t, k);
  const corr = Number(/correlation first ↔ last([-\d.e]+)/.exec(t)?.[1]);
  assert.ok(corr > 0 && corr <= 1, `correlation ${corr}`);
});

test('misclassified: one image per mistake (up to the limit), decoding to the given pixels, with labels', async () => {
  const m = sectionOf('misclassified');
  const imgs = all(m, (x) => x.tag === 'img');
  assert.ok(run.mistakes > 0, 'the short run makes mistakes');
  assert.is(imgs.length, Math.min(12, run.mistakes));
  const given = run.options.misclassified!.images;
  for (const [k, img] of imgs.entries()) {
    const b64 = img.attrs.src.replace(/^data:image\/png;base64,/, '');
    const bin = atob(b64), bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const png = await decodePng(bytes, 'report image');
    assert.equal([png.width, png.height, png.channels], [6, 6, 1]);
    const want = Array.from(given[k].pixels, (v) => Math.round(Math.max(0, Math.min(1, v)) * 255));
    assert.equal(Array.from(png.data), want);
  }
});

test('every user string is escaped: class names, title, command, config values', () => {
  assert.not.match(html, '<script>alert');
  assert.not.match(html, '<img src=x');
  assert.not.match(html, '<CNN>');
  assert.match(html, '&lt;script&gt;alert(1)&lt;/script&gt;');
  assert.match(html, 'vertical &amp; &quot;bar&quot;');
  assert.match(html, 'diagonal&#39;s');
  assert.match(html, '&lt;img src=x onerror=alert(1)&gt;');
  assert.match(text(all(doc, (x) => x.tag === 'title')[0]), 'Bars <CNN> & friends');
  assert.match(text(sectionOf('run')), 'simdnet train --model "<cnn>.json"');
});

test('nothing outside the file: no http(s) URLs, src only data: URIs, no CSS url() or @import', () => {
  assert.not.match(html, /https?:/i);
  assert.not.match(html, /url\(|@import/i);
  for (const e of all(doc, (x) => 'src' in x.attrs || 'href' in x.attrs || 'xlink:href' in x.attrs)) {
    if (e.attrs.src !== undefined) assert.ok(e.attrs.src.startsWith('data:image/png;base64,'), e.attrs.src.slice(0, 40));
    if (e.attrs.href !== undefined) assert.ok(e.attrs.href.startsWith('#'), e.attrs.href);
  }
});

// A hand-written history: no diagnostics, a training loss that rises (learning rate too high).
const rising: History = { epoch: [0, 1, 2, 3], history: { loss: [1, 0.8, 1.2, 1.5], accuracy: [0.5, 0.6, 0.4, 0.3] } };
const healthy: History = { epoch: [0, 1, 2, 3], history: { loss: [1, 0.7, 0.5, 0.4], valLoss: [1.1, 0.8, 0.6, 0.55] } };

test('verdicts: each with its sentence and evidence figures (sparklines for series); none lists the thresholds checked', () => {
  const d = parseHtml(renderReport(rising));
  const v = all(byId(d, 'verdicts')!, (x) => hasClass(x, 'verdict'));
  assert.is(v.length, 1);
  assert.is(v[0].attrs['data-kind'], 'learningRateTooHigh');
  assert.match(text(v[0]), 'rose by 50.0%');
  assert.ok(all(v[0], (x) => x.tag === 'svg' && hasClass(x, 'spark')).length >= 1, 'the loss series as a sparkline');
  assert.match(text(byId(d, 'verdicts')!), 'Diagnostics were off');
  for (const id of ['layers', 'histograms', 'first-layer']) assert.match(text(byId(d, id)!), 'diagnostics: true');
  const ok = parseHtml(renderReport(healthy));
  const t = text(byId(ok, 'verdicts')!);
  assert.match(t, 'No problems found');
  for (const k of ['vanishingRatio', 'explodingRms', 'deadFraction', 'overfitEpochs']) assert.match(t, k);
  // the real run: its verdicts are fit's
  assert.is(all(sectionOf('verdicts'), (x) => x.attrs['data-kind'] !== undefined).length, run.h.diagnostics!.verdicts.length);
});

test('options are read strictly: unknown keys name the nearest valid one; wrong types are refused', () => {
  assert.throws(() => renderReport(healthy, { titel: 'x' } as never), /unknown option "titel"; did you mean "title"/);
  assert.throws(() => renderReport(healthy, { test: { loss: 1, accuracy: 1, confusionMatrx: [] } } as never), /test: unknown option "confusionMatrx"; did you mean "confusionMatrix"/);
  assert.throws(() => renderReport(healthy, { environment: { runtime: 'Node', version: '20', date: 'x', cpus: '2' } } as never), /did you mean "cpu"/);
  assert.throws(() => renderReport(healthy, { misclassified: { images: [{ pixels: [0], shape: [1, 1, 1], trueClass: 0, predicted: 1, label: 2 }] } } as never), /images\[0\]: unknown option "label"/);
  assert.throws(() => renderReport(healthy, { test: { loss: 1, accuracy: 1, confusionMatrix: [[1, 2], [3]] } } as never), /confusionMatrix must be a square/);
  assert.throws(() => renderReport(healthy, { test: { loss: 1, accuracy: 1, confusionMatrix: [[1, 0], [0, 1]], classNames: ['a'] } }), /classNames must be 2 names/);
  assert.throws(() => renderReport(healthy, { misclassified: { images: [{ pixels: [0, 1], shape: [1, 1, 1], trueClass: 0, predicted: 1 }] } }), /pixels must be 1 numbers/);
  assert.throws(() => renderReport({ loss: [1] } as never), /history must be what fit\(\) returns/);
  assert.throws(() => renderComparison([{ name: 'a', history: healthy, reportHref: 'javascript:alert(1)' }]), /reportHref must be a relative link/);
  assert.throws(() => renderComparison([{ name: 'a', history: healthy, timeSecond: 3 }] as never), /runs\[0\]: unknown option "timeSecond"; did you mean "timeSeconds"/);
  assert.throws(() => renderComparison([]), /non-empty array/);
});

test('renderComparison: results table from the inputs, overlaid curves per variant, verdicts, anchors and links to each variant', () => {
  const runs = [
    { name: 'relu <a>', history: run.h, test: run.options.test, timeSeconds: 1.5, samplesPerSecond: 1234.4, reportHref: 'relu/report.html' },
    { name: 'rising', history: rising },
    { name: 'healthy', history: healthy, test: { loss: 0.5, accuracy: 0.875 } },
  ];
  const d = parseHtml(renderComparison(runs, { title: 'Activations', command: 'simdnet run exp.json' }));
  const rows = all(all(byId(d, 'results')!, (x) => x.tag === 'tbody')[0], (x) => x.tag === 'tr');
  assert.is(rows.length, 3);
  const cells = (r: El) => all(r, (x) => x.tag === 'td').map(text);
  assert.equal(cells(rows[0]).slice(8, 10), ['1.5 s', '1234']);
  assert.is(cells(rows[2])[4], '87.50%');
  assert.match(cells(rows[1])[10], 'learningRateTooHigh');
  const loss = all(byId(d, 'curves')!, (x) => x.tag === 'svg')[0];
  assert.is(lines(loss).length, 2 + 1 + 2, 'training and validation lines per variant that has them');
  assert.is(lines(loss).filter((l) => l.attrs['stroke-dasharray']).length, 2);
  for (const [i, r] of runs.entries()) {
    const a = all(rows[i], (x) => x.tag === 'a')[0];
    assert.is(text(a), r.name);
    assert.ok(byId(d, a.attrs.href.slice(1))?.tag === 'section', `detail section ${a.attrs.href}`);
  }
  assert.ok(all(d, (x) => x.tag === 'a' && x.attrs.href === 'relu/report.html').length === 1, 'link to the full report');
  assert.is(all(byId(d, 'verdicts')!, (x) => x.attrs['data-kind'] === 'learningRateTooHigh').length, 1);
});

test('environment: the kernels a run used show in the run section and survive the JSON; a wrong type is refused', () => {
  const environment = { runtime: 'Node', version: '20.20.2', date: '2026-12-06T16:00:00.000Z', kernels: 'relaxed build, 2 threads' };
  const page = renderReport(healthy, { environment });
  assert.ok(byId(parseHtml(page), 'run'), 'run section');
  assert.match(page, /<tr><th scope="row">kernels<\/th><td>relaxed build, 2 threads<\/td><\/tr>/);
  const back = parseReportJson(reportJson(healthy, { environment }));
  assert.equal((back.options as { environment?: unknown }).environment, environment);
  assert.is(renderFromJson(reportJson(healthy, { environment })), page);
  assert.not.match(renderReport(healthy, { environment: { ...environment, kernels: undefined } }), /relaxed build/);
  assert.throws(() => renderReport(healthy, { environment: { ...environment, kernels: 2 } } as never), /kernels/);
  assert.throws(() => renderReport(healthy, { environment: { ...environment, kernel: 'x' } } as never), /did you mean "kernels"/);
});

test('report JSON keeps NaN and Infinity and renders the same page', () => {
  const h: History = { epoch: [0, 1], history: { loss: [1, NaN], accuracy: [0.5, Infinity] } };
  const o: ReportOptions = { test: { loss: NaN, accuracy: 0.5 }, misclassified: { images: [{ pixels: new Float32Array([0, 0.5, 1, 0.25]), shape: [2, 2, 1], trueClass: 1, predicted: 0 }] } };
  const text1 = reportJson(h, o), back = parseReportJson(text1);
  assert.ok(Number.isNaN(back.history!.history.loss[1]) && back.history!.history.accuracy[1] === Infinity);
  assert.is(renderFromJson(text1), renderReport(h, o));
  assert.is(renderFromJson(reportJson(run.h, run.options)), html);
  assert.throws(() => renderFromJson('{"format":"other"}'), /not a simdnet report data file/);
});

test.run();
