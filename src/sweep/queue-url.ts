// The --queue address of `simdnet sweep` and `simdnet worker`, read without loading the queue package (the CLI checks
// its flags before it imports BullMQ).
import { UsageError } from '../run/settings.js';

/** Reads `redis://HOST:PORT` (or rediss://, with optional user:password@ and /DB); anything else is refused by name. */
export function readQueueUrl(flag: string, url: string): URL {
  let u: URL;
  try { u = new URL(url); } catch { throw new UsageError(`${flag} ${JSON.stringify(url)}: not a URL; expected redis://HOST:PORT`); }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`${flag} ${JSON.stringify(url)}: expected redis://HOST:PORT or rediss://HOST:PORT, got a ${u.protocol} URL`);
  if (!u.hostname) throw new UsageError(`${flag} ${JSON.stringify(url)}: no host; expected redis://HOST:PORT`);
  if (u.pathname !== '' && u.pathname !== '/' && !/^\/\d+$/.test(u.pathname)) throw new UsageError(`${flag} ${JSON.stringify(url)}: the path must be a database number (/0), got ${u.pathname}`);
  if (u.search || u.hash) throw new UsageError(`${flag} ${JSON.stringify(url)}: options after ? or # are not read; remove them`);
  return u;
}
