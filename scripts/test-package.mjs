// The npm user's path, from the packed tarball: `npm pack`, `npm i <tgz>` into a fresh temporary project, then with
// Fashion-MNIST served from a loopback HTTP server (SIMDNET_MIRROR; SIMDNET_DATA a fresh cache; SIMDNET_SYSTEM_DATA=0)
// `npx simdnet train --epochs 1` to a test accuracy, every README library example that imports simdnet (extracted from
// the installed README), a TypeScript consumer type-checked under moduleResolution bundler and node16, and (unless
// --no-browser) a page bundled by esbuild with kernels.wasm copied beside it, trained one step in Chromium with the
// same weights hash as Node. Node-only tooling: `node scripts/test-package.mjs [--no-browser] [--keep]`.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where Debian's dataset-fashion-mnist installs the four gzipped IDX files the loopback mirror serves. */
const FASHION_FILES = '/usr/share/datasets/fashion-mnist';
/** One epoch of the default MLP on fashion-small measured ~0.83; chance is 0.1. */
const MIN_TRAIN_ACCURACY = 0.75;

/** The ```js and ```ts blocks of a README that import simdnet (complete programs), with their section titles. */
export function readmeExamples(markdown) {
  const out = [];
  let section = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,3} (.+)/.exec(lines[i]);
    if (h) { section = h[1]; continue; }
    const fence = /^```(js|ts|javascript|typescript)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const start = i + 1;
    while (++i < lines.length && !/^```\s*$/.test(lines[i]));
    const code = lines.slice(start, i).join('\n');
    const ts = fence[1].startsWith('t');
    const program = /^import .* from 'simdnet(\/[\w.]+)?';$/m.test(code);
    out.push({ section, line: start, code, ts, program });
  }
  return out;
}

/**
 * Fashion-MNIST's upstream .gz bytes from Debian's copy, which keeps upstream's deflate streams under a normalised
 * 10-byte gzip header: upstream's header put back (FNAME = the file's name; mtime 1504176606 for train, 1504176627
 * for t10k; XFL 0, OS 3) gives the files simdnet's pinned sizes and SHA-256 describe (see src/data/sources.ts).
 */
function upstreamFashion(name) {
  const deb = readFileSync(join(FASHION_FILES, name));
  if (deb[3] !== 0) throw new Error(`${FASHION_FILES}/${name}: a gzip header with flags ${deb[3]}, not Debian's plain one`);
  const head = Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]);
  head.writeUInt32LE(name.startsWith('train') ? 1504176606 : 1504176627, 4);
  return Buffer.concat([head, Buffer.from(`${name.replace(/\.gz$/, '')}\0`, 'latin1'), deb.subarray(10)]);
}

/** Serves upstream Fashion-MNIST at <url>/fashion-mnist/<file name>, recording each request's path. */
async function mirror() {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    const name = basename(decodeURIComponent(req.url ?? ''));
    if (!req.url?.startsWith('/fashion-mnist/') || !existsSync(join(FASHION_FILES, name))) { res.writeHead(404).end('not found'); return; }
    const body = upstreamFashion(name);
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length }).end(body);
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', ok); });
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((ok) => server.close(ok)) };
}

/** A child process, awaited without blocking this process (the loopback mirror answers meanwhile). */
function run(cmd, args, { timeout = 120_000, ...opts } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    const timer = setTimeout(() => { err += `\n(killed after ${timeout / 1000} s)`; child.kill('SIGKILL'); }, timeout);
    child.on('error', (e) => { err += String(e); });
    child.on('close', (code) => { clearTimeout(timer); done({ code, out, err }); });
  });
}
const tail = (s, n = 6) => s.trim().split('\n').slice(-n).join(' ⏎ ');

// A TypeScript consumer of the runtime-neutral entries (a page: no Node types), and one of simdnet/node (Node types):
// typed calls, kernels.wasm's declaration, and mistakes the types must catch (unused @ts-expect-error fails too).
const CONSUMER_NODE = `import { saveModel } from 'simdnet/node';
// @ts-expect-error saveModel takes a model and a path
void saveModel();
`;
const CONSUMER = `import { init, sequential, layers, tensor, type Tensor } from 'simdnet';
import * as data from 'simdnet/data';
import { renderReport } from 'simdnet/report';
import { sweepInBrowser, type SweepResult } from 'simdnet/sweep';
import { toOnnx } from 'simdnet/onnx';
import kernels from 'simdnet/kernels.wasm';

await init({ module: kernels });
const m = sequential([layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [8], seed: 1 });
const t: Tensor = tensor([1, 2, 3]);
const hash: string = m.weightsHash();
const ds: Promise<data.Dataset> = data.load('fashion-small', { dataDir: 'x' });
// @ts-expect-error renderReport takes a history
void renderReport(42);
const arrays = { name: 'fashion-small', classes: ['a', 'b'], inputShape: [2], train: { x: new Float32Array(4), labels: new Int32Array(2) }, test: { x: new Float32Array(4), labels: new Int32Array(2) } };
const swept: () => Promise<SweepResult> = () => sweepInBrowser({ base: {}, space: { epochs: { int: [1, 2] } }, budget: { trials: 2 } }, { data: arrays, workers: 2 });
void swept;
// @ts-expect-error sweepInBrowser needs the page's data
void sweepInBrowser({}, { workers: 2 });
const onnxBytes: Uint8Array = toOnnx(m, { opset: 17 });
// @ts-expect-error a misspelt toOnnx option
toOnnx(m, { opst: 17 });
// @ts-expect-error a misspelt layer option
layers.dense({ unitz: 4 });
// @ts-expect-error not a dataset name
data.load('fashion-smal');
// @ts-expect-error kernels.wasm is a WebAssembly.Module, not bytes
const bytes: Uint8Array = kernels;
export { t, hash, ds, bytes, onnxBytes };
`;

// simdnet/onnx from the package: a model to ONNX bytes and back, the same weights.
const ONNX_JS = `import { init, sequential, layers } from 'simdnet';
import { toOnnx, fromOnnx } from 'simdnet/onnx';
await init();
const m = sequential([layers.conv2d({ filters: 2, kernelSize: 3 }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [5, 5, 1], seed: 1 });
const bytes = toOnnx(m);
console.log(JSON.stringify({ bytes: bytes.length, same: fromOnnx(bytes).weightsHash() === m.weightsHash() }));
`;

// The page the browser recipe bundles: train one step, show the weights hash.
const PAGE_JS = `import { init, tensor, sequential, layers, threadCount } from 'simdnet';
await init();
const x = tensor(Float32Array.from({ length: 32 * 8 }, (_, i) => Math.sin(i)), [32, 8]);
const y = tensor(Float32Array.from({ length: 32 * 4 }, (_, i) => (i % 4 === (i >> 2) % 4 ? 1 : 0)), [32, 4]);
const m = sequential([layers.dense({ units: 16, activation: 'relu' }), layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [8], seed: 7 });
m.compile({ optimizer: 'adam', loss: 'crossEntropy' });
const loss = m.trainOnBatch(x, y);
const result = JSON.stringify({ loss, hash: m.weightsHash(), threads: threadCount() });
if (typeof document === 'undefined') console.log(result); else document.body.dataset.result = result;
`;

/**
 * Runs the checks; resolves to { passed, failed, ms, lines, accuracy }. Each check is one line "ok – …" or
 * "FAIL – …" in `lines`. `browser: false` skips the Chromium step; `keep` leaves the temporary project.
 */
export async function runPackageTest({ browser = true, keep = false, print = console.log } = {}) {
  const t0 = performance.now();
  const out = { passed: 0, failed: 0, ms: 0, lines: [], accuracy: NaN };
  const check = (ok, what) => { ok ? out.passed++ : out.failed++; const line = `${ok ? 'ok  ' : 'FAIL'} – ${what}`; out.lines.push(line); print(line); return ok; };
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-package-'));
  const project = join(dir, 'app'), cache = join(dir, 'cache');
  mkdirSync(project);
  let server;
  try {
    // 1. Pack and install.
    const pack = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root });
    // npm prints the prepack build's output (when sources changed) before the JSON: parse from the JSON's first line.
    const json = pack.out.slice(Math.max(0, pack.out.search(/^\[/m)));
    const tgz = pack.code === 0 ? join(dir, JSON.parse(json)[0].filename) : '';
    if (!check(pack.code === 0 && existsSync(tgz), `npm pack (${pack.code === 0 ? basename(tgz) : tail(pack.err)})`)) return out;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'simdnet-consumer', private: true, type: 'module' }, null, 2));
    const inst = await run('npm', ['i', tgz, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project });
    if (!check(inst.code === 0 && existsSync(join(project, 'node_modules/simdnet/dist/index.js')),
      `npm i ${basename(tgz)} into a fresh project (${inst.code === 0 ? tail(inst.out, 1) : tail(inst.err)})`)) return out;

    // 2. The command line, with the dataset from the loopback mirror into a fresh cache.
    if (!check(existsSync(join(FASHION_FILES, 'train-images-idx3-ubyte.gz')),
      `Fashion-MNIST to serve in ${FASHION_FILES} (apt-get install dataset-fashion-mnist)`)) return out;
    server = await mirror();
    const env = { ...process.env, SIMDNET_MIRROR: server.url, SIMDNET_DATA: cache, SIMDNET_SYSTEM_DATA: '0', CI: '1' };
    const train = await run('npx', ['simdnet', 'train', '--epochs', '1'], { cwd: project, env, timeout: 180_000 });
    const acc = Number(/test accuracy ([\d.]+)%/.exec(train.out)?.[1]) / 100;
    out.accuracy = acc;
    const fetched = server.requests.filter((u) => u.startsWith('/fashion-mnist/')).length;
    check(train.code === 0 && acc >= MIN_TRAIN_ACCURACY,
      `npx simdnet train --epochs 1 reaches test accuracy ${acc} ≥ ${MIN_TRAIN_ACCURACY} with the dataset from the loopback mirror ` +
      `(${fetched} files fetched; exit ${train.code}${train.code === 0 ? '' : `: ${tail(train.err || train.out)}`})`);
    const cached = existsSync(cache) ? readdirSync(cache, { recursive: true }).map(String).filter((f) => f.endsWith('.gz')) : [];
    check(cached.length >= 4, `the download was kept in SIMDNET_DATA (${cached.length} .gz files: ${cached.join(', ')})`);

    // 3. The README's library examples, as written, from the README in the package.
    const examples = readmeExamples(readFileSync(join(project, 'node_modules/simdnet/README.md'), 'utf8'));
    const programs = examples.filter((e) => e.program);
    check(programs.length >= 5, `the README has ${programs.length} library examples to run (${examples.length - programs.length} fragments without an import are not programs)`);
    for (const [i, e] of programs.entries()) {
      const file = join(project, `readme-${i + 1}.${e.ts ? 'mts' : 'mjs'}`);
      writeFileSync(file, e.code);
      const r = await run(process.execPath, [...(e.ts ? ['--experimental-strip-types'] : []), file], { cwd: project, env });
      check(r.code === 0, `README example ${i + 1} ("${e.section}", README line ${e.line}) runs${r.code === 0 ? '' : `: exit ${r.code}: ${tail(r.err)}`}`);
    }

    // 3b. simdnet/onnx from the tarball: its own entry, with its runtime dependency (onnx-proto) installed by npm.
    writeFileSync(join(project, 'onnx-roundtrip.mjs'), ONNX_JS);
    const rt = await run(process.execPath, ['onnx-roundtrip.mjs'], { cwd: project });
    const rtOut = rt.code === 0 ? JSON.parse(rt.out) : undefined;
    check(rtOut?.same === true && rtOut.bytes > 0, `simdnet/onnx imports from the installed package: toOnnx then fromOnnx gives the same weights ` +
      `(${rt.code === 0 ? `${rtOut.bytes} bytes` : `exit ${rt.code}: ${tail(rt.err)}`})`);

    // 4. A TypeScript consumer under moduleResolution bundler and node16.
    writeFileSync(join(project, 'consumer.ts'), CONSUMER);
    writeFileSync(join(project, 'consumer-node.ts'), CONSUMER_NODE);
    const typeRoots = [join(root, 'node_modules/@types')];
    const configs = {
      // a page's project: no Node types
      bundler: [{ module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] }, ['consumer.ts']],
      // Node: its types, and lib DOM for the WebAssembly namespace simdnet's declarations use (@types/node 20 lacks it).
      node16: [{ module: 'node16', moduleResolution: 'node16', lib: ['ES2022', 'DOM'], types: ['node'], typeRoots }, ['consumer.ts', 'consumer-node.ts']],
    };
    for (const [name, [opts, files]] of Object.entries(configs)) {
      writeFileSync(join(project, `tsconfig.${name}.json`), JSON.stringify({
        compilerOptions: { target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, ...opts }, files,
      }, null, 2));
      const r = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${name}.json`], { cwd: project });
      check(r.code === 0, `a TypeScript consumer (${files.join(', ')}) type-checks under moduleResolution ${name}, its @ts-expect-error lines failing as they must${r.code === 0 ? '' : `: ${tail(r.out + r.err, 8)}`}`);
    }

    // 5. The browser recipe: esbuild bundles the page, kernels.wasm is copied beside the bundle.
    if (browser) await browserRecipe(project, check);
  } catch (e) {
    check(false, `the package test crashed: ${e.stack ?? e}`);
  } finally {
    await server?.close();
    if (keep) print(`kept ${dir}`); else rmSync(dir, { recursive: true, force: true });
    out.ms = Math.round(performance.now() - t0);
  }
  return out;
}

/**
 * esbuild --bundle --format=esm of a page script, kernels.wasm copied beside it, opened in Chromium: trains a step.
 * Then with kernels-threads.wasm copied too, served with the cross-origin isolation headers: threads, the same bits.
 */
async function browserRecipe(project, check) {
  const { build } = await import('esbuild');
  const { findChromium, launchChromium, NO_CHROMIUM, startServer } = await import('./test-browser.mjs');
  const pub = join(project, 'public');
  mkdirSync(pub);
  writeFileSync(join(project, 'page.js'), PAGE_JS);
  writeFileSync(join(pub, 'index.html'), '<!doctype html><meta charset="utf-8"><title>simdnet</title><script type="module" src="page.js"></script>\n');
  await build({ absWorkingDir: project, entryPoints: ['page.js'], bundle: true, format: 'esm', outdir: 'public', logLevel: 'silent' });
  copyFileSync(join(project, 'node_modules/simdnet/dist/kernels.wasm'), join(pub, 'kernels.wasm')); // the README's step
  const node = await run(process.execPath, ['page.js'], { cwd: project });
  const exe = findChromium();
  if (!exe) { check(false, NO_CHROMIUM); return; }
  const chrome = await launchChromium(exe);
  try {
    for (const isolate of [false, true]) {
      const file = isolate ? 'kernels-threads.wasm' : 'kernels.wasm';
      if (isolate) copyFileSync(join(project, 'node_modules/simdnet/dist', file), join(pub, file));
      const server = await startServer(pub, { isolate });
      const page = await chrome.context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const wasm = [];
      page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasm.push(`${new URL(r.url()).pathname} ${r.status()}`); });
      await page.goto(server.url);
      const got = await page.waitForFunction(() => document.body?.dataset.result, null, { timeout: 30_000 })
        .then((h) => h.jsonValue(), () => null);
      await page.close();
      await server.close();
      const inPage = got ? JSON.parse(got) : null, inNode = node.code === 0 ? JSON.parse(node.out) : null;
      const threads = isolate ? (inPage?.threads ?? 0) > 1 : inPage?.threads === 1;
      check(inPage && Number.isFinite(inPage.loss) && inNode && inPage.hash === inNode.hash && wasm.join() === `/${file} 200` && threads,
        `an esbuild page bundle with ${isolate ? 'kernels.wasm and kernels-threads.wasm copied beside it, served cross-origin isolated' :
          'kernels.wasm copied beside it'} trains a step in Chromium on ${inPage?.threads} thread(s) (loss ${inPage?.loss}, weights hash ` +
        `${inPage?.hash}, Node ${inNode?.hash}; fetched ${wasm.join(', ') || 'no .wasm'})${errors.length ? `; ${errors.join('; ')}` : ''}`);
    }
  } finally {
    await chrome.close().catch(() => {});
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const r = await runPackageTest({ browser: !args.includes('--no-browser'), keep: args.includes('--keep') });
  console.log(`\npackage: ${r.passed} passed, ${r.failed} failed (${r.ms} ms)`);
  process.exitCode = r.failed ? 1 : 0;
}
