// The one downloader for dataset files (Node-only): fetch streamed to a temporary file beside the target, the size
// capped by the pinned size, SHA-256 checked against the pin, then renamed into place; any failure removes the
// temporary file and names the URL and what was wrong. Progress goes to stderr: a live bar on a terminal, plain lines
// otherwise, nothing when quiet.
import { createHash } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeStaleTemporaries } from '../io/files.js';
import { count } from './checks.js';
import type { PinnedFile } from './sources.js';

export interface DownloadOptions {
  /** No progress output. */
  quiet?: boolean;
  /** Where progress goes (default process.stderr; a live bar when it is a terminal). */
  out?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Give up when no byte arrives for this long (default 60 s). */
  stallMs?: number;
}

let counter = 0;
const MB = (n: number): string => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} MB`;

/**
 * Downloads `url` to `dest` (whose folder is created): refused unless the server answers 2xx, sends exactly
 * `pin.size` bytes (a larger announced or actual body is cut off at once) whose SHA-256 is `pin.sha256`. The file
 * appears at `dest` whole or not at all.
 */
export async function download(url: string, pin: PinnedFile, dest: string, options: DownloadOptions = {}): Promise<void> {
  const fail = (why: string): never => { throw new Error(`download of ${url} refused: ${why}; nothing was kept`); };
  const folder = dirname(dest);
  await mkdir(folder, { recursive: true }).catch((e: NodeJS.ErrnoException) => fail(`cannot create the folder ${folder} (${e.code ?? e.message})`));
  await removeStaleTemporaries(folder);
  const abort = new AbortController();
  const stallMs = options.stallMs ?? 60_000;
  let stalled = false;
  let timer = setTimeout(() => { stalled = true; abort.abort(); }, stallMs);
  const alive = (): void => { clearTimeout(timer); timer = setTimeout(() => { stalled = true; abort.abort(); }, stallMs); };
  const why = (e: unknown): string => {
    if (stalled) return `no data arrived for ${stallMs / 1000} s`;
    const err = e as Error & { cause?: Error & { code?: string } };
    const cause = err.cause ? ` (${err.cause.code ?? err.cause.message})` : '';
    return `${err.message}${cause}`;
  };
  const tmp = join(folder, `.${basename(dest)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  const bar = progressBar(url, pin.size, options);
  try {
    const res = await fetch(url, { signal: abort.signal }).catch((e) => fail(`the request failed: ${why(e)}`));
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      fail(`the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
    }
    const encoding = res.headers.get('content-encoding');
    const encoded = encoding && encoding !== 'identity' ? ` (the server sent it with Content-Encoding: ${encoding})` : '';
    const announced = res.headers.get('content-length');
    if (announced !== null && !encoded && Number(announced) !== pin.size) {
      await res.body?.cancel().catch(() => undefined);
      fail(`the server announces ${count(Number(announced))} bytes (Content-Length), the pinned size is ${count(pin.size)}`);
    }
    handle = await open(tmp, 'wx').catch((e: NodeJS.ErrnoException) => fail(`cannot write ${tmp} (${e.code ?? e.message})`));
    const hash = createHash('sha256');
    let got = 0;
    if (!res.body) fail('the response has no body');
    const reader = res.body!.getReader();
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        fail(`the transfer broke off after ${count(got)} of ${count(pin.size)} bytes: ${why(e)}`);
      }
      if (r!.done) break;
      const chunk = r!.value;
      alive();
      got += chunk.length;
      if (got > pin.size) {
        abort.abort();
        await reader.cancel().catch(() => undefined);
        fail(`the server sent more than the pinned ${count(pin.size)} bytes; cut off after ${count(got)}${encoded}`);
      }
      hash.update(chunk);
      await handle!.write(chunk);
      bar.update(got);
    }
    if (got < pin.size) fail(`truncated: ${count(got)} of ${count(pin.size)} bytes arrived${encoded}`);
    const actual = hash.digest('hex');
    if (actual !== pin.sha256) fail(`SHA-256 mismatch: expected ${pin.sha256}, got ${actual} (a corrupt or different file)${encoded}`);
    await handle!.sync();
    await handle!.close();
    handle = undefined;
    await rename(tmp, dest).catch((e: NodeJS.ErrnoException) => fail(`cannot move it into place as ${dest} (${e.code ?? e.message})`));
    bar.done();
  } catch (e) {
    bar.failed();
    await handle?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Progress on stderr: a bar redrawn at most 10 times a second on a terminal, two plain lines elsewhere. */
function progressBar(url: string, size: number, o: DownloadOptions): { update(got: number): void; done(): void; failed(): void } {
  const out = o.out ?? process.stderr;
  if (o.quiet) return { update() {}, done() {}, failed() {} };
  const start = performance.now();
  const secs = (): number => (performance.now() - start) / 1000;
  if (!out.isTTY) {
    out.write(`simdnet: downloading ${url} (${MB(size)})\n`);
    return { update() {}, done: () => out.write(`simdnet: downloaded and verified ${basename(url)} in ${secs().toFixed(1)} s\n`), failed() {} };
  }
  let last = 0, drawn = false;
  const width = (): number => Math.max(20, (out.columns ?? 80) - 1);
  const draw = (got: number): void => {
    const w = width();
    const rate = got / Math.max(secs(), 1e-3);
    const tail = ` ${MB(got)} / ${MB(size)}  ${MB(rate)}/s`;
    const name = `downloading ${basename(url)} `;
    const cells = Math.max(0, Math.min(30, w - name.length - tail.length - 2));
    const fill = Math.round((cells * got) / size);
    const line = `${name}${cells > 0 ? `[${'#'.repeat(fill)}${'.'.repeat(cells - fill)}]` : ''}${tail}`.slice(0, w);
    out.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  return {
    update(got) {
      const now = performance.now();
      if (now - last < 100 && got < size) return;
      last = now;
      draw(got);
    },
    done() { out.write(`\r\x1b[2K${`downloaded ${basename(url)}, ${MB(size)}, verified, ${secs().toFixed(1)} s`.slice(0, width())}\n`); },
    failed() { if (drawn) out.write('\n'); },
  };
}
