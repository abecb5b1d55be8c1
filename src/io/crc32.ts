// CRC-32 (IEEE 802.3, the zip/PNG polynomial 0xEDB88320, reflected), table-driven, four bytes per step (slicing by 4).
// Integer math only; the running value stays a signed 32-bit integer so the engine keeps it out of the heap.

let tables: Int32Array | undefined;

/** Four 256-entry tables: T0 is the classic byte table, Tk[n] advances T(k-1)[n] by one more zero byte. */
function makeTables(): Int32Array {
  const t = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) { const p = t[(k - 1) * 256 + n]; t[k * 256 + n] = t[p & 0xff] ^ (p >>> 8); }
  }
  return t;
}

/** CRC-32 of bytes, continuing from `crc` (0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = (tables ??= makeTables());
  let c = ~crc | 0;
  const n = bytes.length, end4 = n & ~3;
  let i = 0;
  for (; i < end4; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
