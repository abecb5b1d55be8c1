// The report's end-to-end test in Chromium: trains a small CNN on fashion-small with diagnostics (dist/, in this Node
// process), writes its report and a two-variant comparison to a temp folder, opens each via file:// in Debian's
// chromium (playwright-core, never a downloaded browser), checks no console or page errors, every section present,
// every chart's SVG drawn (non-zero boxes, path lengths, heat-map cells, histogram rows), the images decoded, the
// table sorting; saves a full-page screenshot. `npm test` adds its checks to the totals. Node-only tooling;
// `node scripts/test-report.mjs [--screenshot FILE] [--keep]` (default screenshot web/report-screenshot.png).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findChromium, launchChromium, NO_CHROMIUM, root } from './test-browser.mjs';

const SECTIONS = ['verdicts', 'run', 'curves', 'confusion', 'layers', 'histograms', 'first-layer', 'misclassified'];

// Rows [from, to) of a tensor as a new tensor.
function rows(lib, t, from, to) {
  const per = t.size / t.shape[0];
  return lib.tensor(t.toFloat32Array().slice(from * per, to * per), [to - from, ...t.shape.slice(1)]);
}

/** Trains the runs and renders both pages; returns { report, comparison, epochs, classes, trainMs }. */
async function makeReports(print) {
  const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
  const lib = await import(dist('index.js'));
  const { load } = await import(dist('data/index.js'));
  const rep = await import(dist('report/index.js'));
  await lib.init();
  const d = await load('fashion-small', { scale: true, oneHot: true });
  const n = 1000, nTest = 500, epochs = 8;
  const x = rows(lib, d.train.x, 0, n), y = rows(lib, d.train.y, 0, n);
  const xt = rows(lib, d.test.x, 0, nTest), yt = rows(lib, d.test.y, 0, nTest);
  d.dispose();
  const t0 = performance.now();
  const runs = [];
  let report;
  for (const [name, build, epochsOf] of [
    ['cnn relu', () => [lib.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), lib.layers.maxPool2d({ poolSize: 2 }),
      lib.layers.flatten(), lib.layers.dense({ units: 32, activation: 'relu' }), lib.layers.dense({ units: 10, activation: 'softmax' })], epochs],
    // The seed studies' vanishing-gradient case: a deep sigmoid MLP with small normal initial weights.
    ['deep sigmoid mlp', () => [lib.layers.flatten(), ...Array.from({ length: 6 }, () => lib.layers.dense({ units: 32, activation: 'sigmoid', kernelInitializer: 'normal' })),
      lib.layers.dense({ units: 10, activation: 'softmax' })], 4],
  ]) {
    const m = lib.sequential(build(), { inputShape: [28, 28, 1], seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
    const t = performance.now();
    const h = await m.fit(x, y, { epochs: epochsOf, batchSize: 50, validationSplit: 0.2, diagnostics: true });
    const seconds = (performance.now() - t) / 1000;
    const ev = m.evaluate(xt, yt, { confusionMatrix: true });
    const test = { loss: ev.loss, accuracy: ev.accuracy, confusionMatrix: ev.confusionMatrix, classNames: d.classes };
    runs.push({ name, history: h, test, timeSeconds: seconds, samplesPerSecond: (n * 0.8 * epochsOf) / seconds, reportHref: name === 'cnn relu' ? 'report.html' : undefined });
    if (!report) {
      const p = m.predict(xt), onehot = yt.toFloat32Array();
      const labels = Array.from({ length: nTest }, (_, i) => onehot.subarray(i * 10, i * 10 + 10).indexOf(1));
      report = rep.renderReport(h, {
        title: `simdnet report: ${name} on fashion-small`, command: 'node scripts/test-report.mjs',
        config: { model: name, dataset: 'fashion-small', samples: n, validationSplit: 0.2, epochs: epochsOf, batchSize: 50, optimizer: 'adam', seed: 1 },
        environment: rep.describeEnvironment(), weightsHash: m.weightsHash(), test,
        misclassified: rep.pickMisclassified({ x: xt.toFloat32Array(), imageShape: [28, 28, 1], labels, predicted: p.toFloat32Array(), limit: 24 }),
      });
      p.dispose();
    }
    print(`trained ${name}: ${epochsOf} epochs in ${seconds.toFixed(1)} s, test accuracy ${(ev.accuracy * 100).toFixed(1)}%, verdicts: ${h.diagnostics.verdicts.map((v) => v.kind).join(', ') || 'none'}`);
    m.dispose();
  }
  [x, y, xt, yt].forEach((t) => t.dispose());
  const comparison = rep.renderComparison(runs, { title: 'simdnet experiment: cnn vs mlp on fashion-small', command: 'node scripts/test-report.mjs' });
  const verdicts = runs.reduce((a, r) => a + r.history.diagnostics.verdicts.length, 0);
  return { report, comparison, epochs, classes: d.classes.length, verdicts, trainMs: performance.now() - t0 };
}

// In the page: every svg.plot's drawn content (lines with length, cells, histogram rows, bars) and its box.
function inspectCharts() {
  const out = [];
  for (const svg of document.querySelectorAll('svg.plot')) {
    const box = svg.getBoundingClientRect();
    const lines = [...svg.querySelectorAll('path.line, path.hist')].map((p) => p.getTotalLength());
    const cells = [...svg.querySelectorAll('rect.cell')].filter((r) => { const b = r.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length;
    const hrows = [...svg.querySelectorAll('g.hrow')];
    const rowsDrawn = hrows.filter((g) => [...g.querySelectorAll('path')].some((p) => p.getTotalLength() > 0)).length;
    out.push({
      title: svg.getAttribute('aria-label'), section: svg.closest('section')?.id, w: box.width, h: box.height,
      longest: Math.max(0, ...lines), lines: lines.length, cells, hrows: hrows.length, rowsDrawn,
    });
  }
  return out;
}

const drawn = (c) => c.w > 0 && c.h > 0 && (c.longest > 0 || c.cells > 0 || c.rowsDrawn > 0);

export async function openPage(chrome, file, errors) {
  const page = await chrome.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`); });
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`request to ${r.url()}`); });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return page;
}

/**
 * Runs the checks; resolves to { passed, failed, ms, lines, trainMs }. Each check is one line "ok – …" or "FAIL – …"
 * in `lines`; a missing chromium is one failure saying how to install it.
 */
export async function runReportTest({ screenshot = join(root, 'web/report-screenshot.png'), print = console.log, keep = false } = {}) {
  const t0 = performance.now();
  const out = { passed: 0, failed: 0, ms: 0, lines: [], trainMs: NaN };
  const check = (ok, what) => { ok ? out.passed++ : out.failed++; const line = `${ok ? 'ok  ' : 'FAIL'} – ${what}`; out.lines.push(line); print(line); return ok; };
  const exe = findChromium();
  if (!exe) { check(false, NO_CHROMIUM); return out; }
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-report-'));
  let chrome;
  try {
    const r = await makeReports(print);
    out.trainMs = r.trainMs;
    const reportFile = join(dir, 'report.html'), comparisonFile = join(dir, 'comparison.html');
    writeFileSync(reportFile, r.report);
    writeFileSync(comparisonFile, r.comparison);
    print(`wrote ${reportFile} (${(r.report.length / 1024).toFixed(0)} KiB) and ${comparisonFile} (${(r.comparison.length / 1024).toFixed(0)} KiB)`);
    chrome = await launchChromium(exe);

    const errors = [];
    const page = await openPage(chrome, reportFile, errors);
    const present = await page.evaluate((ids) => ids.map((id) => { const s = document.getElementById(id); return s ? s.getBoundingClientRect().height : 0; }), SECTIONS);
    check(present.every((h) => h > 40), `every section is on the page: ${SECTIONS.map((id, i) => `#${id} ${Math.round(present[i])} px`).join(', ')}`);
    const charts = await page.evaluate(inspectCharts);
    const blank = charts.filter((c) => !drawn(c));
    check(charts.length > 10 && blank.length === 0, `${charts.length} charts, each with a box and drawn content${blank.length ? `; blank: ${blank.map((c) => `${c.section}/${c.title}`).join(', ')}` : ''}`);
    const bySection = (s) => charts.filter((c) => c.section === s);
    const curves = bySection('curves');
    check(curves.length === 2 && curves.every((c) => c.lines === 2 && c.longest > 100), `loss and accuracy curves drawn (${curves.map((c) => `${c.lines} lines, longest ${Math.round(c.longest)} px`).join('; ')})`);
    const heat = bySection('confusion');
    check(heat.length === 1 && heat[0].cells === r.classes ** 2, `confusion heat map with ${heat[0]?.cells} = ${r.classes}² cells`);
    const strips = bySection('histograms');
    check(strips.length >= 2 && strips.every((s) => s.hrows === r.epochs && s.rowsDrawn === r.epochs), `${strips.length} histogram strips, each with ${r.epochs} drawn rows (one per epoch)`);
    check(bySection('layers').length >= 8 && bySection('first-layer').length === 1, `per-layer small multiples (${bySection('layers').length} charts) and the first-layer comparison`);
    const imgs = await page.evaluate(() => [...document.querySelectorAll('#misclassified img')].map((i) => [i.complete, i.naturalWidth, i.getBoundingClientRect().width]));
    check(imgs.length === 24 && imgs.every(([done, w, bw]) => done && w === 28 && bw > 0), `${imgs.length} misclassified images decoded (28 px wide, shown ${imgs[0]?.[2]} px)`);
    const sorted = await page.evaluate(() => {
      const t = document.querySelector('#confusion table.sortable'), th = t.querySelectorAll('thead th')[4]; // recall
      th.click();
      const v = [...t.tBodies[0].rows].map((r) => parseFloat(r.cells[4].dataset.v));
      return v.every((x, i) => i === 0 || x >= v[i - 1]) ? v.length : -1;
    });
    check(sorted > 0, `clicking "recall" sorts the per-class table (${sorted} rows)`);
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.reload({ waitUntil: 'load' }); // unsorted, as a reader first sees it
    await page.screenshot({ path: screenshot, fullPage: true });
    print(`screenshot: ${screenshot}`);
    check(errors.length === 0, `the report: no console errors, page errors or requests${errors.length ? `: ${errors.join('; ')}` : ''}`);

    const cErrors = [];
    const cmp = await openPage(chrome, comparisonFile, cErrors);
    const cCharts = await cmp.evaluate(inspectCharts);
    const cRows = await cmp.evaluate(() => [...document.querySelectorAll('#results tbody tr')].map((tr) => document.getElementById(tr.querySelector('a').getAttribute('href').slice(1)) !== null));
    check(cCharts.length >= 2 && cCharts.every(drawn) && cRows.length === 2 && cRows.every(Boolean),
      `the comparison: ${cCharts.length} charts drawn, ${cRows.length} result rows linked to their variant sections`);
    const shown = await cmp.evaluate(() => [...document.querySelectorAll('#verdicts .verdict[data-kind]')].map((v) => [v.dataset.kind, v.querySelectorAll('table.evidence tr').length]));
    check(shown.length === r.verdicts && shown.every(([, rows]) => rows > 0), `the comparison lists each variant's ${r.verdicts} verdict(s) with evidence (${shown.map(([k, n]) => `${k}: ${n} figures`).join(', ')})`);
    check(cErrors.length === 0, `the comparison: no console errors, page errors or requests${cErrors.length ? `: ${cErrors.join('; ')}` : ''}`);

    // The command line's reports: the vanishing-gradient run of the issue and the healthy default run. The deep sigmoid
    // network trains with plain SGD: Keras' Adam (ε on the uncorrected √v) lifts it out of the vanishing regime by epoch 5.
    for (const [label, args, verdict] of [
      ['deep sigmoid', ['--model', 'mlp', '--activation', 'sigmoid', '--hidden', '128,128,128,128,128,128', '--init', 'normal', '--optimizer', 'sgd', '--epochs', '5'], /Vanishing gradients/],
      ['default', ['--epochs', '5'], /No problems found/],
    ]) {
      const runDir = join(dir, `cli-${label.replace(/\W+/g, '-')}`);
      const cli = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'train', ...args, '--out', runDir], { encoding: 'utf8', timeout: 120_000 });
      const said = /diagnostics: (.*)/.exec(cli.stdout)?.[1] ?? '';
      check(cli.status === 0 && (verdict.source.startsWith('Vanishing') ? /1 verdict/.test(said) && /Vanishing gradients/.test(cli.stdout) : /no problems found/.test(said)),
        `simdnet train (${label}) prints "diagnostics: ${said}" (exit ${cli.status})`);
      const e2 = [];
      const pg = await openPage(chrome, join(runDir, 'report.html'), e2);
      const sizes = await pg.evaluate((ids) => ids.map((id) => document.getElementById(id)?.getBoundingClientRect().height ?? 0), SECTIONS);
      const verdictText = await pg.evaluate(() => document.getElementById('verdicts')?.textContent ?? '');
      const cc = await pg.evaluate(inspectCharts);
      check(sizes.every((h) => h > 40) && verdict.test(verdictText) && cc.length > 10 && cc.every(drawn) && e2.length === 0,
        `its report.html opens with every section, ${cc.length} drawn charts and the verdicts (${verdictText.slice(0, 60).trim()}…)${e2.length ? `; errors: ${e2.join('; ')}` : ''}`);
    }
  } catch (e) {
    check(false, `the report test crashed: ${e.stack ?? e}`);
  } finally {
    await chrome?.close().catch(() => {});
    if (keep) print(`kept ${dir}`); else rmSync(dir, { recursive: true, force: true });
    out.ms = Math.round(performance.now() - t0);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
  const at = args.indexOf('--screenshot');
  const r = await runReportTest({ ...(at >= 0 ? { screenshot: resolve(args[at + 1]) } : {}), keep: args.includes('--keep') });
  console.log(`\nreport: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  process.exitCode = r.failed ? 1 : 0;
}
