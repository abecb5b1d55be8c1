// A small static file server on 127.0.0.1 for the Node tooling (the Chromium test runs, `npm run demo`): right MIME
// types (application/wasm, or compileStreaming refuses the module; text/javascript for module scripts), no caching,
// and by default the two headers that make its pages cross-origin isolated (shared memory: simdnet's kernel threads).
// Not a production server. Node-only tooling.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.gz': 'application/gzip', '.md': 'text/plain; charset=utf-8',
};

/**
 * Cross-origin isolation (crossOriginIsolated, SharedArrayBuffer) for the pages served and the workers they start:
 * every resource here is same-origin, so require-corp blocks nothing.
 */
export const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/**
 * Serves the files under `dir` (default: the repository) on 127.0.0.1 at `port` (0: an ephemeral one). `mounts`
 * limits what is served to those top-level folders; `home` is where `/` redirects; a URL ending in `/` serves that
 * folder's index.html; `listings` names folders whose /<folder>/index.json (when no such file exists) lists their
 * .json files, sorted (the lab page's list of experiment files); `isolate` (default true) sends ISOLATION on every
 * response. Resolves to { url, port, close() }.
 */
export async function startServer(dir = ROOT, { port = 0, mounts, home, listings = [], isolate = true } = {}) {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    if (isolate) for (const [k, v] of Object.entries(ISOLATION)) res.setHeader(k, v);
    let pathname;
    try { pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname); } catch { pathname = '\0'; }
    if (home && pathname === '/') { res.writeHead(302, { location: home }).end(); return; }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const path = resolve(base, '.' + pathname);
    const top = path.slice(base.length + 1).split(sep)[0];
    let ok = path.startsWith(base + sep) && (!mounts || mounts.includes(top));
    const listed = listings.find((d) => pathname === `/${d}/index.json`);
    if (ok && listed) {
      let names = null;
      try { statSync(path); } catch { names = readdirSync(resolve(base, listed)).filter((f) => f.endsWith('.json')).sort(); }
      if (names) { res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' }).end(JSON.stringify(names)); return; }
    }
    try { ok &&= statSync(path).isFile(); } catch { ok = false; }
    if (!ok) { res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found'); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(path).pipe(res);
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(port, '127.0.0.1', ok); });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}
