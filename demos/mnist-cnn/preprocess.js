// Turns a drawing into an MNIST-like input: the ink's bounding box scaled to fit 20x20
// (keeping the aspect ratio), placed in 28x28 so that its centre of mass is at the centre.
export function preprocessDrawing(canvas) {
  const { width, height } = canvas;
  const source = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (source[(y * width + x) * 4] < 128) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const scale = 20 / Math.max(w, h);
  const small = new OffscreenCanvas(28, 28);
  const ctx = small.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 28, 28);
  ctx.imageSmoothingQuality = 'high';
  const sw = w * scale, sh = h * scale;
  ctx.drawImage(canvas, x0, y0, w, h, (28 - sw) / 2, (28 - sh) / 2, sw, sh);
  const pixels = ctx.getImageData(0, 0, 28, 28).data;
  const ink = new Float32Array(784);
  let mass = 0, cx = 0, cy = 0;
  for (let i = 0; i < 784; i++) {
    ink[i] = 1 - pixels[i * 4] / 255;
    mass += ink[i];
    cx += ink[i] * (i % 28);
    cy += ink[i] * Math.floor(i / 28);
  }
  const dx = Math.round(13.5 - cx / mass), dy = Math.round(13.5 - cy / mass);
  const centred = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx, sy = y - dy;
      if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) centred[y * 28 + x] = ink[sy * 28 + sx];
    }
  }
  return centred;
}
