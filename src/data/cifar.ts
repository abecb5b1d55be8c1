// CIFAR-10 binary batches (data_batch_1.bin … test_batch.bin): records of 1 label byte and 3072 pixel bytes (1024 R,
// 1024 G, 1024 B, each a row-major 32×32 plane) → images float32 [N, 32, 32, 3] (NHWC) and labels int32 [N].
import { backend } from '../backend/module.js';
import { empty } from '../ops/tensor.js';
import { checkBytes, checkOptions, count, describe, MAX_VALUES } from './checks.js';
import { checkNormalizeOptions, normalizeInPlace, type NormalizeOptions } from './normalize.js';
import { building, type Labelled } from './tensors.js';

const SIDE = 32, PLANE = SIDE * SIDE, RECORD = 1 + 3 * PLANE, CLASSES = 10;
const OPTION_KEYS = ['names', 'scale', 'standardize'] as const;

/** Options of data.cifar10(). */
export interface Cifar10Options extends NormalizeOptions {
  /** One name per file for errors (default "batch 1", "batch 2", …). */
  names?: readonly string[];
}

/** The records of one or more batch files, in order. Pixel bytes become floats in one copy at load time. */
export function cifar10(files: Uint8Array | readonly Uint8Array[], options: Cifar10Options = {}): Labelled {
  options = checkOptions('data.cifar10', options, OPTION_KEYS);
  checkNormalizeOptions('data.cifar10', options);
  if (!(files instanceof Uint8Array || Array.isArray(files))) {
    throw new TypeError(`data.cifar10: files must be a Uint8Array of a batch file's bytes or an array of them, got ${describe(files)}`);
  }
  const list: unknown[] = files instanceof Uint8Array ? [files] : [...files];
  if (list.length === 0) throw new RangeError('data.cifar10: no batch files given');
  const given = options.names;
  if (given !== undefined && !(Array.isArray(given) && given.length === list.length && given.every((n) => typeof n === 'string'))) {
    throw new TypeError(`data.cifar10: options.names must be an array of ${list.length} string${list.length === 1 ? '' : 's'} (one per file), got ${describe(given)}`);
  }
  list.forEach((b, i) => checkBytes('data.cifar10', files instanceof Uint8Array ? 'files' : `files[${i}]`, b));
  const names = list.map((_, i) => given?.[i] ?? `batch ${i + 1}`);
  let total = 0;
  (list as Uint8Array[]).forEach((bytes, f) => { total += check(bytes, names[f]); });
  if (total * 3 * PLANE > MAX_VALUES) {
    throw new Error(`data.cifar10: ${count(total)} records are ${count(total * 3 * PLANE)} values; one tensor holds at most ${count(MAX_VALUES)} (1 GiB): load fewer batches at a time`);
  }
  return building((own) => {
    const x = own(empty([total, SIDE, SIDE, 3], 'float32', 'cifar10 images'));
    const y = own(empty([total], 'int32', 'cifar10 labels'));
    const { f32, i32 } = backend().arena;
    let n = 0;
    for (const bytes of list as Uint8Array[]) {
      for (let at = 0; at < bytes.length; at += RECORD, n++) {
        i32[(y.ptr >>> 2) + n] = bytes[at];
        const o = (x.ptr >>> 2) + n * PLANE * 3;
        for (let p = 0; p < PLANE; p++) {
          f32[o + 3 * p] = bytes[at + 1 + p];
          f32[o + 3 * p + 1] = bytes[at + 1 + PLANE + p];
          f32[o + 3 * p + 2] = bytes[at + 1 + 2 * PLANE + p];
        }
      }
    }
    const normalization = normalizeInPlace(x, options, 3, 'cifar10');
    return { x, y, normalization };
  });
}

// Whole records and labels 0..9; returns the record count.
function check(bytes: Uint8Array, name: string): number {
  const where = `cifar10 "${name}"`;
  const whole = Math.floor(bytes.length / RECORD), rest = bytes.length % RECORD;
  if (bytes.length === 0) throw new Error(`${where}: the file is empty`);
  if (rest !== 0) {
    throw new Error(`${where}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records (1 label + 3072 pixels): ` +
      `record ${whole} is truncated, ${rest} of ${RECORD} bytes`);
  }
  for (let r = 0; r < whole; r++) {
    const label = bytes[r * RECORD];
    if (label >= CLASSES) throw new Error(`${where}: record ${r} (byte ${r * RECORD}) has label ${label}; CIFAR-10 labels are 0..9`);
  }
  return whole;
}
