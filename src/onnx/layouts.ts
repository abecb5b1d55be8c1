// Weight and element orders between simdnet (HWIO kernels, channels-last flatten, [in, out] dense kernels) and ONNX
// (OIHW kernels, channels-first flatten, Gemm's transB): plain copies into the other order, no arithmetic.

/** HWIO [kh, kw, in, out] → OIHW [out, in, kh, kw]: a copy in ONNX's order. */
export function hwioToOihw(w: Float32Array, [kh, kw, ci, co]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
    out[((o * ci + i) * kh + y) * kw + x] = w[((y * kw + x) * ci + i) * co + o];
  }
  return out;
}

/** simdnet flat index (h, w, c) → the index of the same element flattened channels first (c, h, w). */
export function channelsFirstOrder(shape: readonly number[]): Int32Array {
  const C = shape[shape.length - 1], S = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const p = new Int32Array(S * C);
  for (let s = 0; s < S; s++) for (let c = 0; c < C; c++) p[s * C + c] = c * S + s;
  return p;
}

/** The rows of w ([rows, units]) reordered: row j of the result is row perm[j] of w. */
export function rowsPermuted(w: Float32Array, perm: Int32Array, units: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let j = 0; j < perm.length; j++) out.set(w.subarray(perm[j] * units, (perm[j] + 1) * units), j * units);
  return out;
}

/** w [rows, cols] → [cols, rows]. */
export function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

/** OIHW [M, C, kh, kw] → HWIO [kh, kw, C, M]. */
export function oihwToHwio(w: Float32Array, [M, C, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < M; o++) for (let i = 0; i < C; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    out[((y * kw + x) * C + i) * M + o] = w[((o * C + i) * kh + y) * kw + x];
  }
  return out;
}
