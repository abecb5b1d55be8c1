// Explicit im2col of x [32,28,28,8] for a 3×3 'same' stride-1 convolution, chunk by chunk into one col buffer of the
// conv's own chunk size (P pixels × K = 72, P read off conv2dWorkspaceBytes), as conv2d's backward passes run it.
// GB/s counts every col element written plus x read once. No peer: tfjs has no im2col op (XNNPACK's is internal).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues } from './common.js';
import type { Figure, Spec } from './harness.js';

function im2colFigure(): Figure {
  const N = 32, H = 28, W = 28, inC = 8, k = 3;
  const g: kern.ConvGeometry = { N, H, W, inC, outC: 8, kh: k, kw: k, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 };
  const K = k * k * inC, NPix = N * H * W, nx = N * H * W * inC;
  const P = Math.floor(kern.conv2dWorkspaceBytes(g) / (4 * K)); // the workspace holds P rows of col
  const bufs = new Buffers();
  const x = bufs.put(randomValues(nx, 91)), col = bufs.alloc(P * K);
  const run = () => { for (let q0 = 0; q0 < NPix; q0 += P) kern.im2col(g, x, col, q0, Math.min(P, NPix - q0)); };
  return {
    family: 'im2col', name: 'im2col 3×3 same', shape: `[${N},${H},${W},${inC}] in chunks of ${P}×${K}`, unit: 'GB/s',
    work: 4 * (NPix * K + nx), probe: 'copy', copyBytes: 4 * nx,
    contenders: [{ name: 'simdnet', run }, { name: 'tfjs-wasm', na: 'no im2col op in tfjs' }],
    dispose: () => bufs.release(),
  };
}

export function im2colFigures(): Spec[] { return [{ label: 'im2col', build: im2colFigure }]; }
