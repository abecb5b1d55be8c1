// Loads the kernel module: the SIMD feature check and the one live Backend with which build it runs (backendInfo();
// init-kernels.ts picks the build, init-options.ts reads the options). Threads (threads.ts: the threaded module and
// its workers) and the debug build's extras (debug-build.ts) load on demand. Plain WebAssembly API (no
// @assemblyscript/loader): only numbers and offsets cross the boundary.
import { Arena } from './memory.js';
import type { KernelExports } from './exports.js';

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

/** Which kernel build init() instantiated, and why (backendInfo()). */
export interface BackendInfo {
  /**
   * 'standard': the default build (the same bits on every engine); 'relaxed': the relaxed-SIMD build (fused
   * multiply-add; init({ relaxed: true }) on an engine that validates it); 'given': the module or bytes passed to init.
   */
  readonly build: 'standard' | 'relaxed' | 'given';
  /** Why this build: in particular why init({ relaxed: true }) fell back to the standard build. */
  readonly reason: string;
  /**
   * Threads the kernels run on now (threadCount(); 1 after releaseThreads()). Given by the Node entry, which runs
   * threads; the browser and edge entries run one thread and leave it out.
   */
  readonly threads?: number;
}

/** A kernel export that is a function. */
export type KernelName = { [K in keyof KernelExports]: KernelExports[K] extends (...a: never[]) => unknown ? K : never }[keyof KernelExports];

/** The threads of a backend made by threads.ts: kernel calls split by output ranges, the calling thread taking one. */
export interface Threads {
  /** Threads working, the calling one included. */
  readonly count: number;
  /** Runs kernel `name` split by output ranges over the threads (the same bits), or whole here when small. */
  run(name: KernelName, args: number[]): unknown;
  /** Bytes of conv workspace to plan for a kernel that needs `bytes` on one thread: one slice per thread. */
  convWorkBytes(bytes: number): number;
  /** Ends the workers; later calls run on the calling thread alone. */
  release(): Promise<void>;
}

/** How an entry gets one of its kernel builds, on demand: { module } or { bytes }. */
export type KernelSource = () => Promise<InitOptions>;

/** What an entry supplies to init(). */
export interface EntryKernels {
  /**
   * The standard build for a thread count: the threaded module (it imports its shared memory; threads.ts, loaded on
   * demand, puts it on threads) where the entry can start threads, unless threads is 1; else the single-thread one.
   */
  standard(threads: number | 'auto' | undefined): Promise<InitOptions>;
  /** The relaxed-SIMD build for a thread count (the Node entry gives its threaded one unless threads is 1), or a sentence saying why this entry has none. */
  relaxed: ((threads: number | 'auto' | undefined) => Promise<InitOptions>) | string;
}


/** The live module: its exports, the arena over its memory, and the GEMM workspace planned once. */
export interface Backend {
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly gemmWork: number;
  /** The debug build: assertions in the kernels, and the canary (guards after every block checked after each call). */
  readonly debug: boolean;
  readonly info: BackendInfo;
  /** Present when kernel calls are split over more than one thread (exports then dispatch through it). */
  threads?: Threads;
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
