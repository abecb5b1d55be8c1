// Node-only data loading (node:fs): the named datasets on disk (fashion-mnist from Debian's dataset-fashion-mnist,
// mnist and cifar10 from a dataDir, fashion-small from this repository's data/) and imageFolder. Browsers never load
// this file: the `data` entry reaches it through ./files.ts.
import { constants, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../ops/tensor.js';
import { oneHot, type Pair } from './batching.js';
import { checkBoolean, checkOptions, checkString, describe, nearest } from './checks.js';
import { cifar10 } from './cifar.js';
import { idx } from './idx.js';
import { checkImagesOptions, images, type ImageSet, type ImagesOptions } from './image.js';
import { checkNormalizeOptions, normalizeInPlace, type Normalization, type NormalizeOptions } from './normalize.js';
import { building } from './tensors.js';

export type DatasetName = 'fashion-mnist' | 'fashion-small' | 'mnist' | 'cifar10';
export const datasetNames: readonly DatasetName[] = ['fashion-mnist', 'fashion-small', 'mnist', 'cifar10'];

export interface LoadOptions extends NormalizeOptions {
  /** Where the files are (the folder or its dataset-named sub-folder). Required for mnist and cifar10. */
  dataDir?: string;
  /** Images as vectors [N, H·W·C] instead of [N, H, W, C]. */
  flatten?: boolean;
  /** Labels one-hot float32 [N, 10] instead of int32 [N]. */
  oneHot?: boolean;
}

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

/** Where Debian's dataset-fashion-mnist puts the four gzipped IDX files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
/** This repository's embedded slice (not in the npm package). Same path from src/data/ and dist/data/. */
export const FASHION_SMALL_DIR = fileURLToPath(new URL('../../data/fashion-small/', import.meta.url));
const FASHION_SMALL_SIZE = { train: 10000, test: 2000 };

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const IDX_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
const CIFAR_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];

const FASHION_HELP = 'Install them with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu; the files go to ' +
  `${DEBIAN_FASHION_MNIST}), or download the four .gz files from https://github.com/zalandoresearch/fashion-mnist ` +
  '(data/fashion) into a folder and pass { dataDir }.';

/**
 * A named dataset: { train, test, classes, inputShape, normalization }. Images are float32 NHWC, scaled to [0, 1]
 * unless scale: false; standardize: 'fit' takes the train set's per-channel statistics and applies them to both.
 */
export async function load(name: DatasetName, options: LoadOptions = {}): Promise<Dataset> {
  if (typeof name !== 'string') throw new TypeError(`data.load: name must be one of ${datasetNames.join(', ')}, got ${describe(name)}`);
  if (!datasetNames.includes(name)) {
    throw new RangeError(`data.load: unknown dataset "${name}"; known: ${datasetNames.join(', ')} (did you mean "${nearest(name, datasetNames)}"?)`);
  }
  options = checkOptions('data.load', options, ['dataDir', 'flatten', 'oneHot', 'scale', 'standardize']);
  checkString('data.load', 'options.dataDir', options.dataDir);
  checkBoolean('data.load', 'options.flatten', options.flatten);
  checkBoolean('data.load', 'options.oneHot', options.oneHot);
  checkNormalizeOptions('data.load', options);
  const where = `data.load('${name}')`;
  const opts = { ...options, scale: options.scale ?? true };
  switch (name) {
    case 'fashion-mnist': {
      const dirs = options.dataDir ? [options.dataDir, join(options.dataDir, 'fashion-mnist')] : [DEBIAN_FASHION_MNIST];
      const files = await findAll(dirs, IDX_FILES, where, FASHION_HELP);
      return idxDataset(name, files, FASHION_CLASSES, opts);
    }
    case 'fashion-small': {
      const regenerate = 'Regenerate them with `node scripts/make-fashion-small.mjs` in a simdnet checkout.';
      if (options.dataDir) return idxDataset(name, await findAll([options.dataDir, join(options.dataDir, name)], IDX_FILES, where, regenerate), FASHION_CLASSES, opts);
      const here = await findAll([FASHION_SMALL_DIR], IDX_FILES, where, regenerate).catch(() => undefined);
      if (here) return idxDataset(name, here, FASHION_CLASSES, opts);
      // Not in a repository checkout (e.g. installed from npm): cut the same slice from the full set.
      const help = 'fashion-small (the first 10,000 train and 2,000 test images of Fashion-MNIST) lives in the repository\'s ' +
        `data/fashion-small/, which the npm package does not carry; without it, it is cut from the full set. ${FASHION_HELP}`;
      const full = await findAll([DEBIAN_FASHION_MNIST], IDX_FILES, where, help);
      return idxDataset(name, full, FASHION_CLASSES, opts, FASHION_SMALL_SIZE);
    }
    case 'mnist': {
      const dir = needDir(options.dataDir, where, 'the four MNIST IDX files (train-images-idx3-ubyte.gz, …)');
      const files = await findAll([dir, join(dir, 'mnist')], IDX_FILES, where, 'Download the four files of the MNIST database into that folder.');
      return idxDataset(name, files, DIGITS, opts);
    }
    case 'cifar10': {
      const dir = needDir(options.dataDir, where, 'the CIFAR-10 binary batches (data_batch_1.bin … data_batch_5.bin, test_batch.bin)');
      const dirs = [dir, join(dir, 'cifar-10-batches-bin'), join(dir, 'cifar10')];
      const files = await findAll(dirs, CIFAR_FILES, where, 'Download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and extract it there.');
      return cifarDataset(files, opts);
    }
  }
}

/**
 * PNG images in one sub-folder per class (class index = position of the sorted folder name). Symbolic links are
 * followed; hidden entries (.name) and plain files beside the class folders (a README) are ignored; anything else
 * (a sub-folder inside a class, a device, a FIFO, a broken link, a file that is not .png) is refused by name. Node-only.
 */
export async function imageFolder(dir: string, options: ImagesOptions = {}): Promise<ImageSet & { classes: string[] }> {
  checkString('data.imageFolder', 'dir', dir, false);
  checkImagesOptions(options, 'data.imageFolder');
  const where = `data.imageFolder("${dir}")`;
  const top = await entries(dir, '', where);
  const odd = top.find((e) => !e.stats?.isDirectory() && !e.stats?.isFile());
  if (odd) throw new Error(`${where}: "${odd.name}" is ${kindOf(odd)}; expected one folder of PNG images per class`);
  const classes = top.filter((e) => e.stats?.isDirectory()).map((e) => e.name).sort();
  if (classes.length === 0) throw new Error(`${where}: no class sub-folders (expected one folder of PNG images per class)`);
  const files: { name: string; bytes: Uint8Array; label: number }[] = [];
  for (const [label, cls] of classes.entries()) {
    const inside = (await entries(join(dir, cls), `${cls}/`, where)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const bad = inside.find((e) => !e.stats?.isFile());
    if (bad) {
      const why = bad.stats?.isDirectory() ? 'class folders hold PNG files only; nested folders are not read (move its images up, or out)' : 'only regular PNG files are read';
      throw new Error(`${where}: "${cls}/${bad.name}" is ${kindOf(bad)}; ${why}`);
    }
    const other = inside.find((e) => extname(e.name).toLowerCase() !== '.png');
    if (other) throw new Error(`${where}: "${cls}/${other.name}" is not a .png file; only PNG images are read (convert the others, or move them out)`);
    if (inside.length === 0) throw new Error(`${where}: class folder "${cls}" holds no PNG images`);
    for (const e of inside) files.push({ name: `${cls}/${e.name}`, bytes: await readRegular(join(dir, cls, e.name), `${cls}/${e.name}`, where), label });
  }
  const set = await images(files, options);
  return { ...set, classes };
}

/** A folder entry: its name, whether it is a symbolic link, and what it is (the link's target), or why that is unknown. */
interface Entry { name: string; link: boolean; stats?: Stats; broken?: string }

// The non-hidden entries of a folder with their types, symbolic links followed.
async function entries(dir: string, shown: string, where: string): Promise<Entry[]> {
  const list = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`${where}: cannot read the folder${shown ? ` "${shown}"` : ''} (${e.code ?? e.message})`);
  });
  return Promise.all(list.filter((e) => !e.name.startsWith('.')).map(async (e): Promise<Entry> => {
    const path = join(dir, e.name);
    try {
      return { name: e.name, link: e.isSymbolicLink(), stats: await stat(path) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      if (!e.isSymbolicLink()) throw new Error(`${where}: cannot read "${shown}${e.name}" (${code})`);
      return { name: e.name, link: true, broken: code };
    }
  }));
}

// What an entry is, for errors: "a folder", "a FIFO (named pipe)", "a symbolic link to …".
function kindOf(e: Omit<Entry, 'name'>): string {
  const s = e.stats;
  if (!s) return `a symbolic link whose target cannot be read (${e.broken})`;
  const kind = s.isDirectory() ? 'a folder' : s.isFile() ? 'a regular file' : s.isFIFO() ? 'a FIFO (named pipe)' : s.isSocket() ? 'a socket'
    : s.isCharacterDevice() ? 'a character device' : s.isBlockDevice() ? 'a block device' : 'not a regular file';
  return e.link ? `a symbolic link to ${kind}` : kind;
}

/** Files larger than this are refused before reading (Node reads at most 2 GiB into one buffer). */
const MAX_FILE = 2 ** 31 - 1;

// A regular file's bytes. Opened without blocking, then checked on the open handle: a FIFO or a device is refused
// instead of waiting forever for a writer or reading without end.
async function readRegular(path: string, shown: string, where: string): Promise<Uint8Array> {
  const fail = (e: NodeJS.ErrnoException): never => { throw new Error(`${where}: cannot read "${shown}" (${e.code ?? e.message})`); };
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(fail);
  try {
    const s = await handle.stat().catch(fail);
    if (!s.isFile()) throw new Error(`${where}: "${shown}" is ${kindOf({ stats: s, link: false })}, not a regular file`);
    if (s.size > MAX_FILE) throw new Error(`${where}: "${shown}" is ${s.size} bytes; files over 2 GiB are not read (${MAX_FILE} bytes at most)`);
    return await handle.readFile().catch(fail);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

// The first folder holding every file (plain or .gz; the dotted MNIST spelling too) → the files' paths.
async function findAll(dirs: string[], names: string[], where: string, help: string): Promise<string[]> {
  for (const dir of dirs) {
    const present = new Set(await readdir(dir).catch(() => [] as string[]));
    const found = names.map((n) => [`${n}.gz`, n, n.replace('-idx', '.idx'), `${n.replace('-idx', '.idx')}.gz`].find((c) => present.has(c)));
    if (found.every((f) => f !== undefined)) return found.map((f) => join(dir, f!));
  }
  throw new Error(`${where}: the files ${names.join(', ')} (or .gz) are not in ${dirs.join(' or ')}. ${help}`.trim());
}

function needDir(dir: string | undefined, where: string, what: string): string {
  if (!dir) throw new Error(`${where}: give { dataDir }: the folder holding ${what}`);
  return dir;
}

// Four IDX files → a dataset; `limit` keeps the first records of each split.
async function idxDataset(name: DatasetName, paths: string[], classes: string[], o: LoadOptions, limit?: { train: number; test: number }): Promise<Dataset> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(paths.map((p) => readRegular(p, p, `data.load('${name}')`)));
  return building(async (own) => {
    const part = async (imgs: Uint8Array, lbls: Uint8Array, i: number, n: number | undefined): Promise<Pair> => {
      const x = own(await idx(imgs, { name: paths[i], flatten: o.flatten, limit: n }));
      const y = own(await idx(lbls, { name: paths[i + 1], limit: n }));
      const want = o.flatten ? [784] : [28, 28, 1];
      if (x.shape.slice(1).join() !== want.join() || y.rank !== 1) throw new Error(`data.load('${name}'): "${paths[i]}" holds [${x.shape.join(', ')}], "${paths[i + 1]}" [${y.shape.join(', ')}]; expected 28×28 images and labels`);
      checkLabels(`data.load('${name}')`, x, y, paths[i], paths[i + 1], classes.length);
      return { x, y };
    };
    const train = await part(trainImages, trainLabels, 0, limit?.train);
    const test = await part(testImages, testLabels, 2, limit?.test);
    return finish(name, train, test, classes, o.flatten ? [784] : [28, 28, 1], 1, o, own);
  });
}

async function cifarDataset(paths: string[], o: LoadOptions): Promise<Dataset> {
  const bytes = await Promise.all(paths.map((p) => readRegular(p, p, "data.load('cifar10')")));
  return building((own) => {
    const raw = { scale: false };
    const tr = cifar10(bytes.slice(0, 5), { ...raw, names: paths.slice(0, 5) });
    own(tr.x); own(tr.y);
    const te = cifar10(bytes.slice(5), { ...raw, names: paths.slice(5) });
    own(te.x); own(te.y);
    const flat = (t: Tensor): Tensor => {
      if (!o.flatten) return t;
      const v = own(t.reshape([t.shape[0], 3072]));
      t.dispose(); // the reshape keeps the storage
      return v;
    };
    return finish('cifar10', { x: flat(tr.x), y: tr.y }, { x: flat(te.x), y: te.y }, CIFAR_CLASSES, o.flatten ? [3072] : [32, 32, 3], 3, o, own);
  });
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
