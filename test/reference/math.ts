// Float64 references for assembly/math.ts: exp, log, tanh, sigmoid, softplus, expm1, and ulps() to measure them.
// simdnet flushes results below 2^-126 to zero (documented in assembly/math.ts); flushTiny applies the same rule.

export const FLT_MIN = 2 ** -126;

export function flushTiny(v: number): number { return Math.abs(v) < FLT_MIN ? 0 : v; }

export const mathRef = {
  exp: (x: number) => flushTiny(Math.exp(x)),
  log: (x: number) => Math.log(x),
  tanh: (x: number) => Math.tanh(x),
  sigmoid: (x: number) => flushTiny(1 / (1 + Math.exp(-x))),
  softplus: (x: number) => flushTiny(x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  expm1: (x: number) => Math.expm1(x),
};

/** Distance in float32 units in the last place between two float32 values (same sign assumed or straddling 0). */
export function ulps(a: number, b: number): number {
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  const key = (v: number) => (v < 0 ? -(v & 0x7fffffff) : v);
  return Math.abs(key(i[0]) - key(i[1]));
}
