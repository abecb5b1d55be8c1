// Images for training: decoded PNGs (or JPEGs, in Node's imageFolder) turned grey or RGB (alpha dropped as Keras/PIL
// do, or composited over a background) and resized by area averaging, stacked into x [N, h, w, C] (NHWC) with labels
// y [N]. The pixel work runs once at load time in JS (integers and float64, the same on every host); normalisation
// runs on the kernels.
import { backend } from '../backend/module.js';
import { empty } from '../ops/tensor.js';
import { decodePng, type DecodedImage } from './png.js';
import { checkBytes, checkOptions, count, describe, MAX_VALUES } from './checks.js';
import { checkNormalizeOptions, normalizeInPlace, type NormalizeOptions } from './normalize.js';
import { building, intsFrom, type Labelled } from './tensors.js';

/** One encoded image for data.images(): a name for errors, its bytes and its class index. */
export interface ImageFile { name: string; bytes: Uint8Array; label: number }

/** Options of data.images() and data.imageFolder(). */
export interface ImagesOptions extends NormalizeOptions {
  /** [height, width] of every sample; images of another size are resized. Default: the first image's size. */
  size?: readonly [number, number];
  /** 1 (grey, ITU-R 601 luma as PIL) or 3 (RGB). Default 3, as Keras. */
  channels?: 1 | 3;
  /** Composite transparent pixels over this grey level (0..255) instead of dropping alpha. */
  background?: number;
}

/** Labelled images plus each sample's file name, in sample order. */
export interface ImageSet extends Labelled { files: string[] }

/** Decodes, converts and stacks PNG files in the order given. */
export async function images(files: readonly ImageFile[], options: ImagesOptions = {}): Promise<ImageSet> {
  return imagesWith(files, options, (f) => decodePng(f.bytes, f.name));
}

/** images() with another decoder per file (imageFolder's PNG or JPEG in Node); one image is decoded at a time. */
export async function imagesWith(files: readonly ImageFile[], options: ImagesOptions, decode: (f: ImageFile) => Promise<DecodedImage>): Promise<ImageSet> {
  checkImagesOptions(options, 'data.images');
  checkImageFiles(files, options, 'data.images');
  const C = options.channels ?? 3, bg = options.background;
  let size = options.size;
  const pixels: (Uint8Array | Float32Array)[] = [];
  for (const f of files) {
    const img = await decode(f);
    if (!size) {
      size = [img.height, img.width];
      checkTotal(files.length, size, C, `the first image's size ${img.height}×${img.width}`);
    }
    const [h, w] = size;
    if (options.size === undefined && (img.height !== h || img.width !== w)) {
      throw new Error(`data.images: "${f.name}" is ${img.height}×${img.width}, the first image ${h}×${w}: give size: [h, w] to resize them all`);
    }
    const px = toChannels(img, C, bg);
    pixels.push(img.height === h && img.width === w ? px : resizeArea(px, img.height, img.width, C, h, w));
  }
  const [h, w] = size!;
  return building((own) => {
    const x = own(empty([files.length, h, w, C], 'float32', 'images'));
    const f32 = backend().arena.f32;
    pixels.forEach((p, i) => f32.set(p, (x.ptr >>> 2) + i * h * w * C));
    const y = own(intsFrom(Int32Array.from(files, (f) => f.label), [files.length], 'image labels'));
    const normalization = normalizeInPlace(x, options, C, 'data.images');
    return { x, y, normalization, files: files.map((f) => f.name) };
  });
}

/** Checks the keys and types of images()' options (fn names the caller in errors). */
export function checkImagesOptions(options: ImagesOptions | undefined, fn: string): void {
  const o = checkOptions(fn, options, ['size', 'channels', 'background', 'scale', 'standardize']);
  checkNormalizeOptions(fn, o);
  const C = o.channels ?? 3;
  if (C !== 1 && C !== 3) throw new RangeError(`${fn}: options.channels must be 1 or 3, got ${describe(C)}`);
  const bg = o.background;
  if (bg !== undefined && !(Number.isInteger(bg) && bg >= 0 && bg <= 255)) throw new RangeError(`${fn}: options.background must be an integer grey level 0..255, got ${describe(bg)}`);
  const size = o.size;
  if (size !== undefined && !(Array.isArray(size) && size.length === 2 && size.every((d) => Number.isInteger(d) && d >= 1))) {
    throw new RangeError(`${fn}: options.size must be [height, width] of positive integers, got ${Array.isArray(size) ? JSON.stringify(size) : describe(size)}`);
  }
}

/** Checks images()' file list: an array of { name, bytes, label }, and a total size one tensor holds (with size). */
function checkImageFiles(files: readonly ImageFile[], o: ImagesOptions, fn: string): void {
  const C = o.channels ?? 3, size = o.size;
  if (!Array.isArray(files)) throw new TypeError(`${fn}: files must be an array of { name, bytes, label }, got ${describe(files)}`);
  if (files.length === 0) throw new RangeError(`${fn}: no image files`);
  files.forEach((f: unknown, i) => {
    if (typeof f !== 'object' || f === null) throw new TypeError(`${fn}: files[${i}] must be { name, bytes, label }, got ${describe(f)}`);
    const { name, bytes, label } = f as Partial<ImageFile>;
    if (typeof name !== 'string') throw new TypeError(`${fn}: files[${i}].name must be a string, got ${describe(name)}`);
    checkBytes(fn, `files[${i}].bytes ("${name}")`, bytes);
    if (typeof label !== 'number') throw new TypeError(`${fn}: files[${i}].label ("${name}") must be an integer class index ≥ 0, got ${describe(label)}`);
    if (!(Number.isInteger(label) && label >= 0 && label <= 0x7fffffff)) throw new RangeError(`${fn}: "${name}" has label ${label}; expected an integer class index ≥ 0`);
  });
  if (size) checkTotal(files.length, size, C, `size ${size[0]}×${size[1]}`);
}

// N images of [h, w, C] must fit one tensor.
function checkTotal(n: number, [h, w]: readonly [number, number], C: number, what: string): void {
  if (n * h * w * C > MAX_VALUES) {
    throw new Error(`data.images: ${n} images at ${what} × ${C} channels are ${count(n * h * w * C)} values; one tensor holds at most ${count(MAX_VALUES)} (1 GiB)`);
  }
}

/** Pixels as C = 1 (luma, PIL's integer weights) or 3 (RGB) bytes per pixel. */
export function toChannels(img: DecodedImage, C: 1 | 3, background?: number): Uint8Array {
  const n = img.width * img.height, k = img.channels, d = img.data;
  const alpha = k === 2 || k === 4;
  const out = new Uint8Array(n * C);
  for (let i = 0; i < n; i++) {
    const a = alpha ? d[i * k + k - 1] : 255;
    for (let c = 0; c < C; c++) {
      const colour = k >= 3 ? (C === 3 ? d[i * k + c] : (d[i * k] * 19595 + d[i * k + 1] * 38470 + d[i * k + 2] * 7471 + 0x8000) >>> 16) : d[i * k];
      out[i * C + c] = background === undefined || a === 255 ? colour : Math.round((colour * a + background * (255 - a)) / 255);
    }
  }
  return out;
}

/** Area-averaging resize of interleaved pixels [h, w, C] → [oh, ow, C]: each output is the mean over its footprint. */
export function resizeArea(src: ArrayLike<number>, h: number, w: number, C: number, oh: number, ow: number): Float32Array {
  const wx = footprints(w, ow), wy = footprints(h, oh);
  const rows = new Float64Array(h * ow * C);
  for (let y = 0; y < h; y++) {
    for (let ox = 0; ox < ow; ox++) {
      const { first, weights } = wx[ox];
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let k = 0; k < weights.length; k++) s += weights[k] * src[(y * w + first + k) * C + c];
        rows[(y * ow + ox) * C + c] = s;
      }
    }
  }
  const out = new Float32Array(oh * ow * C);
  for (let oy = 0; oy < oh; oy++) {
    const { first, weights } = wy[oy];
    for (let i = 0; i < ow * C; i++) {
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += weights[k] * rows[(first + k) * ow * C + i];
      out[oy * ow * C + i] = s;
    }
  }
  return out;
}

// For each of m outputs along an axis of n inputs: the first input it covers and the covered fractions (sum 1).
function footprints(n: number, m: number): { first: number; weights: number[] }[] {
  return Array.from({ length: m }, (_, o) => {
    const lo = (o * n) / m, hi = ((o + 1) * n) / m;
    const first = Math.floor(lo), last = Math.min(n, Math.ceil(hi));
    const weights: number[] = [];
    for (let i = first; i < last; i++) weights.push((Math.min(hi, i + 1) - Math.max(lo, i)) * (m / n));
    return { first, weights };
  });
}
