// Host-independent float64 exp, log, cos and pow built only from + − × ÷ (IEEE-exact in every engine), for
// learning-rate schedules and other host-side scalars that must agree bit for bit across runtimes. Not for bulk math.

const LN2 = 0.6931471805599453;

/** e^x for |x| ≤ 700. */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709) return Infinity;
  if (x < -745) return 0;
  const k = Math.round(x / LN2); // Math.round is exact
  const r = x - k * LN2;
  let term = 1, sum = 1;
  for (let i = 1; i < 24; i++) { term = (term * r) / i; sum += term; }
  return scale2(sum, k);
}

/** x · 2^k by repeated exact doubling/halving. */
function scale2(x: number, k: number): number {
  while (k > 0) { x *= 2; k--; }
  while (k < 0) { x /= 2; k++; }
  return x;
}

/** ln x for x > 0. */
export function detLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  while (x >= 1.5) { x /= 2; e++; }
  while (x < 0.75) { x *= 2; e--; }
  // ln x = 2·atanh(s), s = (x − 1)/(x + 1), |s| ≤ 0.2
  const s = (x - 1) / (x + 1), s2 = s * s;
  let term = s, sum = 0;
  for (let i = 1; i < 60; i += 2) { sum += term / i; term *= s2; }
  return 2 * sum + e * LN2;
}

/** base^p for base > 0. */
export function detPow(base: number, p: number): number {
  if (Number.isInteger(p) && Math.abs(p) <= 1 << 20) {
    let r = 1, b = base, k = Math.abs(p);
    while (k > 0) { if (k & 1) r *= b; b *= b; k >>>= 1; }
    return p < 0 ? 1 / r : r;
  }
  return detExp(p * detLog(base));
}

const PI = 3.141592653589793;

/** cos x for |x| ≤ 1e6. */
export function detCos(x: number): number {
  x = Math.abs(x);
  const k = Math.floor(x / (2 * PI));
  x -= k * 2 * PI;
  if (x > PI) x = 2 * PI - x; // cos is even around π
  const x2 = x * x;
  let term = 1, sum = 1;
  for (let i = 1; i < 30; i++) { term = (-term * x2) / ((2 * i - 1) * (2 * i)); sum += term; }
  return sum;
}
