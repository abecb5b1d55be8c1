// `npm run test:robustness`: the hardening battery (test/robustness/) in Node on the release build, then its figures
// from test/robustness/tally.ts: cases tried, refused with a clear error, faults injected, runs resumed, bytes leaked.
// The same files also run in `npm test` (both builds, Node 22, Chromium for the runtime-neutral ones). Node-only tooling.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const t = performance.now();
const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'node_modules/uvu/bin.js'), 'test', 'robustness/.*\\.test\\.ts$', '-c', 'false'],
  { cwd: root, env: { ...process.env, SIMDNET_TEST_BUILD: 'release' }, encoding: 'utf8', maxBuffer: 1 << 28 });
const out = r.stdout + r.stderr;
process.stdout.write(out.split('\n').filter((l) => !l.startsWith('robustness tally ')).join('\n'));
const tally = JSON.parse(/robustness tally (\{.*\})/.exec(out)?.[1] ?? 'null');
const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN), total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
const failed = Number.isFinite(total) ? total - passed + (r.status !== 0 && total === passed ? 1 : 0) : 1;
const s = ((performance.now() - t) / 1000).toFixed(1);
if (tally) {
  const n = (v) => v.toLocaleString('en-US');
  console.log(`\nrobustness: ${n(tally.cases)} cases tried, ${n(tally.refused)} refused with a clear error, ${n(tally.faults)} faults injected, ` +
    `${n(tally.resumed)} runs resumed, ${n(tally.leakedBytes)} bytes leaked (${s} s, Node ${process.versions.node}, release build)`);
} else console.log('\nrobustness: no tally printed (the suite crashed before the end?)');
console.log(`\n${Number.isFinite(passed) ? passed : 0} passed, ${failed} failed`);
process.exit(failed || !tally || tally.leakedBytes ? 1 : 0);
