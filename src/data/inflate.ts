// gzip (IDX .gz) and zlib (PNG image data) decompression with DecompressionStream, streamed under an output limit so
// a decompression bomb is refused after a few slices. Runtime-neutral: no node: imports.

/** Input goes in slices of this many bytes: deflate expands at most ~1032×, so one slice yields at most ~17 MB. */
const SLICE = 16384;

/** How much output a stream may produce. */
export interface InflateLimit {
  /** Refuse the data once the output passes this many bytes. */
  max: number;
  /**
   * Sees the output's first bytes (all of them so far) until it returns the size they declare, which then becomes
   * the limit if smaller than max; undefined asks for more bytes. It may throw to refuse the data (a bad header).
   */
  declared?: (head: Uint8Array) => number | undefined;
  /** The error message when the output passes the limit, given the limit and the bytes inflated when stopped. */
  tooLong: (limit: number, inflated: number) => string;
}

/** True when bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The decompressed bytes of a gzip file or a zlib ('deflate') stream; `what` names the source in errors. Stops
 * reading (and cancels the stream) as soon as the output passes the limit.
 */
export async function inflate(bytes: Uint8Array, format: 'gzip' | 'deflate', what: string, limit: InflateLimit): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error(`${what}: this runtime has no DecompressionStream, needed to read ${format} data (decompress it first)`);
  }
  const stream = new DecompressionStream(format);
  const writer = stream.writable.getWriter(), reader = stream.readable.getReader();
  let stopped = false;
  // Feeds slices as the inflater asks for them (writer.ready is its backpressure); its failures surface on the reader.
  void (async () => {
    for (let at = 0; at < bytes.length; at += SLICE) {
      await writer.ready;
      if (stopped) return;
      // A fresh ArrayBuffer per slice: a view of a larger or shared buffer is not a BufferSource everywhere.
      const slice = new Uint8Array(Math.min(SLICE, bytes.length - at));
      slice.set(bytes.subarray(at, at + slice.length));
      writer.write(slice).catch(() => undefined);
    }
    if (!stopped) await writer.close();
  })().catch(() => undefined);
  const parts: Uint8Array[] = [];
  let total = 0, cap = limit.max, known = limit.declared === undefined;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new Error(`${what}: the ${format} data is corrupt or truncated (${(e as Error)?.message ?? String(e)})`);
      }
      if (r.done) break;
      parts.push(r.value);
      total += r.value.length;
      if (!known) {
        const d = limit.declared!(join(parts, total));
        if (d !== undefined) { known = true; cap = Math.min(cap, d); }
      }
      if (total > cap) throw new Error(limit.tooLong(cap, total));
    }
  } catch (e) {
    stopped = true;
    reader.cancel().catch(() => undefined);
    writer.abort().catch(() => undefined);
    throw e;
  }
  return join(parts, total); // done: the input was all fed and the writer closed
}

function join(parts: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
