// Runs the runtime-neutral uvu suite in Chromium, in a page and in a dedicated worker, for the release and debug
// builds: bundles test/**/*.test.ts (not *.node.test.ts, not test/node/) with esbuild, serves it from 127.0.0.1 and
// drives Debian's chromium through playwright-core (never a downloaded browser). Also exports the Chromium launcher
// (and re-exports the static server of static-server.mjs) for scripts/same-bits.mjs and scripts/test-demo.mjs.
// Node-only tooling; `node scripts/test-browser.mjs [pattern]`.
import { build } from 'esbuild';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';

export { startServer };
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'build', 'runtimes');

/** Flags that work headless on this kind of machine (see FACTS.md); a fresh user-data dir is added per launch. */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The chromium binary: $CHROMIUM, else `chromium` on PATH (Debian's package); null when there is none. */
export function findChromium() {
  const candidates = process.env.CHROMIUM ? [process.env.CHROMIUM]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'chromium'));
  for (const c of candidates) {
    try { accessSync(c, constants.X_OK); return c; } catch { /* next */ }
  }
  return null;
}

export const NO_CHROMIUM = 'chromium not found on PATH: install Debian\'s package with `apt-get install -y chromium` ' +
  '(or set CHROMIUM to its path); Playwright never downloads a browser here';

/** Launches headless Chromium from `executablePath` with a fresh user-data dir; close() removes the dir. */
export async function launchChromium(executablePath) {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'simdnet-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_FLAGS });
  return {
    context,
    version: context.browser()?.version() ?? '',
    close: async () => { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); },
  };
}

/**
 * Runs the job module at `jobPath` (served path; it exports run()) in a fresh page, or in a dedicated module worker
 * started from that page, with `globals` set first. Resolves to { ok, value, error, lines }: what the job returned
 * and every console.log line it wrote.
 */
export async function runInChromium(chrome, server, jobPath, realm, globals = {}, timeoutMs = 300_000) {
  const page = await chrome.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  try {
    const q = new URLSearchParams({ job: '/' + jobPath, realm, globals: JSON.stringify(globals) });
    await page.goto(`${server.url}test/runtimes/page.html?${q}`);
    await page.waitForFunction(() => '__simdnetResult' in window, null, { timeout: 30_000 });
    const result = await Promise.race([
      page.evaluate(() => window.__simdnetResult),
      new Promise((_, fail) => setTimeout(() => fail(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs).unref()),
    ]);
    if (pageErrors.length) result.lines.push(...pageErrors.map((e) => `page error: ${e}`));
    return result;
  } catch (e) {
    return { ok: false, error: `${String(e)}${pageErrors.length ? `\n${pageErrors.join('\n')}` : ''}`, lines: [] };
  } finally {
    await page.close().catch(() => {});
  }
}

/** The runtime-neutral test files: test/**\/*.test.ts except *.node.test.ts and test/node/. Sorted, relative to root. */
export function suiteFiles(pattern) {
  const walk = (d) => readdirSync(d, { withFileTypes: true }).filter((e) => e.name !== 'node_modules')
    .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  const re = pattern ? new RegExp(pattern) : null;
  return walk(join(root, 'test'))
    .map((f) => relative(root, f).split(sep).join('/'))
    .filter((f) => f.endsWith('.test.ts') && !f.endsWith('.node.test.ts') && !f.startsWith('test/node/'))
    .filter((f) => !re || re.test(f))
    .sort();
}

/**
 * Bundles the suite into build/runtimes/suite/ (ESM with code splitting): an entry whose run() imports each test
 * file in turn, the way uvu's CLI does (UVU_DEFER, one queue group per file), then calls uvu's exec().
 */
export async function bundleSuite(files) {
  const dir = join(OUT, 'suite');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entry = join(OUT, 'suite-entry.mjs');
  const spec = (f) => JSON.stringify(join(root, f));
  writeFileSync(entry, `// GENERATED by scripts/test-browser.mjs: the browser suite entry. Do not edit.
import { exec } from 'uvu';
const files = ${JSON.stringify(files.map((f) => f.slice('test/'.length)))};
const load = [\n${files.map((f) => `  () => import(${spec(f)}),`).join('\n')}\n];
export async function run() {
  if (!globalThis.UVU_DEFER) throw new Error('set globalThis.UVU_DEFER before loading the suite');
  let importErrors = 0;
  for (let i = 0; i < load.length; i++) {
    globalThis.UVU_INDEX = i;
    globalThis.UVU_QUEUE.push([files[i]]);
    try { await load[i](); } catch (e) { importErrors++; console.log('IMPORT FAILED ' + files[i] + ': ' + ((e && e.stack) || e)); }
  }
  await exec();
  return { importErrors };
}
`);
  await build({
    entryPoints: { suite: entry }, bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022',
    outdir: dir, logLevel: 'warning', absWorkingDir: root,
  });
  return 'build/runtimes/suite/suite.js';
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** uvu's totals from its output lines, or null when it printed none. */
export function parseUvu(lines) {
  const text = lines.join('\n').replace(ANSI, '');
  const num = (re) => { const m = re.exec(text); return m ? Number(m[1]) : NaN; };
  const total = num(/Total:\s+(\d+)/), passed = num(/Passed:\s+(\d+)/), skipped = num(/Skipped:\s+(\d+)/);
  return Number.isFinite(total) && Number.isFinite(passed) ? { total, passed, skipped: Number.isFinite(skipped) ? skipped : 0 } : null;
}

/**
 * The suite in Chromium for each realm × build. Resolves to one row per run: { runtime, build, passed, failed,
 * skipped, ms, note }. A missing chromium is one failed row saying how to install it.
 */
export async function runBrowserSuite({ builds = ['release', 'debug'], realms = ['page', 'worker'], pattern, print = console.log } = {}) {
  const exe = findChromium();
  if (!exe) return [{ runtime: 'chromium', build: '-', passed: 0, failed: 1, skipped: 0, ms: 0, note: NO_CHROMIUM }];
  const files = suiteFiles(pattern);
  if (files.length === 0) {
    return pattern ? [] : [{ runtime: 'chromium', build: '-', passed: 0, failed: 1, skipped: 0, ms: 0, note: 'no runtime-neutral test file found' }];
  }
  const t0 = performance.now();
  let job;
  try {
    job = await bundleSuite(files);
  } catch (e) {
    const hint = /node:|Could not resolve/.test(String(e.message)) ? ' (a test file that needs node: modules must be named *.node.test.ts or live in test/node/)' : '';
    return [{ runtime: 'chromium', build: '-', passed: 0, failed: 1, skipped: 0, ms: 0, note: `bundling the suite failed${hint}: ${e.message}` }];
  }
  print(`bundled ${files.length} runtime-neutral test files in ${Math.round(performance.now() - t0)} ms`);
  const server = await startServer(root);
  let chrome;
  const rows = [];
  try {
    chrome = await launchChromium(exe);
    print(`Chromium ${chrome.version} (${exe}), headless`);
    for (const realm of realms) {
      for (const b of builds) {
        const t = performance.now();
        const r = await runInChromium(chrome, server, job, realm, { UVU_DEFER: 1, SIMDNET_TEST_BUILD: b });
        const ms = Math.round(performance.now() - t);
        const runtime = `chromium ${realm}`;
        print(`\n── uvu suite in a Chromium ${realm} on the ${b} build (${ms} ms)`);
        print(r.lines.join('').replace(ANSI, ''));
        const totals = parseUvu(r.lines);
        const importErrors = r.value?.importErrors ?? 0;
        if (!r.ok || !totals) {
          print(`(${runtime} ${b}: ${r.ok ? 'no totals' : r.error})`);
          rows.push({ runtime, build: b, passed: totals?.passed ?? 0, failed: 1 + (totals ? totals.total - totals.passed - totals.skipped : 0), skipped: 0, ms, note: 'no totals' });
          continue;
        }
        rows.push({ runtime, build: b, passed: totals.passed, failed: totals.total - totals.passed - totals.skipped + importErrors,
          skipped: totals.skipped, ms, note: importErrors ? `${importErrors} file(s) failed to load` : '' });
      }
    }
  } catch (e) {
    rows.push({ runtime: 'chromium', build: '-', passed: 0, failed: 1, skipped: 0, ms: 0, note: `Chromium run failed: ${e.message}` });
  } finally {
    await chrome?.close().catch(() => {});
    await server.close();
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pattern = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const rows = await runBrowserSuite({ pattern });
  for (const r of rows) console.log(`${r.runtime} ${r.build}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${r.ms} ms)${r.note ? ` — ${r.note}` : ''}`);
  const passed = rows.reduce((a, r) => a + r.passed, 0), failed = rows.reduce((a, r) => a + r.failed, 0);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
