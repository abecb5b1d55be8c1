// Float64 references for the elementwise math: exp, log, tanh, sigmoid, softplus, expm1 and the activations.
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

/** Distance in float32 units in the last place between two float32 values (same sign assumed or straddling 0). */
export function ulps(a: number, b: number): number {
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  const key = (v: number) => (v < 0 ? -(v & 0x7fffffff) : v);
  return Math.abs(key(i[0]) - key(i[1]));
}
