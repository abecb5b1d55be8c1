// Writers for the data tests: IDX files, CIFAR-10 batches and gzip, in the real formats, built from plain arrays.
// Runtime-neutral (CompressionStream, no node: imports). Test-only.

/** An IDX file: magic 00 00 code rank, big-endian u32 dims, big-endian values. */
export function idxFile(code: number, dims: number[], values: ArrayLike<number>): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[code] ?? 1;
  const head = 4 + 4 * dims.length;
  const out = new Uint8Array(head + values.length * size);
  const v = new DataView(out.buffer);
  out[2] = code; out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  for (let i = 0; i < values.length; i++) {
    const at = head + i * size, x = values[i];
    if (code === 0x08) v.setUint8(at, x);
    else if (code === 0x09) v.setInt8(at, x);
    else if (code === 0x0b) v.setInt16(at, x);
    else if (code === 0x0c) v.setInt32(at, x);
    else if (code === 0x0d) v.setFloat32(at, x);
    else v.setFloat64(at, x);
  }
  return out;
}

/** Bytes compressed with CompressionStream ('gzip' files, or 'deflate' = zlib streams for PNG). */
export async function compress(bytes: Uint8Array, format: 'gzip' | 'deflate' = 'gzip'): Promise<Uint8Array> {
  const copy = new Uint8Array(bytes);
  const stream = new Blob([copy]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A CIFAR-10 batch: per record the label, then the R, G, B planes of pixel(record, channel, y, x). */
export function cifarBatch(labels: number[], pixel: (r: number, c: number, y: number, x: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out[r * 3073 + 1 + c * 1024 + y * 32 + x] = pixel(r, c, y, x);
  });
  return out;
}
