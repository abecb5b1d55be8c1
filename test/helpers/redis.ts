// A throwaway Redis for the queue tests: Debian's redis-server on 127.0.0.1, a free port, a temporary folder, no
// persistence (--save '' --appendonly no). Absent redis-server is a failure naming the package to install, not a skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer { url: string; port: number; stop(): Promise<void> }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts redis-server (`bin`: another path, for the test of its absence) and resolves once it accepts connections. */
export async function startRedis({ bin = 'redis-server', timeoutMs = 10_000 } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-redis-'));
  const child: ChildProcess = spawn(bin, ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir,
    '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`redis-server did not start on port ${port} within ${timeoutMs} ms:\n${out}`)); }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(e.code === 'ENOENT'
        ? new Error('redis-server is not installed: the queue tests need it (Debian: apt-get install redis-server; .ci/run installs it)')
        : e);
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)); });
    const seen = (b: Buffer) => {
      out += b.toString();
      if (/Ready to accept connections/.test(out)) { clearTimeout(timer); resolve(); }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
  });
  child.removeAllListeners('exit');
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
