// The lab page's end-to-end test (web/lab/): serves it as `npm run demo` does, opens it in Debian's chromium
// (playwright-core), runs a shortened copy of an experiments/ file (two variants, one epoch, a --limit) and compares
// their weights hashes with `simdnet run` on the same file; downloads a report and checks its sections; checks that a
// settings error names its field; runs a gradient check and a 2-trial sweep; stops a run, reloads the page (finished
// runs and the checkpoint survive), resumes it to the command line's hash; trains on an image folder made here; saves
// screenshots at 360 and 1280 px. Node-only tooling; `node scripts/test-lab.mjs` (npm test adds its checks to the totals).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { serveDemo } from './demo.mjs';
import { findChromium, launchChromium, NO_CHROMIUM, root } from './test-browser.mjs';

const WORK = join(root, 'build/lab');
const RUN_TIMEOUT_MS = 60_000;

/** The shortened study: study 2's first variant and its batch-norm fix, one epoch on the first 600 training images. */
function shortStudy() {
  const e = JSON.parse(readFileSync(join(root, 'experiments/study2-vanishing-gradients.json'), 'utf8'));
  const pick = ['sigmoid', 'fix-batchnorm-sigmoid'];
  return { ...e, name: 'study2-short', base: { ...e.base, epochs: 1, limit: 600 }, variants: e.variants.filter((v) => pick.includes(v.name)) };
}
/** One variant of the same study for 100 epochs: the run the test stops, reloads and resumes. */
const resumeStudy = (s) => ({ name: 'study2-resume', base: { ...s.base, epochs: 100 }, variants: [s.variants[1]] });

/** Runs `simdnet run FILE --out DIR`; resolves to { variant: weightsHash } read from each variant's history.json. */
function cliHashes(file, out, variants) {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'run', file, '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => {
      if (code !== 0) { fail(new Error(`simdnet run ${file} failed (exit ${code}): ${err.trim().slice(-400)}`)); return; }
      try { ok(Object.fromEntries(variants.map((v) => [v, JSON.parse(readFileSync(join(out, v, 'history.json'), 'utf8')).weightsHash]))); } catch (e) { fail(e); }
    });
  });
}

/** A small image folder: 3 classes of 12×12 grey PNGs (a bar across, a bar down, a diagonal), 10 each, with noise (the test swaps the diagonals for JPEGs). */
async function imageFolder(dir) {
  const { pngDataUri } = await import(join(root, 'dist/report/png.js'));
  rmSync(dir, { recursive: true, force: true });
  let s = 7;
  const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const shapes = { across: (y, x, k) => Math.abs(y - 3 - (k % 6)) <= 1, down: (y, x, k) => Math.abs(x - 3 - (k % 6)) <= 1, diagonal: (y, x) => Math.abs(y - x) <= 1 };
  for (const [cls, inside] of Object.entries(shapes)) {
    mkdirSync(join(dir, cls), { recursive: true });
    for (let k = 0; k < 10; k++) {
      const px = Array.from({ length: 144 }, (_, i) => (inside(Math.floor(i / 12), i % 12, k) ? 0.9 : 0.1) + 0.1 * rnd());
      writeFileSync(join(dir, cls, `${cls}-${k}.png`), Buffer.from(pngDataUri(px, 12, 12, 1).split(',')[1], 'base64'));
    }
  }
}

const kb = (n) => (n / 1024).toFixed(1);

/** The gzipped bytes of what the page fetched: its code (HTML, CSS, JavaScript, wasm) and its data (fashion-small, already gzipped). */
async function transferSize(responses) {
  const t = { code: 0, wasm: 0, data: 0, files: 0 };
  const seen = new Set();
  for (const r of responses) {
    if (seen.has(r.url()) || r.status() !== 200) continue;
    seen.add(r.url());
    const body = await r.body().catch(() => null);
    if (!body) continue;
    const gz = r.url().endsWith('.gz') ? body.length : gzipSync(body, { level: 9 }).length;
    if (/\/data\//.test(r.url())) t.data += gz;
    else { t.code += gz; t.files++; if (r.url().endsWith('.wasm')) t.wasm += gz; }
  }
  return t;
}

export async function runLabTest({ print = console.log, shots = join(root, 'web') } = {}) {
  const t0 = performance.now();
  const out = { passed: 0, failed: 0, ms: 0, lines: [], perVariant: [] };
  const check = (ok, what) => { ok ? out.passed++ : out.failed++; const line = `${ok ? 'ok  ' : 'FAIL'} – ${what}`; out.lines.push(line); print(line); return ok; };
  const exe = findChromium();
  if (!exe) { check(false, NO_CHROMIUM); return out; }
  mkdirSync(WORK, { recursive: true });
  const study = shortStudy(), resume = resumeStudy(study);
  const studyFile = join(WORK, 'study2-short.json'), resumeFile = join(WORK, 'study2-resume.json');
  writeFileSync(studyFile, JSON.stringify(study, null, 1));
  writeFileSync(resumeFile, JSON.stringify(resume, null, 1));
  rmSync(join(WORK, 'cli'), { recursive: true, force: true });
  const names = study.variants.map((v) => v.name);
  const cli = cliHashes(studyFile, join(WORK, 'cli/short'), names).then((h) => cliHashes(resumeFile, join(WORK, 'cli/resume'), [resume.variants[0].name]).then((r) => ({ ...h, resumed: Object.values(r)[0] })));
  cli.catch(() => {});
  await imageFolder(join(WORK, 'images'));
  const server = await serveDemo(0);
  let chrome;
  const errors = [];
  try {
    chrome = await launchChromium(exe);
    const context = chrome.context;
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const watch = (p) => {
      p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`); });
    };
    watch(page);
    const loaded = [];
    const onResponse = (r) => loaded.push(r);
    page.on('response', onResponse);
    await page.goto(`${server.url}web/lab/`);
    const dataReady = (name) => page.waitForSelector(`#data-status[data-name="${name}"]`, { timeout: 30_000 }).then(() => true, () => false);
    if (!check(await dataReady('fashion-small'), `the lab loads fashion-small (${await page.textContent('#data-status')})`)) return out;
    page.off('response', onResponse);
    out.transfer = await transferSize(loaded);
    print(`transfer at load (gzip -9 of each response): code ${kb(out.transfer.code)} KiB in ${out.transfer.files} files (of which kernels.wasm ${kb(out.transfer.wasm)} KiB), data ${kb(out.transfer.data)} KiB`);
    const listed = await page.$$eval('#experiment option', (o) => o.map((x) => x.value).filter(Boolean));
    const shipped = ['study1-digits-mlp.json', 'study2-vanishing-gradients.json', 'study3-cnn-init-loss.json', 'study4-fashion-mlp.json', 'study5-cnn.json'];
    check(shipped.every((f) => listed.includes(f)), `the experiment picker lists the shipped experiment files (${listed.join(', ')})`);

    await page.selectOption('#experiment', 'study2-vanishing-gradients.json');
    const shippedRows = await page.waitForFunction(() => document.querySelectorAll('#variant-rows tr[data-variant]').length === 7, null, { timeout: 10_000 }).then(() => true, () => false);
    check(shippedRows, 'a shipped experiment file picked in the list shows its 7 variants');
    await page.selectOption('#experiment', 'sweep-fashion.json');
    const sweepButton = await page.waitForSelector('#sweep-file-run:not([hidden])', { timeout: 10_000 }).then(() => page.textContent('#sweep-file-run'), () => '');
    check(/Run sweep-fashion\.json \(30 trials, bayes\)/.test(sweepButton), `a shipped sweep file picked in the list is offered as a sweep (${sweepButton})`);

    // The shortened study, loaded as the user's own file, run to the end.
    await page.setInputFiles('#experiment-file', studyFile);
    // Wait for this file's rows (the sweep file's or study 2's may still be shown while the page reads the file).
    await page.waitForFunction((n) => [...document.querySelectorAll('#variant-rows tr')].map((x) => x.dataset.variant).join() === n.join(), names, { timeout: 10_000 }).catch(() => {});
    const rows = await page.$$eval('#variant-rows tr', (r) => r.map((x) => x.dataset.variant));
    check(rows.join() === names.join(), `the variants are listed (${rows.join(', ')})`);
    const tRun = performance.now();
    await page.click('#run-all');
    const allDone = (list) => page.waitForFunction((n) => n.every((v) => document.getElementById(`row-${v}`)?.dataset.status === 'done'), list, { timeout: RUN_TIMEOUT_MS }).then(() => true, () => false);
    const done = await allDone(names);
    const runMs = performance.now() - tRun;
    const tab = await page.$$eval('#variant-rows tr', (r) => Object.fromEntries(r.map((x) => [x.dataset.variant, { hash: x.querySelector('.res')?.dataset.hash, text: x.querySelector('.res')?.textContent }])));
    const hashes = await cli;
    check(done && names.every((v) => tab[v]?.hash && tab[v].hash === hashes[v]),
      `both variants finish in the tab (${(runMs / 1000).toFixed(1)} s) with the weights hashes of simdnet run: ${names.map((v) => `${v} ${tab[v]?.hash} vs ${hashes[v]}`).join('; ')}`);
    for (const v of names) out.perVariant.push({ variant: v, text: tab[v]?.text });
    const diag = await page.$$eval('#diagnostics details', (d) => d.map((x) => [x.dataset.variant, x.querySelectorAll('tbody tr').length, x.querySelectorAll('li').length]));
    check(diag.length === 2 && diag.every(([, layers, verdicts]) => layers >= 9 && verdicts >= 1), `gradient norms per layer (9 dense layers, and the batch-norm layers) and verdicts shown for each variant (${JSON.stringify(diag)})`);
    const chartLabel = await page.getAttribute('#loss-chart', 'aria-label');
    check(names.every((v) => chartLabel.includes(`${v}: loss`)), `the loss chart describes both variants (${chartLabel})`);

    // The report, downloaded.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#row-${names[0]} a[download$="report.html"]`)]);
    const report = readFileSync(await dl.path(), 'utf8');
    const sections = ['run', 'curves', 'confusion', 'layers', 'histograms', 'misclassified'].filter((id) => report.includes(`id="${id}"`));
    check(sections.length === 6 && report.includes(hashes[names[0]]), `report.html downloads with its sections (${sections.join(', ')}) and the weights hash`);

    // ONNX: a download once simdnet/onnx is in the build (dist/onnx/index.js), else the button says it is not there.
    const onnxBuilt = existsSync(join(root, 'dist/onnx/index.js'));
    const onnxButton = page.locator(`#row-${names[0]} button:text("ONNX")`);
    if (onnxBuilt) {
      const [od] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), onnxButton.click()]);
      const bytes = readFileSync(await od.path());
      check(od.suggestedFilename().endsWith('.onnx') && bytes.length > 1000, `the ONNX download holds the model (${bytes.length} bytes)`);
    } else {
      await onnxButton.click();
      const said = await page.waitForSelector(`#row-${names[0]} button:text("ONNX export not available in this build")`, { timeout: 30_000 }).then(() => true, () => false);
      check(said, 'without dist/onnx the ONNX button says the export is not available in this build');
    }

    // Gradient check of the first variant's model.
    await page.click('#gradcheck');
    const gc = await page.waitForSelector('#gradcheck-out[data-passed]', { timeout: 30_000 }).then(() => page.getAttribute('#gradcheck-out', 'data-passed'), () => null);
    check(gc === 'true', `the gradient check of ${names[0]} passes (${(await page.textContent('#gradcheck-out')).split('\n')[0]})`);

    // A settings error names its field.
    await page.click(`#row-${names[1]} button:text("Select")`);
    await page.fill('#set-epochs', '0');
    await page.click('#apply-settings');
    const err = await page.textContent('#set-epochs-error');
    check(/^epochs must be an integer ≥ 1; got 0/.test(err) && await page.getAttribute('#set-epochs', 'aria-invalid') === 'true', `a bad setting is refused at its field (${err})`);

    // Stop a longer run, reload, resume to the command line's hash.
    await page.fill('#set-epochs', '100');
    await page.click('#apply-settings');
    await page.click(`#row-${names[1]} button:text("Run")`);
    const midway = await page.waitForFunction((v) => { const p = document.querySelector(`#row-${v} progress`); return p && p.value >= 9 && p.value < p.max; }, names[1], { timeout: 30_000 }).then(() => true, () => false);
    await page.click(`#row-${names[1]} button:text("Stop")`);
    const stopped = await page.waitForSelector(`#row-${names[1]}[data-status="stopped"]`, { timeout: 20_000 }).then(() => true, () => false);
    const at = await page.textContent(`#row-${names[1]} .res`);
    check(midway && stopped && /checkpoint: epoch \d+/.test(at), `a run stops mid-way and keeps a checkpoint (${at})`);
    await page.reload();
    await dataReady('fashion-small');
    await page.waitForSelector('#variant-rows tr[data-variant]', { timeout: 10_000 });
    const after = await page.$$eval('#variant-rows tr', (r) => r.map((x) => [x.dataset.variant, x.dataset.status, x.querySelector('.res')?.dataset.hash ?? '']));
    check(after[0][1] === 'done' && after[0][2] === hashes[names[0]] && after[1][1] === 'stopped', `after a reload the finished run and the stopped one are back (${JSON.stringify(after)})`);
    await page.click(`#row-${names[1]} button:text("Resume")`);
    // Reloaded while training: the run is back as stopped at its last epoch's checkpoint, and resumes from there.
    const from = Number(/checkpoint: epoch (\d+)/.exec(at)?.[1] ?? 0);
    const further = await page.waitForFunction(([v, e]) => { const p = document.querySelector(`#row-${v} progress`); return p && p.value >= e * 9; }, [names[1], from + 3], { timeout: 30_000 }).then(() => true, () => false);
    await page.reload();
    await dataReady('fashion-small');
    const again = await page.waitForSelector(`#row-${names[1]}[data-status="stopped"]`, { timeout: 10_000 }).then(() => page.textContent(`#row-${names[1]} .res`), () => '');
    const later = Number(/checkpoint: epoch (\d+), batch 1 /.exec(again)?.[1] ?? 0);
    check(further && later > from, `a page reloaded mid-run keeps the last epoch's checkpoint (${again}; stopped before at epoch ${from})`);
    await page.click(`#row-${names[1]} button:text("Resume")`);
    const resumed = await page.waitForSelector(`#row-${names[1]}[data-status="done"]`, { timeout: RUN_TIMEOUT_MS }).then(() => true, () => false);
    const rh = await page.getAttribute(`#row-${names[1]} .res`, 'data-hash');
    check(resumed && rh === hashes.resumed, `the resumed run ends with the weights hash of an uninterrupted simdnet run (${rh} vs ${hashes.resumed})`);

    // A small sweep and its chart.
    await page.fill('#sweep-trials', '2');
    await page.click('#sweep-run');
    const swept = await page.waitForSelector('#sweep-status[data-trials]', { timeout: 60_000 }).then(() => true, () => false);
    const frame = page.frameLocator('#sweep-frame');
    const lines = swept ? await frame.locator('#chart svg path, #chart svg polyline').count() : 0;
    check(swept && await page.getAttribute('#sweep-status', 'data-trials') === '2' && lines >= 2, `a 2-trial sweep runs and shows its parallel-coordinates chart (${await page.textContent('#sweep-status')}; ${lines} paths)`);

    // IDX files (fashion-small's own, gzipped) and a CSV file.
    await page.check('input[name="data"][value="idx"]');
    await page.setInputFiles('#idx-input', ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((f) => join(root, 'data/fashion-small', f)));
    const idxOk = await dataReady('idx files');
    check(idxOk && /10,000 training and 2,000 test samples of \[28, 28, 1\], 10 classes/.test(await page.textContent('#data-status')), `IDX files are read in the tab (${await page.textContent('#data-status')})`);
    const csvFile = join(WORK, 'points.csv');
    writeFileSync(csvFile, 'x,y,label\n' + Array.from({ length: 50 }, (_, i) => `${(i % 5) / 5},${((i * 7) % 11) / 11},${i % 3}`).join('\n') + '\n');
    await page.check('input[name="data"][value="csv"]');
    await page.setInputFiles('#csv-input', csvFile);
    const csvOk = await dataReady('csv files');
    check(csvOk && /40 training and 10 test samples of \[2\], 3 classes/.test(await page.textContent('#data-status')), `a CSV file is read with 20% held out for testing (${await page.textContent('#data-status')})`);

    // An image folder made here: 3 classes, the diagonal one as JPEGs encoded by this Chromium (decoded by createImageBitmap).
    const jpegs = await page.evaluate(async () => {
      const out = [];
      for (let k = 0; k < 10; k++) {
        const c = new OffscreenCanvas(12, 12), g = c.getContext('2d');
        g.fillStyle = '#1a1a1a'; g.fillRect(0, 0, 12, 12);
        g.strokeStyle = '#e6e6e6'; g.lineWidth = 2; g.beginPath(); g.moveTo(0, k % 3); g.lineTo(12, 12 - (k % 3)); g.stroke();
        const b = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer());
        out.push(btoa(String.fromCharCode(...b)));
      }
      return out;
    });
    rmSync(join(WORK, 'images/diagonal'), { recursive: true, force: true });
    mkdirSync(join(WORK, 'images/diagonal'));
    jpegs.forEach((b, k) => writeFileSync(join(WORK, 'images/diagonal', `diagonal-${k}.jpg`), Buffer.from(b, 'base64')));
    await page.check('input[name="data"][value="folder"]');
    await page.setInputFiles('#folder-input', join(WORK, 'images'));
    const folder = await dataReady('folder');
    const dataText = await page.textContent('#data-status');
    check(folder && /24 training and 6 test samples of \[12, 12, 1\], 3 classes \(across, diagonal, down\)/.test(dataText), `the image folder is decoded in the tab (${dataText})`);
    await page.click(`#row-${names[0]} button:text("Run again")`);
    const folderRun = await page.waitForFunction((v) => { const r = document.getElementById(`row-${v}`); return r.dataset.status === 'done' && /folder/.test(r.querySelector('.res').textContent); }, names[0], { timeout: RUN_TIMEOUT_MS }).then(() => true, () => false);
    check(folderRun, `a variant trains on the image folder of PNGs and JPEGs (${await page.textContent(`#row-${names[0]} .res`)})`);

    // Narrow and wide: no sideways scroll at 360 px; screenshots.
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
      await page.evaluate((w) => (w === 360 ? document.getElementById('var-title').scrollIntoView() : scrollTo(0, 0)), width);
      await page.waitForTimeout(150);
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      check(scroll <= inner, `no sideways scroll at ${width} px (scrollWidth ${scroll}, innerWidth ${inner})`);
      const file = join(shots, `lab-screenshot-${width}.png`);
      await page.screenshot({ path: file, fullPage: width === 360 ? false : true });
      print(`screenshot: ${file}`);
    }
    // Keyboard: the first variant's buttons are reachable with Tab.
    await page.focus('#run-all');
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) { await page.keyboard.press('Tab'); reached = await page.evaluate(() => !!document.activeElement?.closest('#variant-rows')); }
    check(reached, 'the variants\' buttons are reached with the Tab key');
    check(errors.length === 0, `no page errors, console errors or warnings${errors.length ? `: ${errors.join('; ')}` : ''}`);
  } catch (e) {
    check(false, `the lab test crashed: ${e.stack ?? e}${errors.length ? `\n${errors.join('\n')}` : ''}`);
  } finally {
    await chrome?.close().catch(() => {});
    await server.close();
    out.ms = Math.round(performance.now() - t0);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runLabTest();
  console.log(`\nlab page: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  process.exitCode = r.failed ? 1 : 0;
}
