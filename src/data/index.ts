// simdnet's data layer, the `simdnet/data` entry (import * as data from 'simdnet/data'): format loaders (IDX, CIFAR-10, CSV, PNG images), named datasets,
// normalisation, oneHot, split, shuffle and batches. Runtime-neutral; file-system code sits in ./node.ts.
/**
 * `import * as data from 'simdnet/data'`: format loaders, named datasets (Node, Deno, Bun), normalisation and batching.
 * @module simdnet/data
 */
export { idx, idxHeader, type IdxOptions, type IdxHeader } from './idx.js';
export { cifar10, type Cifar10Options } from './cifar.js';
export { csv, type CsvOptions, type CsvData } from './csv.js';
export { decodePng, type DecodedImage } from './png.js';
export { images, resizeArea, type ImageFile, type ImagesOptions, type ImageSet } from './image.js';
export { normalize, type NormalizeOptions, type Normalization, type Standardize } from './normalize.js';
export { oneHot, split, shuffle, batches, type Pair, type SplitOptions, type ShuffleOptions, type BatchesOptions } from './batching.js';
export { load, imageFolder } from './files.js';
export type { Dataset, DatasetName, LoadOptions } from './node.js';
export type { Labelled } from './tensors.js';
