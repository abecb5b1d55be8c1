// The lab's ONNX worker: a saved model converted to ONNX bytes with simdnet/onnx (toOnnx). simdnet/onnx reads the npm
// package onnx-proto (CommonJS), which a page cannot import as is, so `npm run demo` bundles this file with esbuild
// into build/lab/onnx-worker.js (one copy of simdnet inside, kernels.wasm copied beside it). No DOM here.
import { init, loadModel } from '../../dist/entry-browser.js';
import { toOnnx } from '../../dist/onnx/index.js';

const ready = init();
onmessage = async ({ data: m }) => {
  try {
    await ready;
    const model = loadModel(m.model, { source: 'the run\'s model' });
    try {
      const out = toOnnx(model);
      postMessage({ type: 'onnx', bytes: out }, [out.buffer]);
    } finally {
      model.dispose();
    }
  } catch (e) {
    postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
