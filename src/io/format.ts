// The model file: magic "SIMDNET\0", u32 format version, u32 header length, a JSON header (architecture, compile
// settings, tensor table, optimizer and layer state), float32 little-endian tensor data at a 4-byte boundary, and a
// CRC-32 of everything before it. A truncated, corrupted or newer-version file is refused whole.
// This file holds the layout's constants and types, shared by the writer (save.ts) and the reader (load.ts); the
// header's schema is header.ts.
import type { LayerSpec } from '../layers/index.js';

export const MAGIC = [0x53, 0x49, 0x4d, 0x44, 0x4e, 0x45, 0x54, 0x00]; // "SIMDNET\0"
/** The model file format version model.save() writes; loadModel() refuses newer ones. */
export const FORMAT_VERSION = 1;

export interface TensorEntry { name: string; shape: number[]; offset: number; size: number }

export interface Header {
  format: number;
  createdBy: string;
  model: { name: string; inputShape: number[]; seed: number; layers: LayerSpec[] };
  compile?: { optimizer: Record<string, unknown>; loss: Record<string, unknown>; metrics: (string | { name: string; k: number })[] };
  params: TensorEntry[];
  optimizer?: { iterations: number; learningRate: number; scalars: Record<string, number>; slots: (TensorEntry & { param: string; slot: string })[] };
  layerState: Record<string, Record<string, number>>;
}

/** Options of model.save(). */
export interface SaveOptions {
  /** Include the optimizer's state (moments, step count) so training resumes exactly (default true). */
  includeOptimizer?: boolean;
}

export const align4 = (n: number) => (n + 3) & ~3;

/** The largest model file read (2 GiB): its weights and their gradients then fill linear memory's 4 GiB. */
export const MAX_FILE_BYTES = 2 ** 31;

