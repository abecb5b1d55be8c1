// `npm test`: build if needed, type-check, then run the uvu suite once per build (release, debug) in Node and
// print the totals as one line "N passed, N failed". Node-only tooling.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith('-')); // optional file pattern, e.g. `npm test -- gemm`
let passed = 0, failed = 0;

function step(name, cmd, cmdArgs, env = {}) {
  console.log(`\n── ${name}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  process.stdout.write(r.stdout); process.stderr.write(r.stderr);
  return r;
}

const build = step('build', process.execPath, ['scripts/build.mjs', '--if-needed']);
if (build.status !== 0) { console.log('\n0 passed, 1 failed'); process.exit(1); }

if (!args.includes('--no-typecheck')) {
  const tc = step('type-check (tsc --noEmit, strict)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  if (tc.status === 0) passed++; else failed++;
}

const pattern = only ? `${only}.*\\.test\\.ts$` : '\\.test\\.ts$';
for (const b of ['release', 'debug']) {
  const r = step(`uvu suite on the ${b} build`, process.execPath,
    ['--expose-gc', '--import', 'tsx', join(root, 'node_modules/uvu/bin.js'), 'test', pattern, '-c', 'false'], { SIMDNET_TEST_BUILD: b });
  const out = r.stdout + r.stderr;
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (!Number.isFinite(total) || !Number.isFinite(ok)) { failed++; console.log(`(${b}: no totals, exit ${r.status})`); continue; }
  passed += ok; failed += total - ok - skipped;
  if (r.status !== 0 && total === ok) failed++; // a crash after the last test
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
