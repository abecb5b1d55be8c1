// A dataset as a training configuration uses it, in any runtime: both splits with int labels and one-hot targets,
// the class names and one sample's shape. The CLI loads named datasets from disk (src/cli/datasets.ts); a page builds
// one from what it fetched or decoded (datasetOf).
import type { Tensor } from '../index.js';
import { oneHot } from '../data/batching.js';

export interface Split { x: Tensor; labels: Tensor; oneHot: Tensor }
export interface Dataset { name: string; train: Split; test: Split; classes: string[]; inputShape: number[] }

/** A Dataset from samples x [N, …inputShape] and int32 labels [N] of each split (the one-hot targets are made here; the tensors are kept). */
export function datasetOf(name: string, train: { x: Tensor; y: Tensor }, test: { x: Tensor; y: Tensor }, classes: string[]): Dataset {
  const split = (p: { x: Tensor; y: Tensor }): Split => ({ x: p.x, labels: p.y, oneHot: oneHot(p.y, classes.length) });
  const tr = split(train);
  try {
    return { name, train: tr, test: split(test), classes, inputShape: train.x.shape.slice(1) };
  } catch (e) {
    tr.oneHot.dispose();
    throw e;
  }
}

/** Frees a dataset's tensors. */
export function disposeDataset(d: Dataset): void {
  for (const s of [d.train, d.test]) for (const t of [s.x, s.labels, s.oneHot]) t.dispose();
}
