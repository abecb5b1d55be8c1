// Kernel threads in Chromium: bundles test/runtimes/threads-web.ts through the package's `browser` entry (kernels.wasm
// and kernels-threads.wasm copied beside the bundle, as a user serves them), runs it in pages and dedicated workers
// served cross-origin isolated (static-server.mjs's COOP/COEP headers) and not, and checks: init({ threads: 2 }) runs
// on 2 threads (one Web Worker started, terminated by releaseThreads()), init() on one per core, init({ threads: 1 })
// and pages without isolation on one thread (kernels.wasm, no worker); every run trains to the weights hashes and
// losses of Node on one thread (test/helpers/threads-train.ts), before and after the release; init({ relaxed: true })
// runs kernels-relaxed-threads.wasm on 2 threads in an isolated page and worker and kernels.relaxed.wasm on one thread
// otherwise, all to the bits of the relaxed build on one thread in Chromium (the relaxed builds' bits may differ
// between engines and CPUs, so their reference is the first relaxed case, not Node); no console error. The
// kernels' own bits on edge shapes run in the Chromium suite (test/kernels/threads.test.ts). Node-only tooling;
// `node scripts/test-browser-threads.mjs`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, launchChromium, NO_CHROMIUM, root, runInChromium, startServer } from './test-browser.mjs';

const OUT = join(root, 'build', 'runtimes', 'threads-web');
const JOB = 'build/runtimes/threads-web/threads-web.js';

/** The cases: realm, isolated server or not, init({ threads }) (undefined: init()), and the threads expected. */
const CASES = [
  { realm: 'page', isolate: true, threads: 2, expect: 2 },
  { realm: 'worker', isolate: true, threads: 2, expect: 2 },
  { realm: 'page', isolate: true, threads: undefined, expect: 'cores' },
  { realm: 'page', isolate: true, threads: 1, expect: 1 },
  { realm: 'page', isolate: false, threads: undefined, expect: 1 },
  { realm: 'worker', isolate: false, threads: 4, expect: 1 },
  // The relaxed-SIMD build: the first case is the reference of the others.
  { realm: 'page', isolate: true, threads: 1, relaxed: true, expect: 1 },
  { realm: 'page', isolate: true, threads: 2, relaxed: true, expect: 2 },
  { realm: 'worker', isolate: true, threads: 2, relaxed: true, expect: 2 },
  { realm: 'page', isolate: false, threads: 2, relaxed: true, expect: 1 },
];

async function bundle() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const r = await build({ entryPoints: [join(root, 'test/runtimes/threads-web.ts')], outfile: join(root, JOB), bundle: true, format: 'esm',
    platform: 'browser', target: 'es2022', absWorkingDir: root, metafile: true, logLevel: 'warning' });
  const inputs = Object.keys(r.metafile.inputs);
  if (!inputs.includes('dist/entry-browser.js') || inputs.some((f) => f.endsWith('.generated.js'))) {
    throw new Error(`the threads job should use dist/entry-browser.js without base64 kernels; it has ${inputs.filter((f) => f.startsWith('dist/')).join(', ')}`);
  }
  for (const f of ['kernels.wasm', 'kernels-threads.wasm', 'kernels.relaxed.wasm', 'kernels-relaxed-threads.wasm']) copyFileSync(join(root, 'dist', f), join(OUT, f));
}

/** Node on one thread (and after a release of 2): the reference bits. */
function nodeReference() {
  const child = (args) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/threads-train.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`test/helpers/threads-train.ts ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  };
  const [trained, released] = child(['1', 'release']);
  return { mlp: trained.mlp, mlpLosses: trained.mlpLosses, cnn: trained.cnn, cnnLosses: trained.cnnLosses, after: released.after };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Runs the cases; resolves to { passed, failed, ms, lines }: one check per case ("ok – …" or "FAIL – …" lines).
 */
export async function runBrowserThreadsTest({ print = console.log } = {}) {
  const t0 = performance.now();
  const out = { passed: 0, failed: 0, ms: 0, lines: [] };
  const check = (ok, what) => { ok ? out.passed++ : out.failed++; const line = `${ok ? 'ok  ' : 'FAIL'} – ${what}`; out.lines.push(line); print(line); };
  const exe = findChromium();
  if (!exe) { check(false, NO_CHROMIUM); return out; }
  await bundle();
  const ref = nodeReference();
  const servers = { true: await startServer(root, { isolate: true }), false: await startServer(root, { isolate: false }) };
  const chrome = await launchChromium(exe);
  let relaxedRef;
  try {
    for (const c of CASES) {
      // Console errors and uncaught errors of the page and its workers, and the page's own workers (Playwright sees
      // the ones a page starts, not those started inside a worker: the job counts those itself).
      const errors = [], pageWorkers = { started: 0, closed: 0 };
      const onPage = (page) => {
        page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
        page.on('worker', (w) => { pageWorkers.started++; w.on('close', () => pageWorkers.closed++); });
      };
      chrome.context.on('page', onPage);
      chrome.context.on('weberror', (e) => errors.push(String(e.error())));
      const globals = { ...(c.threads === undefined ? {} : { SIMDNET_THREADS: c.threads }), ...(c.relaxed ? { SIMDNET_RELAXED: true } : {}) };
      const r = await runInChromium(chrome, servers[c.isolate], JOB, c.realm, globals, 60_000);
      chrome.context.off('page', onPage);
      chrome.context.removeAllListeners('weberror');
      const v = r.value ?? {};
      const want = c.expect === 'cores' ? Math.min(16, v.cores) : c.expect;
      const workers = want - 1;
      const problems = [];
      if (!r.ok) problems.push(r.error);
      if (v.isolated !== c.isolate) problems.push(`crossOriginIsolated ${v.isolated}`);
      if (v.threads !== want) problems.push(`threadCount() ${v.threads}, expected ${want}`);
      if (v.workersStarted !== workers || v.workersTerminated !== workers) problems.push(`Web Workers started ${v.workersStarted}, terminated ${v.workersTerminated}, expected ${workers}`);
      if (c.realm === 'page' && (pageWorkers.started !== workers || pageWorkers.closed !== workers)) problems.push(`Playwright saw ${pageWorkers.started} page workers start, ${pageWorkers.closed} close`);
      if (v.threadsAfterRelease !== 1) problems.push(`threadCount() after releaseThreads() ${v.threadsAfterRelease}`);
      const threaded = want > 1 || (c.isolate && c.threads !== 1);
      const wasm = c.relaxed ? (threaded ? 'kernels-relaxed-threads.wasm' : 'kernels.relaxed.wasm') : threaded ? 'kernels-threads.wasm' : 'kernels.wasm';
      if (!same(v.wasm, [wasm])) problems.push(`fetched ${JSON.stringify(v.wasm)}, expected ${wasm}`);
      if (v.build !== (c.relaxed ? 'relaxed' : 'standard')) problems.push(`backendInfo().build ${v.build}`);
      if (c.relaxed) relaxedRef ??= v;
      const want2 = c.relaxed ? relaxedRef : ref, whose = c.relaxed ? 'the relaxed build\'s on one thread' : 'Node\'s';
      for (const k of ['mlp', 'mlpLosses', 'cnn', 'cnnLosses', 'after']) if (!same(v[k], want2[k])) problems.push(`${k} ${JSON.stringify(v[k])} ≠ ${whose} ${JSON.stringify(want2[k])}`);
      if (errors.length) problems.push(`console errors: ${errors.join(' | ')}`);
      const opts = [c.threads === undefined ? '' : `threads: ${c.threads}`, c.relaxed ? 'relaxed: true' : ''].filter(Boolean).join(', ');
      check(problems.length === 0, `Chromium ${c.realm}, ${c.isolate ? 'cross-origin isolated' : 'not isolated'}, ` +
        `init(${opts ? `{ ${opts} }` : ''}): ${v.threads} thread(s), ${wasm}, init ${v.initMs} ms, ` +
        `MLP ${v.mlp} and CNN ${v.cnn} as ${c.relaxed ? 'the relaxed build on one thread' : 'Node on one thread'}, the same after releaseThreads()${problems.length ? `; ${problems.join('; ')}` : ''}`);
    }
  } finally {
    await chrome.close().catch(() => {});
    await Promise.all(Object.values(servers).map((s) => s.close()));
    out.ms = Math.round(performance.now() - t0);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runBrowserThreadsTest();
  console.log(`\nthreads in Chromium: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  process.exitCode = r.failed ? 1 : 0;
}
