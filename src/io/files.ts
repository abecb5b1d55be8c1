// Node-only model files. saveModel(model, path) writes atomically: a temporary file in the target's folder, flushed, then
// renamed over the target, so a crash or error never leaves a half-written model. A symbolic link is written through
// (the link stays, its target is replaced); a target that is not a regular file (directory, device, FIFO, socket) is
// refused and left alone; temporary files left by dead processes in that folder are removed. loadModelFile(path) opens
// non-blocking, checks on the open handle that it is a regular file of sane size, then reads it.
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, rename, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Model } from '../train/model.js';
import { loadModel } from './load.js';
import { MAX_FILE_BYTES, type SaveOptions } from './format.js';

let counter = 0;

/** Temporary files: `.${target}.${pid}.${time}.${counter}.tmp` in the target's folder. */
const TEMP = /^\..+\.(\d{1,10})\.\d{12,}\.\d+\.tmp$/;

/** Writes model.save() to path atomically; the previous file, if any, stays intact on any failure. */
export async function saveModel(model: Model, path: string, options: SaveOptions = {}): Promise<void> {
  const bytes = model.save(options);
  await writeAtomic(path, bytes);
}

/** What a file system entry is, for messages. */
function kindOf(s: Stats): string {
  return s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a FIFO (named pipe)' : s.isCharacterDevice() ? 'a character device'
    : s.isBlockDevice() ? 'a block device' : s.isSocket() ? 'a socket' : s.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
}

/** The file a write to `path` must replace: path itself, or the end of its chain of symbolic links (which may not exist yet). */
async function target(path: string): Promise<{ file: string; stats?: Stats }> {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let s: Stats;
    try {
      s = await lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file: p };
      throw e;
    }
    if (!s.isSymbolicLink()) return { file: p, stats: s };
    p = resolve(dirname(p), await readlink(p));
  }
  throw new Error('too many levels of symbolic links');
}

/** Whether a process with this id is running (EPERM: it is, under another user). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes temporary files that writeAtomic's of processes no longer running left in `folder` (a crash or kill -9
 * between open and rename). Only regular files named like ours, whose process id is not alive, are removed.
 * Returns the names removed. Best effort: errors are ignored.
 */
export async function removeStaleTemporaries(folder: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try { names = await readdir(folder); } catch { return removed; }
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      const s = await lstat(join(folder, name));
      if (!s.isFile()) continue;
      await unlink(join(folder, name));
      removed.push(name);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/**
 * Writes bytes to path through a temporary file + fsync + rename in the folder of the file path finally names (a
 * symbolic link is written through). Refuses a target that is not a regular file. Keeps the replaced file's mode.
 */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  let tmp: string | undefined;
  let fh;
  try {
    const { file, stats } = await target(path);
    if (stats && !stats.isFile()) throw new Error(`it is ${kindOf(stats)}, not a regular file; it was left as it is`);
    const folder = dirname(file);
    await removeStaleTemporaries(folder);
    tmp = join(folder, `.${basename(file)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
    fh = await open(tmp, 'wx');
    await fh.writeFile(bytes);
    if (stats) await fh.chmod(stats.mode & 0o7777); // the replaced file's permissions
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, file);
    tmp = undefined;
    await syncFolder(folder);
  } catch (e) {
    await fh?.close().catch(() => {});
    if (tmp) await unlink(tmp).catch(() => {});
    throw new Error(`cannot save model to "${path}": ${(e as Error).message}`);
  }
}

/** Flushes a folder's entries so the rename survives a power cut (where the platform allows opening folders). */
async function syncFolder(folder: string): Promise<void> {
  try {
    const dh = await open(folder, 'r');
    try { await dh.sync(); } finally { await dh.close(); }
  } catch {
    // Windows and some file systems cannot sync a folder: the rename itself is still atomic
  }
}

/**
 * Reads and rebuilds a model file; errors name the file and say what is wrong with it. The file is opened
 * non-blocking (a FIFO does not hang) and checked on the open handle: a regular file of at most MAX_FILE_BYTES.
 */
export async function loadModelFile(path: string): Promise<Model> {
  const fail = (what: string): never => { throw new Error(`cannot load model "${path}": ${what}`); };
  let bytes: Uint8Array;
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory, not a model file' : (e as Error).message);
  }
  try {
    const s = await fh.stat();
    if (!s.isFile()) fail(`it is ${kindOf(s)}, not a model file`);
    if (s.size > MAX_FILE_BYTES) fail(`it holds ${s.size.toLocaleString('en-US')} bytes, more than the ${MAX_FILE_BYTES.toLocaleString('en-US')} a model file may hold`);
    bytes = await readAll(fh, s.size, fail);
  } catch (e) {
    if ((e as Error).message.startsWith('cannot load model')) throw e;
    return fail((e as Error).message);
  } finally {
    await fh.close().catch(() => {});
  }
  return loadModel(bytes, { source: path });
}

/** Reads to the end (files in /proc say 0 bytes), never more than MAX_FILE_BYTES. */
async function readAll(fh: Awaited<ReturnType<typeof open>>, size: number, fail: (what: string) => never): Promise<Uint8Array> {
  const cap = MAX_FILE_BYTES + 1; // one byte more tells a file over the limit
  let buf = new Uint8Array(Math.min(Math.max(size + 1, 4096), cap));
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      if (buf.length === cap) fail(`it holds more than the ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes a model file may hold`);
      const bigger = new Uint8Array(Math.min(buf.length * 2, cap));
      bigger.set(buf);
      buf = bigger;
    }
    const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return buf.subarray(0, n);
}
