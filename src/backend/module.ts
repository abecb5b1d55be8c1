// Loads the kernel module: init({ module | bytes | threads } | nothing), the SIMD feature check, and the one live
// Backend. Plain WebAssembly API (no @assemblyscript/loader): only numbers and offsets cross the boundary. Threads
// (threads.ts, the threaded module and its workers) load on demand only where shared memory and workers exist.
import { Arena } from './memory.js';
import type { KernelExports } from './exports.js';
import { StrictOptions } from '../ops/options.js';

/** How init() gets the kernel module: a precompiled module or its bytes (neither: the entry's default). */
export interface InitOptions {
  /** A precompiled module (edge runtimes that forbid compiling bytes, e.g. Cloudflare Workers). */
  module?: WebAssembly.Module;
  /** The raw bytes of kernels.wasm. */
  bytes?: ArrayBuffer | Uint8Array;
  /**
   * Threads for the large kernels (GEMM, convolutions, pooling, elementwise and optimizer updates): a positive integer,
   * or 'auto' (the default): the core count where shared memory and worker threads exist (Node, Deno, Bun), else 1.
   * Any count gives the same bits: work is split by output blocks, never inside a sum.
   */
  threads?: number | 'auto';
}

/**
 * What an entry supplies: the module for init() without { module | bytes }, given the threads option, and, where
 * threads can run (the Node entry: Node, Deno, Bun), a backend on threads for a module that imports its (shared)
 * memory (undefined for any other module: it runs on this thread).
 */
export interface KernelSources {
  kernels(threads: number | 'auto' | undefined): Promise<WebAssembly.Module | Uint8Array<ArrayBuffer>>;
  threaded?(module: WebAssembly.Module, threads: number | 'auto' | undefined): Promise<Backend | undefined>;
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

/** The live module: its exports, the arena over its memory, and the GEMM workspace planned once. */
export interface Backend {
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly gemmWork: number;
  /** The debug build: assertions in the kernels, and the canary (guards after every block checked after each call). */
  readonly debug: boolean;
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

function isModule(m: unknown): m is WebAssembly.Module {
  // instanceof fails for a Module made in another realm (edge-runtime's VM, iframes): check the brand instead.
  return Object.prototype.toString.call(m) === '[object WebAssembly.Module]';
}

function toBytes(b: ArrayBuffer | Uint8Array): Uint8Array<ArrayBuffer> {
  if (b instanceof Uint8Array) return new Uint8Array(b) as Uint8Array<ArrayBuffer>;
  if (Object.prototype.toString.call(b) === '[object ArrayBuffer]') return new Uint8Array(b as ArrayBuffer);
  throw new TypeError(`init({ bytes }): expected an ArrayBuffer or Uint8Array, got ${Object.prototype.toString.call(b)}`);
}

async function instantiate(options: InitOptions, sources: KernelSources | undefined): Promise<Backend> {
  if (!simdSupported()) {
    throw new Error('simdnet needs WebAssembly with 128-bit SIMD, which this runtime does not support ' +
      '(Node >= 16.4, Chrome >= 91, Firefox >= 89, Safari >= 16.4, Deno, Bun and workerd have it)');
  }
  let module: WebAssembly.Module;
  if (options.module !== undefined) {
    if (!isModule(options.module)) {
      throw new TypeError(`init({ module }): expected a WebAssembly.Module, got ${Object.prototype.toString.call(options.module)}`);
    }
    module = options.module;
  } else if (options.bytes !== undefined) {
    module = await WebAssembly.compile(toBytes(options.bytes));
  } else {
    if (sources === undefined) throw new TypeError('init: give { module } or { bytes } (each entry point supplies its default)');
    const m = await sources.kernels(options.threads);
    module = isModule(m) ? m : await WebAssembly.compile(m);
  }
  const threaded = await sources?.threaded?.(module, options.threads);
  if (threaded) return threaded;
  let memoryRef: WebAssembly.Memory | undefined;
  // The release build imports nothing; the debug build imports env.abort to report a failed assertion (debug-build.ts,
  // loaded for it only, as is its canary).
  const dbg = WebAssembly.Module.imports(module).some((i) => i.name === 'abort') ? await import('./debug-build.js') : undefined;
  const instance = await WebAssembly.instantiate(module, dbg ? { env: { abort: dbg.abort(() => memoryRef) } } : {});
  const raw = instance.exports as unknown as KernelExports;
  memoryRef = raw.memory;
  const debug = raw.isDebugBuild() === 1;
  const arena = new Arena(raw.memory, raw.heapBase(), { guard: debug });
  const exports = debug && dbg ? dbg.guarded(raw, arena) : raw;
  const gemmWork = arena.alloc(raw.gemmWorkspaceBytes(), 'gemmWorkspace');
  return { exports, arena, gemmWork, debug };
}

/**
 * Instantiates the kernel module once from { module } or { bytes } (the entries' init() supply the default). Later
 * calls return the same instance (their options are ignored); concurrent calls share one promise.
 */
export async function init(options: InitOptions = {}, sources?: KernelSources): Promise<void> {
  const o = StrictOptions.read('init', options, ['module', 'bytes', 'threads']);
  if (options.threads !== 'auto') o.number('threads', { min: 1, max: 256, integer: true, default: 1, expected: "'auto' or an integer in [1, 256]" });
  if (live) return;
  pending ??= instantiate(options, sources).then(
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

/** True once init() has finished. */
export function isInitialised(): boolean { return live !== undefined; }
