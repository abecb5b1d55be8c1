// A PNG decoder for datasets: grey, grey+alpha, RGB, RGBA and palette images at 8 bits per sample (and 1, 2, 4 for
// grey and palette), the five row filters, CRCs checked. 16-bit and interlaced files are refused by name. Runtime-neutral.
import { crc32 } from '../io/crc32.js';
import { checkBytes, checkString, count } from './checks.js';
import { inflate } from './inflate.js';

/** Decoded pixels, row-major and interleaved: channels 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; one byte each. */
export interface DecodedImage { width: number; height: number; channels: 1 | 2 | 3 | 4; data: Uint8Array }

/** The most pixels an image may declare (8192 × 8192): larger headers are refused before anything is inflated. */
export const MAX_PIXELS = 2 ** 26;

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Color types: name, samples per pixel, allowed bit depths (16 is valid PNG but refused here). */
const COLOR_TYPES: Record<number, { name: string; samples: number; depths: number[] }> = {
  0: { name: 'grey', samples: 1, depths: [1, 2, 4, 8] },
  2: { name: 'RGB', samples: 3, depths: [8] },
  3: { name: 'palette', samples: 1, depths: [1, 2, 4, 8] },
  4: { name: 'grey+alpha', samples: 2, depths: [8] },
  6: { name: 'RGBA', samples: 4, depths: [8] },
};

interface Header { width: number; height: number; depth: number; colorType: number }
interface Chunks { header: Header; palette?: Uint8Array; transparency?: Uint8Array; data: Uint8Array[] }

/**
 * Decodes a PNG file's bytes; `name` names it in errors. The image data are inflated in a stream that stops as soon
 * as it passes the exact size the header declares (height rows of 1 filter byte + the packed samples).
 */
export async function decodePng(bytes: Uint8Array, name = 'png data'): Promise<DecodedImage> {
  checkBytes('data.decodePng', 'bytes', bytes);
  checkString('data.decodePng', 'name', name);
  const where = `png "${name}"`;
  const c = readChunks(bytes, where);
  const { width, height, depth, colorType } = c.header;
  const type = COLOR_TYPES[colorType];
  const rowBytes = Math.ceil((width * type.samples * depth) / 8);
  const expected = height * (rowBytes + 1);
  const layout = `${width}×${height} ${type.name}, ${depth}-bit: ${height} row${height === 1 ? '' : 's'} of 1 filter byte + ${rowBytes}`;
  const zipped = new Uint8Array(c.data.reduce((n, d) => n + d.length, 0));
  c.data.reduce((at, d) => { zipped.set(d, at); return at + d.length; }, 0);
  const filtered = await inflate(zipped, 'deflate', `${where} image data`, {
    max: expected,
    tooLong: (limit, got) => `${where}: the image data inflate to more than the ${count(limit)} bytes the header declares (${layout}); ` +
      `refused after inflating ${count(got)} bytes from ${count(zipped.length)} compressed (a corrupt file or a decompression bomb)`,
  });
  if (filtered.length !== expected) {
    throw new Error(`${where}: image data holds ${filtered.length} bytes, expected ${expected} (${layout})`);
  }
  const rows = unfilter(filtered, height, rowBytes, Math.max(1, (type.samples * depth) >> 3), where);
  return expand(rows, c, rowBytes, where);
}

/** True when bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes instanceof Uint8Array && bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

function readChunks(bytes: Uint8Array, where: string): Chunks {
  if (!isPng(bytes)) {
    throw new Error(`${where}: not a PNG file (the first 8 bytes are not the PNG signature)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined, palette: Uint8Array | undefined, transparency: Uint8Array | undefined;
  const data: Uint8Array[] = [];
  for (let at = 8; ;) {
    if (at + 12 > bytes.length) throw new Error(`${where}: truncated at byte ${at}: no IEND chunk`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) throw new Error(`${where}: chunk ${type} at byte ${at} needs ${length} bytes of data; the file ends first`);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) throw new Error(`${where}: chunk ${type} at byte ${at} fails its CRC (corrupt file)`);
    at += 12 + length;
    if (!header && type !== 'IHDR') throw new Error(`${where}: the first chunk is ${type}, expected IHDR`);
    if (type === 'IHDR') {
      if (header) throw new Error(`${where}: a second IHDR chunk at byte ${at - 12 - length} (a PNG has one header)`);
      header = readHeader(body, where);
    }
    else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    else if ((type.charCodeAt(0) & 0x20) === 0) throw new Error(`${where}: unknown critical chunk ${type}`);
  }
  if (!header || data.length === 0) throw new Error(`${where}: no image data (IDAT chunk)`);
  if (header.colorType === 3 && (!palette || palette.length % 3 !== 0 || palette.length === 0)) throw new Error(`${where}: a palette image needs a PLTE chunk of RGB triples`);
  return { header, palette, transparency, data };
}

function readHeader(b: Uint8Array, where: string): Header {
  if (b.length !== 13) throw new Error(`${where}: IHDR has ${b.length} bytes, expected 13`);
  const v = new DataView(b.buffer, b.byteOffset, 13);
  const h = { width: v.getUint32(0), height: v.getUint32(4), depth: b[8], colorType: b[9] };
  const type = COLOR_TYPES[h.colorType];
  if (h.width === 0 || h.height === 0) throw new Error(`${where}: size ${h.width}×${h.height} is empty`);
  if (h.width * h.height > MAX_PIXELS) {
    throw new Error(`${where}: the header declares ${h.width}×${h.height} = ${count(h.width * h.height)} pixels; the limit is ` +
      `${count(MAX_PIXELS)} (8192×8192): a corrupt header, or shrink the image first`);
  }
  if (!type) throw new Error(`${where}: color type ${h.colorType} is not a PNG color type (0, 2, 3, 4, 6)`);
  if (h.depth === 16) throw new Error(`${where}: 16-bit samples are not supported (${type.name}, 16 bits): save the image with 8 bits per sample`);
  if (!type.depths.includes(h.depth)) throw new Error(`${where}: bit depth ${h.depth} is not valid for ${type.name} images (${type.depths.join(', ')})`);
  if (b[10] !== 0 || b[11] !== 0) throw new Error(`${where}: compression method ${b[10]} / filter method ${b[11]} is unknown (expected 0 / 0)`);
  if (b[12] === 1) throw new Error(`${where}: interlaced (Adam7) PNGs are not supported: save the image without interlacing`);
  if (b[12] !== 0) throw new Error(`${where}: interlace method ${b[12]} is unknown`);
  return h;
}

// Undoes the per-row filters (None, Sub, Up, Average, Paeth): bpp is the byte distance to the pixel on the left.
function unfilter(src: Uint8Array, height: number, rowBytes: number, bpp: number, where: string): Uint8Array {
  const out = new Uint8Array(height * rowBytes);
  for (let y = 0; y < height; y++) {
    const filter = src[y * (rowBytes + 1)], s = y * (rowBytes + 1) + 1, o = y * rowBytes, up = o - rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? out[o + i - bpp] : 0, b = y > 0 ? out[up + i] : 0, c = i >= bpp && y > 0 ? out[up + i - bpp] : 0;
      let p: number;
      switch (filter) {
        case 0: p = 0; break;
        case 1: p = a; break;
        case 2: p = b; break;
        case 3: p = (a + b) >> 1; break;
        case 4: p = paeth(a, b, c); break;
        default: throw new Error(`${where}: row ${y} has filter type ${filter}; PNG defines 0 to 4`);
      }
      out[o + i] = (src[s + i] + p) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// Unpacks sub-byte samples and maps palette indices to RGB, or RGBA with tRNS. A grey or RGB tRNS color key is
// ignored (as when alpha is dropped).
function expand(rows: Uint8Array, c: Chunks, rowBytes: number, where: string): DecodedImage {
  const { width, height, depth, colorType } = c.header;
  const samples = COLOR_TYPES[colorType].samples;
  const n = width * height;
  // One sample per byte, as stored (palette indices, grey levels 0..2^depth − 1, or 8-bit samples).
  let raw = rows;
  if (depth < 8) {
    raw = new Uint8Array(n);
    const perByte = 8 / depth, mask = (1 << depth) - 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const byte = rows[y * rowBytes + Math.floor(x / perByte)];
        raw[y * width + x] = (byte >> (8 - depth * (1 + (x % perByte)))) & mask;
      }
    }
  }
  const t = c.transparency;
  if (colorType === 3) {
    const pal = c.palette!, entries = pal.length / 3, alpha = t !== undefined;
    const out = new Uint8Array(n * (alpha ? 4 : 3));
    for (let i = 0; i < n; i++) {
      const k = raw[i];
      if (k >= entries) throw new Error(`${where}: pixel ${i % width},${Math.floor(i / width)} uses palette entry ${k} of ${entries}`);
      const o = i * (alpha ? 4 : 3);
      out[o] = pal[3 * k]; out[o + 1] = pal[3 * k + 1]; out[o + 2] = pal[3 * k + 2];
      if (alpha) out[o + 3] = k < t.length ? t[k] : 255;
    }
    return { width, height, channels: alpha ? 4 : 3, data: out };
  }
  if (depth < 8) raw = raw.map((v) => v * (255 / ((1 << depth) - 1))); // 1-, 2-, 4-bit grey: ×255, ×85, ×17
  return { width, height, channels: samples as 1 | 2 | 3 | 4, data: raw };
}
