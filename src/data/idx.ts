// IDX files (MNIST, Fashion-MNIST): magic 00 00 <type code> <number of dimensions>, the dimensions as big-endian
// u32, then the values, big-endian, row-major. Gzipped files are detected and decompressed. Runtime-neutral.
import type { Tensor } from '../ops/tensor.js';
import { checkBoolean, checkBytes, checkInteger, checkOptions, checkString, count, MAX_VALUES } from './checks.js';
import { inflate, isGzip } from './inflate.js';
import { checkNormalizeOptions, normalizeInPlace, type NormalizeOptions, type Standardize } from './normalize.js';
import { building, floatsFrom, intsFrom, type Numbers } from './tensors.js';

interface IdxType { name: string; size: number; integer: boolean; array: new (n: number) => Numbers; read: (v: DataView, at: number) => number }

/** The IDX data types by code: name, bytes per value, and how to read one (big-endian). */
const TYPES: Record<number, IdxType> = {
  0x08: { name: 'ubyte', size: 1, integer: true, array: Uint8Array, read: (v, at) => v.getUint8(at) },
  0x09: { name: 'byte', size: 1, integer: true, array: Int8Array, read: (v, at) => v.getInt8(at) },
  0x0b: { name: 'short', size: 2, integer: true, array: Int16Array, read: (v, at) => v.getInt16(at) },
  0x0c: { name: 'int', size: 4, integer: true, array: Int32Array, read: (v, at) => v.getInt32(at) },
  0x0d: { name: 'float', size: 4, integer: false, array: Float32Array, read: (v, at) => v.getFloat32(at) },
  0x0e: { name: 'double', size: 8, integer: false, array: Float64Array, read: (v, at) => v.getFloat64(at) },
};

/** Options of data.idx(). */
export interface IdxOptions extends Omit<NormalizeOptions, 'standardize'> {
  /** Names the file in errors (default "idx data"). */
  name?: string;
  /** Images [N, H, W] become [N, H·W] instead of [N, H, W, 1]. */
  flatten?: boolean;
  /** Read only the first `limit` records (the whole file is still checked). */
  limit?: number;
  /** Per channel (x − mean) / std after scaling; greyscale IDX images have one channel. */
  standardize?: Standardize;
}

const OPTION_KEYS = ['name', 'flatten', 'limit', 'scale', 'standardize'] as const;
/** The most bytes a gzipped IDX file may inflate to: its header, then MAX_VALUES doubles. */
const MAX_BYTES = 4 + 4 * 255 + MAX_VALUES * 8;

/** type: the IDX type name (ubyte, byte, short, int, float, double); dims: [N, …]; dataOffset: bytes of header. */
export interface IdxHeader { type: string; code: number; dims: number[]; dataOffset: number }

/**
 * An IDX file as a tensor: integer vectors [N] (labels, idx1) → int32 [N]; images [N, H, W] (idx3) → float32
 * [N, H, W, 1], or [N, H·W] with `flatten`; other ranks → float32 of the same shape. Bytes may be gzipped: they are
 * inflated in a stream that stops as soon as the output passes the size the IDX header declares.
 */
export async function idx(bytes: Uint8Array, options: IdxOptions = {}): Promise<Tensor> {
  checkBytes('data.idx', 'bytes', bytes);
  const o = checkOptions('data.idx', options, OPTION_KEYS);
  checkString('data.idx', 'options.name', o.name);
  checkBoolean('data.idx', 'options.flatten', o.flatten);
  checkInteger('data.idx', 'options.limit', o.limit, 1, MAX_VALUES, true);
  checkNormalizeOptions('data.idx', o);
  const name = o.name ?? 'idx data', where = `idx "${name}"`;
  let head: (IdxHeader & { bytes: number }) | undefined;
  const raw = isGzip(bytes) ? await inflate(bytes, 'gzip', where, {
    max: MAX_BYTES,
    declared: (first) => { head = readHeader(first, where, false); return head && head.dataOffset + head.bytes; },
    tooLong: (limit, got) => `${where}: the gzip data inflates to more than the ${count(limit)} bytes its IDX header declares ` +
      `(${describeHeader(head)}); refused after inflating ${count(got)} bytes (a wrong header or a decompression bomb)`,
  }) : bytes;
  const h = idxHeader(raw, name);
  const type = TYPES[h.code];
  const n = recordsOf(h.dims[0], o.limit, where);
  const per = h.dims.slice(1).reduce((a, b) => a * b, 1);
  const values = decode(raw, h.dataOffset, n * per, type, per, where);
  if (h.dims.length === 1 && type.integer) {
    if (o.scale || o.standardize) throw new Error(`${where}: holds integer labels [${h.dims[0]}]; scale and standardize apply to images and features`);
    return intsFrom(values as Exclude<Numbers, Float32Array | Float64Array>, [n], name);
  }
  const image = h.dims.length === 3;
  const shape = o.flatten && h.dims.length > 2 ? [n, per] : image ? [n, ...h.dims.slice(1), 1] : [n, ...h.dims.slice(1)];
  const channels = h.dims.length === 1 || image ? 1 : h.dims[h.dims.length - 1];
  return building((own) => {
    const x = own(floatsFrom(values, shape, name));
    normalizeInPlace(x, o, channels, where);
    return x;
  });
}

/** Reads and checks an IDX header against the byte length; errors name the file. */
export function idxHeader(bytes: Uint8Array, name: string): IdxHeader {
  checkBytes('data.idxHeader', 'bytes', bytes);
  checkString('data.idxHeader', 'name', name, false);
  const where = `idx "${name}"`;
  const h = readHeader(bytes, where, true)!;
  const expected = h.dataOffset + h.bytes;
  if (bytes.length !== expected) {
    const diff = bytes.length - expected;
    throw new Error(`${where}: ${bytes.length} bytes, expected ${expected} (${describeHeader(h)}): ` +
      (diff < 0 ? `truncated, ${-diff} byte${diff === -1 ? '' : 's'} missing` : `${diff} byte${diff === 1 ? '' : 's'} too long`));
  }
  return { type: h.type, code: h.code, dims: h.dims, dataOffset: h.dataOffset };
}

/**
 * The header at the start of bytes, checked (magic, type, dimensions, the size limit), with the data's byte count.
 * When bytes end inside the header: undefined if `whole` is false (more may come), else an error.
 */
function readHeader(bytes: Uint8Array, where: string, whole: boolean): (IdxHeader & { bytes: number }) | undefined {
  if (bytes.length < 4) {
    if (!whole) return undefined;
    throw new Error(`${where}: ${bytes.length} bytes is too short for an IDX file (a 4-byte magic number, then the dimensions)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const hex = (v: number, w = 8): string => `0x${v.toString(16).padStart(w, '0')}`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${where}: not an IDX file: magic ${hex(magic)}, expected 0x0000TTDD (TT the data type, DD the number of dimensions; 0x00000801 for labels, 0x00000803 for images)`);
  }
  const type = TYPES[bytes[2]];
  if (!type) {
    const known = Object.entries(TYPES).map(([c, t]) => `${hex(Number(c), 2)} ${t.name}`).join(', ');
    throw new Error(`${where}: magic ${hex(magic)} names data type ${hex(bytes[2], 2)}, which IDX does not define (known: ${known})`);
  }
  const rank = bytes[3];
  if (rank < 1) throw new Error(`${where}: magic ${hex(magic)} gives 0 dimensions; expected at least 1`);
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) {
    if (!whole) return undefined;
    throw new Error(`${where}: truncated header: ${bytes.length} bytes, the ${rank} dimensions need ${dataOffset}`);
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const zero = dims.indexOf(0);
  if (zero >= 0) throw new Error(`${where}: dimension ${zero} of [${dims.join(', ')}] is 0: the file holds no data`);
  const values = dims.reduce((a, b) => a * b, 1);
  if (values > MAX_VALUES) {
    throw new Error(`${where}: the header declares [${dims.join(' × ')}] = ${count(values)} values; the limit is ${count(MAX_VALUES)} ` +
      `(a 1 GiB float32 tensor): a corrupt header, or split the data into smaller files`);
  }
  return { type: type.name, code: bytes[2], dims, dataOffset, bytes: values * type.size };
}

function describeHeader(h: IdxHeader | undefined): string {
  return h ? `${h.dataOffset}-byte header + [${h.dims.join(' × ')}] ${h.type}` : 'header unknown';
}

function recordsOf(n: number, limit: number | undefined, where: string): number {
  if (limit === undefined) return n;
  if (limit > n) throw new RangeError(`${where}: limit ${limit} must be an integer in [1, ${n}] (the records in the file)`);
  return limit;
}

// The first `count` values as a typed array: bytes as they are, wider types converted from big-endian once at load.
// Float values must be finite in float32 (NaN, ±Infinity and doubles beyond float32's range are refused).
function decode(bytes: Uint8Array, at: number, n: number, type: IdxType, per: number, where: string): Numbers {
  if (type.name === 'ubyte') return bytes.subarray(at, at + n);
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, n * type.size);
  const out = new type.array(n);
  for (let i = 0; i < n; i++) out[i] = type.read(view, i * type.size);
  if (!type.integer) {
    const bad = (out as Float32Array | Float64Array).findIndex((v) => !Number.isFinite(Math.fround(v)));
    if (bad >= 0) {
      const v = type.read(view, bad * type.size);
      throw new Error(`${where}: value ${bad} (record ${Math.floor(bad / per)}) is ${v}; ${type.name} values must be finite` +
        `${Number.isFinite(v) ? ' and within float32 range (±3.4e38)' : ''}`);
    }
  }
  return out;
}
