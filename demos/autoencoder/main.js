// Autoencoder page: controls, the latent scatter with hover-to-decode, the manifold, the
// reconstruction strip, loss charts and the linear 3-D autoencoder beside PCA. All engine work
// happens in worker.js; this file only draws and forwards.
import { WorkerHost } from '../../web/worker-host.js';
import { CLASS_COLORS, LineChart, drawImageGrid, drawScatter } from '../shared/charts.js';
import { IMAGE_SETS } from '../shared/image-data.js';
import { AUTOENCODERS } from './architectures.js';

const $ = (id) => document.getElementById(id);
const PIXELS = 28 * 28;
const host = new WorkerHost(new URL('./worker.js', import.meta.url));
const lossChart = new LineChart($('loss-chart'), { title: 'loss (reconstruction + KL for a VAE)', xLabel: 'epoch' });
const termsChart = new LineChart($('terms-chart'), { title: 'VAE terms: reconstruction vs KL (weighted)', xLabel: 'epoch' });
// Read by the browser test.
const state = { ready: false, training: false, paused: false, epochsDone: 0, scatterPoints: 0, scatterUpdates: 0, lastDecode: null, linearEpoch: 0 };
window.aeDemo = state;
let view = { labels: [], classes: [], extent: [-1, 1, -1, 1], toData: null };

function status(text) { $('status').textContent = text; }

function setButtons() {
  $('train').disabled = state.training || !state.ready;
  $('pause').disabled = !state.training;
  $('pause').textContent = state.paused ? 'Resume' : 'Pause';
  for (const id of ['reset', 'dataset', 'architecture', 'denoise', 'lr']) $(id).disabled = state.training;
}

const images = (pixels) => Array.from({ length: pixels.length / PIXELS }, (_, i) => pixels.subarray(i * PIXELS, (i + 1) * PIXELS));

function showCodes({ codes, extent }) {
  view.extent = extent;
  const colors = view.labels.map((label) => CLASS_COLORS[label]);
  view.toData = drawScatter($('scatter'), codes, colors, extent, { legend: view.classes.map((c, i) => [c, CLASS_COLORS[i]]) });
  state.scatterPoints = codes.length / 2;
  state.scatterUpdates++;
  $('scatter-info').textContent = `${state.scatterPoints.toLocaleString()} test images; plane shown: ` +
    `z0 ${extent[0].toFixed(1)}…${extent[1].toFixed(1)}, z1 ${extent[2].toFixed(1)}…${extent[3].toFixed(1)}`;
}

function showLatentReport(report) {
  showCodes(report);
  drawImageGrid($('manifold'), images(report.manifold.pixels), 28, report.manifold.side);
  drawImageGrid($('strip'), [...images(report.strip.inputs), ...images(report.strip.outputs)], 28, report.strip.count);
}

async function setup() {
  state.ready = false;
  setButtons();
  status('Loading images and building the model…');
  lossChart.clear();
  termsChart.clear();
  const spec = AUTOENCODERS[$('architecture').value];
  $('terms-chart').hidden = spec.kind !== 'vae';
  const result = await host.call('setup', { dataset: $('dataset').value, architecture: $('architecture').value,
    denoise: $('denoise').checked, learningRate: Number($('lr').value), seed: 1 });
  view.labels = result.labels;
  view.classes = result.classes;
  state.epochsDone = 0;
  $('summary').textContent = result.summary;
  showLatentReport(result);
  state.ready = true;
  setButtons();
  status(`Ready: ${result.params.toLocaleString()} parameters, ${result.trainCount.toLocaleString()} training images. Press Train.`);
}

async function train() {
  state.training = true;
  setButtons();
  status('Training…');
  try {
    const result = await host.call('train', { epochs: Number($('epochs').value), batchSize: Number($('batch').value) });
    state.epochsDone = result.epochsDone;
    status(result.stopped ? `Stopped after ${result.epochsDone} epochs.` : `Trained ${result.epochsDone} epochs.`);
  } catch (error) {
    status(`Training failed: ${error.message}`);
  } finally {
    state.training = false;
    state.paused = false;
    setButtons();
  }
}

host.on('batch', ({ epoch, batch, batchesPerEpoch, logs, samplesPerSecond }) => {
  const x = epoch + (batch + 1) / batchesPerEpoch;
  lossChart.push('train (batch)', x, logs.loss);
  if (logs.kl_loss !== undefined) {
    termsChart.push('reconstruction', x, logs.loss - logs.kl_loss);
    termsChart.push('KL', x, logs.kl_loss);
    state.lastKl = logs.kl_loss;
  }
  $('progress').value = (batch + 1) / batchesPerEpoch;
  $('speed').textContent = `${Math.round(samplesPerSecond).toLocaleString()} samples/s · batch ${batch + 1}/${batchesPerEpoch}`;
});
host.on('codes', showCodes);
host.on('epoch', (report) => {
  state.epochsDone = report.epoch + 1;
  lossChart.push('validation', report.epoch + 1, report.logs.val_loss);
  status(`Epoch ${report.epoch + 1}: loss ${report.logs.loss.toFixed(4)}, validation loss ${report.logs.val_loss.toFixed(4)}`);
  showLatentReport(report);
});
host.on('paused', (paused) => { state.paused = paused; setButtons(); });
host.on('error', ({ message }) => status(message));

// Hover or drag over the plane: decode the point under the pointer. One request in flight;
// the latest position wins.
let wanted = null, decoding = false;
async function decodeWanted() {
  if (decoding || !wanted || !state.ready) return;
  decoding = true;
  const point = wanted;
  wanted = null;
  try {
    const { pixels } = await host.call('decode', { points: [point] });
    drawImageGrid($('decoded'), [pixels], 28, 1);
    state.lastDecode = { point, ink: pixels.reduce((a, b) => a + b, 0) / PIXELS, pixels: Array.from(pixels) };
    $('decoded-at').textContent = `z = (${point[0].toFixed(2)}, ${point[1].toFixed(2)})`;
  } catch (error) {
    status(error.message);
  } finally {
    decoding = false;
    if (wanted) decodeWanted();
  }
}
$('scatter').addEventListener('pointermove', (event) => {
  if (!view.toData) return;
  const r = $('scatter').getBoundingClientRect();
  wanted = view.toData(event.clientX - r.left, event.clientY - r.top);
  decodeWanted();
});

// The linear autoencoder beside PCA, both coloured along the generating curve.
let linear = null;
function curveColors(angles) {
  const lo = Math.min(...angles), hi = Math.max(...angles);
  return angles.map((a) => `hsl(${Math.round(280 * (a - lo) / (hi - lo))}, 70%, 45%)`);
}
function extentAround(points) {
  let m = 1e-6;
  for (const v of points) m = Math.max(m, Math.abs(v));
  return [-m * 1.1, m * 1.1, -m * 1.1, m * 1.1];
}
host.on('linear', ({ cloud, pca, codes, epoch, loss }) => {
  if (cloud) {
    linear = { colors: curveColors(cloud.angles) };
    drawScatter($('linear-pca'), pca.projected, linear.colors, extentAround(pca.projected), { radius: 2.2 });
  }
  if (codes) drawScatter($('linear-codes'), codes, linear.colors, extentAround(codes), { radius: 2.2 });
  state.linearEpoch = epoch;
  $('linear-info').textContent = epoch ? `epoch ${epoch}, MSE ${loss.toFixed(4)}` : '';
});
$('linear-run').addEventListener('click', async () => {
  $('linear-run').disabled = true;
  try {
    await host.call('linearRun', { epochs: 40 });
  } catch (error) {
    $('linear-info').textContent = error.message;
  } finally {
    $('linear-run').disabled = false;
  }
});

for (const [key, spec] of Object.entries(IMAGE_SETS)) $('dataset').add(new Option(spec.label, key));
for (const [key, spec] of Object.entries(AUTOENCODERS)) $('architecture').add(new Option(spec.label, key));
for (const id of ['dataset', 'architecture', 'denoise']) $(id).addEventListener('change', () => setup().catch((e) => status(e.message)));
$('train').addEventListener('click', train);
$('pause').addEventListener('click', () => host.call(state.paused ? 'resume' : 'pause'));
$('reset').addEventListener('click', () => setup().catch((e) => status(e.message)));
setup().catch((e) => status(e.message));
