// Small canvas widgets for the demo pages: a live line chart, probability bars, a heatmap
// and an image grid. Drawing only; numbers come from the worker.
const COLORS = ['#1565c0', '#e65100', '#2e7d32', '#6a1b9a', '#c62828', '#00838f'];

function setupCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  if (canvas.width !== Math.round(width * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

export class LineChart {
  constructor(canvas, { title = '', yMin, yMax, xLabel = '' } = {}) {
    Object.assign(this, { canvas, title, yMin, yMax, xLabel });
    this.series = new Map();
    this._scheduled = false;
  }

  clear() { this.series.clear(); this.draw(); }

  push(name, x, y) {
    if (!Number.isFinite(y)) return;
    if (!this.series.has(name)) this.series.set(name, []);
    this.series.get(name).push([x, y]);
    if (!this._scheduled) {
      this._scheduled = true;
      requestAnimationFrame(() => { this._scheduled = false; this.draw(); });
    }
  }

  draw() {
    const { ctx, width, height } = setupCanvas(this.canvas);
    ctx.clearRect(0, 0, width, height);
    const pad = { l: 44, r: 10, t: 22, b: 22 };
    const all = [...this.series.values()].flat();
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = '#333';
    ctx.fillText(this.title, pad.l, 14);
    if (all.length === 0) return;
    const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
    const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1e-9);
    const y0 = this.yMin ?? Math.min(...ys), y1 = this.yMax ?? Math.max(...ys, y0 + 1e-9);
    const px = (x) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (width - pad.l - pad.r);
    const py = (y) => height - pad.b - ((y - y0) / (y1 - y0 || 1)) * (height - pad.t - pad.b);
    ctx.strokeStyle = '#ccc';
    ctx.strokeRect(pad.l, pad.t, width - pad.l - pad.r, height - pad.t - pad.b);
    ctx.fillStyle = '#666';
    ctx.fillText(y1.toPrecision(3), 2, pad.t + 8);
    ctx.fillText(y0.toPrecision(3), 2, height - pad.b);
    ctx.fillText(this.xLabel, width - pad.r - ctx.measureText(this.xLabel).width, height - 6);
    let i = 0;
    for (const [name, points] of this.series) {
      const color = COLORS[i % COLORS.length];
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      points.forEach(([x, y], k) => (k ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
      ctx.stroke();
      if (points.length === 1) {  // a line needs two points: show a lone one as a dot
        ctx.beginPath();
        ctx.arc(px(points[0][0]), py(points[0][1]), 3, 0, 2 * Math.PI);
        ctx.fillStyle = color;
        ctx.fill();
      }
      ctx.fillStyle = color;
      ctx.fillText(name, pad.l + 8 + i * 110, pad.t + 14);
      i++;
    }
  }
}

export function drawBars(canvas, values, labels, highlight = -1) {
  const { ctx, width, height } = setupCanvas(canvas);
  ctx.clearRect(0, 0, width, height);
  const n = values.length, w = width / n;
  ctx.font = '12px system-ui, sans-serif';
  values.forEach((v, i) => {
    const h = Math.max(0, Math.min(1, v)) * (height - 34);
    ctx.fillStyle = i === highlight ? '#2e7d32' : '#90a4ae';
    ctx.fillRect(i * w + 3, height - 18 - h, w - 6, h);
    ctx.fillStyle = '#333';
    ctx.fillText(labels[i], i * w + w / 2 - 4, height - 4);
    if (v >= 0.01) ctx.fillText(`${Math.round(v * 100)}`, i * w + w / 2 - 8, height - 22 - h);
  });
}

export function drawHeatmap(canvas, matrix, labels) {
  const { ctx, width, height } = setupCanvas(canvas);
  ctx.clearRect(0, 0, width, height);
  const n = matrix.length, pad = 18, cell = Math.min((width - pad) / n, (height - pad) / n);
  const max = Math.max(1, ...matrix.flat());
  ctx.font = '10px system-ui, sans-serif';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = matrix[r][c] / max;
      ctx.fillStyle = r === c ? `rgba(46,125,50,${0.15 + 0.85 * v})` : `rgba(198,40,40,${v > 0 ? 0.1 + 0.9 * v : 0})`;
      ctx.fillRect(pad + c * cell, pad + r * cell, cell - 1, cell - 1);
      if (matrix[r][c] > 0) {
        ctx.fillStyle = v > 0.5 ? '#fff' : '#333';
        ctx.fillText(String(matrix[r][c]), pad + c * cell + 2, pad + r * cell + cell / 2 + 3);
      }
    }
    ctx.fillStyle = '#333';
    ctx.fillText(labels[r], 4, pad + r * cell + cell / 2 + 3);
    ctx.fillText(labels[r], pad + r * cell + cell / 2 - 3, 12);
  }
}

// Draws grayscale images (values 0..1, row-major) in a grid; marks[i] outlines an image.
export function drawImageGrid(canvas, images, side, columns, { captions = [], marks = [] } = {}) {
  const { ctx, width } = setupCanvas(canvas);
  const cell = width / columns;
  const rows = Math.ceil(images.length / columns);
  const captionSpace = captions.length ? 14 : 0;
  ctx.clearRect(0, 0, width, rows * (cell + captionSpace));
  const image = ctx.createImageData(side, side);
  const scratch = new OffscreenCanvas(side, side);
  const sctx = scratch.getContext('2d');
  images.forEach((pixels, i) => {
    for (let p = 0; p < side * side; p++) {
      const v = Math.round(255 * (1 - Math.max(0, Math.min(1, pixels[p]))));
      image.data.set([v, v, v, 255], p * 4);
    }
    sctx.putImageData(image, 0, 0);
    const x = (i % columns) * cell, y = Math.floor(i / columns) * (cell + captionSpace);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(scratch, x + 2, y + 2, cell - 4, cell - 4);
    if (marks[i]) {
      ctx.strokeStyle = marks[i];
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1, y + 1, cell - 2, cell - 2);
    }
    if (captions[i]) {
      ctx.fillStyle = marks[i] || '#333';
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText(captions[i], x + 3, y + cell + 11);
    }
  });
}

// Ten well-separated colours for class-coloured plots.
export const CLASS_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * A scatter plot of 2-d points (flat [x0, y0, x1, y1, ...]) over `extent` [x0, x1, y0, y1]
 * (y up), each point coloured by colors[i]. Returns toData(px, py): canvas CSS pixels -> plot
 * coordinates, for hovering over the plane.
 */
export function drawScatter(canvas, points, colors, extent, { radius = 1.6, legend = null } = {}) {
  const { ctx, width, height } = setupCanvas(canvas);
  const [x0, x1, y0, y1] = extent;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = '#ddd';
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  const px = (x) => ((x - x0) / (x1 - x0)) * width;
  const py = (y) => height - ((y - y0) / (y1 - y0)) * height;
  for (let i = 0; i * 2 < points.length; i++) {
    ctx.fillStyle = colors[i];
    ctx.beginPath();
    ctx.arc(px(points[i * 2]), py(points[i * 2 + 1]), radius, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (legend) {
    ctx.font = '11px system-ui, sans-serif';
    legend.forEach(([label, color], i) => {
      ctx.fillStyle = color;
      ctx.fillRect(6, 6 + i * 14, 9, 9);
      ctx.fillStyle = '#333';
      ctx.fillText(label, 19, 14 + i * 14);
    });
  }
  return (cx, cy) => [x0 + (cx / width) * (x1 - x0), y0 + ((height - cy) / height) * (y1 - y0)];
}
