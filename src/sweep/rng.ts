// Sweeps' deterministic numbers: a counter-based generator keyed by integers (seed, trial, dimension, …) built from
// 32-bit integer hashing (Math.imul only), and exp/log/normal draws made of IEEE-exact operations (+ − × ÷ √), so a
// seed proposes the same trials bit for bit in every JavaScript runtime. Never the host's random generator, nor its exp or log.

const TWO32 = 4294967296;

/** lowbias32 (Wellons): a 32-bit avalanche mix. */
function mix32(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15; h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number's 32-bit words for hashing: a safe integer as its low and high halves (negative ones too). */
function words(v: number): [number, number] {
  if (!Number.isSafeInteger(v)) throw new RangeError(`sweep rng: key parts must be safe integers; got ${v}`);
  const lo = ((v % TWO32) + TWO32) % TWO32;
  return [lo >>> 0, Math.floor(v / TWO32) >>> 0];
}

/** A 32-bit hash of a key (a list of safe integers) on one of several streams. */
function hashKey(key: readonly number[], stream: number): number {
  let h = mix32(stream + 0x632be5ab);
  for (const part of key) {
    const [lo, hi] = words(part);
    h = mix32((h ^ mix32(lo + 0x9e3779b9)) >>> 0);
    h = mix32((h ^ mix32(hi + 0x85ebca6b)) >>> 0);
  }
  return mix32(h ^ key.length);
}

/** Uniform in [0, 1) with 53 bits, a pure function of the key. */
export function uniformAt(key: readonly number[]): number {
  const a = hashKey(key, 1) >>> 5, b = hashKey(key, 2) >>> 6; // 27 + 26 bits
  return (a * 67108864 + b) / 9007199254740992;
}

/** A stream of uniforms keyed by (key…, counter): the n-th draw is uniformAt([...key, n]). */
export class KeyedStream {
  private n = 0;
  constructor(private readonly key: readonly number[]) { for (const k of key) words(k); }
  /** Uniform in [0, 1), 53 bits. */
  next(): number { return uniformAt([...this.key, this.n++]); }
  /** A standard normal draw (Marsaglia's polar method over our log). */
  normal(): number {
    for (;;) {
      const u = 2 * this.next() - 1, v = 2 * this.next() - 1, s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt(-2 * log(s) / s);
    }
  }
  /** An integer in [0, n). */
  below(n: number): number { return Math.min(n - 1, Math.floor(this.next() * n)); }
}

const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
const view = new DataView(new ArrayBuffer(8));

/** Natural log from exact operations: x = m·2^k with m in [√½, √2), log m = 2·atanh(f/(2+f)) as a series. */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let k = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984; k = -54; } // subnormal: scale by 2^54 first
  view.setFloat64(0, x, true);
  const hi = view.getUint32(4, true);
  k += ((hi >>> 20) & 0x7ff) - 1023;
  view.setUint32(4, (hi & 0x000fffff) | 0x3ff00000, true); // m in [1, 2)
  let m = view.getFloat64(0, true);
  if (m > 1.4142135623730951) { m /= 2; k++; }
  const f = m - 1, s = f / (2 + f), z = s * s;
  // 2·(s + s³/3 + s⁵/5 + …), |s| ≤ 0.1716: 13 terms reach far below one ulp
  let p = 1 / 27;
  for (let n = 25; n >= 1; n -= 2) p = p * z + 1 / n;
  return k * LN2_HI + (2 * s * p + k * LN2_LO);
}

/** e^x from exact operations: x = k·ln2 + r, |r| ≤ ln2/2, e^r as a Taylor polynomial, scaled by 2^k. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x / 0.6931471805599453);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  let p = 1;
  for (let n = 17; n >= 1; n--) p = 1 + p * r / n;
  return scale(p, k);
}

/** x·2^k for an integer k in [-1100, 1100], in up to two exact power-of-two steps (x first, so no step overflows). */
function scale(x: number, k: number): number {
  const two = (e: number) => { view.setUint32(0, 0, true); view.setUint32(4, (e + 1023) << 20, true); return view.getFloat64(0, true); };
  if (k > 1023) return x * two(k - 1023) * two(1023);
  if (k < -1022) return x * two(-1022) * two(Math.max(k + 1022, -1022));
  return x * two(k);
}

/** The standard normal CDF Φ(z), through Numerical Recipes' Chebyshev fit of erfc (relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2, t = 1 / (1 + 0.5 * x);
  const y = t * exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - y / 2 : y / 2;
}
