// The ONNX schema (npm onnx-proto: protobufjs static code for onnx.proto, IR version 8) and the few helpers the
// exporter and importer share: float and int64 tensors, attributes, and a bounded decoder. No model logic here.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type NodeProto = InstanceType<typeof onnx.NodeProto>;
export type TensorProto = InstanceType<typeof onnx.TensorProto>;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type AttributeProto = InstanceType<typeof onnx.AttributeProto>;

/** TensorProto.DataType values used here. */
export const FLOAT = 1, INT64 = 7;
/** AttributeProto.AttributeType values used here. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** An int64 field as protobufjs decodes it (a number, or a Long when the long package is present). */
export type Int64 = number | { toNumber(): number; low: number; high: number };

/** An int64 as a JavaScript number; one beyond ±2^53 is refused (no ONNX dimension or attribute here needs it). */
export function int(v: Int64 | null | undefined, what: string): number {
  const n = v == null ? 0 : typeof v === 'number' ? v : v.toNumber();
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} ${String(v)} is not a safe integer`);
  return n;
}

/** A float32 initializer stored as raw little-endian bytes. */
export function floatTensor(name: string, dims: readonly number[], values: Float32Array): TensorProto {
  const raw = new Uint8Array(values.length * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i], true);
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: FLOAT, rawData: raw });
}

/** An int64 initializer (shapes for Reshape, axes). */
export function int64Tensor(name: string, values: readonly number[]): TensorProto {
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, int64Data: [...values] });
}

export type AttrValue = number | string | readonly number[] | { float: number } | { floats: readonly number[] };

/** An attribute: integers and integer lists as INT/INTS, { float } and { floats } as FLOAT/FLOATS, strings as STRING. */
export function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') return onnx.AttributeProto.create({ name, type: ATTR.INT, i: v });
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: ATTR.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: ATTR.INTS, ints: [...(v as number[])] });
  if ('float' in v) return onnx.AttributeProto.create({ name, type: ATTR.FLOAT, f: v.float });
  return onnx.AttributeProto.create({ name, type: ATTR.FLOATS, floats: [...(v as { floats: number[] }).floats] });
}

/** Most bytes an ONNX file may hold here (2 GiB, protobuf's own limit for one message). */
export const MAX_ONNX_BYTES = 2 ** 31 - 1;

/** Decodes a ModelProto; any decoding failure (truncated, forged lengths, wrong wire types) is one Error saying so. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  if (bytes.length > MAX_ONNX_BYTES) throw new RangeError(`${bytes.length} bytes, more than the ${MAX_ONNX_BYTES} an ONNX file may hold`);
  try {
    // protobufjs checks every length against the bytes left before reading: a forged length cannot allocate.
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`not a valid ONNX file (truncated or corrupted: ${(e as Error).message})`);
  }
}
