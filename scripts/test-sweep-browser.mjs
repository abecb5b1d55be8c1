// Sweeps in a browser tab, end to end in Debian's chromium (playwright-core): a page loads fashion-small, runs a
// seeded 6-trial sweep with sweepInBrowser (simdnet/sweep) on 2 Web Workers, and the records must equal Node's sweep()
// of the same object on worker_threads (params, status, metric, curve, epochs, weights hash); resuming with the first
// records runs only the rest; a trial over its time limit is ended mid-epoch (the worker terminated and replaced) and
// the next trial runs; a trial asking for another dataset is recorded failed; the README's page example runs. Node-only tooling;
// `node scripts/test-sweep-browser.mjs`; npm test adds its checks to the totals.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, launchChromium, NO_CHROMIUM, root, startServer } from './test-browser.mjs';

/** The sweep both runtimes run: small MLPs on 600 fashion-small images, random search, median stopping. */
export const SWEEP = {
  name: 'browser-sweep', method: 'random', seed: 11, budget: { trials: 6 }, batch: 3,
  base: { dataset: 'fashion-small', limit: 600, epochs: 3, batchSize: 32, validationSplit: 0.2, diagnostics: false },
  space: { learningRate: { logUniform: [1e-3, 3e-2] }, hidden: { values: [[8], [16, 8]] }, activation: { values: ['relu', 'tanh'] } },
  earlyTermination: { kind: 'median', minEpochs: 2 },
};

// What must agree between runtimes (not the seconds, nor which worker ran a trial).
const same = (r) => ({ trial: r.trial, generation: r.generation, params: r.params, status: r.status, reason: r.reason, metric: r.metric, curve: r.curve,
  epochs: r.epochs, weightsHash: r.weightsHash, valAccuracy: r.valAccuracy, valLoss: r.valLoss, testAccuracy: r.testAccuracy, trainAccuracy: r.trainAccuracy });

// Runs in the page: loads fashion-small as arrays, then calls the sweep; returns plain records.
async function inPage({ sweep, workers, records }) {
  const { init } = await import('/dist/entry-browser.js');
  const { idx } = await import('/dist/data/index.js');
  const { sweepInBrowser } = await import('/dist/sweep/index.js');
  await init();
  const file = async (name, o) => idx(new Uint8Array(await (await fetch(`/data/fashion-small/${name}`)).arrayBuffer()), { name, ...o });
  const [x, y, xt, yt] = await Promise.all([file('train-images-idx3-ubyte.gz', { scale: true }), file('train-labels-idx1-ubyte.gz'),
    file('t10k-images-idx3-ubyte.gz', { scale: true }), file('t10k-labels-idx1-ubyte.gz')]);
  const data = { name: 'fashion-small', classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    inputShape: [28, 28, 1], train: { x: x.toFloat32Array(), labels: y.toInt32Array() }, test: { x: xt.toFloat32Array(), labels: yt.toInt32Array() } };
  for (const t of [x, y, xt, yt]) t.dispose();
  const recorded = [];
  let statuses = 0;
  const r = await sweepInBrowser(sweep, { data, workers, records, onRecord: (rec) => recorded.push(rec.trial), status: () => statuses++ });
  return { trials: r.trials, best: r.best?.trial, recorded, statuses };
}

/** Runs the checks; resolves to { passed, failed, ms, lines }. */
export async function runSweepBrowserTest({ print = console.log } = {}) {
  const t0 = performance.now();
  const out = { passed: 0, failed: 0, ms: 0, lines: [] };
  const check = (ok, what) => { ok ? out.passed++ : out.failed++; const line = `${ok ? 'ok  ' : 'FAIL'} – ${what}`; out.lines.push(line); print(line); return ok; };
  const exe = findChromium();
  if (!exe) { check(false, NO_CHROMIUM); return out; }
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-sweep-browser-'));
  const server = await startServer(root, { mounts: ['dist', 'data', 'test'] });
  let chrome;
  const errors = [];
  try {
    const { sweep } = await import(new URL('../dist/node.js', import.meta.url).href);
    const { init } = await import(new URL('../dist/index.js', import.meta.url).href);
    await init();
    const node = await sweep(SWEEP, { out: join(dir, 'node'), workers: 1 });
    check(node.trials.length === 6 && node.trials.some((r) => r.status === 'ok'), `Node: 6 trials (${node.trials.map((r) => r.status).join(', ')})`);

    chrome = await launchChromium(exe);
    const page = await chrome.context.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()} ${JSON.stringify(m.location())}`); });
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
    await page.goto(`${server.url}test/runtimes/sweep.html`);
    const browser = await page.evaluate(inPage, { sweep: SWEEP, workers: 2 });
    check(JSON.stringify(browser.trials.map(same)) === JSON.stringify(node.trials.map(same)),
      `2 Web Workers give Node's 6 records: params, status, metric, curve, weights hashes (${browser.trials.map((r) => r.weightsHash ?? r.status).join(' ')})`);
    check(browser.best === node.best?.trial && browser.statuses >= 12, `the same best trial (${browser.best}); progress reported ${browser.statuses} times`);
    check(browser.trials.some((r) => r.status === 'stopped') === node.trials.some((r) => r.status === 'stopped'),
      `early termination agrees (${browser.trials.filter((r) => r.status === 'stopped').length} stopped)`);

    const resumed = await page.evaluate(inPage, { sweep: SWEEP, workers: 2, records: browser.trials.slice(0, 3) });
    check(JSON.stringify(resumed.recorded.sort()) === '[4,5,6]' && JSON.stringify(resumed.trials.map(same)) === JSON.stringify(node.trials.map(same)),
      `resumed with trials 1–3: only ${resumed.recorded.join(', ')} ran, and the records are the same`);

    const limits = {
      name: 'limits', method: 'grid', batch: 3, trialTimeoutSeconds: 2,
      base: { dataset: 'fashion-small', limit: 4000, epochs: 1, batchSize: 32, validationSplit: 0.2, diagnostics: false },
      space: { hidden: { values: [[2048, 2048, 2048], [8]] }, dataset: { values: ['fashion-small', 'digits'] } },
    };
    const l = await page.evaluate(inPage, { sweep: limits, workers: 1 });
    const [big, , small, other] = l.trials; // grid order: hidden × dataset
    check(big?.status === 'failed' && big.reason === 'timeout after 2 s' && big.epochs === 0 && big.seconds < 6,
      `a trial past its 2 s limit is ended mid-epoch: ${big?.status} (${big?.reason}) after ${big?.seconds} s`);
    check(small?.status === 'ok' && small.worker !== big?.worker, `the next trial runs on a fresh worker (${small?.worker} after ${big?.worker}): ${small?.status} ${small?.reason ?? ""}`);
    check(other?.status === 'failed' && /dataset "digits"/.test(other.reason ?? ''), `a trial asking for another dataset is recorded failed: ${other?.reason}`);
    // The README's example, as written (its import pointed at this server's dist/).
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```html\n<script type="module">\n([\s\S]*?)<\/script>\n```/.exec(readme)?.[1];
    if (check(!!block && block.includes("from './node_modules/simdnet/dist/sweep/index.js'"), 'the README has the sweepInBrowser page example')) {
      const logs = [];
      const onLog = (m) => { if (m.type() === 'log') logs.push(m.text()); };
      page.on('console', onLog);
      await page.evaluate(async (code) => {
        const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        await import(url);
      }, block.replace("'./node_modules/simdnet/dist/sweep/index.js'", `'${server.url}dist/sweep/index.js'`));
      page.off('console', onLog);
      check(logs.filter((l) => / ok /.test(l)).length === 8 && logs.some((l) => l.startsWith('best')), `the README's example runs its 8 trials (${logs.length} lines logged)`);
    }
    check(errors.length === 0, `no console errors, warnings or page errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
  } catch (e) {
    check(false, `the browser sweep test ran to the end: ${e?.stack ?? e}`);
  } finally {
    await chrome?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    out.ms = Math.round(performance.now() - t0);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runSweepBrowserTest();
  console.log(`\n${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  process.exit(r.failed ? 1 : 0);
}
