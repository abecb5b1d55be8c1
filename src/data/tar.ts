// Extracts named regular files from a gzipped tar archive (Node-only; cifar-10-binary.tar.gz): the archive is
// inflated in a stream and walked header by header (ustar/GNU), so only the wanted files are held in memory, each
// capped by its declared size. Other entries are skipped without being kept.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { count } from './checks.js';

const BLOCK = 512;
/** Most bytes one wanted entry may declare (a CIFAR-10 batch is 30,730,000). */
const MAX_ENTRY = 2 ** 28;

/** The files of `archive` whose base names are in `wanted` → their bytes by base name. */
export async function untarGz(archive: string, wanted: readonly string[], where: string): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  let pending: Buffer = Buffer.alloc(0);
  let entry: { name: string; left: number; keep?: Uint8Array; at: number; pad: number } | undefined;
  let ended = false;
  const input = createReadStream(archive);
  const gunzip = createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (ended) break;
        if (entry) {
          const take = Math.min(entry.left, pending.length);
          if (entry.keep) entry.keep.set(pending.subarray(0, take), entry.at);
          entry.at += take; entry.left -= take;
          pending = pending.subarray(take);
          if (entry.left > 0) break;
          if (pending.length < entry.pad) break;
          pending = pending.subarray(entry.pad);
          if (entry.keep) found.set(entry.name, entry.keep);
          entry = undefined;
          continue;
        }
        if (pending.length < BLOCK) break;
        const head = pending.subarray(0, BLOCK);
        pending = pending.subarray(BLOCK);
        if (head.every((b) => b === 0)) { ended = true; break; }
        entry = readHeader(head, wanted, where);
      }
      if (ended) break;
    }
  } catch (e) {
    throw new Error(`${where}: cannot read the archive ${archive} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  if (entry) throw new Error(`${where}: the archive ${archive} ends inside "${entry.name}" (truncated)`);
  const missing = wanted.filter((n) => !found.has(n));
  if (missing.length) throw new Error(`${where}: the archive ${archive} holds no ${missing.join(', ')}`);
  return found;
}

// A header block → the entry it starts (its data kept when its base name is wanted and it is a regular file).
function readHeader(head: Buffer, wanted: readonly string[], where: string): { name: string; left: number; keep?: Uint8Array; at: number; pad: number } {
  const text = (from: number, len: number): string => head.subarray(from, from + len).toString('latin1').replace(/\0.*$/s, '');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : head[i];
  const stored = parseInt(text(148, 8).trim(), 8);
  if (stored !== sum) throw new Error(`${where}: a tar header has checksum ${text(148, 8).trim() || 'none'}, computed ${sum.toString(8)}: not a tar archive, or corrupt`);
  const prefix = text(257, 6).startsWith('ustar') ? text(345, 155) : '';
  const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
  const sizeField = text(124, 12).trim();
  const size = parseInt(sizeField || '0', 8);
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`${where}: the tar entry "${name}" has an unreadable size "${sizeField}"`);
  const type = text(156, 1);
  const base = name.replace(/\/+$/, '').split('/').pop() ?? '';
  const regular = type === '' || type === '0';
  const want = regular && wanted.includes(base);
  if (want && size > MAX_ENTRY) throw new Error(`${where}: the tar entry "${name}" declares ${count(size)} bytes; at most ${count(MAX_ENTRY)} are read`);
  return { name: want ? base : name, left: size, keep: want ? new Uint8Array(size) : undefined, at: 0, pad: (BLOCK - (size % BLOCK)) % BLOCK };
}
