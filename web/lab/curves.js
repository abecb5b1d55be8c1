// The lab's overlaid curves on a <canvas>, one colour per variant: each series is [x, y] points with x in epochs
// (a batch at epoch + batch/batches), drawn solid or dashed, with dots for per-epoch points. No library; the legend is HTML.

export const PALETTE = ['#1f5fbf', '#a64d00', '#1b7a3a', '#8a2be2', '#b0004b', '#00707a', '#6b5900', '#4b4b4b'];
const PAD = { left: 48, right: 14, top: 12, bottom: 30 };

export class Curves {
  /** canvas: where to draw; yLabel: the axis name; fixed: [lo, hi] for the y axis (else from the data). */
  constructor(canvas, { yLabel, fixed, format = (v) => v.toFixed(2) }) {
    Object.assign(this, { canvas, yLabel, fixed, format, series: [], epochs: 1 });
  }

  /** Replaces what is drawn: series [{ color, points: [[x, y]], dashed?, dots? }], on an x axis of `epochs` epochs. */
  set(series, epochs) {
    this.series = series;
    this.epochs = Math.max(1, epochs);
    this.draw();
  }

  draw() {
    const c = this.canvas, dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || 480, h = c.clientHeight || 220;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const ys = this.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
    let [lo, hi] = this.fixed ?? [0, ys.length ? Math.max(...ys.slice(0, 4000)) : 1];
    if (!(hi > lo)) hi = lo + 1;
    const x0 = PAD.left, x1 = w - PAD.right, y0 = h - PAD.bottom, y1 = PAD.top;
    const X = (e) => x0 + ((x1 - x0) * e) / this.epochs, Y = (v) => y0 - ((y0 - y1) * (Math.min(Math.max(v, lo), hi) - lo)) / (hi - lo);
    g.font = '12px system-ui, sans-serif'; g.lineWidth = 1; g.strokeStyle = '#d5d8de'; g.fillStyle = '#3b4250';
    for (let i = 0; i <= 4; i++) {
      const v = lo + ((hi - lo) * i) / 4, y = Y(v);
      g.beginPath(); g.moveTo(x0, y); g.lineTo(x1, y); g.stroke();
      g.textAlign = 'right'; g.textBaseline = 'middle'; g.fillText(this.format(v), x0 - 6, y);
    }
    const step = Math.ceil(this.epochs / 10);
    g.textAlign = 'center'; g.textBaseline = 'top';
    for (let e = 0; e <= this.epochs; e += step) g.fillText(String(e), X(e), y0 + 5);
    g.fillText(`epoch · ${this.yLabel}`, (x0 + x1) / 2, y0 + 16);
    for (const s of this.series) {
      const pts = s.points.filter(([, v]) => Number.isFinite(v));
      g.strokeStyle = g.fillStyle = s.color; g.lineWidth = s.width ?? 2; g.setLineDash(s.dashed ? [6, 4] : []);
      if (pts.length > 1) {
        g.beginPath();
        pts.forEach(([x, v], i) => (i ? g.lineTo(X(x), Y(v)) : g.moveTo(X(x), Y(v))));
        g.stroke();
      }
      g.setLineDash([]);
      if (s.dots || pts.length === 1) for (const [x, v] of pts) { g.beginPath(); g.arc(X(x), Y(v), 3, 0, 2 * Math.PI); g.fill(); }
    }
  }
}
