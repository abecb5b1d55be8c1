// Time per variant and samples/s in the lab's tab (Chromium, one Web Worker) against Node (the same runConfig code,
// in this process), interleaved Node, tab, Node, tab… for two variants of experiments/: study 2's sigmoid MLP (2 epochs
// of fashion-small) and study 5's CNN baseline (1 epoch on the first 3,000 images). Prints one line per run, the
// medians and their ratios; also checks the two give the same weights hash. Speed is never asserted.
// Node-only tooling: `node scripts/bench-lab.mjs [--rounds N]` (default 3); record `uptime` with any figure.
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveDemo } from './demo.mjs';
import { findChromium, launchChromium, root } from './test-browser.mjs';

const at = process.argv.indexOf('--rounds');
const ROUNDS = at > 0 ? Number(process.argv[at + 1]) : 3;
const read = (f) => JSON.parse(readFileSync(join(root, 'experiments', f), 'utf8'));
const s2 = read('study2-vanishing-gradients.json'), s5 = read('study5-cnn.json');
const bench = {
  name: 'lab-bench',
  variants: [
    { name: 'mlp-sigmoid', ...s2.base, epochs: 2 },
    { name: 'cnn-baseline', ...s5.base, ...s5.variants[0], name: 'cnn-baseline', epochs: 1, limit: 3000 },
  ],
};
mkdirSync(join(root, 'build/lab'), { recursive: true });
const file = join(root, 'build/lab/bench.json');
writeFileSync(file, JSON.stringify(bench, null, 1));

const { init } = await import(join(root, 'dist/index.js'));
const { readExperimentObject } = await import(join(root, 'dist/run/experiment.js'));
const { runConfig } = await import(join(root, 'dist/run/run.js'));
const { loadDataset } = await import(join(root, 'dist/cli/datasets.js'));
const { disposeDataset } = await import(join(root, 'dist/run/dataset.js'));
await init();
const variants = readExperimentObject(file, bench).variants;

async function inNode(v) {
  const data = await loadDataset(v.config);
  try {
    const t = performance.now();
    const r = await runConfig(v.config, data);
    return { wall: (performance.now() - t) / 1000, seconds: r.seconds, sps: r.samplesPerSecond, hash: r.weightsHash };
  } finally { disposeDataset(data); }
}

const server = await serveDemo(0);
const chrome = await launchChromium(findChromium());
const page = await chrome.context.newPage();
await page.goto(`${server.url}web/lab/`);
await page.waitForSelector('#data-status[data-name="fashion-small"]', { timeout: 60_000 });
await page.setInputFiles('#experiment-file', file);
await page.waitForSelector('#variant-rows tr[data-variant]');

async function inTab(v) {
  await page.click(`#row-${v.name} .actions button:text-matches("^Run")`);
  await page.waitForSelector(`#row-${v.name}[data-status="running"]`, { timeout: 30_000 });
  await page.waitForSelector(`#row-${v.name}[data-status="done"]`, { timeout: 600_000 });
  const d = await page.$eval(`#row-${v.name} .res`, (e) => ({ ...e.dataset }));
  return { wall: Number(d.wallSeconds), seconds: Number(d.seconds), sps: Number(d.samplesPerSecond), hash: d.hash };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
console.log(`CPU ${cpus()[0].model}, ${cpus().length} cores; chromium ${chrome.version}; Node ${process.versions.node}; ${ROUNDS} rounds`);
try {
  for (const v of variants) {
    const got = { node: [], tab: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const [where, run] of [['node', inNode], ['tab', inTab]]) {
        const r = await run(v);
        got[where].push(r);
        console.log(`${v.name} ${where.padEnd(4)} round ${i + 1}: ${r.wall.toFixed(2)} s per variant (training ${r.seconds.toFixed(2)} s), ${Math.round(r.sps)} samples/s, hash ${r.hash}`);
      }
    }
    const m = (w, k) => median(got[w].map((r) => r[k]));
    const same = new Set([...got.node, ...got.tab].map((r) => r.hash)).size === 1;
    console.log(`${v.name}: median ${m('node', 'wall').toFixed(2)} s in Node, ${m('tab', 'wall').toFixed(2)} s in the tab; ${Math.round(m('node', 'sps'))} vs ${Math.round(m('tab', 'sps'))} samples/s (tab/Node ${(m('tab', 'sps') / m('node', 'sps')).toFixed(2)}); same hash everywhere: ${same}`);
  }
} finally {
  await chrome.close();
  await server.close();
}
