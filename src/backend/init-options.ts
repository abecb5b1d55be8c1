// init(options) once options are given: read strictly (unknown keys refused, relaxed a boolean, threads 'auto' or a
// count), then the build: the module or bytes given; with relaxed: true the relaxed-SIMD build where the engine
// validates relaxed SIMD, else the standard build with the reason (backendInfo()). Loaded on demand by init-kernels.ts.
import { checkKeys, given } from '../ops/options.js';
import type { BackendInfo, EntryKernels, InitOptions, KernelSource } from './module.js';

/** The keys InitOptions holds (init() refuses any other). */
export const INIT_OPTION_KEYS: readonly string[] = ['module', 'bytes', 'relaxed', 'threads'];

const V128_CONST_0 = [253, 12, ...Array<number>(16).fill(0)]; // v128.const i32x4 0 0 0 0
// (module (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))))
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  ...V128_CONST_0, ...V128_CONST_0, ...V128_CONST_0, 253, 133, 2, 11]);

/** True when this engine validates relaxed SIMD (f32x4.relaxed_madd): Node >= 22, Chrome >= 114; Node 20 with a flag. */
export function relaxedSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

function isModule(m: unknown): m is WebAssembly.Module {
  // instanceof fails for a Module made in another realm (edge-runtime's VM, iframes): check the brand instead.
  return Object.prototype.toString.call(m) === '[object WebAssembly.Module]';
}

function toBytes(b: unknown): Uint8Array<ArrayBuffer> {
  if (b instanceof Uint8Array) return new Uint8Array(b) as Uint8Array<ArrayBuffer>;
  if (Object.prototype.toString.call(b) === '[object ArrayBuffer]') return new Uint8Array(b as ArrayBuffer);
  throw new TypeError(`init({ bytes }): expected an ArrayBuffer or Uint8Array, got ${Object.prototype.toString.call(b)}`);
}

/**
 * initKernels with options given: checks them and returns the build to instantiate, its BackendInfo and the threads
 * asked for (the caller instantiates it unless init() already ran; the standard and relaxed builds run on threads).
 */
export function readInitOptions(options: unknown, k: Pick<EntryKernels, 'standard' | 'relaxed'>): [KernelSource, BackendInfo, number | 'auto' | undefined] {
  const o = checkKeys('init', options, INIT_OPTION_KEYS) as InitOptions;
  if (o.relaxed !== undefined && typeof o.relaxed !== 'boolean') {
    throw new TypeError(`init: relaxed must be true or false, got ${given(o.relaxed)}`);
  }
  const t = o.threads;
  if (t !== undefined && t !== 'auto' && !(typeof t === 'number' && Number.isInteger(t) && t >= 1 && t <= 256)) {
    throw new RangeError(`init: threads must be 'auto' or an integer in [1, 256], got ${given(t)}`);
  }
  const relaxed = k.relaxed;
  const [source, info] = pick(o, () => k.standard(t), typeof relaxed === 'string' ? relaxed : () => relaxed(t));
  return [source, info, t];
}

function pick(o: InitOptions, standard: KernelSource, relaxed: KernelSource | string): [KernelSource, BackendInfo] {
  if (o.module !== undefined || o.bytes !== undefined) {
    if (o.relaxed) {
      throw new TypeError('init: relaxed: true picks simdnet\'s relaxed-SIMD build, so it cannot be combined with module or ' +
        'bytes (to run a kernels.relaxed.wasm of your own, pass it as module without relaxed)');
    }
    if (o.module !== undefined && !isModule(o.module)) {
      throw new TypeError(`init({ module }): expected a WebAssembly.Module, got ${Object.prototype.toString.call(o.module)}`);
    }
    const source: InitOptions = o.module !== undefined ? { module: o.module } : { bytes: toBytes(o.bytes) };
    return [async () => source, { build: 'given', reason: 'init({ module | bytes })' }];
  }
  if (!o.relaxed) return [standard, { build: 'standard', reason: 'the default' }];
  if (typeof relaxed === 'string' || !relaxedSimdSupported()) {
    const why = typeof relaxed === 'string' ? relaxed : 'this engine does not validate relaxed SIMD (Node 20 needs ' +
      '--experimental-wasm-relaxed-simd; Node >= 22 and Chrome >= 114 have it)';
    return [standard, { build: 'standard', reason: `init({ relaxed: true }) fell back to the standard build: ${why}` }];
  }
  return [relaxed, { build: 'relaxed', reason: 'init({ relaxed: true }) on an engine that validates relaxed SIMD' }];
}
