// Float64 reference convolution (NHWC x, HWIO w, explicit padding): direct loops, the specification for
// assembly/conv2d.ts. Each also returns Σ|terms| per output element, for the tolerance.

/** x [N, H, W, inC], w [kh, kw, inC, outC], y [N, OH, OW, outC]; pads explicit. */
export interface ConvGeom {
  N: number; H: number; W: number; inC: number; outC: number; kh: number; kw: number;
  strideH: number; strideW: number; dilationH: number; dilationW: number;
  padTop: number; padBottom: number; padLeft: number; padRight: number;
}

export function convOut(g: ConvGeom): [number, number] {
  return [Math.floor((g.H + g.padTop + g.padBottom - ((g.kh - 1) * g.dilationH + 1)) / g.strideH) + 1,
    Math.floor((g.W + g.padLeft + g.padRight - ((g.kw - 1) * g.dilationW + 1)) / g.strideW) + 1];
}

// Calls f(n, oh, ow, i, j, ih, iw) for every filter tap of every output pixel that lands inside x.
function forEachTap(g: ConvGeom, f: (n: number, oh: number, ow: number, i: number, j: number, ih: number, iw: number) => void): void {
  const [OH, OW] = convOut(g);
  for (let n = 0; n < g.N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    for (let i = 0; i < g.kh; i++) {
      const ih = oh * g.strideH - g.padTop + i * g.dilationH;
      if (ih < 0 || ih >= g.H) continue;
      for (let j = 0; j < g.kw; j++) {
        const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
        if (iw < 0 || iw >= g.W) continue;
        f(n, oh, ow, i, j, ih, iw);
      }
    }
  }
}

/** y[n, oh, ow, co] = bias[co] + Σ_{i, j, ci} x[n, oh·sh − top + i·dh, ow·sw − left + j·dw, ci]·w[i, j, ci, co]. */
export function conv2dRef(x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null, g: ConvGeom):
  { y: Float64Array; absSum: Float64Array } {
  const [OH, OW] = convOut(g);
  const { inC: C, outC: O } = g;
  const y = new Float64Array(g.N * OH * OW * O), absSum = new Float64Array(y.length);
  if (bias) for (let p = 0; p < g.N * OH * OW; p++) for (let o = 0; o < O; o++) { y[p * O + o] = bias[o]; absSum[p * O + o] = Math.abs(bias[o]); }
  forEachTap(g, (n, oh, ow, i, j, ih, iw) => {
    const yo = ((n * OH + oh) * OW + ow) * O, xo = ((n * g.H + ih) * g.W + iw) * C, wo = (i * g.kw + j) * C * O;
    for (let c = 0; c < C; c++) {
      const xv = x[xo + c];
      for (let o = 0; o < O; o++) { const t = xv * w[wo + c * O + o]; y[yo + o] += t; absSum[yo + o] += Math.abs(t); }
    }
  });
  return { y, absSum };
}

/** dx = ∂(Σ y·dy)/∂x: every tap adds dy[n, oh, ow, :]·w[i, j, c, :] into the x cell it read; cells no tap reads are 0. */
export function conv2dBackpropInputRef(dy: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeom): { dx: Float64Array; absSum: Float64Array } {
  const [OH, OW] = convOut(g);
  const { inC: C, outC: O } = g;
  const dx = new Float64Array(g.N * g.H * g.W * C), absSum = new Float64Array(dx.length);
  forEachTap(g, (n, oh, ow, i, j, ih, iw) => {
    const yo = ((n * OH + oh) * OW + ow) * O, xo = ((n * g.H + ih) * g.W + iw) * C, wo = (i * g.kw + j) * C * O;
    for (let c = 0; c < C; c++) {
      let s = 0, a = 0;
      for (let o = 0; o < O; o++) { const t = dy[yo + o] * w[wo + c * O + o]; s += t; a += Math.abs(t); }
      dx[xo + c] += s; absSum[xo + c] += a;
    }
  });
  return { dx, absSum };
}

/** dw = dw0 + Σ_{n, oh, ow} x[tap]·dy[n, oh, ow, co]; db = db0 + Σ_{n, oh, ow} dy[n, oh, ow, co] (accumulating). */
export function conv2dBackpropFilterRef(x: ArrayLike<number>, dy: ArrayLike<number>, dw0: ArrayLike<number>, db0: ArrayLike<number>,
  g: ConvGeom): { dw: Float64Array; absDw: Float64Array; db: Float64Array; absDb: Float64Array } {
  const [OH, OW] = convOut(g);
  const { inC: C, outC: O } = g;
  const dw = Float64Array.from(dw0), absDw = Float64Array.from(dw0, Math.abs);
  const db = Float64Array.from(db0), absDb = Float64Array.from(db0, Math.abs);
  forEachTap(g, (n, oh, ow, i, j, ih, iw) => {
    const yo = ((n * OH + oh) * OW + ow) * O, xo = ((n * g.H + ih) * g.W + iw) * C, wo = (i * g.kw + j) * C * O;
    for (let c = 0; c < C; c++) {
      const xv = x[xo + c];
      for (let o = 0; o < O; o++) { const t = xv * dy[yo + o]; dw[wo + c * O + o] += t; absDw[wo + c * O + o] += Math.abs(t); }
    }
  });
  for (let p = 0; p < g.N * OH * OW; p++) for (let o = 0; o < O; o++) { db[o] += dy[p * O + o]; absDb[o] += Math.abs(dy[p * O + o]); }
  return { dw, absDw, db, absDb };
}
