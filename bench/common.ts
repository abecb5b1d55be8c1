// Shared bench helpers: deterministic data, simdnet buffers in linear memory, and the peers (TensorFlow.js on its wasm
// backend at one thread and its cpu backend; jax-js on its wasm device), set up once per process. Bench-only code.
import * as tf from '@tensorflow/tfjs-core';
// For its side effect: tfjs-layers' Node bundle registers the gradient functions tf.grads / valueAndGrad need (tfjs-core
// alone registers none, and its own register_all_gradients is not loadable from Node's ESM).
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as jax from '@jax-js/jax';
import { init } from '../src/index.js';
import { backend, type Backend } from '../src/backend/module.js';
import type { Contender } from './harness.js';

export { tf, jax };

/** Uniform values in [lo, hi) from a fixed-seed xorshift (the same data for every contender and run). */
export function randomValues(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return out;
}

/**
 * simdnet: buffers in linear memory holding `values` (or n zeros), freed by release(); `be` is the simdnet instance
 * (another one for the relaxed column: bench/relaxed.ts).
 */
export class Buffers {
  private ptrs: number[] = [];
  constructor(private readonly be: () => Backend = backend) {}
  put(values: Float32Array | Int32Array): number {
    const a = this.be().arena;
    const p = a.alloc(values.length * 4);
    if (values instanceof Float32Array) a.f32.set(values, p >>> 2); else a.i32.set(values, p >>> 2);
    this.ptrs.push(p);
    return p;
  }
  alloc(n: number): number {
    const a = this.be().arena;
    const p = a.alloc(n * 4);
    a.f32.fill(0, p >>> 2, (p >>> 2) + n);
    this.ptrs.push(p);
    return p;
  }
  release(): void { for (const p of this.ptrs) this.be().arena.release(p); this.ptrs = []; }
}

export type TfBackend = 'wasm' | 'cpu';

/** Runs fn with `name` as the tfjs backend, so tensors made inside live there (tfjs moves data between backends). */
export function onTf<T>(name: TfBackend, fn: () => T): T {
  void tf.setBackend(name); // synchronous once the backend is initialised
  if (tf.getBackend() !== name) throw new Error(`tfjs backend ${name} is not ready`);
  return fn();
}

/** A tfjs contender: switches to its backend before each sample (untimed) and disposes what each call returns. */
export function tfContender(name: TfBackend, run: () => tf.Tensor | tf.Tensor[] | void): Contender {
  return {
    name: `tfjs-${name}`,
    before: () => { void tf.setBackend(name); },
    run: () => { const r = run(); if (Array.isArray(r)) r.forEach((t) => t.dispose()); else r?.dispose(); },
  };
}

/** A peer's error as a short reason: "no Conv2DBackpropFilter kernel" for tfjs's missing-kernel error. */
export function reason(e: unknown): string {
  const m = (e as Error).message.split('\n')[0];
  const k = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(m);
  return k ? `no ${k[1]} kernel in ${k[2]}` : m.replace(/\.$/, '').slice(0, 100);
}

/** A tfjs contender that cannot run the op, with the reason (tried once so the reason is the real error). */
export function tfTry(name: TfBackend, run: () => tf.Tensor | tf.Tensor[] | void): Contender {
  try {
    onTf(name, () => tf.tidy(() => { run(); }));
  } catch (e) {
    return { name: `tfjs-${name}`, na: reason(e) };
  }
  return tfContender(name, run);
}

export function tfTensor(name: TfBackend, values: Float32Array, shape: number[]): tf.Tensor {
  return onTf(name, () => tf.tensor(values, shape, 'float32'));
}

/** A jax-js contender: the call returns arrays (lazy); the sample waits until they are computed, then frees them. */
export function jaxContender(run: () => jax.Array | jax.Array[]): Contender {
  return {
    name: 'jax-js',
    async: true,
    run: async () => {
      const r = run();
      const arrays = Array.isArray(r) ? r : [r];
      for (const a of arrays) { await a.blockUntilReady(); a.dispose(); }
    },
  };
}

export function jaxArray(values: Float32Array, shape: number[]): jax.Array {
  return jax.numpy.array(values).reshape(shape);
}

export interface Runtime { tfWasmThreads: number; versions: Record<string, string> }

/** Initialises simdnet (on `threads`, else init()'s default 'auto'), both tfjs backends (wasm at one thread) and jax-js's wasm device. */
export async function setup(threads?: number): Promise<Runtime> {
  await init(threads === undefined ? undefined : { threads });
  tf.enableProdMode(); // no debug checks (and no "install tfjs-node" banner)
  setThreadsCount(1); // before setBackend('wasm'), or XNNPACK may use a thread pool
  await tf.setBackend('cpu');
  await tf.setBackend('wasm');
  await tf.ready();
  await jax.init('wasm');
  jax.defaultDevice('wasm');
  return { tfWasmThreads: getThreadsCount(), versions: { tfjs: tf.version_core } };
}
