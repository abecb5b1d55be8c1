// The drawing pad: white strokes on a black canvas, and its conversion to a 28×28 input framed like Fashion-MNIST
// (the drawing's bounding box scaled so its longer side fills 28 pixels, centred, area-averaged). Also shows a
// 28×28 image (a test image, or what the network sees) on a canvas, pixelated.

export const SIZE = 28;

export class DrawingPad {
  /** canvas: the large drawing surface; onChange() is called as each stroke grows. */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.g = canvas.getContext('2d', { willReadFrequently: true });
    this.brush = 22;
    this.enabled = true;
    this.showing = false; // true while the canvas shows an image rather than the user's drawing
    this.clear();
    let last = null;
    const at = (e) => {
      const r = canvas.getBoundingClientRect();
      return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
    };
    canvas.addEventListener('pointerdown', (e) => {
      if (!this.enabled || e.button !== 0) return;
      if (this.showing) this.clear();
      canvas.setPointerCapture(e.pointerId);
      last = at(e);
      this.segment(last, last);
      onChange();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!last) return;
      const p = at(e);
      this.segment(last, p);
      last = p;
      onChange();
    });
    const end = () => { last = null; };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  segment([ax, ay], [bx, by]) {
    const g = this.g;
    g.strokeStyle = '#fff'; g.lineWidth = this.brush; g.lineCap = 'round'; g.lineJoin = 'round';
    g.beginPath(); g.moveTo(ax, ay); g.lineTo(bx, by); g.stroke();
  }

  clear() {
    this.g.fillStyle = '#000';
    this.g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.showing = false;
  }

  /** Shows a 28×28 image (784 values in [0, 1]) scaled up; the next stroke clears it. */
  show(pixels) {
    showPixels(this.canvas, pixels);
    this.showing = true;
  }

  /** The drawing as 784 values in [0, 1], framed like the dataset; null when nothing is drawn. */
  toInput() {
    const { width: w, height: h } = this.canvas;
    const rgba = this.g.getImageData(0, 0, w, h).data;
    let x0 = w, x1 = -1, y0 = h, y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (rgba[4 * (y * w + x)] > 25) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
      }
    }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1, side = Math.max(bw, bh), s = SIZE / side;
    const dx = (side - bw) / 2, dy = (side - bh) / 2; // centre the shorter side
    const out = new Float32Array(SIZE * SIZE);
    for (let y = y0; y <= y1; y++) {
      const ty = Math.min(SIZE - 1, Math.floor((y - y0 + dy) * s));
      for (let x = x0; x <= x1; x++) {
        const tx = Math.min(SIZE - 1, Math.floor((x - x0 + dx) * s));
        out[ty * SIZE + tx] += rgba[4 * (y * w + x)] / 255;
      }
    }
    const area = s * s; // each source pixel covers s² of a target pixel
    for (let i = 0; i < out.length; i++) out[i] = Math.min(1, out[i] * area);
    return out;
  }
}

/** Paints 784 values in [0, 1] as grey pixels filling `canvas`, without smoothing. */
export function showPixels(canvas, pixels) {
  const small = new OffscreenCanvas(SIZE, SIZE);
  const img = new ImageData(SIZE, SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
    img.data.set([v, v, v, 255], 4 * i);
  }
  small.getContext('2d').putImageData(img, 0, 0);
  const g = canvas.getContext('2d');
  g.imageSmoothingEnabled = false;
  g.drawImage(small, 0, 0, canvas.width, canvas.height);
}
