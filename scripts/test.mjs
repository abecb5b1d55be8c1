// `npm test`: build if needed, type-check, run the uvu suite once per build (release, debug) in Node 20, once (release)
// in Node 22, then in Chromium (page and worker, both builds; scripts/test-browser.mjs), kernel threads in Chromium
// pages and workers, isolated or not (scripts/test-browser-threads.mjs), the demo page in Chromium
// (scripts/test-demo.mjs: trains, checks the accuracy shown and the predictions, screenshots), the lab page
// (scripts/test-lab.mjs: a study's variants against simdnet run's weights hashes, resume, sweep, image folder), the
// training report in Chromium (scripts/test-report.mjs), the sweep report (scripts/test-sweep-report.mjs) and a sweep
// in Web Workers (scripts/test-sweep-browser.mjs), then the same-bits check
// across runtimes (scripts/same-bits.mjs), the bundle-size limit (scripts/bundle-size.mjs), the npm user's path from
// the packed tarball (scripts/test-package.mjs) and the API reference (scripts/docs.mjs: every export documented, and
// an undocumented one must fail); print the totals as one line "N passed, N failed". With a file pattern
// (`npm test -- gemm`) only the suites run; `--no-browser` skips Chromium (suite, demo page, reports, the package's
// page bundle) and the same-bits check. Node-only tooling.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBrowserSuite } from './test-browser.mjs';
import { runBrowserThreadsTest } from './test-browser-threads.mjs';
import { runDemoTest } from './test-demo.mjs';
import { runLabTest } from './test-lab.mjs';
import { runReportTest } from './test-report.mjs';
import { runSweepReportTest } from './test-sweep-report.mjs';
import { runSweepBrowserTest } from './test-sweep-browser.mjs';
import { runSameBits } from './same-bits.mjs';
import { measureBundle } from './bundle-size.mjs';
import { runPackageTest } from './test-package.mjs';
import { buildDocs, selfTest as docsSelfTest } from './docs.mjs';
import { engine } from './engines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith('-')); // optional file pattern, e.g. `npm test -- gemm`
let passed = 0, failed = 0;

function step(name, cmd, cmdArgs, env = {}) {
  console.log(`\n── ${name}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  process.stdout.write(r.stdout); process.stderr.write(r.stderr);
  return r;
}

const build = step('build', process.execPath, ['scripts/build.mjs', '--if-needed']);
if (build.status !== 0) { console.log('\n0 passed, 1 failed'); process.exit(1); }

if (!args.includes('--no-typecheck')) {
  const tc = step('type-check (tsc --noEmit, strict)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  if (tc.status === 0) passed++; else failed++;
}

const pattern = only ? `${only}.*\\.test\\.ts$` : '\\.test\\.ts$';
const summary = []; // one line per runtime and build
// Test files that compare with the relaxed build on one thread, so run in the relaxed suites alone.
const RELAXED_ONLY = 'relaxed-threads\\.node\\.test\\.ts$';
function uvuSuite(label, node, b, files = pattern, flags = []) {
  const t = performance.now();
  const r = step(`uvu suite in ${label} on the ${b} build${files === pattern ? '' : ` (${files})`}`, node,
    [...flags, '--expose-gc', '--import', 'tsx', join(root, 'node_modules/uvu/bin.js'), 'test', files, '-c', 'false',
      ...(b === 'relaxed' ? [] : ['-i', RELAXED_ONLY])], { SIMDNET_TEST_BUILD: b });
  const out = r.stdout + r.stderr;
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const ms = Math.round(performance.now() - t);
  if (!Number.isFinite(total) || !Number.isFinite(ok)) {
    failed++; console.log(`(${label} ${b}: no totals, exit ${r.status})`);
    summary.push(`${label} ${b}: no totals (exit ${r.status}, ${ms} ms)`);
    return;
  }
  const crashed = r.status !== 0 && total === ok ? 1 : 0; // a crash after the last test
  passed += ok; failed += total - ok - skipped + crashed;
  summary.push(`${label} ${b}: ${ok} passed, ${total - ok - skipped + crashed} failed, ${skipped} skipped (${ms} ms)`);
}
// Node 22 first (installed on first use): the Node 20 suites' relaxed-init test runs children on it.
const node22 = engine('node22');
for (const b of ['release', 'debug']) uvuSuite(`Node ${process.versions.node.split('.')[0]}`, process.execPath, b);

if (node22) uvuSuite('Node 22', node22, 'release');
else { failed++; summary.push('Node 22: not installed (see scripts/engines.mjs)'); }

// The relaxed-SIMD build (init({ relaxed: true })) against the float64 references: the kernel and gradient suites and
// init (not the pinned trajectories and hashes, which hold for the standard build only), and the relaxed threaded
// module against the relaxed build on one thread (kernels/relaxed-threads), in Node 22 (relaxed SIMD on by default)
// and in this Node behind its flag.
const RELAXED_FILES = `(kernels/(?!threads)|gradients/|api/init).*${only ? `${only}.*` : ''}\\.test\\.ts$`; // threads: the standard build's
if (node22) uvuSuite('Node 22', node22, 'relaxed', RELAXED_FILES);
uvuSuite(`Node ${process.versions.node.split('.')[0]} --experimental-wasm-relaxed-simd`, process.execPath, 'relaxed', RELAXED_FILES,
  process.versions.node.split('.')[0] === '20' ? ['--experimental-wasm-relaxed-simd'] : []);

if (!args.includes('--no-browser')) {
  console.log('\n── uvu suite in Chromium (page and dedicated worker; scripts/test-browser.mjs)');
  for (const r of await runBrowserSuite({ pattern: only })) {
    passed += r.passed; failed += r.failed;
    summary.push(`${r.runtime} ${r.build}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${r.ms} ms)${r.note ? ` — ${r.note}` : ''}`);
  }
}

if (!only && !args.includes('--no-browser')) {
  console.log('\n── kernel threads in Chromium pages and workers (scripts/test-browser-threads.mjs)');
  try {
    const r = await runBrowserThreadsTest();
    passed += r.passed; failed += r.failed;
    summary.push(`threads in Chromium: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`threads in Chromium: crashed (${e.message})`);
  }
}

if (!only && !args.includes('--no-browser')) {
  console.log('\n── the demo page in Chromium (scripts/test-demo.mjs)');
  try {
    const d = await runDemoTest();
    passed += d.passed; failed += d.failed;
    summary.push(`demo page: ${d.passed} passed, ${d.failed} failed; test accuracy ${d.accuracy}, trained in ${(d.trainMs / 1000).toFixed(1)} s (${d.ms} ms)`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`demo page: crashed (${e.message})`);
  }
}

if (!only && !args.includes('--no-browser')) {
  console.log('\n── the lab page in Chromium (scripts/test-lab.mjs)');
  try {
    const d = await runLabTest({ shots: join(root, 'build/lab') });
    passed += d.passed; failed += d.failed;
    summary.push(`lab page: ${d.passed} passed, ${d.failed} failed (${d.ms} ms)`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`lab page: crashed (${e.message})`);
  }
}

if (!only && !args.includes('--no-browser')) {
  console.log('\n── the training report in Chromium (scripts/test-report.mjs)');
  try {
    const r = await runReportTest();
    passed += r.passed; failed += r.failed;
    summary.push(`report: ${r.passed} passed, ${r.failed} failed; trained in ${(r.trainMs / 1000).toFixed(1)} s (${r.ms} ms)`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`report: crashed (${e.message})`);
  }
  console.log('\n── the sweep report in Chromium (scripts/test-sweep-report.mjs)');
  try {
    const r = await runSweepReportTest();
    passed += r.passed; failed += r.failed;
    summary.push(`sweep report: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`sweep report: crashed (${e.message})`);
  }
  console.log('\n── a sweep in Web Workers in Chromium (scripts/test-sweep-browser.mjs)');
  try {
    const r = await runSweepBrowserTest();
    passed += r.passed; failed += r.failed;
    summary.push(`sweep in a browser: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`sweep in a browser: crashed (${e.message})`);
  }
}

if (!only && !args.includes('--no-browser')) {
  console.log('\n── same bits in every runtime (scripts/same-bits.mjs)');
  const t = performance.now();
  try {
    const sb = await runSameBits();
    passed += sb.passed; failed += sb.failed;
    summary.push(`same bits: ${sb.passed} runtimes equal Node ${process.versions.node}, ${sb.failed} failed (${Math.round(performance.now() - t)} ms)`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`same bits: crashed (${e.message})`);
  }
}

if (!only) {
  console.log('\n── bundle size (scripts/bundle-size.mjs)');
  try {
    const size = await measureBundle();
    if (size.ok) passed++; else failed++;
    summary.push(`bundle size: ${size.line}`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`bundle size: crashed (${e.message})`);
  }
}

if (!only) {
  console.log('\n── the packed tarball in a fresh project (scripts/test-package.mjs)');
  try {
    const r = await runPackageTest({ browser: !args.includes('--no-browser') });
    passed += r.passed; failed += r.failed;
    summary.push(`package: ${r.passed} passed, ${r.failed} failed; npx simdnet train --epochs 1: test accuracy ${r.accuracy} (${r.ms} ms)`);
  } catch (e) {
    failed++; console.log(String(e?.stack ?? e)); summary.push(`package: crashed (${e.message})`);
  }
}

if (!only) {
  console.log('\n── the API reference (scripts/docs.mjs)');
  const t = performance.now();
  for (const r of [buildDocs(), docsSelfTest()]) {
    if (r.ok) passed++; else { failed++; console.log(r.out.trim()); }
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} – ${r.line}`);
  }
  summary.push(`docs: TypeDoc (${Math.round(performance.now() - t)} ms)`);
}

console.log(`\n── summary\n${summary.join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
