// `simdnet export MODEL.simdnet --onnx OUT.onnx` and `simdnet import model.json|model.onnx [--out FILE]`: models out
// to ONNX and in from ONNX or TensorFlow.js Layers (simdnet/onnx, loaded on demand). Files are written atomically.
import { open } from 'node:fs/promises';
import { constants, existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, normalize, sep } from 'node:path';
import { loadModelFile, writeAtomic } from '../io/files.js';
import { UsageError } from '../run/settings.js';
import type { Model } from '../train/model.js';

export const EXPORT_OPTIONS = { onnx: { type: 'string' }, opset: { type: 'string' }, layout: { type: 'string' } } as const;
export const IMPORT_OPTIONS = { out: { type: 'string' } } as const;

export const EXPORT_HELP = `usage: simdnet export MODEL.simdnet --onnx OUT.onnx [--opset N] [--layout nhwc|nchw]

  writes a saved model as an ONNX file for ONNX Runtime and other servers: every layer maps to standard operators,
  the batch axis is symbolic, the input is named "input" and the output "output"

  --onnx FILE       the ONNX file to write
  --opset N         the ai.onnx opset, 13 to 18 (default 17)
  --layout L        image input and output as simdnet takes them, nhwc (default), or nchw as PyTorch-made graphs do

example:
  simdnet export runs/mlp-fashion-small-seed1/model.simdnet --onnx model.onnx`;

export const IMPORT_HELP = `usage: simdnet import SOURCE [--out FILE]

  reads a model made elsewhere and saves it as a simdnet model file:
  SOURCE is a TensorFlow.js Layers model.json (Sequential; its weight files beside it, as the manifest names them)
  or an .onnx file (the operators simdnet export writes). A model ending in softmax is compiled with adam and
  crossEntropy, so simdnet evaluate and predict take it at once.

  --out FILE        where to write (default: SOURCE with the extension .simdnet); an existing file is not replaced

examples:
  simdnet import web_model/model.json --out imported.simdnet
  simdnet import model.onnx`;

/** Most bytes read from one file (the model file limit). */
const MAX_BYTES = 2 ** 31;

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? `no such ${what}` : (e as Error).message}`);
  }
  try {
    const s = await fh.stat();
    if (!s.isFile()) throw new UsageError(`${path}: not a regular file`);
    if (s.size > MAX_BYTES) throw new UsageError(`${path}: ${s.size} bytes, more than the ${MAX_BYTES} read`);
    const buf = new Uint8Array(s.size);
    let n = 0;
    while (n < s.size) {
      const { bytesRead } = await fh.read(buf, n, s.size - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close().catch(() => {});
  }
}

/** simdnet export: MODEL.simdnet → ONNX file. */
export async function exportCommand(modelPath: string, values: Record<string, string | boolean | undefined>, log: (s: string) => void): Promise<string> {
  const out = values.onnx;
  if (typeof out !== 'string' || out === '') throw new UsageError('export needs --onnx OUT.onnx (see simdnet export --help)');
  let opset: number | undefined;
  if (values.opset !== undefined) {
    opset = Number(values.opset);
    if (!/^\d+$/.test(String(values.opset))) throw new UsageError(`--opset ${JSON.stringify(values.opset)}: expected a whole number from 13 to 18`);
  }
  const layout = values.layout as string | undefined;
  if (layout !== undefined && layout !== 'nhwc' && layout !== 'nchw') throw new UsageError(`--layout ${JSON.stringify(layout)}: expected nhwc or nchw`);
  const { toOnnx } = await import('../onnx/index.js');
  let model: Model;
  try { model = await loadModelFile(modelPath); } catch (e) { throw new UsageError((e as Error).message); }
  let bytes: Uint8Array;
  try {
    bytes = toOnnx(model, { ...(opset !== undefined ? { opset } : {}), ...(layout ? { layout: layout as 'nhwc' | 'nchw' } : {}) });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^toOnnx: /, '--'));
  } finally {
    model.dispose();
  }
  await writeAtomic(out, bytes);
  const shown = (s: readonly number[]) => (layout === 'nchw' && s.length === 3 ? [s[2], s[0], s[1]] : s).join(', ');
  log(`wrote ${out} (${bytes.length.toLocaleString('en-US')} bytes, ONNX opset ${opset ?? 17}): input "input" [N, ${shown(model.inputShape)}], output "output" [N, ${shown(model.outputShape)}]`);
  return out;
}

/** The weight files a model.json names, read from its folder (plain relative paths only). */
async function tfjsShards(jsonPath: string, json: unknown): Promise<Uint8Array[]> {
  const manifest = (json as { weightsManifest?: { paths?: unknown }[] }).weightsManifest;
  if (!Array.isArray(manifest)) throw new UsageError(`${jsonPath}: no weightsManifest (is it a TensorFlow.js Layers model.json?)`);
  const paths = manifest.flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []));
  const shards: Uint8Array[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' || p === '' || isAbsolute(p) || normalize(p).split(sep).includes('..') || p.includes('://')) {
      throw new UsageError(`${jsonPath}: weight path ${JSON.stringify(p)} must be a file name relative to the model.json`);
    }
    shards.push(await readBytes(join(dirname(jsonPath), p), 'weight file'));
  }
  return shards;
}

/** simdnet import: model.json (TensorFlow.js Layers) or .onnx → a simdnet model file. */
export async function importCommand(source: string, values: Record<string, string | boolean | undefined>, log: (s: string) => void): Promise<string> {
  const ext = extname(source).toLowerCase();
  if (ext !== '.json' && ext !== '.onnx') throw new UsageError(`${source}: expected a TensorFlow.js model.json or an .onnx file`);
  const out = typeof values.out === 'string' && values.out !== '' ? values.out : join(dirname(source), `${basename(source, extname(source))}.simdnet`);
  if (existsSync(out)) throw new UsageError(`${out} exists; choose another --out or remove it first`);
  const { fromOnnx, fromTfjsLayers } = await import('../onnx/index.js');
  const bytes = await readBytes(source, ext === '.onnx' ? 'ONNX file' : 'model.json');
  let model: Model;
  let from: string;
  if (ext === '.onnx') {
    from = 'ONNX';
    try { model = fromOnnx(bytes); } catch (e) { throw new UsageError(`${source}: ${(e as Error).message}`); }
  } else {
    from = 'TensorFlow.js Layers';
    let json: unknown;
    try { json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)); } catch (e) { throw new UsageError(`${source}: not JSON (${(e as Error).message})`); }
    const shards = await tfjsShards(source, json);
    try { model = fromTfjsLayers(json as never, shards); } catch (e) { throw new UsageError(`${source}: ${(e as Error).message}`); }
  }
  try {
    const softmax = model.layers[model.layers.length - 1].endsInSoftmax();
    if (softmax) model.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
    await writeAtomic(out, model.save());
    const params = model.params().reduce((a, p) => a + p.value.size, 0);
    log(`wrote ${out}: ${from} model, ${model.layers.length} layers (${model.layers.map((l) => l.kind).join(', ')}), ${params.toLocaleString('en-US')} parameters, ` +
      `input [N, ${model.inputShape.join(', ')}], output [N, ${model.outputShape.join(', ')}]${softmax ? '; compiled with adam and crossEntropy' : '; not compiled (it does not end in softmax)'}`);
  } finally {
    model.dispose();
  }
  return out;
}
