// JPEG decoding for imageFolder (Node-only): the frame header is read here first, and an image that is too large,
// claims more blocks than its bytes can code, lacks its end marker or uses a coding jpeg-js lacks is refused by name
// before anything is allocated; then jpeg-js (pure JavaScript, imported on first use) decodes it to RGB.
import { count } from './checks.js';
import { MAX_PIXELS, type DecodedImage } from './png.js';

/** jpeg-js' own memory ceiling for one decode (its default). */
const MAX_DECODE_MB = 512;
const SOF_NAMES: Record<number, string> = {
  0xc3: 'lossless', 0xc5: 'differential sequential', 0xc6: 'differential progressive', 0xc7: 'differential lossless',
  0xc9: 'arithmetic-coded sequential', 0xca: 'arithmetic-coded progressive', 0xcb: 'arithmetic-coded lossless',
  0xcd: 'differential arithmetic-coded sequential', 0xce: 'differential arithmetic-coded progressive', 0xcf: 'differential arithmetic-coded lossless',
};

type JpegJs = typeof import('jpeg-js');
let decoder: Promise<JpegJs> | undefined;

/** True when bytes start with the JPEG start-of-image marker FF D8 FF. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

interface Frame { width: number; height: number; components: number; blocks: number; marker: number; scanAt: number }

/** Decodes a baseline or progressive JPEG to RGB; `name` names the file in errors. */
export async function decodeJpeg(bytes: Uint8Array, name: string): Promise<DecodedImage> {
  const where = `jpeg "${name}"`;
  const f = readFrame(bytes, where);
  if (SOF_NAMES[f.marker]) throw new Error(`${where}: ${SOF_NAMES[f.marker]} JPEG is not supported (baseline and progressive are): save it as a standard JPEG or PNG`);
  if (f.width * f.height > MAX_PIXELS) {
    throw new Error(`${where}: declares ${f.width}×${f.height} = ${count(f.width * f.height)} pixels; at most ${count(MAX_PIXELS)} (8192×8192) are decoded`);
  }
  // Every 8×8 block of every component costs at least one bit of entropy-coded data.
  if (bytes.length - f.scanAt < f.blocks / 8) {
    throw new Error(`${where}: declares ${f.width}×${f.height} (${count(f.blocks)} blocks), which ${count(bytes.length)} bytes cannot hold: truncated or not a real image`);
  }
  if (!hasEnd(bytes, f.scanAt)) throw new Error(`${where}: no end-of-image marker (FF D9) after the image data: the file is truncated`);
  const jpeg = await (decoder ??= import('jpeg-js').catch((e: Error) => {
    decoder = undefined;
    throw new Error(`${where}: JPEG images need the package jpeg-js, which cannot be loaded (${e.message}): npm i jpeg-js`);
  }));
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = (jpeg.decode ?? (jpeg as unknown as { default: JpegJs }).default.decode)(bytes, {
      useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: MAX_DECODE_MB,
    });
  } catch (e) {
    throw new Error(`${where}: cannot be decoded (${(e as Error).message})`);
  }
  if (img.width !== f.width || img.height !== f.height || img.data.length !== img.width * img.height * 3) {
    throw new Error(`${where}: decoded to ${img.width}×${img.height} (${img.data.length} bytes), not the ${f.width}×${f.height} its header declares`);
  }
  return { width: img.width, height: img.height, channels: 3, data: img.data };
}

// Walks the markers up to the first scan: the frame header (SOFn) gives the size, components and their sampling.
function readFrame(bytes: Uint8Array, where: string): Frame {
  if (!isJpeg(bytes)) throw new Error(`${where}: not a JPEG file (it does not start with FF D8 FF)`);
  let at = 2, frame: Omit<Frame, 'scanAt'> | undefined;
  for (;;) {
    while (at < bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0xff) at++; // fill bytes
    if (at + 4 > bytes.length) throw new Error(`${where}: truncated before the image data (${bytes.length} bytes)`);
    if (bytes[at] !== 0xff) throw new Error(`${where}: corrupt: expected a marker at byte ${at}, found ${bytes[at]}`);
    const marker = bytes[at + 1], length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker === 0xda) {
      if (!frame) throw new Error(`${where}: corrupt: image data (SOS) before the frame header (SOF)`);
      return { ...frame, scanAt: at };
    }
    if (length < 2 || at + 2 + length > bytes.length) throw new Error(`${where}: truncated or corrupt segment FF ${marker.toString(16).toUpperCase()} at byte ${at}`);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (frame) throw new Error(`${where}: more than one frame header; only single-frame JPEGs are read`);
      frame = parseSof(bytes, at + 4, length - 2, marker, where);
    }
    at += 2 + length;
  }
}

function parseSof(b: Uint8Array, at: number, len: number, marker: number, where: string): Omit<Frame, 'scanAt'> {
  const height = (b[at + 1] << 8) | b[at + 2], width = (b[at + 3] << 8) | b[at + 4], n = b[at + 5];
  if (len < 6 + 3 * n || n === 0) throw new Error(`${where}: corrupt frame header (${n} components in ${len} bytes)`);
  if (width === 0 || height === 0) throw new Error(`${where}: declares a ${width}×${height} image; both sides must be at least 1`);
  const sampling = Array.from({ length: n }, (_, i) => ({ h: b[at + 7 + 3 * i] >> 4, v: b[at + 7 + 3 * i] & 15 }));
  if (sampling.some((s) => s.h < 1 || s.v < 1 || s.h > 4 || s.v > 4)) throw new Error(`${where}: corrupt frame header (sampling factors outside 1..4)`);
  const hMax = Math.max(...sampling.map((s) => s.h)), vMax = Math.max(...sampling.map((s) => s.v));
  const blocks = sampling.reduce((sum, s) => sum + Math.ceil(Math.ceil((width * s.h) / hMax) / 8) * Math.ceil(Math.ceil((height * s.v) / vMax) / 8), 0);
  return { width, height, components: n, blocks, marker };
}

// An end-of-image marker somewhere after the first scan starts.
function hasEnd(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= from; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}
