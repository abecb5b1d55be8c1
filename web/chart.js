// A small hand-written training chart on a <canvas>: batch loss (raw, faint, and smoothed) on the left axis, train
// and test accuracy per epoch on the right axis (0–100 %), epochs along the bottom. No library; the legend is HTML.

export const COLORS = { loss: '#1f5fbf', train: '#a64d00', test: '#1b7a3a', grid: '#d5d8de', text: '#3b4250' };
const PAD = { left: 46, right: 50, top: 12, bottom: 30 };
const SMOOTH = 0.1; // weight of each new batch in the smoothed loss

export class TrainingChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.reset(10, 1);
  }

  /** Clears the chart for a run of `epochs` epochs of `batches` batches each. */
  reset(epochs, batches) {
    Object.assign(this, { epochs, batches, raw: [], smooth: [], train: [], test: [] });
    this.draw();
  }

  /** Appends batch losses, in order. */
  addLosses(losses) {
    for (const l of losses) {
      const prev = this.smooth.length ? this.smooth[this.smooth.length - 1] : l;
      this.raw.push(l);
      this.smooth.push(prev + SMOOTH * (l - prev));
    }
  }

  /** Records the accuracies at the end of epoch `epoch` (0-based). */
  addEpoch(epoch, trainAccuracy, testAccuracy) {
    this.train.push([epoch + 1, trainAccuracy]);
    this.test.push([epoch + 1, testAccuracy]);
  }

  draw() {
    const c = this.canvas, dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || 560, h = c.clientHeight || 280;
    if (c.width !== Math.round(w * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const x0 = PAD.left, x1 = w - PAD.right, y0 = h - PAD.bottom, y1 = PAD.top;
    // Four loss intervals of a multiple of 0.25, covering the early losses (later ones are smaller).
    const lossMax = 4 * Math.max(0.25, Math.ceil((Math.max(0, ...this.raw.slice(0, 50)) / 4) * 4) / 4);
    const X = (epoch) => x0 + (x1 - x0) * (epoch / this.epochs);
    const YL = (loss) => y0 - (y0 - y1) * Math.min(loss / lossMax, 1);
    const YA = (acc) => y0 - (y0 - y1) * acc;

    g.font = '12px system-ui, sans-serif';
    g.lineWidth = 1;
    g.strokeStyle = COLORS.grid; g.fillStyle = COLORS.text;
    for (let i = 0; i <= 4; i++) { // horizontal grid: loss ticks left, accuracy ticks right
      const y = y0 - ((y0 - y1) * i) / 4;
      line(g, [[x0, y], [x1, y]]);
      g.textAlign = 'right'; g.textBaseline = 'middle';
      g.fillText(((lossMax * i) / 4).toFixed(2), x0 - 6, y);
      g.textAlign = 'left';
      g.fillText(`${25 * i} %`, x1 + 6, y);
    }
    const step = Math.ceil(this.epochs / 10);
    g.textAlign = 'center'; g.textBaseline = 'top';
    for (let e = 0; e <= this.epochs; e += step) g.fillText(String(e), X(e), y0 + 6);
    g.fillText('epoch', (x0 + x1) / 2, y0 + 17);

    const perBatch = (values, i) => [X((i + 1) / this.batches), YL(values[i])];
    g.strokeStyle = COLORS.loss;
    g.globalAlpha = 0.25;
    line(g, this.raw.map((_, i) => perBatch(this.raw, i)));
    g.globalAlpha = 1; g.lineWidth = 2;
    line(g, this.smooth.map((_, i) => perBatch(this.smooth, i)));
    g.strokeStyle = COLORS.train; g.setLineDash([6, 4]);
    line(g, this.train.map(([e, a]) => [X(e), YA(a)]));
    g.setLineDash([]); g.fillStyle = COLORS.train;
    for (const [e, a] of this.train) g.fillRect(X(e) - 3, YA(a) - 3, 6, 6);
    g.strokeStyle = COLORS.test; g.fillStyle = COLORS.test;
    line(g, this.test.map(([e, a]) => [X(e), YA(a)]));
    for (const [e, a] of this.test) { g.beginPath(); g.arc(X(e), YA(a), 3.5, 0, 2 * Math.PI); g.fill(); }
  }
}

function line(g, points) {
  if (points.length < 2) return;
  g.beginPath();
  points.forEach(([x, y], i) => (i ? g.lineTo(x, y) : g.moveTo(x, y)));
  g.stroke();
}
