// Elementwise kernels over flat float32 buffers: add, sub, mul (same shape or broadcast over rows), scale, axpy,
// bias add, fill, copy. Three phases everywhere: 4 vectors unrolled, one vector, scalar tail. out may alias an input.

const ADD: i32 = 0, SUB: i32 = 1, MUL: i32 = 2;

// @ts-ignore: decorator
@inline function binV(op: i32, a: v128, b: v128): v128 {
  return op == ADD ? f32x4.add(a, b) : op == SUB ? f32x4.sub(a, b) : f32x4.mul(a, b);
}
// @ts-ignore: decorator
@inline function binS(op: i32, a: f32, b: f32): f32 {
  return op == ADD ? a + b : op == SUB ? a - b : a * b;
}

// out[i] = a[i] op b[i], i < n
// @ts-ignore: decorator
@inline function mapBinary(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(out, binV(op, v128.load(a), v128.load(b)));
    v128.store(out, binV(op, v128.load(a, 16), v128.load(b, 16)), 16);
    v128.store(out, binV(op, v128.load(a, 32), v128.load(b, 32)), 32);
    v128.store(out, binV(op, v128.load(a, 48), v128.load(b, 48)), 48);
    a += 64; b += 64; out += 64;
  }
  for (; i + 4 <= n; i += 4) {
    v128.store(out, binV(op, v128.load(a), v128.load(b)));
    a += 16; b += 16; out += 16;
  }
  for (; i < n; i++) {
    store<f32>(out, binS(op, load<f32>(a), load<f32>(b)));
    a += 4; b += 4; out += 4;
  }
}

// out[r, c] = a[r, c] op b[c]: b broadcast over rows. a, out: [rows, cols]; b: [cols].
// @ts-ignore: decorator
@inline function mapBinaryRows(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * cols) * 4;
    mapBinary(op, a + off, b, out + off, cols);
  }
}

export function add(a: usize, b: usize, out: usize, n: i32): void { mapBinary(ADD, a, b, out, n); }
export function sub(a: usize, b: usize, out: usize, n: i32): void { mapBinary(SUB, a, b, out, n); }
export function mul(a: usize, b: usize, out: usize, n: i32): void { mapBinary(MUL, a, b, out, n); }
export function addRows(a: usize, b: usize, out: usize, rows: i32, cols: i32): void { mapBinaryRows(ADD, a, b, out, rows, cols); }
export function subRows(a: usize, b: usize, out: usize, rows: i32, cols: i32): void { mapBinaryRows(SUB, a, b, out, rows, cols); }
export function mulRows(a: usize, b: usize, out: usize, rows: i32, cols: i32): void { mapBinaryRows(MUL, a, b, out, rows, cols); }

/** out = alpha·x, n elements. */
export function scale(x: usize, alpha: f32, out: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(out, f32x4.mul(v128.load(x), va));
    v128.store(out, f32x4.mul(v128.load(x, 16), va), 16);
    v128.store(out, f32x4.mul(v128.load(x, 32), va), 32);
    v128.store(out, f32x4.mul(v128.load(x, 48), va), 48);
    x += 64; out += 64;
  }
  for (; i + 4 <= n; i += 4) { v128.store(out, f32x4.mul(v128.load(x), va)); x += 16; out += 16; }
  for (; i < n; i++) { store<f32>(out, load<f32>(x) * alpha); x += 4; out += 4; }
}

/** y += alpha·x, n elements. */
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(y, f32x4.add(v128.load(y), f32x4.mul(v128.load(x), va)));
    v128.store(y, f32x4.add(v128.load(y, 16), f32x4.mul(v128.load(x, 16), va)), 16);
    v128.store(y, f32x4.add(v128.load(y, 32), f32x4.mul(v128.load(x, 32), va)), 32);
    v128.store(y, f32x4.add(v128.load(y, 48), f32x4.mul(v128.load(x, 48), va)), 48);
    x += 64; y += 64;
  }
  for (; i + 4 <= n; i += 4) { v128.store(y, f32x4.add(v128.load(y), f32x4.mul(v128.load(x), va))); x += 16; y += 16; }
  for (; i < n; i++) { store<f32>(y, load<f32>(y) + load<f32>(x) * alpha); x += 4; y += 4; }
}

/** out[r, c] = x[r, c] + bias[c]. x, out: [rows, cols]; bias: [cols]. */
export function biasAdd(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  mapBinaryRows(ADD, x, bias, out, rows, cols);
}

/** out[i] = value, n elements. */
export function fill(out: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(out, v); v128.store(out, v, 16); v128.store(out, v, 32); v128.store(out, v, 48);
    out += 64;
  }
  for (; i + 4 <= n; i += 4) { v128.store(out, v); out += 16; }
  for (; i < n; i++) { store<f32>(out, value); out += 4; }
}

/** dst[i] = src[i], n elements (memory.copy; overlapping ranges allowed). */
export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n * 4);
}

/** dst[r, :] = src[idx[r], :] for r < rows: gathers rows of width cols (a shuffled batch). idx: i32 [rows]. */
export function gatherRows(src: usize, idx: usize, dst: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols * 4;
  for (let r = 0; r < rows; r++) {
    const i = load<i32>(idx + <usize>r * 4);
    memory.copy(dst + <usize>r * bytes, src + <usize>i * bytes, bytes);
  }
}
