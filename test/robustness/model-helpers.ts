// Test-only helpers for the model file robustness tests: a small model with every kind of state (dense, conv,
// batch norm, dropout, residual, optimizer moments), the file's parts (header JSON, data) and reframe() to write a
// hostile header with a valid CRC, peak allocation tracking, and loadOrRefuse, the rule every load must keep.
// Runtime-neutral (no node: imports).
import { crc32 } from '../../src/io/crc32.js';
import { backend } from '../../src/backend/module.js';
import { layers, loadModel, memoryInUse, sequential, tensor, type Model } from '../../src/index.js';
import { record } from './tally.js';

/** conv → batchNorm → residual(conv) → maxPool → flatten → dropout → dense(softmax), trained one step (Adam moments). */
export function smallModel(seed = 3): Model {
  const m = sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }),
    layers.batchNorm({ name: 'bn' }),
    layers.residual({ layers: [layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'rc' })], activation: 'relu', name: 'res' }),
    layers.maxPool2d({ poolSize: 2, name: 'pool' }),
    layers.flatten({ name: 'flat' }),
    layers.dropout({ rate: 0.25, name: 'drop' }),
    layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
  ], { inputShape: [4, 4, 1], seed, name: 'small' });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  const x = tensor(Array.from({ length: 2 * 16 }, (_, i) => Math.sin(i)), [2, 4, 4, 1]);
  const y = tensor([1, 0, 0, 0, 0, 1], [2, 3]);
  m.trainOnBatch(x, y);
  x.dispose(); y.dispose();
  return m;
}

/** The parts of a model file: the header as JSON text and parsed, and the tensor data (without the CRC). */
export function parts(bytes: Uint8Array): { json: string; header: Record<string, unknown>; data: Uint8Array } {
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const json = new TextDecoder().decode(bytes.subarray(16, 16 + hlen));
  const start = (16 + hlen + 3) & ~3;
  return { json, header: JSON.parse(json) as Record<string, unknown>, data: bytes.slice(start, bytes.length - 4) };
}

/** A model file around a header (an object, or raw text) and data, with consistent lengths and a valid CRC. */
export function reframe(header: unknown, data: Uint8Array, options: { version?: number } = {}): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const start = (16 + json.length + 3) & ~3;
  const out = new Uint8Array(start + data.length + 4);
  out.set([0x53, 0x49, 0x4d, 0x44, 0x4e, 0x45, 0x54, 0x00]);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, options.version ?? 1, true);
  dv.setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(data, start);
  dv.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** Runs fn and returns the most bytes linear memory held above the starting point at any allocation during it. */
export function peakDuring(fn: () => void): number {
  const arena = backend().arena;
  const base = arena.inUse();
  let peak = base;
  const alloc = arena.alloc;
  arena.alloc = function (bytes: number): number {
    const p = alloc.call(this, bytes);
    peak = Math.max(peak, arena.inUse());
    return p;
  };
  try { fn(); } finally { arena.alloc = alloc; }
  return peak - base;
}

/**
 * Loads bytes: the load must succeed (the model is disposed) or throw a plain Error "cannot load model…" (a TypeError or
 * RangeError from inside is a bug), and memory must be back at its level either way. Records the case in the tally.
 * Returns the error message, or undefined when it loaded.
 */
export function loadOrRefuse(bytes: Uint8Array, what: string): string | undefined {
  const before = memoryInUse();
  let message: string | undefined;
  let clear = true;
  try {
    loadModel(bytes).dispose();
  } catch (e) {
    const err = e as Error;
    message = err?.message ?? String(e);
    clear = err instanceof Error && err.constructor === Error && message.startsWith('cannot load model');
    if (!clear) throw new Error(`${what}: expected a plain Error "cannot load model…", got ${err?.constructor?.name}: ${message}`);
  } finally {
    const leaked = Math.max(0, memoryInUse() - before);
    record({ cases: 1, refused: message !== undefined && clear ? 1 : 0, leakedBytes: leaked });
    if (clear && memoryInUse() !== before) throw new Error(`${what}: linear memory ${before} → ${memoryInUse()} bytes`);
  }
  return message;
}
