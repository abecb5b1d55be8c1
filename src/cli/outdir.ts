// The CLI's output folders: made and probed for writing before a run starts, so a misnamed, read-only or full --out
// fails before training rather than after; and a fallback folder (in the OS temp dir, else the home folder) for when a
// save there still fails. Node-only. Not the atomic writes themselves (io/files.ts).
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, statSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from '../run/settings.js';

const REASONS: Record<string, string> = {
  EROFS: 'read-only file system', EACCES: 'permission denied', EPERM: 'operation not permitted', ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded', ENOENT: 'no such file or directory', ENAMETOOLONG: 'name too long', ELOOP: 'too many symbolic links',
};

/** Why a file operation failed, in words (the error code's meaning, or the message). */
export function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && REASONS[code]) return REASONS[code];
  return String((e as Error)?.message ?? e).replace(/^cannot save model to "[^"]*": /, '');
}

/**
 * Makes `dir` and its missing parents, one level at a time: a parent that is a file is named, and a place where no
 * folder can be made is refused at once (Node's recursive mkdir never returns for some paths, under /proc).
 */
export function makeFolder(dir: string, flag = '--out'): void {
  const abs = resolve(dir);
  const show = (p: string) => (p === abs ? dir : isAbsolute(dir) ? p : relative(process.cwd(), p) || '.');
  const chain: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new UsageError(`${flag} ${dir}: cannot use ${show(p)} (${reason(e)})`);
    }
    if (isDir === false) throw new UsageError(`${flag} ${dir}: ${p === abs ? '' : `${show(p)} `}is a file, not a folder`);
    if (isDir) continue;
    try {
      mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(p, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw new UsageError(`${flag} ${dir}: cannot create ${show(p)} (${reason(e)})`);
    }
  }
}

const PROBE = /^\.simdnet-probe\.(\d+)\.tmp$/;

/** Whether a process with this id is running (EPERM: it is, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes, flushes and removes a small file in `dir`: refused at once if the folder cannot be written to. Probe files
 * a killed process left there are removed first.
 */
export function probeFolder(dir: string, flag = '--out'): void {
  for (const f of readdirSync(dir)) {
    const m = PROBE.exec(f);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(dir, f), { force: true });
  }
  const probe = join(dir, `.simdnet-probe.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(probe, 'w');
    writeSync(fd, new Uint8Array(4096));
    fsyncSync(fd);
  } catch (e) {
    throw new UsageError(`${flag} ${dir}: cannot write there (${reason(e)})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
    try { unlinkSync(probe); } catch { /* never made */ }
  }
}

/** Refuses `dir` when its file system has less than `bytes` free (where the platform says; otherwise nothing). */
export function checkSpace(dir: string, bytes: number, flag = '--out'): void {
  let free: number;
  try {
    const s = statfsSync(dir);
    free = s.bavail * s.bsize;
  } catch {
    return;
  }
  if (free < bytes) throw new UsageError(`${flag} ${dir}: ${Math.floor(free / 1024)} KiB free on its file system; the run needs about ${Math.ceil(bytes / 1024)} KiB`);
}

/**
 * Writes `files` (name → bytes) with `write` into a new folder named after outDir, in the OS temp dir or else the
 * home folder; returns the folder. Throws an Error naming every place tried if none takes them.
 */
export async function saveElsewhere(outDir: string, files: readonly (readonly [string, Uint8Array])[],
  write: (path: string, bytes: Uint8Array) => Promise<void>): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const name = `simdnet-${basename(resolve(outDir)).replace(/[^\w.-]/g, '_')}-${stamp}-${process.pid}`;
  const tried: string[] = [];
  for (const base of [tmpdir(), homedir()]) {
    const dir = join(base, name);
    try {
      mkdirSync(dir, { recursive: true });
      for (const [f, bytes] of files) await write(join(dir, f), bytes);
      return dir;
    } catch (e) {
      tried.push(`${dir} (${reason(e)})`);
    }
  }
  throw new Error(`nor could it be saved to ${tried.join(', nor ')}`);
}
