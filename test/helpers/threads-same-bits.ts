// The same-bits suite of a threaded module (src/backend/threads.ts), for test/kernels/threads.test.ts (the
// standard threaded module) and relaxed-threads.node.test.ts (the relaxed one): every kernel family the threads split
// (GEMM in all four transposes, conv2d forward, backprop to the input and to the filter, the poolings, elementwise,
// activations and optimizer updates) run on the threaded module with 1, 2 and 4 threads, the size thresholds lowered
// so even the smallest calls split, and compared bit for bit with each other and with the live one-thread module (the
// build under test) on random shapes at the tiling's edges (1, 3, 17, 129, non-multiples of 4), outputs NaN-poisoned.
// Runtime-neutral: worker_threads in Node; Web Workers in Chromium (scripts/test-browser.mjs serves the suite
// cross-origin isolated), where the page's main thread polls for the workers' chunks and a dedicated worker may sleep.
// Not a test file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from './rng.js';
import { backend, type Backend } from '../../src/backend/module.js';
import { Arena } from '../../src/backend/memory.js';
import { startThreads, type Pool } from '../../src/backend/threads.js';
import { decodeBase64 } from '../../src/backend/base64.js';
import type { KernelExports } from '../../src/backend/exports.js';

/**
 * Registers and runs the suite `title`: the threaded module `wasmBase64` on 1, 2 and 4 threads against the live
 * backend (init() already run with the one-thread build it must match, named `reference` in failures).
 */
export function threadedSameBits(title: string, wasmBase64: string, reference: string): void {
  const test = suite(title);

  /** A buffer of a call: random input, NaN-poisoned output, or random and updated in place (accumulated, optimizer state). */
  interface Buf { size: number; kind: 'in' | 'out' | 'inout'; lo?: number; hi?: number; int?: number }
  /** A kernel call: its buffers, and its arguments with `{ buf: i }` for buffer i's offset and 'gemmWork' / 'convWork'. */
  interface Call { name: keyof KernelExports; bufs: Buf[]; args: (number | { buf: number } | 'gemmWork' | 'convWork')[]; convBytes?: number; convGeo?: number[] }

  let threaded: Omit<Backend, 'info'>;
  let pool: Pool;

  test.before(async () => {
    threaded = await startThreads(await WebAssembly.compile(decodeBase64(wasmBase64)), 4, Arena);
    pool = threaded.threads as Pool;
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    assert.is(pool?.count, 4, `4 threads started (crossOriginIsolated: ${String(isolated)}; a browser needs the COOP and COEP headers)`);
  });
  test.after(async () => { await threaded.threads?.release(); });

  /** Runs a call on a backend (threads: the active count on the threaded one; 0: the default module, directly). */
  function run(be: Omit<Backend, 'info'>, c: Call, data: Float32Array[], threads: number): Uint32Array[] {
    const ptrs = c.bufs.map((b) => be.arena.alloc(b.size * 4));
    const slices = be.threads ? be.threads.convWorkBytes(c.convBytes ?? 0, c.convGeo ?? []) : c.convBytes ?? 0;
    const work = slices ? be.arena.alloc(slices) : 0;
    try {
      const f32 = be.arena.f32;
      if (work) f32.fill(NaN, work >>> 2, (work + slices) >>> 2);
      c.bufs.forEach((b, i) => {
        if (b.kind === 'out') f32.fill(NaN, ptrs[i] >>> 2, (ptrs[i] >>> 2) + b.size);
        else f32.set(data[i], ptrs[i] >>> 2);
      });
      const args = c.args.map((a) => (a === 'gemmWork' ? be.gemmWork : a === 'convWork' ? work : typeof a === 'number' ? a : ptrs[a.buf]));
      if (threads === 0) (be.exports[c.name] as (...a: number[]) => unknown)(...args);
      else { (be.threads as Pool).tune(threads, { minMacs: 0, minElements: 0, wakeWork: 0, adaptive: false }); be.threads!.run(c.name as never, args); }
      return c.bufs.map((b, i) => new Uint32Array(be.arena.f32.slice(ptrs[i] >>> 2, (ptrs[i] >>> 2) + b.size).buffer));
    } finally {
      for (const p of ptrs) be.arena.release(p);
      if (work) be.arena.release(work);
    }
  }

  function firstDifference(a: Uint32Array, b: Uint32Array): number {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    return -1;
  }

  /** Runs c with the default module and with 1, 2, 4 threads; every output must be the same bits. Returns splits. */
  function same(c: Call, seed: number, label: string): number {
    const rng = new Rng(seed);
    const data = c.bufs.map((b) => (b.int !== undefined ? new Float32Array(new Int32Array(b.size).map(() => rng.int(0, b.int!)).buffer)
      : rng.array(b.size, b.lo ?? -1, b.hi ?? 1)));
    const ref = run(backend(), c, data, 0);
    const before = pool.splits;
    for (const t of [1, 2, 4]) {
      const got = run(threaded, c, data, t);
      c.bufs.forEach((b, i) => {
        if (b.kind === 'in') return;
        const d = firstDifference(ref[i], got[i]);
        if (d >= 0) {
          const f = (u: Uint32Array) => new Float32Array(u.buffer)[d];
          assert.unreachable(`${label}, ${t} threads, seed ${seed}: output ${i} differs at ${d}: ${f(got[i])} vs ${f(ref[i])} (${reference})`);
        }
        assert.ok(new Float32Array(got[i].buffer).every((v) => !Number.isNaN(v)) || new Float32Array(ref[i].buffer).some(Number.isNaN), `${label}: NaN left in output ${i}`);
      });
    }
    return pool.splits - before;
  }

  const EDGES = [1, 3, 17, 129];

  test('gemm: all transposes, alpha, beta, bias, M, N, K at the edges (1, 3, 17, 129, 130, 257)', () => {
    let seed = 1, splits = 0, calls = 0;
    for (const [M, N, K] of [[1, 129, 17], [3, 17, 129], [17, 3, 5], [129, 129, 33], [130, 7, 257], [67, 200, 300], [257, 129, 3], [5, 514, 17]]) {
      for (const tA of [0, 1]) for (const tB of [0, 1]) {
        const beta = seed % 3 === 0 ? 0 : 0.5, bias = seed % 2 === 0;
        const c: Call = {
          name: 'gemm',
          bufs: [{ size: M * K, kind: 'in' }, { size: K * N, kind: 'in' }, { size: M * N, kind: beta ? 'inout' : 'out' }, { size: N, kind: 'in' }],
          args: [tA, tB, M, N, K, 1.25, { buf: 0 }, tA ? M : K, { buf: 1 }, tB ? K : N, beta, { buf: 2 }, N, 'gemmWork', bias ? { buf: 3 } : 0],
        };
        splits += same(c, seed++, `gemm ${tA ? 'Aᵀ' : 'A'}${tB ? 'Bᵀ' : 'B'} M ${M} N ${N} K ${K}`);
        calls++;
      }
    }
    assert.ok(splits >= calls, `only ${splits} of ${calls * 2} threaded calls were split`);
  });

  interface Geo { N: number; H: number; W: number; Cin: number; Cout: number; kh: number; kw: number; s: number; d: number; pad: [number, number, number, number] }
  const convOut = (n: number, k: number, s: number, d: number, p: number) => Math.floor((n + p - ((k - 1) * d + 1)) / s) + 1;
  const geoArgs = (g: Geo) => [g.N, g.H, g.W, g.Cin, g.Cout, g.kh, g.kw, g.s, g.s, g.d, g.d, ...g.pad];

  // LeNet-like (Cin 1: the rows-of-pixels col2im, a chunk boundary inside image 3), a chunked 3×3 (boundary inside an
  // image), strided and dilated, 1×1 pointwise, odd channel counts.
  const GEOS: Geo[] = [
    { N: 5, H: 28, W: 28, Cin: 1, Cout: 6, kh: 5, kw: 5, s: 1, d: 1, pad: [0, 0, 0, 0] },
    { N: 3, H: 16, W: 16, Cin: 64, Cout: 17, kh: 3, kw: 3, s: 1, d: 1, pad: [1, 1, 1, 1] },
    { N: 4, H: 13, W: 11, Cin: 3, Cout: 5, kh: 3, kw: 3, s: 2, d: 1, pad: [1, 0, 0, 1] },
    { N: 3, H: 9, W: 12, Cin: 5, Cout: 3, kh: 3, kw: 2, s: 1, d: 2, pad: [2, 2, 1, 0] },
    { N: 7, H: 5, W: 5, Cin: 17, Cout: 129, kh: 1, kw: 1, s: 1, d: 1, pad: [0, 0, 0, 0] },
    { N: 2, H: 6, W: 7, Cin: 1, Cout: 3, kh: 3, kw: 3, s: 1, d: 1, pad: [1, 1, 1, 1] },
  // The filter gradient's bands of rows (K = 84, cut at multiples of 4; one pixel block) end inside kernel rows and
  // pixels' channels, with dilation and uneven padding. Its pixel blocks: LeNet-like (12 blocks over 2 chunks, the
  // last one 64 pixels) and the 3×3 of 64 channels (chunks of 452 pixels: blocks of 256 and 196, then 256 and 60).
  { N: 2, H: 10, W: 9, Cin: 7, Cout: 9, kh: 3, kw: 4, s: 1, d: 2, pad: [2, 1, 3, 2] },
  ];

  test('conv2d forward, backprop to the input and to the filter: batches, strides, dilations, padding, chunks, 1×1', () => {
    let seed = 100, splits = 0;
    for (const g of GEOS) {
      const OH = convOut(g.H, g.kh, g.s, g.d, g.pad[0] + g.pad[1]), OW = convOut(g.W, g.kw, g.s, g.d, g.pad[2] + g.pad[3]);
      const xs = g.N * g.H * g.W * g.Cin, ws = g.kh * g.kw * g.Cin * g.Cout, ys = g.N * OH * OW * g.Cout;
      const convBytes = backend().exports.conv2dWorkspaceBytes(...(geoArgs(g) as Parameters<KernelExports['conv2dWorkspaceBytes']>));
      const label = `x [${g.N}, ${g.H}, ${g.W}, ${g.Cin}] w [${g.kh}, ${g.kw}, ${g.Cin}, ${g.Cout}] s ${g.s} d ${g.d} pad ${g.pad}`;
      splits += same({ name: 'conv2d', bufs: [{ size: xs, kind: 'in' }, { size: ws, kind: 'in' }, { size: g.Cout, kind: 'in' }, { size: ys, kind: 'out' }],
        args: [{ buf: 0 }, { buf: 1 }, seed % 2 ? { buf: 2 } : 0, { buf: 3 }, 'gemmWork', ...geoArgs(g)] }, seed++, `conv2d ${label}`);
      splits += same({ name: 'conv2dBackpropInput', bufs: [{ size: ys, kind: 'in' }, { size: ws, kind: 'in' }, { size: xs, kind: 'out' }],
        args: [{ buf: 0 }, { buf: 1 }, { buf: 2 }, 'convWork', 'gemmWork', 0, g.N, ...geoArgs(g)], convBytes, convGeo: geoArgs(g) }, seed++, `conv2dBackpropInput ${label}`);
      splits += same({ name: 'conv2dBackpropFilter',
        bufs: [{ size: xs, kind: 'in' }, { size: ys, kind: 'in' }, { size: ws, kind: 'inout' }, { size: g.Cout, kind: 'inout' }],
        args: [{ buf: 0 }, { buf: 1 }, { buf: 2 }, seed % 2 ? { buf: 3 } : 0, 'convWork', 'gemmWork', ...geoArgs(g)], convBytes, convGeo: geoArgs(g) }, seed++, `conv2dBackpropFilter ${label}`);
    }
    // The filter gradient splits by pixel blocks (GEMM K blocks of 256 pixels) when there are two or more, else by bands
    // of filter rows from 64 rows on (src/backend/thread-splits.ts); a non-pointwise one with one block and fewer rows runs
    // whole on the calling thread. Every other call splits at 2 and at 4 threads.
    const whole = GEOS.filter((g) => {
      const pixels = g.N * convOut(g.H, g.kh, g.s, g.d, g.pad[0] + g.pad[1]) * convOut(g.W, g.kw, g.s, g.d, g.pad[2] + g.pad[3]);
      return g.kh * g.kw * g.Cin < 64 && pixels <= 256 && !(g.kh === 1 && g.kw === 1 && g.s === 1 && g.pad.every((p) => p === 0));
    }).length;
    assert.ok(splits >= (GEOS.length * 3 - whole) * 2, `only ${splits} threaded conv calls were split`);
  });

  test('poolings and their gradients: overlapping windows, padding, batches 2 and 5', () => {
    let seed = 200, splits = 0;
    for (const [N, H, W, C, p, s, pad] of [[2, 9, 7, 3, 3, 2, 1], [5, 12, 12, 17, 2, 2, 0], [3, 5, 6, 1, 3, 1, 1]]) {
      const pads = [pad, pad, pad, 0];
      const OH = convOut(H, p, s, 1, 2 * pad), OW = convOut(W, p, s, 1, pad);
      const xs = N * H * W * C, ys = N * OH * OW * C, geo = [N, H, W, C, p, p, s, s, ...pads];
      const label = `x [${N}, ${H}, ${W}, ${C}] pool ${p} stride ${s} pad ${pads}`;
      splits += same({ name: 'maxPool2d', bufs: [{ size: xs, kind: 'in' }, { size: ys, kind: 'out' }], args: [{ buf: 0 }, { buf: 1 }, ...geo] }, seed++, `maxPool2d ${label}`);
      splits += same({ name: 'avgPool2d', bufs: [{ size: xs, kind: 'in' }, { size: ys, kind: 'out' }], args: [{ buf: 0 }, { buf: 1 }, ...geo, seed % 2] }, seed++, `avgPool2d ${label}`);
      splits += same({ name: 'maxPool2dGrad', bufs: [{ size: xs, kind: 'in' }, { size: ys, kind: 'in' }, { size: xs, kind: 'out' }],
        args: [{ buf: 0 }, { buf: 1 }, { buf: 2 }, ...geo] }, seed++, `maxPool2dGrad ${label}`);
      splits += same({ name: 'avgPool2dGrad', bufs: [{ size: ys, kind: 'in' }, { size: xs, kind: 'out' }],
        args: [{ buf: 0 }, { buf: 1 }, ...geo, seed % 2] }, seed++, `avgPool2dGrad ${label}`);
    }
    assert.ok(splits >= 3 * 4 * 2, `only ${splits} threaded pooling calls were split`);
  });

  test('elementwise, activations and optimizer updates: n = 1, 3, 17, 129, 1000, 4099, 100003', () => {
    let seed = 300, splits = 0;
    const i = (n: number, lo = -4, hi = 4): Buf => ({ size: n, kind: 'in', lo, hi });
    const o = (n: number): Buf => ({ size: n, kind: 'out' });
    const io = (n: number, lo = -1, hi = 1): Buf => ({ size: n, kind: 'inout', lo, hi });
    const B = (k: number) => ({ buf: k });
    for (const n of [...EDGES, 1000, 4099, 100003]) {
      const calls: Call[] = [
        ...(['relu', 'sigmoid', 'tanh', 'softplus'] as const).map((name): Call => ({ name, bufs: [i(n), o(n)], args: [B(0), B(1), n] })),
        ...(['leakyRelu', 'elu'] as const).map((name): Call => ({ name, bufs: [i(n), o(n)], args: [B(0), B(1), n, 0.3] })),
        ...(['reluGrad', 'sigmoidGrad', 'tanhGrad', 'softplusGrad'] as const).map((name): Call => ({ name, bufs: [i(n), i(n), o(n)], args: [B(0), B(1), B(2), n] })),
        { name: 'leakyReluGrad', bufs: [i(n), i(n), o(n)], args: [B(0), B(1), B(2), n, 0.2] },
        { name: 'eluGrad', bufs: [i(n), i(n), i(n), o(n)], args: [B(0), B(1), B(2), B(3), n, 0.7] },
        ...(['add', 'sub', 'mul'] as const).map((name): Call => ({ name, bufs: [i(n), i(n), o(n)], args: [B(0), B(1), B(2), n] })),
        { name: 'scale', bufs: [i(n), o(n)], args: [B(0), 0.37, B(1), n] },
        { name: 'axpy', bufs: [i(n), io(n)], args: [-0.6, B(0), B(1), n] },
        { name: 'fill', bufs: [o(n)], args: [B(0), 2.5, n] },
        { name: 'copy', bufs: [i(n), o(n)], args: [B(0), B(1), n] },
        { name: 'sgdUpdate', bufs: [io(n), i(n)], args: [B(0), B(1), n, 0.01] },
        { name: 'momentumUpdate', bufs: [io(n), i(n), io(n)], args: [B(0), B(1), B(2), n, 0.01, 0.9, seed % 2] },
        { name: 'adagradUpdate', bufs: [io(n), i(n), io(n, 0.1, 1)], args: [B(0), B(1), B(2), n, 0.01, 1e-7, 1] },
        { name: 'rmspropUpdate', bufs: [io(n), i(n), io(n, 0.1, 1)], args: [B(0), B(1), B(2), n, 0.001, 0.9, 1e-7, 0] },
        { name: 'adamUpdate', bufs: [io(n), i(n), io(n), io(n, 0.1, 1)], args: [B(0), B(1), B(2), B(3), n, 0.001, 0.9, 0.999, 1e-7, 0.3, 1, 0.01] },
        { name: 'nadamUpdate', bufs: [io(n), i(n), io(n), io(n, 0.1, 1)], args: [B(0), B(1), B(2), B(3), n, 0.001, 0.9, 0.999, 1e-7, 0.2, 0.05, 1.1] },
        { name: 'clipByValue', bufs: [io(n, -3, 3)], args: [B(0), n, 1] },
      ];
      for (const c of calls) splits += same(c, seed++, `${c.name} n ${n}`);
    }
    assert.ok(splits > 100, `only ${splits} threaded elementwise calls were split`);
  });

  test.run();
}
