// Integer and float64 references for assembly/random.ts: Philox4x32-10 written from Salmon et al. (SC'11) and the
// stream built on it. This file is the specification: word j (integer < 2^53) of (seed, stream) is word j mod 4 of
// Philox4x32-10 with counter (lo32(⌊j/4⌋), hi32(⌊j/4⌋), stream, 0) and key (seedLo, seedHi).

const M0 = 0xd2511f53, M1 = 0xcd9e8d57; // round multipliers
const W0 = 0x9e3779b9, W1 = 0xbb67ae85; // key schedule increments
const TWO32 = 4294967296;

/** [hi, lo] of the 64-bit product of two u32, exact in doubles (16-bit split). */
export function mulhilo(a: number, b: number): [number, number] {
  const p1 = (a & 0xffff) * b, p2 = (a >>> 16) * b; // each < 2^48, exact
  const hi = Math.floor((p2 + Math.floor(p1 / 65536)) / 65536);
  return [hi >>> 0, Math.imul(a, b) >>> 0];
}

/** Philox4x32-10: ten rounds of the Philox S-box, key bumped by (W0, W1) between rounds. Words are u32. */
export function philox4x32_10(ctr: readonly number[], key: readonly number[]): number[] {
  let [x0, x1, x2, x3] = ctr.map((v) => v >>> 0);
  let k0 = key[0] >>> 0, k1 = key[1] >>> 0;
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(M0, x0);
    const [hi1, lo1] = mulhilo(M1, x2);
    [x0, x1, x2, x3] = [(hi1 ^ x1 ^ k0) >>> 0, lo1, (hi0 ^ x3 ^ k1) >>> 0, lo0];
    k0 = (k0 + W0) >>> 0; k1 = (k1 + W1) >>> 0;
  }
  return [x0, x1, x2, x3];
}

export interface StreamKey { seedLo: number; seedHi: number; stream: number }

/** Words offset .. offset + n − 1 of the stream, as u32. */
export function streamWords(key: StreamKey, offset: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  let cached = -1, block: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = offset + i, b = Math.floor(j / 4);
    if (b !== cached) {
      block = philox4x32_10([b % TWO32, Math.floor(b / TWO32), key.stream, 0], [key.seedLo, key.seedHi]);
      cached = b;
    }
    out[i] = block[j % 4];
  }
  return out;
}

const f32 = Math.fround;

/** The largest float32 below h. */
export function below(h: number): number {
  const f = new Float32Array([h]), i = new Int32Array(f.buffer);
  if (h > 0) i[0] -= 1; else if (h < 0) i[0] += 1; else i[0] = 0x80000001 | 0;
  return f[0];
}

/** u = (w >> 8)·2^-24, exact. */
export function unit(w: number): number { return (w >>> 8) / 16777216; }

/** The float32 uniform from word w: min(lo + (hi − lo)·u, below(hi)), each step rounded to float32 as the kernel does. */
export function uniformFromWord(w: number, lo: number, hi: number): number {
  const l = f32(lo), h = f32(hi), span = f32(h - l);
  return Math.min(f32(l + f32(span * unit(w))), below(h));
}

export function uniformRef(key: StreamKey, offset: number, n: number, lo = 0, hi = 1): Float32Array {
  const w = streamWords(key, offset, n);
  return Float32Array.from(w, (v) => uniformFromWord(v, lo, hi));
}

/**
 * The standard normal from words (a, b) in float64: radius sqrt(−2 ln u1), u1 = ((a >> 8) + 1)·2^-24, angle
 * θ = 2π·((b >> 8) + ½)·2^-24 − π/4; cos θ or sin θ. The kernel evaluates the same in float32 with its own log and sincos.
 */
export function normalFromWords(a: number, b: number, sine: boolean): number {
  const r = Math.sqrt(-2 * Math.log(((a >>> 8) + 1) / 16777216));
  const theta = 2 * Math.PI * ((b >>> 8) + 0.5) / 16777216 - Math.PI / 4;
  return r * (sine ? Math.sin(theta) : Math.cos(theta));
}

/** Elements offset .. offset + n − 1 of the normal stream: element j uses words (j − j mod 2, +1) of its block. */
export function normalRef(key: StreamKey, offset: number, n: number, mean = 0, std = 1): Float64Array {
  const out = new Float64Array(n);
  const first = offset - (offset % 4);
  const w = streamWords(key, first, offset - first + n + 4);
  for (let i = 0; i < n; i++) {
    const j = offset + i, k = j - first, pair = k - (k % 2);
    out[i] = f32(mean) + f32(std) * normalFromWords(w[pair], w[pair + 1], j % 2 === 1);
  }
  return out;
}

/** Lemire's unbiased integer in [0, s) from successive words (multiply, reject the low word below 2^32 mod s). */
function bounded(next: () => number, s: number): number {
  const reject = (TWO32 - s) % s;
  for (;;) {
    const [hi, lo] = mulhilo(next(), s);
    if (lo >= reject) return hi;
  }
}

/** Fisher–Yates from the top over 0..n−1 with bounded(i + 1) for i = n−1 … 1; also the number of words used. */
export function permutationRef(key: StreamKey, offset: number, n: number): { perm: Int32Array; used: number } {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let j = offset, words = streamWords(key, offset, 0), base = offset;
  const next = () => {
    if (j - base >= words.length) { base = j; words = streamWords(key, j, 64); }
    return words[j++ - base];
  };
  for (let i = n - 1; i > 0; i--) {
    const k = bounded(next, i + 1);
    const t = perm[i]; perm[i] = perm[k]; perm[k] = t;
  }
  return { perm, used: j - offset };
}
