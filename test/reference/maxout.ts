// Float64 references for assembly/maxout.ts: x [M, C·k] → y [M, C], y[m, c] = max_j x[m, c·k + j], the first maximum's
// j as the saved index; backward routes dy[m, c] to x[m, c·k + j] and zero elsewhere.

export function maxoutRef(x: ArrayLike<number>, M: number, C: number, k: number): { y: Float64Array; arg: Int32Array } {
  const y = new Float64Array(M * C), arg = new Int32Array(M * C);
  for (let g = 0; g < M * C; g++) {
    let best = x[g * k], bi = 0;
    for (let j = 1; j < k; j++) {
      const v = x[g * k + j];
      if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) { best = v; bi = j; }
    }
    y[g] = best; arg[g] = bi;
  }
  return { y, arg };
}

export function maxoutGradRef(x: ArrayLike<number>, dy: ArrayLike<number>, M: number, C: number, k: number): Float64Array {
  const { arg } = maxoutRef(x, M, C, k);
  const dx = new Float64Array(M * C * k);
  for (let g = 0; g < M * C; g++) dx[g * k + arg[g]] = dy[g];
  return dx;
}
