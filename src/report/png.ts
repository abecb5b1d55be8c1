// A minimal PNG encoder for the report's misclassified images: 8-bit grey or RGB, zlib "stored" blocks (no
// compression: the images are tiny), CRC-32 and Adler-32 written here; returns a data: URI. Not a general encoder.

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crcTable[n] = c >>> 0; }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function base64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
  }
  return s;
}

/** pixels: H·W·C values in [0, 1] (clamped), C = 1 (grey) or 3 (RGB), row-major HWC. Returns 'data:image/png;base64,…'. */
export function pngDataUri(pixels: ArrayLike<number>, h: number, w: number, c: 1 | 3): string {
  const row = w * c + 1, raw = new Uint8Array(h * row);
  for (let y = 0; y < h; y++) {
    raw[y * row] = 0; // filter: none
    for (let i = 0; i < w * c; i++) {
      const v = pixels[y * w * c + i];
      raw[y * row + 1 + i] = Number.isFinite(v) ? Math.round(Math.max(0, Math.min(1, v)) * 255) : 0;
    }
  }
  // zlib: header, stored blocks of at most 65535 bytes, Adler-32.
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const z = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  z[0] = 0x78; z[1] = 0x01;
  let at = 2;
  for (let k = 0; k < blocks; k++) {
    const from = k * 65535, len = Math.min(65535, raw.length - from);
    z[at++] = k === blocks - 1 ? 1 : 0;
    z[at++] = len & 0xff; z[at++] = len >>> 8; z[at++] = ~len & 0xff; z[at++] = (~len >>> 8) & 0xff;
    z.set(raw.subarray(from, from + len), at); at += len;
  }
  let s1 = 1, s2 = 0;
  for (let i = 0; i < raw.length; i++) { s1 = (s1 + raw[i]) % 65521; s2 = (s2 + s1) % 65521; }
  const adler = ((s2 << 16) | s1) >>> 0;
  z[at++] = adler >>> 24; z[at++] = (adler >>> 16) & 0xff; z[at++] = (adler >>> 8) & 0xff; z[at++] = adler & 0xff;

  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w); dv.setUint32(4, h); ihdr[8] = 8; ihdr[9] = c === 1 ? 0 : 2; // bit depth 8, grey or RGB
  const chunks: [string, Uint8Array][] = [['IHDR', ihdr], ['IDAT', z], ['IEND', new Uint8Array(0)]];
  const out = new Uint8Array(8 + chunks.reduce((a, [, d]) => a + 12 + d.length, 0));
  out.set([137, 80, 78, 71, 13, 10, 26, 10]);
  const o = new DataView(out.buffer);
  let p = 8;
  for (const [type, data] of chunks) {
    o.setUint32(p, data.length);
    for (let i = 0; i < 4; i++) out[p + 4 + i] = type.charCodeAt(i);
    out.set(data, p + 8);
    o.setUint32(p + 8 + data.length, crc32(out, p + 4, p + 8 + data.length));
    p += 12 + data.length;
  }
  return `data:image/png;base64,${base64(out)}`;
}
