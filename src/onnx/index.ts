// simdnet/onnx: models in and out. toOnnx writes a model as an ONNX file for ONNX Runtime and other servers; fromOnnx
// reads one back (the same operators); fromTfjsLayers reads a TensorFlow.js Layers model (model.json + weights).
/**
 * `import { toOnnx, fromOnnx, fromTfjsLayers } from 'simdnet/onnx'`: export a model to ONNX, import ONNX graphs and
 * TensorFlow.js Layers models. A separate entry, so the core bundle does not carry the ONNX schema.
 * @module simdnet/onnx
 */
export { toOnnx, ONNX_OPSETS, type ToOnnxOptions } from './export.js';
export { fromOnnx, ONNX_IMPORT_OPS } from './import.js';
export { fromTfjsLayers, TFJS_LAYER_CLASSES, type TfjsModelJson } from './tfjs.js';
