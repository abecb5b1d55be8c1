// A tiny PNG encoder for the decoder tests: any color type and bit depth, a chosen filter per row, palette and tRNS,
// and the IHDR fields the decoder must refuse (16-bit, interlaced). Runtime-neutral (CompressionStream). Test-only.
import { crc32 } from '../../src/io/crc32.js';
import { compress } from './formats.js';

export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  depth?: number;
  /** One sample per entry (palette indices for type 3), row-major, interleaved. */
  samples: ArrayLike<number>;
  /** Filter type of each row, cycled (default all 0). */
  filters?: number[];
  palette?: number[];
  trns?: number[];
  /** Written in IHDR only (the decoder refuses it before reading the data). */
  interlace?: number;
  /** Split the compressed data over this many IDAT chunks. */
  idatChunks?: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** One PNG chunk with its length and CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function predictor(f: number, a: number, b: number, c: number): number {
  if (f === 0) return 0;
  if (f === 1) return a;
  if (f === 2) return b;
  if (f === 3) return (a + b) >> 1;
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export async function encodePng(s: PngSpec): Promise<Uint8Array> {
  const depth = s.depth ?? 8, k = CHANNELS[s.colorType];
  const rowBytes = Math.ceil((s.width * k * depth) / 8), bpp = Math.max(1, (k * depth) >> 3);
  // Pack samples (big-endian bits or 16-bit words).
  const rows = new Uint8Array(s.height * rowBytes);
  for (let y = 0; y < s.height; y++) {
    for (let i = 0; i < s.width * k; i++) {
      const v = s.samples[y * s.width * k + i], bit = i * depth;
      if (depth === 16) { rows[y * rowBytes + 2 * i] = v >> 8; rows[y * rowBytes + 2 * i + 1] = v & 255; } else rows[y * rowBytes + (bit >> 3)] |= v << (8 - depth - (bit & 7));
    }
  }
  const filtered = new Uint8Array(s.height * (rowBytes + 1));
  for (let y = 0; y < s.height; y++) {
    const f = s.filters ? s.filters[y % s.filters.length] : 0;
    filtered[y * (rowBytes + 1)] = f;
    for (let i = 0; i < rowBytes; i++) {
      const at = y * rowBytes + i;
      const a = i >= bpp ? rows[at - bpp] : 0, b = y > 0 ? rows[at - rowBytes] : 0, c = i >= bpp && y > 0 ? rows[at - rowBytes - bpp] : 0;
      filtered[y * (rowBytes + 1) + 1 + i] = (rows[at] - predictor(f, a, b, c)) & 255;
    }
  }
  const zipped = await compress(filtered, 'deflate');
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, s.width); v.setUint32(4, s.height);
  ihdr.set([depth, s.colorType, 0, 0, s.interlace ?? 0], 8);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr)];
  if (s.palette) parts.push(pngChunk('PLTE', new Uint8Array(s.palette)));
  if (s.trns) parts.push(pngChunk('tRNS', new Uint8Array(s.trns)));
  parts.push(pngChunk('tEXt', new TextEncoder().encode('Comment\0simdnet test')));
  const n = s.idatChunks ?? 1, step = Math.ceil(zipped.length / n);
  for (let i = 0; i < n; i++) parts.push(pngChunk('IDAT', zipped.subarray(i * step, Math.min(zipped.length, (i + 1) * step))));
  parts.push(pngChunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((t, p) => t + p.length, 0));
  parts.reduce((at, p) => { out.set(p, at); return at + p.length; }, 0);
  return out;
}
