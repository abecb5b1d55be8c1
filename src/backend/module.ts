// Loads the kernel module: the SIMD feature check and the one live Backend with which build it runs (backendInfo();
// init-kernels.ts picks the build, init-options.ts reads the options). Threads (threads.ts: the threaded module and
// its workers) and the debug build's extras (debug-build.ts) load on demand. Plain WebAssembly API (no
// @assemblyscript/loader): only numbers and offsets cross the boundary.
import { Arena } from './memory.js';
import type { KernelExports } from './exports.js';
import type { Backend, BackendInfo } from './backend-types.js';

/** How init() gets the kernel module: a precompiled module or its bytes (neither: the entry's default). */
export interface InitOptions {
  /** A precompiled module (edge runtimes that forbid compiling bytes, e.g. Cloudflare Workers). */
  module?: WebAssembly.Module;
  /** The raw bytes of kernels.wasm. */
  bytes?: ArrayBuffer | Uint8Array;
  /**
   * Opt in to the relaxed-SIMD build (kernels.relaxed.wasm: `f32x4.relaxed_madd` in the GEMM and convolution
   * micro-kernels), loaded on demand where the engine validates relaxed SIMD; elsewhere the standard build, with the
   * reason in backendInfo(). Deterministic on one machine, but not bit-identical across CPUs. Default false; not
   * combined with module or bytes.
   */
  relaxed?: boolean;
  /**
   * Threads for the large kernels (GEMM, convolutions, pooling, elementwise and optimizer updates): a positive integer,
   * or 'auto' (the default): the core count where shared memory and worker threads exist (Node, Deno, Bun), else 1.
   * Any count gives the same bits: work is split by output blocks, never inside a sum (with relaxed: true, the same
   * bits as the relaxed build on one thread). A module or bytes of your own run on the calling thread.
   */
  threads?: number | 'auto';
}

export type { Backend, BackendInfo, KernelName, Threads } from './backend-types.js';

/** How an entry gets one of its kernel builds, on demand: { module } or { bytes }. */
export type KernelSource = () => Promise<InitOptions>;

/** What an entry supplies to init(). */
export interface EntryKernels {
  /**
   * The standard build for a thread count: the threaded module (it imports its shared memory; threads.ts, loaded on
   * demand, puts it on threads) where the entry can start threads, unless threads is 1; else the single-thread one.
   */
  standard(threads: number | 'auto' | undefined): Promise<InitOptions>;
  /**
   * The relaxed-SIMD build for a thread count (the threaded one where the entry can start threads, unless threads is
   * 1), or a sentence saying why this entry has none.
   */
  relaxed: ((threads: number | 'auto' | undefined) => Promise<InitOptions>) | string;
}


let live: Backend | undefined;
let pending: Promise<Backend> | undefined;

// (module (func (result v128) (v128.const i32x4 0 0 0 0)))
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

/** True when this runtime supports WebAssembly with 128-bit SIMD. */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

async function instantiate(source: KernelSource, info: BackendInfo, threads: number | 'auto' | undefined): Promise<Backend> {
  if (!simdSupported()) {
    throw new Error('simdnet needs WebAssembly with 128-bit SIMD, which this runtime does not support ' +
      '(Node >= 16.4, Chrome >= 91, Firefox >= 89, Safari >= 16.4, Deno, Bun and workerd have it)');
  }
  const options = await source(); // fetched or decoded only once SIMD is known to be there
  // A user's module or bytes were checked by init-options.ts; the entries' own are a Module or a Uint8Array.
  const module = options.module ?? await WebAssembly.compile(options.bytes as Uint8Array<ArrayBuffer>);
  // The release build imports nothing; the threaded build imports its shared memory (threads.ts puts it on threads;
  // it gets the Arena class from here: importing memory.ts itself would split the page's bundle chunks); the debug
  // build imports env.abort to report a failed assertion (debug-build.ts, loaded for it only, as is its canary).
  const imports = WebAssembly.Module.imports(module).map((i) => i.name);
  if (imports.includes('memory')) return { ...await (await import('./threads.js')).startThreads(module, threads, Arena), info };
  let memoryRef: WebAssembly.Memory | undefined;
  const dbg = imports.includes('abort') ? await import('./debug-build.js') : undefined;
  const instance = await WebAssembly.instantiate(module, dbg ? { env: { abort: dbg.abort(() => memoryRef) } } : {});
  const raw = instance.exports as unknown as KernelExports;
  memoryRef = raw.memory;
  const debug = raw.isDebugBuild() === 1;
  const arena = new Arena(raw.memory, raw.heapBase(), { guard: debug });
  const exports = debug && dbg ? dbg.guarded(raw, arena) : raw;
  const gemmWork = arena.alloc(raw.gemmWorkspaceBytes(), 'gemmWorkspace');
  return { exports, arena, gemmWork, debug, info };
}

/**
 * Instantiates the kernel module once from the { module } or { bytes } `source` gives (the entries' init() supply the default; info says
 * which build that is; a module that imports its shared memory runs on `threads`). Later calls return the same
 * instance (their options are ignored); concurrent calls share one promise.
 */
export async function init(source: KernelSource, info: BackendInfo, threads?: number | 'auto'): Promise<void> {
  if (live) return;
  pending ??= instantiate(source, info, threads).then(
    (b) => { live = b; return b; },
    (e) => { pending = undefined; throw e; },
  );
  await pending;
}

/** The live backend; throws telling the user to call init() first. */
export function backend(): Backend {
  if (!live) throw new Error('simdnet is not initialised: call `await init()` before using tensors or ops');
  return live;
}

/** Which kernel build runs and why (e.g. why init({ relaxed: true }) fell back); throws before init(). */
export function backendInfo(): BackendInfo { return backend().info; }

/** The live backend, or undefined before init() has finished. */
export const liveBackend = (): Backend | undefined => live;
