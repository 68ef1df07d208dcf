// Starts the training worker and charts the loss per epoch; #result[data-status] is what the
// test waits on.
const result = document.querySelector('#result');
const canvas = document.querySelector('#chart');
const ctx = canvas.getContext('2d');
const losses = [];

function draw() {
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(0.5, 0.5, canvas.width - 1, canvas.height - 1);
  if (losses.length < 2) return;
  const max = Math.max(...losses);
  ctx.strokeStyle = '#1565c0';
  ctx.lineWidth = 2;
  ctx.beginPath();
  losses.forEach((l, i) => {
    const px = 10 + (i / 59) * (canvas.width - 20);
    const py = canvas.height - 10 - (l / max) * (canvas.height - 20);
    if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
  });
  ctx.stroke();
}

const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => {
  if (data.type === 'epoch') {
    losses.push(data.logs.loss);
    result.textContent = `epoch ${data.epoch + 1}: loss ${data.logs.loss.toFixed(4)}, accuracy ${data.logs.accuracy.toFixed(3)}`;
    draw();
    return;
  }
  window.workerReport = { ...data, epochsSeen: losses.length };
  if (data.ok) {
    result.dataset.status = 'ok';
    result.textContent = `simdnn ${data.version}: trained in a module worker, final loss ${data.finalLoss.toFixed(4)}, ` +
      `accuracy ${(data.finalAccuracy * 100).toFixed(1)}%`;
    document.querySelector('#summary').textContent = data.summary;
  } else {
    console.error(`worker failed: ${data.error}`);
    result.dataset.status = 'error';
    result.textContent = `worker failed: ${data.error}`;
  }
};
worker.onerror = (event) => {
  console.error(`worker error: ${event.message}`);
  result.dataset.status = 'error';
  result.textContent = `worker error: ${event.message}`;
};
