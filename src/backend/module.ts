// Loads the kernel module: init({ module | bytes } | nothing), the SIMD feature check, and the one live Backend with
// which build it runs (backendInfo(); init-kernels.ts picks the build, init-options.ts reads the options).
// Plain WebAssembly API (no @assemblyscript/loader): only numbers and offsets cross the boundary.
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
}

/** The live module: its exports, the arena over its memory, and the GEMM workspace planned once. */
export interface Backend {
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly gemmWork: number;
  /** The debug build: assertions in the kernels, and the canary (guards after every block checked after each call). */
  readonly debug: boolean;
  readonly info: BackendInfo;
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

async function instantiate(options: InitOptions, info: BackendInfo): Promise<Backend> {
  if (!simdSupported()) {
    throw new Error('simdnet needs WebAssembly with 128-bit SIMD, which this runtime does not support ' +
      '(Node >= 16.4, Chrome >= 91, Firefox >= 89, Safari >= 16.4, Deno, Bun and workerd have it)');
  }
  // A user's module or bytes were checked by init-options.ts; the entries' own are a Module or a Uint8Array.
  const module = options.module ?? await WebAssembly.compile(options.bytes as Uint8Array<ArrayBuffer>);
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
  return { exports, arena, gemmWork, debug, info };
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
 * Instantiates the kernel module once from { module } or { bytes } (the entries' init() supply the default; info says
 * which build that is). Later calls return the same instance (their options are ignored); concurrent calls share one
 * promise.
 */
export async function init(options: InitOptions, info: BackendInfo): Promise<void> {
  if (live) return;
  pending ??= instantiate(options, info).then(
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

/** True once init() has finished. */
export function isInitialised(): boolean { return live !== undefined; }
