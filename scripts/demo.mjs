// `npm run demo [-- --port N]`: builds simdnet if needed, then serves the demo page (web/) with the browser build
// (dist/) and the embedded dataset (data/) on 127.0.0.1 until Ctrl-C; bundles the lab's ONNX worker into build/lab/
// first (simdnet/onnx reads the CommonJS package onnx-proto, which a page cannot import unbundled). Node-only tooling;
// the pages themselves are web/ and web/lab/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The demo server: web/ (the demo page, and the lab in web/lab/), dist/, data/ and experiments/ (listed at
 * /experiments/index.json) of the repository; `/` redirects to the page. Cross-origin isolated (static-server.mjs's
 * headers), so the pages' simdnet runs its kernels on threads. */
export async function serveDemo(port = 0) {
  await bundleOnnxWorker();
  return startServer(root, { port, mounts: ['web', 'dist', 'data', 'experiments', 'build'], home: '/web/', listings: ['experiments'] });
}

/** build/lab/onnx-worker.js: web/lab/onnx-worker.js with simdnet and onnx-proto bundled in, kernels.wasm and
 * kernels-threads.wasm (fetched instead in the cross-origin-isolated pages this server makes) beside it. */
async function bundleOnnxWorker() {
  if (!existsSync(join(root, 'dist/onnx/index.js'))) return; // a build without simdnet/onnx: the lab says so
  const { build } = await import('esbuild');
  const out = join(root, 'build/lab');
  mkdirSync(out, { recursive: true });
  await build({ entryPoints: [join(root, 'web/lab/onnx-worker.js')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    outfile: join(out, 'onnx-worker.js'), logLevel: 'warning' });
  for (const f of ['kernels.wasm', 'kernels-threads.wasm']) copyFileSync(join(root, 'dist', f), join(out, f));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === '--port' || a.startsWith('--port='));
  const value = at < 0 ? '8080' : args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
  const port = Number(value);
  if (args.includes('--help') || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.log('usage: npm run demo [-- --port N]   (default 8080; 0 picks a free port)');
    process.exit(args.includes('--help') ? 0 : 2);
  }
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  let server;
  try {
    server = await serveDemo(port);
  } catch (e) {
    console.error(e.code === 'EADDRINUSE' ? `port ${port} is in use: try npm run demo -- --port ${port + 1} (or 0 for any free port)` : e.message);
    process.exit(1);
  }
  console.log(`simdnet demo: ${server.url}web/   the lab: ${server.url}web/lab/   (serving web/, dist/, data/ and experiments/; Ctrl-C to stop)`);
  process.on('SIGINT', () => { server.close().then(() => process.exit(0)); });
}
