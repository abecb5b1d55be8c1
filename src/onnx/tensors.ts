// The importer's constants: initializers and Constant nodes' values read from TensorProtos, every size checked against
// the bytes present before anything is allocated (a forged dimension cannot make a large allocation).
import { MAX_PARAM_VALUES } from '../layers/layer.js';
import { FLOAT, INT64, int, type TensorProto } from './proto.js';

/** A constant's dims, each checked (non-negative safe integers, at most MAX_PARAM_VALUES values in all). */
export function dimsOf(t: TensorProto, what: string): number[] {
  const dims = (t.dims ?? []).map((d, i) => int(d, `${what}: dims[${i}]`));
  let n = 1;
  for (const d of dims) {
    if (d < 0) throw new RangeError(`${what}: negative dimension ${d}`);
    n *= d;
    if (n > MAX_PARAM_VALUES) throw new RangeError(`${what}: dims [${dims.join(', ')}] hold more than ${MAX_PARAM_VALUES} values`);
  }
  return dims;
}

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function stored(t: TensorProto, what: string): void {
  if (t.dataLocation === 1) throw new Error(`${what}: its data is in an external file, which fromOnnx does not read (save the model with its weights inside)`);
}

/** A float32 constant's values, its dims checked against the data it carries. */
export function floatsOf(t: TensorProto, what: string): { dims: number[]; values: Float32Array } {
  stored(t, what);
  if (t.dataType !== FLOAT) throw new TypeError(`${what}: data type ${t.dataType} is not supported (float32, type 1, only)`);
  const dims = dimsOf(t, what), n = count(dims);
  const raw = t.rawData, floats = t.floatData;
  if (raw && raw.length > 0) {
    if (raw.length !== n * 4) throw new RangeError(`${what}: dims [${dims.join(', ')}] need ${n * 4} bytes, the tensor holds ${raw.length}`);
    const values = new Float32Array(n);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) values[i] = dv.getFloat32(i * 4, true);
    return { dims, values };
  }
  if ((floats?.length ?? 0) !== n) throw new RangeError(`${what}: dims [${dims.join(', ')}] need ${n} values, the tensor holds ${floats?.length ?? 0}`);
  return { dims, values: Float32Array.from(floats ?? []) };
}

/** An int64 constant's values (shapes, axes) as numbers. */
export function intsOf(t: TensorProto, what: string): number[] {
  stored(t, what);
  if (t.dataType !== INT64) throw new TypeError(`${what}: data type ${t.dataType} is not supported here (int64, type 7, only)`);
  const n = count(dimsOf(t, what));
  if (n > 64) throw new RangeError(`${what}: ${n} integers, more than a shape or an axis list holds`);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== n * 8) throw new RangeError(`${what}: ${n} int64 values need ${n * 8} bytes, the tensor holds ${raw.length}`);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: n }, (_, i) => int(Number(dv.getBigInt64(i * 8, true)), `${what}[${i}]`));
  }
  const v = t.int64Data ?? [];
  if (v.length !== n) throw new RangeError(`${what}: ${n} values expected, the tensor holds ${v.length}`);
  return v.map((x, i) => int(x, `${what}[${i}]`));
}

/** A scalar (or one-element) constant: float32, float64 or bool (training_mode). */
export function scalarOf(t: TensorProto, what: string): number {
  stored(t, what);
  if (count(dimsOf(t, what)) !== 1) throw new RangeError(`${what}: expected one value, dims [${(t.dims ?? []).join(', ')}]`);
  if (t.dataType === FLOAT) return floatsOf(t, what).values[0];
  if (t.dataType === 9 /* BOOL */) return t.rawData?.length ? t.rawData[0] : (t.int32Data?.[0] ?? 0);
  if (t.dataType === 11 /* DOUBLE */) return t.rawData?.length === 8 ? new DataView(t.rawData.buffer, t.rawData.byteOffset, 8).getFloat64(0, true) : (t.doubleData?.[0] ?? NaN);
  throw new TypeError(`${what}: data type ${t.dataType} is not supported for a scalar (float32, float64 or bool)`);
}
