// Small synthetic classification problems made with integer arithmetic only (same numbers in every runtime).
import { tensor, type Tensor } from '../../src/index.js';

/** n points in [-1, 1]^d labelled by the sign pattern of two coordinates: 4 classes (one-hot) and int labels. */
export function quadrants(n: number, d = 2, seed = 1): { x: Tensor; y: Tensor; labels: Tensor } {
  let s = seed >>> 0;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s; };
  const xs = new Float32Array(n * d), ys = new Float32Array(n * 4), ls = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xs[i * d + j] = ((next() >>> 8) / 8388608) - 1; // exact k/2^23 − 1
    const c = (xs[i * d] > 0 ? 1 : 0) + (xs[i * d + 1] > 0 ? 2 : 0);
    ys[i * 4 + c] = 1; ls[i] = c;
  }
  return { x: tensor(xs, [n, d]), y: tensor(ys, [n, 4]), labels: tensor(ls, [n]) };
}

/** n tiny 6×6×1 "images" with a bright bar that is horizontal (class 0), vertical (1) or diagonal (2), plus noise. */
export function bars(n: number, seed = 1): { x: Tensor; y: Tensor } {
  let s = seed >>> 0;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s >>> 8) / 16777216; };
  const xs = new Float32Array(n * 36), ys = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = i % 3, k = Math.floor(next() * 6);
    for (let p = 0; p < 36; p++) xs[i * 36 + p] = next() * 0.3;
    for (let t = 0; t < 6; t++) {
      const [r, q] = c === 0 ? [k, t] : c === 1 ? [t, k] : [t, t];
      xs[i * 36 + r * 6 + q] += 1;
    }
    ys[i * 3 + c] = 1;
  }
  return { x: tensor(xs, [n, 6, 6, 1]), y: tensor(ys, [n, 3]) };
}
