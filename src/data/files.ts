// data.load and data.imageFolder for every entry point: they read files, so they import ./node.js on first use,
// through a specifier the browser bundlers do not follow; where node:fs is missing they say what to do instead.
import type { Dataset, DatasetName, LoadOptions } from './node.js';
import type { ImageSet, ImagesOptions } from './image.js';

type NodeData = typeof import('./node.js');
const NODE_DATA = './node.js';
let nodeData: Promise<NodeData> | undefined;

async function nodeOnly(what: string): Promise<NodeData> {
  try {
    return await (nodeData ??= import(NODE_DATA) as Promise<NodeData>);
  } catch (e) {
    nodeData = undefined;
    throw new Error(`data.${what} reads files, which needs Node, Deno or Bun (${(e as Error).message}). ` +
      'Elsewhere, fetch the files and pass their bytes to data.idx, data.cifar10, data.csv or data.images.');
  }
}

/** A named dataset from disk (Node, Deno, Bun): see ./node.ts. */
export async function load(name: DatasetName, options?: LoadOptions): Promise<Dataset> {
  return (await nodeOnly('load')).load(name, options);
}

/** PNG and JPEG images in one sub-folder per class (Node, Deno, Bun): see ./folder.ts. */
export async function imageFolder(dir: string, options?: ImagesOptions): Promise<ImageSet & { classes: string[] }> {
  return (await nodeOnly('imageFolder')).imageFolder(dir, options);
}
