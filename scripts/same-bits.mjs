// Same bits across runtimes: runs test/runtimes/same-bits.ts (a seeded MLP and CNN trained through the `simdnet`
// package) in Node 20, Node 22, a Chromium page and worker, workerd, Vercel's edge-runtime, Deno and Bun, and checks
// that every weights hash, prediction hash, loss trajectory, diagnostics hash and augmentation hash (augment() of a
// batch, a CNN fit with augmentation) equals Node 20's. Each runtime loads simdnet as its users would: Node/Deno/Bun
// through `import`, Chromium through `browser` (kernels.wasm fetched, or kernels-threads.wasm and Web Workers in
// cross-origin-isolated pages: a page and a worker with init(), a page with init({ threads: 4 }), and a page served
// without the isolation headers on one thread), workerd through `workerd` (a precompiled module;
// it refuses to compile bytes), edge-runtime through `edge-light` with wasm code generation off and the module compiled
// in the outer realm. Node 20 also runs with init({ threads }) 1, 2 and 4 (the threaded module and worker threads; the
// command-line runtimes use `init()`, threads 'auto'): one hash for every thread count. Node-only tooling;
// `node scripts/same-bits.mjs`.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engine } from './engines.mjs';
import { findChromium, launchChromium, NO_CHROMIUM, root, runInChromium, startServer } from './test-browser.mjs';

const OUT = join(root, 'build', 'runtimes', 'same-bits');
const rel = (...p) => join(root, ...p);

/** Runs a command; resolves to { code, out } (stdout + stderr) and the wall time. */
function exec(cmd, args, { cwd = root, timeoutMs = 120_000, env = {} } = {}) {
  return new Promise((done) => {
    const t = performance.now();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { out += `\n(timed out after ${timeoutMs / 1000} s)`; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); done({ code: -1, out: `${out}${e.message}`, ms: performance.now() - t }); });
    child.on('close', (code) => { clearTimeout(timer); done({ code, out, ms: performance.now() - t }); });
  });
}

function report(out) {
  const line = out.split('\n').find((l) => l.includes('SAME-BITS {'));
  return line ? JSON.parse(line.slice(line.indexOf('{'))) : null;
}

/** Resolves `.wasm?module` imports (entry-edge.js) the way an edge bundler does, to `to(path)`. */
const wasmModules = (to) => ({
  name: 'wasm-modules',
  setup(b) {
    b.onResolve({ filter: /\.wasm\?module$/ }, (a) => to(resolve(a.resolveDir, a.path.replace(/\?module$/, ''))));
    b.onLoad({ filter: /.*/, namespace: 'outer-realm' }, () => ({ contents: 'export default globalThis.__SIMDNET_KERNELS__;', loader: 'js' }));
  },
});

/** Bundles the entries for every runtime into build/runtimes/same-bits/. */
async function bundle() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'browser'), { recursive: true });
  mkdirSync(join(OUT, 'workerd'), { recursive: true });
  const common = { bundle: true, absWorkingDir: root, logLevel: 'warning', target: 'es2022' };
  const wasmPath = rel('dist/kernels.wasm');
  const [, browser] = await Promise.all([
    // Node, Deno, Bun: simdnet stays external, resolved at run time by each runtime from package.json (self-reference).
    build({ ...common, entryPoints: [rel('test/runtimes/same-bits-cli.ts')], outfile: join(OUT, 'cli.mjs'),
      format: 'esm', platform: 'neutral', external: ['simdnet'] }),
    // Chromium: the `browser` condition (and the browser field that drops the base64 copy); kernels.wasm beside it.
    build({ ...common, entryPoints: [rel('test/runtimes/same-bits-browser.ts')], outfile: join(OUT, 'browser', 'same-bits.js'),
      format: 'esm', platform: 'browser', metafile: true }),
    // workerd: the `workerd` condition; the wasm import stays a module named kernels.wasm, bound in the config.
    build({ ...common, entryPoints: [rel('test/runtimes/same-bits-workerd.ts')], outfile: join(OUT, 'workerd', 'worker.js'),
      format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'],
      plugins: [wasmModules(() => ({ path: './kernels.wasm', external: true }))] }),
    // edge-runtime: a script (IIFE) through `edge-light`; the wasm import reads the Module the outer realm compiled.
    build({ ...common, entryPoints: [rel('test/runtimes/same-bits-edge.ts')], outfile: join(OUT, 'edge.js'),
      format: 'iife', platform: 'neutral', conditions: ['edge-light', 'worker', 'browser'], mainFields: ['module', 'main'],
      plugins: [wasmModules((p) => ({ path: p, namespace: 'outer-realm' }))] }),
  ]);
  const inputs = Object.keys(browser.metafile.inputs);
  if (!inputs.includes('dist/entry-browser.js') || inputs.some((f) => f.endsWith('kernels.generated.js'))) {
    throw new Error(`same-bits: the browser bundle should use dist/entry-browser.js without the base64 kernels; it has ${inputs.filter((f) => f.startsWith('dist/')).join(', ')}`);
  }
  copyFileSync(wasmPath, join(OUT, 'browser', 'kernels.wasm'));
  copyFileSync(rel('dist/kernels-threads.wasm'), join(OUT, 'browser', 'kernels-threads.wasm'));
  copyFileSync(wasmPath, join(OUT, 'workerd', 'kernels.wasm'));
  writeFileSync(join(OUT, 'workerd', 'config.capnp'), `# GENERATED by scripts/same-bits.mjs. Do not edit.
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .worker)]);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "kernels.wasm", wasm = embed "kernels.wasm"),
  ],
  compatibilityDate = "2026-11-01",
);
`);
}

/** A command-line runtime; `threads` (a count) sets SIMDNET_THREADS for init({ threads }); the row names the threads used. */
async function cli(name, bin, args, threads) {
  if (!bin) return { runtime: name, error: `${name}: not installed (see scripts/engines.mjs)` };
  const r = await exec(bin, [...args, join(OUT, 'cli.mjs')], threads === undefined ? {} : { env: { SIMDNET_THREADS: String(threads) } });
  const rep = report(r.out);
  const used = /SAME-BITS-THREADS (\d+)/.exec(r.out)?.[1] ?? '?';
  if (rep && threads !== undefined && Number(used) !== threads) return { runtime: name, error: `asked for ${threads} threads, ran on ${used}` };
  const runtime = `${name} (${used} thr)`;
  const version = (await exec(bin, ['--version'])).out.trim().split('\n')[0];
  return rep ? { runtime, version, ms: r.ms, report: rep } : { runtime, version, ms: r.ms, error: `exit ${r.code}: ${r.out.slice(-2000)}` };
}

async function workerd() {
  const bin = engine('workerd');
  if (!bin) return { runtime: 'workerd', error: 'workerd: not installed (see scripts/engines.mjs)' };
  const r = await exec(bin, ['test', 'config.capnp'], { cwd: join(OUT, 'workerd') });
  const rep = report(r.out);
  const version = (await exec(bin, ['--version'])).out.trim();
  if (rep && !/COMPILES-BYTES false/.test(r.out)) return { runtime: 'workerd', version, ms: r.ms, error: 'workerd compiled wasm from bytes: this is not the runtime users deploy to' };
  return rep ? { runtime: 'workerd', version, ms: r.ms, report: rep } : { runtime: 'workerd', version, ms: r.ms, error: `exit ${r.code}: ${r.out.slice(-2000)}` };
}

async function edge() {
  const t = performance.now();
  try {
    const { EdgeRuntime } = await import('edge-runtime');
    const version = JSON.parse(readFileSync(rel('node_modules/edge-runtime/package.json'), 'utf8')).version;
    const kernels = new WebAssembly.Module(readFileSync(rel('dist/kernels.wasm')));
    const runtime = new EdgeRuntime({
      codeGeneration: { strings: false, wasm: false }, // as on Vercel: no eval, no compiling wasm from bytes
      extend: (ctx) => Object.assign(ctx, { __SIMDNET_KERNELS__: kernels }),
    });
    runtime.evaluate(readFileSync(join(OUT, 'edge.js'), 'utf8'));
    if (await runtime.context.__simdnetCompilesBytes) throw new Error('edge-runtime compiled wasm from bytes: codeGeneration.wasm is not off');
    const rep = await runtime.context.__simdnetSameBits;
    return { runtime: 'edge-runtime', version, ms: performance.now() - t, report: JSON.parse(JSON.stringify(rep)) };
  } catch (e) {
    return { runtime: 'edge-runtime', ms: performance.now() - t, error: String(e?.stack ?? e) };
  }
}

/** Chromium runs: realm, a cross-origin-isolated server or not, init({ threads }) (undefined: init()), threads expected (0: one per core, above 1). */
const CHROMIUM_RUNS = [
  { realm: 'page', isolate: true, threads: undefined, expect: 0 },
  { realm: 'worker', isolate: true, threads: undefined, expect: 0 },
  { realm: 'page', isolate: true, threads: 4, expect: 4 },
  { realm: 'page', isolate: false, threads: undefined, expect: 1 },
];

async function chromium() {
  const name = (c) => `chromium ${c.realm}${c.isolate ? '' : ' no isol.'}`;
  const exe = findChromium();
  if (!exe) return CHROMIUM_RUNS.map((c) => ({ runtime: name(c), error: NO_CHROMIUM }));
  const servers = { true: await startServer(root), false: await startServer(root, { isolate: false }) };
  let chrome;
  const rows = [];
  try {
    chrome = await launchChromium(exe);
    for (const c of CHROMIUM_RUNS) {
      const t = performance.now();
      const globals = c.threads === undefined ? {} : { SIMDNET_THREADS: c.threads };
      const r = await runInChromium(chrome, servers[c.isolate], 'build/runtimes/same-bits/browser/same-bits.js', c.realm, globals, 120_000);
      const runtime = `${name(c)} (${r.value?.threads ?? '?'} thr)`, ms = performance.now() - t;
      const v = r.value, threadsOk = v && (c.expect === 0 ? v.threads > 1 : v.threads === c.expect) && v.isolated === c.isolate;
      rows.push(!r.ok ? { runtime, version: chrome.version, ms, error: `${r.error}\n${r.lines.join('\n')}` }
        : !threadsOk ? { runtime, version: chrome.version, ms, error: `ran on ${v.threads} thread(s), crossOriginIsolated ${v.isolated}; expected ${c.expect || 'one per core'}` }
          : { runtime, version: chrome.version, ms, report: v.report });
    }
  } catch (e) {
    rows.push({ runtime: 'chromium', error: String(e?.stack ?? e) });
  } finally {
    await chrome?.close().catch(() => {});
    await Promise.all(Object.values(servers).map((s) => s.close()));
  }
  return rows;
}

/** The first difference between two reports, as a readable path, or null when equal. */
function difference(a, b, path = '') {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return a === b ? null : `${path}: ${JSON.stringify(b)} ≠ ${JSON.stringify(a)}`;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = difference(a[k], b[k], path ? `${path}.${k}` : k);
    if (d) return d;
  }
  return null;
}

/**
 * Runs every runtime, prints a table and returns { rows, passed, failed }: one check per runtime other than the
 * reference (Node 20, this process's Node), passed when its report is identical to the reference's.
 */
export async function runSameBits({ print = console.log } = {}) {
  if (!existsSync(rel('dist/index.js'))) throw new Error('same-bits: build first (node scripts/build.mjs)');
  const t0 = performance.now();
  await bundle();
  print(`bundled the same-bits entries in ${Math.round(performance.now() - t0)} ms`);
  const rows = [];
  const node = `node ${process.versions.node.split('.')[0]}`;
  rows.push(await cli(node, process.execPath, []));
  for (const threads of [1, 2, 4]) rows.push(await cli(`${node} threads ${threads}`, process.execPath, [], threads));
  rows.push(await cli('node 22', engine('node22', { print }), []));
  rows.push(...await chromium());
  rows.push(await workerd());
  rows.push(await edge());
  rows.push(await cli('deno', engine('deno', { print }), ['run', '--allow-read', '--allow-env']));
  rows.push(await cli('bun', engine('bun', { print }), ['run']));
  const ref = rows[0];
  let passed = 0, failed = 0;
  print('');
  print('runtime                          ms  mlp weights       cnn weights       augmented cnn     wide cnn          mlp steps/epochs cnn steps/epochs  same bits as ' + ref.runtime);
  for (const r of rows) {
    const ms = r.ms === undefined ? '   -' : String(Math.round(r.ms)).padStart(5);
    if (!r.report) {
      failed++;
      print(`${r.runtime.padEnd(31)} ${ms}  FAILED: ${r.error}`);
      continue;
    }
    const d = ref.report ? difference(ref.report, r.report) : 'no reference';
    const m = r.report.mlp, c = r.report.cnn;
    print(`${r.runtime.padEnd(31)} ${ms}  ${m.weights}  ${c.weights}  ${r.report.augment?.weights ?? '(none)'.padEnd(16)}  ${r.report.wide?.weights ?? '(none)'.padEnd(16)}  ${`${m.steps.length}/${m.epochs.length}`.padEnd(16)} ${`${c.steps.length}/${c.epochs.length}`.padEnd(17)} ${r === ref ? '(reference)' : d ? `NO — ${d}` : 'yes'}`);
    if (r === ref) continue;
    if (d) failed++; else passed++;
  }
  if (ref.report) print(`\nfinal losses (float32 bits): mlp step ${ref.report.mlp.steps.at(-1)}, epoch ${ref.report.mlp.epochs.at(-1)}; cnn step ${ref.report.cnn.steps.at(-1)}, epoch ${ref.report.cnn.epochs.at(-1)}`);
  print(`versions: ${rows.filter((r) => r.version).map((r) => `${r.runtime} ${r.version}`).join('; ')}`);
  return { rows, passed, failed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { passed, failed } = await runSameBits();
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
