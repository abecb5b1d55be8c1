// assembly/probe.ts against test/reference/probe.ts: peakProbe's result bit for bit against its float32 replay, its
// FLOP count, copyProbe's bytes (odd counts, repeats, nothing past the end), and the wrappers' refusals. No timing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, freeAll } from '../helpers/buffers.js';
import { peakProbeRef, copyProbeRef, PEAK_PROBE_FLOPS_PER_ITERATION } from '../reference/probe.js';
import { backend } from '../../src/backend/module.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`probe [${BUILD}]`);

const bits = (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0].toString(16);

test('peakProbe returns its float32 replay bit for bit (iterations 0 … 1000, seeds of both signs)', () => {
  for (const iterations of [0, 1, 2, 3, 7, 64, 1000]) {
    for (const seed of [0.001, 1e-3 / 3, 0.37, 1, -0.25, 1.5e-5, 0]) {
      const got = kern.peakProbe(iterations, seed), want = peakProbeRef(iterations, seed);
      if (bits(got) !== bits(want)) {
        throw new Error(`peakProbe iterations ${iterations} seed ${seed}: expected ${want} (0x${bits(want)}), got ${got} (0x${bits(got)})`);
      }
    }
  }
  // The replay is not trivially equal for every input: more iterations change the result.
  assert.is.not(peakProbeRef(2, 0.001), peakProbeRef(1, 0.001));
});

test('peakProbeFlopsPerIteration is 6 steps × 8 accumulators × 4 lanes × 2 = 384', () => {
  assert.is(kern.peakProbeFlopsPerIteration(), 384);
  assert.is(PEAK_PROBE_FLOPS_PER_ITERATION, 384);
});

test('copyProbe copies exactly the bytes asked (odd counts too), any number of times, nothing past the end', () => {
  const rng = new Rng(11);
  const u8 = () => backend().arena.u8;
  for (const bytes of [0, 1, 2, 3, 4, 5, 7, 15, 16, 17, 63, 64, 65, 1023, 4097]) {
    for (const reps of [0, 1, 3]) {
      const words = Math.ceil(bytes / 4) + 2; // room for 8 bytes of guard after the copy
      const ps = put(new Float32Array(words)), pd = put(new Float32Array(words));
      const src = Uint8Array.from({ length: words * 4 }, () => rng.int(0, 255));
      const dst = Uint8Array.from({ length: words * 4 }, () => rng.int(0, 255));
      u8().set(src, ps); u8().set(dst, pd);
      kern.copyProbe(ps, pd, bytes, reps);
      const got = u8().slice(pd, pd + words * 4), want = copyProbeRef(src, dst, bytes, reps);
      for (let i = 0; i < want.length; i++) {
        if (got[i] !== want[i]) throw new Error(`copyProbe bytes ${bytes} reps ${reps} seed 11: byte ${i}: expected ${want[i]}, got ${got[i]}`);
      }
      assert.equal(u8().slice(ps, ps + words * 4), src, `copyProbe bytes ${bytes}: src unchanged`);
      freeAll();
    }
  }
});

test('wrappers refuse bad counts and offsets', () => {
  const a = put(new Float32Array(8)), b = put(new Float32Array(8));
  assert.throws(() => kern.peakProbe(-1, 0.001), /kernel peakProbe: iterations = -1 must be an integer ≥ 0/);
  assert.throws(() => kern.peakProbe(2.5, 0.001), /iterations = 2.5 must be an integer ≥ 0/);
  assert.throws(() => kern.copyProbe(a, b, -4, 1), /kernel copyProbe: bytes = -4 must be an integer ≥ 0/);
  assert.throws(() => kern.copyProbe(a, b, 4, -1), /kernel copyProbe: reps = -1 must be an integer ≥ 0/);
  assert.throws(() => kern.copyProbe(a + 1, b, 4, 1), new RegExp(`kernel copyProbe: src offset ${a + 1} is not a 4-byte aligned address`));
  assert.throws(() => kern.copyProbe(a, 0, 4, 1), /kernel copyProbe: dst offset 0 is not a 4-byte aligned address/);
  const top = backend().arena.capacity() - 8;
  assert.throws(() => kern.copyProbe(a, top, 9, 1), new RegExp(`kernel copyProbe: dst \\[${top}, \\+3\\) lies outside memory`));
  freeAll();
});

test.run();
