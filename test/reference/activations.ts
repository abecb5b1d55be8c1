// Float64 references for assembly/activations.ts: each activation and its backward (dx from x and dy), per element.
// sigmoid, tanh and softplus are math.ts's (same flush rule); leakyRelu and elu take their alpha.
import { mathRef } from './math.js';

export const activationRef = {
  relu: (x: number) => (x > 0 ? x : 0),
  reluGrad: (x: number, dy: number) => (x > 0 ? dy : 0),
  leakyRelu: (x: number, a: number) => (x > 0 ? x : a * x),
  leakyReluGrad: (x: number, dy: number, a: number) => (x > 0 ? dy : a * dy),
  elu: (x: number, a: number) => (x > 0 ? x : a * Math.expm1(x)),
  eluGrad: (x: number, dy: number, a: number) => (x > 0 ? dy : dy * a * Math.exp(x)),
  sigmoid: mathRef.sigmoid,
  sigmoidGrad: (x: number, dy: number) => { const s = 1 / (1 + Math.exp(-x)); return dy * s * (1 - s); },
  tanh: mathRef.tanh,
  tanhGrad: (x: number, dy: number) => { const t = Math.tanh(x); return dy * (1 - t * t); },
  softplus: mathRef.softplus,
  softplusGrad: (x: number, dy: number) => dy / (1 + Math.exp(-x)),
};
