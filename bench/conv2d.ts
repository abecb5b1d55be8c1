// conv2d figures: forward, backprop to the input, backprop to the filter, for a first layer [64,28,28,1] → 32 and a
// second layer [64,14,14,32] → 64, both 3×3 'same' stride 1 (NHWC, HWIO). FLOPs = 2·N·OH·OW·outC·kh·kw·inC each.
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor, tfTry } from './common.js';
import type { Contender, Figure, Spec, Target } from './harness.js';

type Pass = 'forward' | 'backprop-input' | 'backprop-filter';

function convFigure(N: number, H: number, W: number, inC: number, outC: number, pass: Pass): Figure {
  const k = 3;
  const g: kern.ConvGeometry = { N, H, W, inC, outC, kh: k, kw: k, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 };
  const xShape = [N, H, W, inC], wShape = [k, k, inC, outC], yShape = [N, H, W, outC];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const xv = randomValues(size(xShape), 3), wv = randomValues(size(wShape), 4, -0.2, 0.2), dyv = randomValues(size(yShape), 5);
  const bufs = new Buffers();
  const x = bufs.put(xv), w = bufs.put(wv), dy = bufs.put(dyv), y = bufs.alloc(size(yShape)), dx = bufs.alloc(size(xShape));
  const dw = bufs.alloc(size(wShape)), db = bufs.alloc(outC);
  const bytes = kern.conv2dWorkspaceBytes(g);
  const work = bytes ? bufs.alloc(Math.ceil(bytes / 4)) : 0;
  const made: tf.Tensor[] = [];
  const t = (b: 'wasm' | 'cpu', v: Float32Array, s: number[]) => { const r = tfTensor(b, v, s); made.push(r); return r; };
  let ours: Contender;
  let peers: Contender[];
  let targets: Target[];
  if (pass === 'forward') {
    ours = { name: 'simdnet', run: () => kern.conv2d(g, { x, w, y }) };
    const tx = t('wasm', xv, xShape), tw = t('wasm', wv, wShape);
    peers = [tfContender('wasm', () => tf.conv2d(tx as tf.Tensor4D, tw as tf.Tensor4D, 1, 'same'))];
    targets = [{ kind: 'peer', peer: 'tfjs-wasm', min: 1.3, label: 'conv2d forward vs tfjs-wasm' }];
  } else if (pass === 'backprop-input') {
    ours = { name: 'simdnet', run: () => kern.conv2dBackpropInput(g, { dy, w, dx, work }) };
    const tdy = t('wasm', dyv, yShape), tw = t('wasm', wv, wShape);
    peers = [tfContender('wasm', () => tf.conv2dTranspose(tdy as tf.Tensor4D, tw as tf.Tensor4D, xShape as [number, number, number, number], 1, 'same'))];
    targets = [{ kind: 'peer', peer: 'tfjs-wasm', min: 5, label: 'conv2d backprop-input vs tfjs-wasm' }];
  } else {
    ours = { name: 'simdnet', run: () => kern.conv2dBackpropFilter(g, { x, dy, dw, db, work }) };
    const filter = (b: 'wasm' | 'cpu') => {
      const tx = t(b, xv, xShape), tdy = t(b, dyv, yShape);
      return () => tf.engine().runKernel('Conv2DBackpropFilter', { x: tx, dy: tdy },
        { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: wShape }) as tf.Tensor;
    };
    peers = [tfTry('wasm', filter('wasm')), tfContender('cpu', filter('cpu'))];
    targets = [{ kind: 'peer', peer: 'tfjs-cpu', min: 50, label: 'conv2d backprop-filter vs tfjs-cpu' }];
  }
  return {
    family: 'conv2d', name: `conv2d ${pass}`, shape: `[${xShape}]→${outC} 3×3`, unit: 'GFLOP/s',
    work: 2 * N * H * W * outC * k * k * inC, probe: 'peak', contenders: [ours, ...peers], targets,
    note: pass === 'backprop-filter' ? 'simdnet also sums the bias gradient in the same call' : undefined,
    dispose: () => { bufs.release(); made.forEach((m) => m.dispose()); },
  };
}

export function conv2dFigures(): Spec[] {
  const passes: Pass[] = ['forward', 'backprop-input', 'backprop-filter'];
  return ([[28, 1, 32], [14, 32, 64]] as const).flatMap(([hw, inC, outC]) => passes.map((p) => ({
    label: `conv2d ${p} [64,${hw},${hw},${inC}]→${outC}`, build: () => convFigure(64, hw, hw, inC, outC, p),
  })));
}
