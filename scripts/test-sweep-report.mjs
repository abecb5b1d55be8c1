// The sweep report's end-to-end test in Chromium: runs a real 30-trial sweep with `simdnet sweep` (small MLPs on
// 1,000 fashion-small images; or takes a log with --log FILE), renders its folder with `simdnet report DIR`, and a
// generated 30-trial log with failed and stopped trials with renderSweepFromJsonl (dist/); opens each via file:// in
// Debian's chromium (playwright-core) and checks: no console or page errors or requests, every section, one drawn
// polyline per trial across the parameter axes and the metric's, a table row per trial, sorting by clicking a heading,
// the best trial's command equal to the one simdnet sweep printed; screenshots the real sweep's page. Node-only;
// `node scripts/test-sweep-report.mjs [--log trials.jsonl] [--screenshot FILE] [--keep]` (default build/sweep/report.png;
// `--screenshot web/sweep-report-screenshot.png` refreshes the README's).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findChromium, launchChromium, NO_CHROMIUM, root } from './test-browser.mjs';
import { openPage } from './test-report.mjs';

const SECTIONS = ['overview', 'chart', 'trials', 'importance', 'best', 'run'];

/**
 * A seeded sweep log over the shipped space's kinds of dimension (log-uniform, integer, uniform, choices of numbers,
 * lists and names): the metric rises with log(learning rate) toward 3e-3 and with relu, plus seeded noise; some trials
 * stopped early, two failed.
 */
export function syntheticSweepLog(n = 30, seed = 1) {
  let s = seed >>> 0;
  const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const space = {
    learningRate: { logUniform: [1e-4, 1e-1] }, batchSize: { values: [32, 64, 128, 256] },
    hidden: { values: [[128], [128, 128], [128, 128, 128, 128, 128, 128]] }, activation: { values: ['sigmoid', 'tanh', 'relu'] },
    epochs: { int: [2, 10] }, dropout: { uniform: [0, 0.5] }, optimizer: { values: ['sgd', 'momentum', 'adam', 'nadam'] },
  };
  const config = {
    name: 'sweep-fashion-synthetic', description: 'A generated 30-trial log for the report test (not a measured sweep).',
    base: { dataset: 'fashion-small', seed: 1 }, space, method: 'random', metric: { name: 'valAccuracy', goal: 'maximize' },
    budget: { trials: n }, earlyTermination: { kind: 'median', minEpochs: 2 }, batch: 4, seed,
  };
  const trials = [];
  for (let i = 0; i < n; i++) {
    const params = {
      learningRate: 10 ** (-4 + 3 * rand()), batchSize: pick(space.batchSize.values), hidden: pick(space.hidden.values),
      activation: pick(space.activation.values), epochs: 2 + Math.floor(rand() * 9), dropout: 0.5 * rand(), optimizer: pick(space.optimizer.values),
    };
    const lr = Math.log10(params.learningRate);
    const final = 0.86 - 0.05 * (lr + 2.5) ** 2 + (params.activation === 'relu' ? 0.02 : params.activation === 'sigmoid' ? -0.04 : 0) + 0.01 * rand();
    const failed = i === 7 || i === 22, stopped = !failed && final < 0.75 && i % 2 === 0;
    const epochs = stopped ? 2 : params.epochs;
    const curve = Array.from({ length: failed ? 1 : epochs }, (_, e) => final - (0.2 * (epochs - 1 - e)) / epochs);
    trials.push({
      trial: i, generation: Math.floor(i / 4), params, status: failed ? 'failed' : stopped ? 'stopped' : 'ok',
      ...(failed ? { reason: 'training went non-finite: loss NaN at epoch 1' } : stopped ? { reason: 'median rule at epoch 2' } : {}),
      metric: failed ? null : curve[curve.length - 1], curve, ...(failed ? {} : { valAccuracy: curve[curve.length - 1], valLoss: 1.6 - curve[curve.length - 1] }),
      epochs: failed ? 1 : epochs, seconds: Math.round((2 + 3 * epochs * rand()) * 10) / 10, ...(failed ? {} : { weightsHash: (0x10000000 + i * 7919).toString(16) }),
    });
  }
  const header = { sweep: config.name, config, started: '2026-01-01T00:00:00.000Z' };
  return [header, ...trials].map((x) => JSON.stringify(x)).join('\n') + '\n';
}

// In the page: the chart's box, its polylines (trial, drawn length, points) and axes, the table's rows.
function inspect() {
  const svg = document.querySelector('#chart svg.plot'), box = svg?.getBoundingClientRect();
  const lines = [...document.querySelectorAll('#chart polyline.trial')].map((p) => ({ trial: Number(p.dataset.trial), length: p.getTotalLength(), points: p.points.length, status: p.getAttribute('class') }));
  return {
    w: box?.width ?? 0, h: box?.height ?? 0, lines, axes: [...document.querySelectorAll('#chart g.pc-axis')].map((g) => g.dataset.key),
    rows: document.querySelectorAll('#trials tbody tr').length, params: Object.keys(JSON.parse(document.querySelector('#best-experiment')?.textContent ?? '{"variants":[{}]}').variants[0]).length,
    command: document.querySelector('#best-command')?.textContent ?? null, noCommand: document.querySelector('#best-command-none')?.textContent ?? null, best: Number(/^Trial (\d+)/.exec(document.querySelector('#best p')?.textContent ?? '')?.[1]),
  };
}

/** Clicks the trials table's heading `name` (twice with again) and returns the column's data-v in row order (NaN: none). */
async function sortBy(page, name, clicks) {
  return page.evaluate(([name, clicks]) => {
    const t = document.querySelector('#trials table.sortable'), ths = [...t.querySelectorAll('thead th')], i = ths.findIndex((th) => th.textContent === name);
    for (let k = 0; k < clicks; k++) ths[i].click();
    return [...t.tBodies[0].rows].map((r) => parseFloat(r.cells[i].dataset.v ?? 'NaN'));
  }, [name, clicks]);
}

/** A real sweep the test runs (30 trials of small MLPs on 1,000 fashion-small images; about 10 s on one worker). */
const REAL_SWEEP = {
  name: 'sweep-report-test', description: 'The sweep report test\'s real sweep: 30 small MLPs on 1,000 fashion-small images, Bayesian search.',
  base: { dataset: 'fashion-small', limit: 1000, seed: 1, validationSplit: 0.2 },
  space: {
    learningRate: { logUniform: [1e-4, 1e-1] }, batchSize: { values: [32, 64, 128] }, hidden: { values: [[16], [32, 32], [16, 16, 16, 16]] },
    activation: { values: ['sigmoid', 'tanh', 'relu'] }, epochs: { int: [1, 4] }, optimizer: { values: ['sgd', 'adam'] },
  },
  method: 'bayes', budget: { trials: 30 }, earlyTermination: { kind: 'median', minEpochs: 2 }, batch: 4, seed: 1,
};

/** The "--flag value" pairs of a command line, sorted (flag order differs between writers). */
const flagPairs = (cmd) => (cmd ?? '').replace(/^simdnet train /, '').split(/ (?=--)/).sort().join(' ');

/**
 * Runs the checks; resolves to { passed, failed, ms, lines }. `log`: a trials.jsonl to report instead of running the
 * real sweep. A missing chromium is one failure saying how to install it.
 */
export async function runSweepReportTest({ screenshot = join(root, 'build/sweep/report.png'), print = console.log, keep = false, log } = {}) {
  const t0 = performance.now();
  const out = { passed: 0, failed: 0, ms: 0, lines: [] };
  const check = (ok, what) => { ok ? out.passed++ : out.failed++; const line = `${ok ? 'ok  ' : 'FAIL'} – ${what}`; out.lines.push(line); print(line); return ok; };
  const exe = findChromium();
  if (!exe) { check(false, NO_CHROMIUM); return out; }
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-sweep-report-'));
  const cliMain = join(root, 'dist/cli/main.js'), sweepDir = join(dir, 'sweep');
  let chrome;
  try {
    let sweepSaid = '';
    if (log) {
      mkdirSync(sweepDir);
      writeFileSync(join(sweepDir, 'trials.jsonl'), readFileSync(log, 'utf8'));
    } else {
      writeFileSync(join(dir, 'sweep.json'), JSON.stringify(REAL_SWEEP, null, 1));
      const t = performance.now();
      const run = spawnSync(process.execPath, [cliMain, 'sweep', join(dir, 'sweep.json'), '--out', sweepDir, '--workers', '1'], { encoding: 'utf8', timeout: 300_000 });
      sweepSaid = run.stdout;
      check(run.status === 0, `simdnet sweep ran ${REAL_SWEEP.budget.trials} real trials in ${((performance.now() - t) / 1000).toFixed(1)} s (exit ${run.status}${run.status ? `: ${run.stderr.trim().split('\n').pop()}` : ''})`);
    }
    const rep = await import(pathToFileURL(join(root, 'dist/report/index.js')).href);
    const synthetic = syntheticSweepLog(30, 1);
    const report = spawnSync(process.execPath, [cliMain, 'report', sweepDir], { encoding: 'utf8', timeout: 60_000 });
    check(report.status === 0 && existsSync(join(sweepDir, 'report.html')), `simdnet report DIR renders the sweep folder's trials.jsonl (exit ${report.status}: ${(report.stdout + report.stderr).trim().split('\n').pop()})`);
    writeFileSync(join(dir, 'synthetic.html'), rep.renderSweepFromJsonl(synthetic, { title: 'simdnet sweep: a generated log (failed and stopped trials)' }));
    chrome = await launchChromium(exe);
    const pages = [['the real sweep (simdnet report)', join(sweepDir, 'report.html'), join(sweepDir, 'trials.jsonl')], ['a generated log (renderSweepFromJsonl)', join(dir, 'synthetic.html')]];
    for (const [label, path, jsonlPath] of pages) {
      if (!existsSync(path)) continue;
      const parsed = rep.parseSweepLog(jsonlPath ? readFileSync(jsonlPath, 'utf8') : synthetic), n = parsed.trials.length;
      const keys = Object.keys(parsed.header.config.space ?? {}), metric = parsed.header.config.metric?.name ?? 'valAccuracy';
      const errors = [];
      const page = await openPage(chrome, path, errors);
      const heights = await page.evaluate((ids) => ids.map((id) => document.getElementById(id)?.getBoundingClientRect().height ?? 0), SECTIONS);
      check(heights.every((h) => h > 30), `${label}: every section on the page (${SECTIONS.map((id, i) => `#${id} ${Math.round(heights[i])} px`).join(', ')})`);
      const r = await page.evaluate(inspect);
      const trials = new Set(r.lines.map((l) => l.trial));
      const failed = parsed.trials.filter((t) => t.status === 'failed').length, stopped = parsed.trials.filter((t) => t.status === 'stopped').length;
      check(r.w > 500 && r.h > 300 && n >= 30 && r.lines.length === n && trials.size === n && r.lines.every((l) => l.length > 100 && l.points >= keys.length),
        `${label}: the parallel-coordinates chart (${Math.round(r.w)}×${Math.round(r.h)} px) draws ${r.lines.length} polylines for ${n} trials, ` +
        `each through the ${keys.length} parameter axes (shortest ${Math.round(Math.min(...r.lines.map((l) => l.length)))} px; ${failed} failed, ${stopped} stopped early)`);
      check(r.axes.length === keys.length + 1 && r.axes.slice(0, -1).join() === keys.join() && r.axes.at(-1) === metric, `${label}: axes ${r.axes.join(', ')}`);
      check(r.rows === n, `${label}: the trials table has ${r.rows} rows`);
      const up = await sortBy(page, metric, 1), down = await sortBy(page, metric, 1);
      const finite = (a) => a.filter(Number.isFinite);
      const asc = finite(up).every((v, i, a) => i === 0 || v >= a[i - 1]), desc = finite(down).every((v, i, a) => i === 0 || v <= a[i - 1]);
      const missingLast = (a) => a.findIndex((v) => !Number.isFinite(v)) < 0 || a.slice(a.findIndex((v) => !Number.isFinite(v))).every((v) => !Number.isFinite(v));
      check(asc && desc && missingLast(up) && finite(up).length === parsed.trials.filter((t) => t.metric !== null).length,
        `${label}: clicking the metric's heading sorts the trials (${finite(up).length} values ascending, again descending; trials without a value last)`);
      const byTrial = await sortBy(page, 'trial', 2);
      check(byTrial.every((v, i) => i === 0 || v <= byTrial[i - 1]), `${label}: clicking "trial" twice sorts by trial number, descending`);
      if (jsonlPath) {
        const said = /best: trial (\d+)[^\n]*\n\s*(simdnet train [^\n]*)/.exec(sweepSaid);
        // The sweep's own printout (not with --log) names the same best trial and the same flags.
        const same = log ? true : !!said && said[1] === String(r.best) && flagPairs(said[2]) === flagPairs(r.command);
        // An existing log (--log) may have a best trial no flag line can express (an object setting): the page says why.
        const shown = r.command !== null || (log && /^No single simdnet train line: .+\. Use the experiment file\.$/.test(r.noCommand ?? ''));
        check(shown && same, `the best trial's command${log ? '' : ` (simdnet sweep printed trial ${said?.[1]}: ${said?.[2]})`}: trial ${r.best}, ${r.command ?? r.noCommand}`);
        mkdirSync(dirname(screenshot), { recursive: true });
        await page.reload({ waitUntil: 'load' }); // unsorted, as a reader first sees it
        await page.screenshot({ path: screenshot, fullPage: true });
        print(`screenshot: ${screenshot}`);
      }
      check(errors.length === 0, `${label}: no console errors, page errors or requests${errors.length ? `: ${errors.join('; ')}` : ''}`);
    }
  } catch (e) {
    check(false, `the sweep report test crashed: ${e.stack ?? e}`);
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
  const at = (flag) => { const i = args.indexOf(flag); return i >= 0 ? resolve(args[i + 1]) : undefined; };
  const r = await runSweepReportTest({ ...(at('--screenshot') ? { screenshot: at('--screenshot') } : {}), log: at('--log'), keep: args.includes('--keep') });
  console.log(`\nsweep report: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  process.exitCode = r.failed ? 1 : 0;
}
