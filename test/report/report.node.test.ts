// simdnet/report in Node: the entry bundles for the browser with no node: import (runtime-neutral), and the Node
// writer (src/report/node.ts) writes report.html and report.json that rebuild the same page.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD } from '../helpers/setup.js';
import type { History } from '../../src/index.js';
import { renderReport, renderComparison, renderFromJson } from '../../src/report/index.js';
import { writeReport, writeComparison, rebuildReport } from '../../src/report/node.js';

const test = suite(`report (node) [${BUILD}]`);
const root = fileURLToPath(new URL('../..', import.meta.url));

test('the simdnet/report entry bundles for browsers with no node: import and no wasm kernels', async () => {
  const r = await build({ entryPoints: [join(root, 'src/report/index.ts')], bundle: true, minify: true, write: false, platform: 'browser', format: 'esm', metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.every((f) => !f.startsWith('node:')), inputs.join(', '));
  // The strict-options helper's module graph reaches the tensor and backend modules; none of their code is kept.
  const kept = Object.entries(Object.values(r.metafile.outputs)[0].inputs).filter(([, i]) => i.bytesInOutput > 0).map(([f]) => f);
  assert.ok(kept.every((f) => /^src\/(report\/|ops\/options|data\/checks|train\/verdicts|train\/diagnostics)/.test(f)), `kept: ${kept.join(', ')}`);
});

test('writeReport and writeComparison write report.html and report.json; rebuildReport renders the same page', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-report-'));
  try {
    const h: History = { epoch: [0, 1, 2], history: { loss: [1, 0.5, NaN], valLoss: [1.2, 0.7, 0.6] } };
    const o = { title: 'node', test: { loss: 0.5, accuracy: 0.75, confusionMatrix: [[3, 1], [1, 3]], classNames: ['a', 'b'] } };
    const p = await writeReport(dir, h, o);
    assert.equal(p, { html: join(dir, 'report.html'), json: join(dir, 'report.json') });
    const html = readFileSync(p.html, 'utf8');
    assert.is(html, renderReport(h, o));
    assert.is(renderFromJson(readFileSync(p.json, 'utf8')), html);
    rmSync(p.html);
    assert.is(await rebuildReport(dir, readFileSync(p.json, 'utf8')), p.html);
    assert.is(readFileSync(p.html, 'utf8'), html);
    const runs = [{ name: 'a', history: h, timeSeconds: 2 }, { name: 'b', history: h }];
    mkdirSync(join(dir, 'exp'));
    const c = await writeComparison(join(dir, 'exp'), runs);
    assert.is(readFileSync(c.html, 'utf8'), renderComparison(runs));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
