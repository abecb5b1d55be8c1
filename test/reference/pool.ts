// Float64 reference max and average pooling over NHWC (explicit padding), forward and backward: direct loops, the
// specification for assembly/pool.ts. Padded cells never win a max; the gradient goes to the FIRST maximum (row-major).

/** x [N, H, W, C], window [ph, pw], y [N, OH, OW, C]; pads explicit, each smaller than the window. */
export interface PoolGeom {
  N: number; H: number; W: number; C: number; ph: number; pw: number;
  strideH: number; strideW: number; padTop: number; padBottom: number; padLeft: number; padRight: number;
}

export function poolOut(g: PoolGeom): [number, number] {
  return [Math.floor((g.H + g.padTop + g.padBottom - g.ph) / g.strideH) + 1,
    Math.floor((g.W + g.padLeft + g.padRight - g.pw) / g.strideW) + 1];
}

// Calls f(outIndex, cells) for every output pixel and channel, cells = the x indices of its window inside x, row-major.
function forEachWindow(g: PoolGeom, f: (yi: number, cells: number[]) => void): void {
  const [OH, OW] = poolOut(g);
  for (let n = 0; n < g.N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    for (let c = 0; c < g.C; c++) {
      const cells: number[] = [];
      for (let i = 0; i < g.ph; i++) {
        const ih = oh * g.strideH - g.padTop + i;
        if (ih < 0 || ih >= g.H) continue;
        for (let j = 0; j < g.pw; j++) {
          const iw = ow * g.strideW - g.padLeft + j;
          if (iw >= 0 && iw < g.W) cells.push(((n * g.H + ih) * g.W + iw) * g.C + c);
        }
      }
      f(((n * OH + oh) * OW + ow) * g.C + c, cells);
    }
  }
}

function outSize(g: PoolGeom): number { const [OH, OW] = poolOut(g); return g.N * OH * OW * g.C; }

/** y = the largest cell of each window inside x. */
export function maxPool2dRef(x: ArrayLike<number>, g: PoolGeom): Float64Array {
  const y = new Float64Array(outSize(g));
  forEachWindow(g, (yi, cells) => { y[yi] = Math.max(...cells.map((k) => x[k])); });
  return y;
}

/** dx: each dy goes to its window's first maximum (a later equal cell gets nothing). absSum: Σ|dy| per cell. */
export function maxPool2dGradRef(x: ArrayLike<number>, dy: ArrayLike<number>, g: PoolGeom): { dx: Float64Array; absSum: Float64Array } {
  const dx = new Float64Array(g.N * g.H * g.W * g.C), absSum = new Float64Array(dx.length);
  forEachWindow(g, (yi, cells) => {
    let best = cells[0];
    for (const k of cells) if (x[k] > x[best]) best = k;
    dx[best] += dy[yi]; absSum[best] += Math.abs(dy[yi]);
  });
  return { dx, absSum };
}

function divisor(g: PoolGeom, cells: number[], countPad: boolean): number { return countPad ? g.ph * g.pw : cells.length; }

/** y = Σ window cells inside x / (countPad ? ph·pw : number of those cells). absSum: Σ|cells| / the same. */
export function avgPool2dRef(x: ArrayLike<number>, g: PoolGeom, countPad: boolean): { y: Float64Array; absSum: Float64Array } {
  const y = new Float64Array(outSize(g)), absSum = new Float64Array(y.length);
  forEachWindow(g, (yi, cells) => {
    const d = divisor(g, cells, countPad);
    for (const k of cells) { y[yi] += x[k] / d; absSum[yi] += Math.abs(x[k]) / d; }
  });
  return { y, absSum };
}

/** dx: each dy spread as dy / divisor over its window's cells inside x. */
export function avgPool2dGradRef(dy: ArrayLike<number>, g: PoolGeom, countPad: boolean): { dx: Float64Array; absSum: Float64Array } {
  const dx = new Float64Array(g.N * g.H * g.W * g.C), absSum = new Float64Array(dx.length);
  forEachWindow(g, (yi, cells) => {
    const d = divisor(g, cells, countPad);
    for (const k of cells) { dx[k] += dy[yi] / d; absSum[k] += Math.abs(dy[yi]) / d; }
  });
  return { dx, absSum };
}
