// Loads the kernel module: init({ module | bytes | threads } | nothing), the SIMD feature check, and the one live
// Backend. Plain WebAssembly API (no @assemblyscript/loader): only numbers and offsets cross the boundary. Threads
// (threads.ts, the threaded module and its workers) load on demand only where shared memory and workers exist.
import { Arena } from './memory.js';
import type { KernelExports } from './exports.js';
import { checkKeys, given } from '../ops/options.js';

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

/** Where an entry finds its modules: the default kernels, and the threaded kernels (imported shared memory). */
export interface KernelSources {
  kernels(): Promise<WebAssembly.Module | Uint8Array<ArrayBuffer>>;
  threaded?(): Promise<WebAssembly.Module | Uint8Array<ArrayBuffer>>;
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
  /** Present when kernel calls are split over more than one thread. */
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

/** The threads option, checked: a positive integer or 'auto'. */
function threadsOption(v: unknown): number | 'auto' {
  if (v === undefined || v === 'auto') return 'auto';
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 256) return v;
  throw new RangeError(`init: threads must be 'auto' or an integer in [1, 256], got ${given(v)}`);
}

/** Shared memory and a way to start workers: Node, Deno and Bun (worker_threads; browsers run on one thread for now). */
function threadsPossible(): boolean {
  const g = globalThis as { SharedArrayBuffer?: unknown; process?: { versions?: { node?: unknown } } };
  return typeof g.SharedArrayBuffer === 'function' && typeof g.process?.versions?.node === 'string';
}

async function compiled(m: WebAssembly.Module | Uint8Array<ArrayBuffer>): Promise<WebAssembly.Module> {
  return isModule(m) ? m : WebAssembly.compile(m);
}

/** A module made to run threaded: it imports its (shared) memory. */
function importsMemory(m: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(m).some((i) => i.kind === 'memory');
}

async function instantiate(options: InitOptions, sources: KernelSources | undefined): Promise<Backend> {
  if (!simdSupported()) {
    throw new Error('simdnet needs WebAssembly with 128-bit SIMD, which this runtime does not support ' +
      '(Node >= 16.4, Chrome >= 91, Firefox >= 89, Safari >= 16.4, Deno, Bun and workerd have it)');
  }
  const threads = threadsOption(options.threads);
  const want = threads !== 1 && threadsPossible();
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
    module = await compiled(await (want && sources.threaded ? sources.threaded() : sources.kernels()));
  }
  if (importsMemory(module)) {
    const { startThreads } = await import('./threads.js');
    return startThreads(module, want ? threads : 1);
  }
  let memoryRef: WebAssembly.Memory | undefined;
  const imports: WebAssembly.Imports = {};
  // The release build imports nothing; the debug build imports env.abort to report a failed assertion.
  if (WebAssembly.Module.imports(module).some((i) => i.module === 'env' && i.name === 'abort')) {
    imports.env = {
      abort(msg: number, file: number, line: number, col: number) {
        const read = (p: number) => readAsString(memoryRef, p);
        throw new Error(`simdnet kernel assertion failed: ${read(msg)} at ${read(file)}:${line}:${col}`);
      },
    };
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const raw = instance.exports as unknown as KernelExports;
  memoryRef = raw.memory;
  const debug = raw.isDebugBuild() === 1;
  const arena = new Arena(raw.memory, raw.heapBase(), { guard: debug });
  const exports = debug ? guarded(raw, arena) : raw;
  const gemmWork = arena.alloc(raw.gemmWorkspaceBytes(), 'gemmWorkspace');
  return { exports, arena, gemmWork, debug };
}

/**
 * The debug build's canary: a copy of the exports whose every function, once it returns (or throws), has the arena
 * check the guard after every live block, so an out-of-bounds write is reported naming the kernel and the block.
 */
function guarded(raw: KernelExports, arena: Arena): KernelExports {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw as unknown as Record<string, unknown>)) {
    if (typeof value !== 'function') { out[name] = value; continue; }
    const f = value as (...args: number[]) => unknown;
    out[name] = (...args: number[]): unknown => {
      let result: unknown;
      try {
        result = f(...args);
      } catch (e) {
        // The kernel's own error (an assertion) comes first; a broken guard is added as a note.
        try { arena.checkGuards(name); } catch (g) { if (e instanceof Error) e.message += ` [${(g as Error).message}]`; }
        throw e;
      }
      arena.checkGuards(name);
      return result;
    };
  }
  return Object.freeze(out) as unknown as KernelExports;
}

// An AssemblyScript string: UTF-16 code units, byte length stored at ptr − 4.
function readAsString(memory: WebAssembly.Memory | undefined, ptr: number): string {
  if (!memory || ptr === 0) return '?';
  const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0] >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, len));
}

/**
 * Instantiates the kernel module once from { module } or { bytes } (the entries' init() supply the default). Later
 * calls return the same instance (their options are ignored); concurrent calls share one promise.
 */
export async function init(options: InitOptions = {}, sources?: KernelSources): Promise<void> {
  checkKeys('init', options, ['module', 'bytes', 'threads']);
  threadsOption(options.threads);
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

/** Calls kernel `name`: split over the backend's threads by output ranges when it has them (the same bits), else here. */
export function call<K extends KernelName>(name: K, ...args: Parameters<KernelExports[K]>): ReturnType<KernelExports[K]> {
  const b = backend();
  if (b.threads) return b.threads.run(name, args as number[]) as ReturnType<KernelExports[K]>;
  return (b.exports[name] as (...a: number[]) => unknown)(...(args as number[])) as ReturnType<KernelExports[K]>;
}

/** Threads the kernels run on: 1 unless init({ threads }) started more (and releaseThreads() has not ended them). */
export function threadCount(): number { return live?.threads?.count ?? 1; }

/**
 * Ends the worker threads init() started; kernels then run on the calling thread, with the same bits. Workers never
 * keep a process alive, so calling this before exit is not needed.
 */
export async function releaseThreads(): Promise<void> {
  const t = live?.threads;
  if (!t || !live) return;
  live.threads = undefined;
  await t.release();
}
