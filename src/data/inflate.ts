// Decompression for the loaders with the standard DecompressionStream (Node ≥ 18, browsers, Deno, Bun, workerd):
// gzip files (IDX .gz) and zlib streams (PNG image data). Runtime-neutral: no node: imports.

/** True when bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The decompressed bytes of a gzip file or a zlib ('deflate') stream; `what` names the source in errors. */
export async function inflate(bytes: Uint8Array, format: 'gzip' | 'deflate', what: string): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error(`${what}: this runtime has no DecompressionStream, needed to read ${format} data (decompress it first)`);
  }
  // Copy into a fresh ArrayBuffer: a view of a larger or shared buffer is not a BufferSource everywhere.
  const input = new Uint8Array(bytes.length);
  input.set(bytes);
  try {
    const stream = new Blob([input]).stream().pipeThrough(new DecompressionStream(format));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${what}: the ${format} data is corrupt or truncated (${(e as Error).message})`);
  }
}
