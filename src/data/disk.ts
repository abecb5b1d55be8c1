// Node-only file access for the loaders: folder entries with their types (symbolic links followed), regular files
// read without blocking on FIFOs or devices and under a size cap, and the first folder holding a set of files.
import { constants, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A folder entry: its name, whether it is a symbolic link, and what it is (the link's target), or why that is unknown. */
export interface Entry { name: string; link: boolean; stats?: Stats; broken?: string }

// The non-hidden entries of a folder with their types, symbolic links followed.
export async function entries(dir: string, shown: string, where: string): Promise<Entry[]> {
  const list = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`${where}: cannot read the folder${shown ? ` "${shown}"` : ''} (${e.code ?? e.message})`);
  });
  return Promise.all(list.filter((e) => !e.name.startsWith('.')).map(async (e): Promise<Entry> => {
    const path = join(dir, e.name);
    try {
      return { name: e.name, link: e.isSymbolicLink(), stats: await stat(path) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      if (!e.isSymbolicLink()) throw new Error(`${where}: cannot read "${shown}${e.name}" (${code})`);
      return { name: e.name, link: true, broken: code };
    }
  }));
}

// What an entry is, for errors: "a folder", "a FIFO (named pipe)", "a symbolic link to …".
export function kindOf(e: Omit<Entry, 'name'>): string {
  const s = e.stats;
  if (!s) return `a symbolic link whose target cannot be read (${e.broken})`;
  const kind = s.isDirectory() ? 'a folder' : s.isFile() ? 'a regular file' : s.isFIFO() ? 'a FIFO (named pipe)' : s.isSocket() ? 'a socket'
    : s.isCharacterDevice() ? 'a character device' : s.isBlockDevice() ? 'a block device' : 'not a regular file';
  return e.link ? `a symbolic link to ${kind}` : kind;
}

/** Files larger than this are refused before reading (Node reads at most 2 GiB into one buffer). */
const MAX_FILE = 2 ** 31 - 1;

// A regular file's bytes. Opened without blocking, then checked on the open handle: a FIFO or a device is refused
// instead of waiting forever for a writer or reading without end.
export async function readRegular(path: string, shown: string, where: string, max = MAX_FILE): Promise<Uint8Array> {
  const fail = (e: NodeJS.ErrnoException): never => { throw new Error(`${where}: cannot read "${shown}" (${e.code ?? e.message})`); };
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(fail);
  try {
    const s = await handle.stat().catch(fail);
    if (!s.isFile()) throw new Error(`${where}: "${shown}" is ${kindOf({ stats: s, link: false })}, not a regular file`);
    if (s.size > max) throw new Error(`${where}: "${shown}" is ${s.size} bytes; files over ${max === MAX_FILE ? '2 GiB' : `${max} bytes`} are not read (${max} bytes at most)`);
    return await handle.readFile().catch(fail);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Candidate names of a file on disk: gzipped or plain, in the dashed or the dotted MNIST spelling. */
const spellings = (n: string): string[] => [`${n}.gz`, n, n.replace('-idx', '.idx'), `${n.replace('-idx', '.idx')}.gz`];

/** The first folder holding every file (plain or .gz; the dotted MNIST spelling too) → the files' paths, or undefined. */
export async function findIn(dirs: readonly string[], names: readonly string[]): Promise<string[] | undefined> {
  for (const dir of dirs) {
    const present = new Set(await readdir(dir).catch(() => [] as string[]));
    const found = names.map((n) => spellings(n).find((c) => present.has(c)));
    if (found.every((f) => f !== undefined)) return found.map((f) => join(dir, f!));
  }
  return undefined;
}
