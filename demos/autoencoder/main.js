// Autoencoder page: controls, the latent scatter with hover-to-decode, the manifold, the
// reconstruction strip, loss charts and the linear 3-D autoencoder beside PCA. All engine work
// happens in worker.js; this file only draws and forwards.
import { WorkerHost } from '../../web/worker-host.js';
import { CLASS_COLORS, LineChart, drawImageGrid, drawScatter } from '../shared/charts.js';
import { IMAGE_SETS } from '../shared/image-data.js';
import { downloadModelFiles, readChosenModelFiles } from '../shared/model-files.js';
import { RunRecord, drawHistory, findInterruptedRun } from '../shared/resume.js';
import { AUTOENCODERS } from './architectures.js';

const $ = (id) => document.getElementById(id);
const PIXELS = 28 * 28;
const host = new WorkerHost(new URL('./worker.js', import.meta.url));
const lossChart = new LineChart($('loss-chart'), { title: 'loss (reconstruction + KL for a VAE)', xLabel: 'epoch' });
const termsChart = new LineChart($('terms-chart'), { title: 'VAE terms: reconstruction vs KL (weighted)', xLabel: 'epoch' });
// Read by the browser test.
const state = { ready: false, training: false, paused: false, epochsDone: 0, scatterPoints: 0, scatterUpdates: 0, lastDecode: null, linearEpoch: 0,
  codesHead: null, epochLogs: [] };
window.aeDemo = state;
let view = { labels: [], classes: [], extent: [-1, 1, -1, 1], toData: null };
// The run in progress (the model's settings and the epoch count to reach), so a reloaded tab
// can rebuild it and resume from the worker's indexeddb backup.
const RUN = new RunRecord('simdnn/autoencoder-demo/run');
let settings = null;  // what the current model was built with (the worker's answer)

function status(text) { $('status').textContent = text; }

function setButtons() {
  $('train').disabled = state.training || !state.ready;
  $('pause').disabled = !state.training;
  $('pause').textContent = state.paused ? 'Resume' : 'Pause';
  for (const id of ['reset', 'dataset', 'architecture', 'denoise', 'lr', 'save-model', 'load-model', 'export', 'import']) {
    $(id).disabled = state.training;
  }
}

const images = (pixels) => Array.from({ length: pixels.length / PIXELS }, (_, i) => pixels.subarray(i * PIXELS, (i + 1) * PIXELS));

function showCodes({ codes, extent }) {
  view.extent = extent;
  const colors = view.labels.map((label) => CLASS_COLORS[label]);
  view.toData = drawScatter($('scatter'), codes, colors, extent, { legend: view.classes.map((c, i) => [c, CLASS_COLORS[i]]) });
  state.scatterPoints = codes.length / 2;
  state.codesHead = Array.from(codes.subarray(0, 16));
  state.scatterUpdates++;
  $('scatter-info').textContent = `${state.scatterPoints.toLocaleString()} test images; plane shown: ` +
    `z0 ${extent[0].toFixed(1)}…${extent[1].toFixed(1)}, z1 ${extent[2].toFixed(1)}…${extent[3].toFixed(1)}`;
}

function showLatentReport(report) {
  showCodes(report);
  drawImageGrid($('manifold'), images(report.manifold.pixels), 28, report.manifold.side);
  drawImageGrid($('strip'), [...images(report.strip.inputs), ...images(report.strip.outputs)], 28, report.strip.count);
}

// The controls show what a model was built with (after a resume or a load).
function showSettings(s) {
  settings = s;
  $('dataset').value = s.dataset;
  $('architecture').value = s.architecture;
  $('denoise').checked = s.denoise;
  $('lr').value = String(s.learningRate);
  $('terms-chart').hidden = AUTOENCODERS[s.architecture].kind !== 'vae';
}

function showModel(result) {
  view.labels = result.labels;
  view.classes = result.classes;
  showSettings(result.settings);
  $('summary').textContent = result.summary;
  showLatentReport(result);
}

async function forgetInterruptedRun() {
  if ($('resume-training').hidden) return;
  // A new model replaces the interrupted run: its backup would not fit.
  $('resume-training').hidden = true;
  RUN.forget();
  await host.call('discardBackup');
}

async function setup() {
  await forgetInterruptedRun();
  state.ready = false;
  setButtons();
  status('Loading images and building the model…');
  lossChart.clear();
  termsChart.clear();
  const result = await host.call('setup', { dataset: $('dataset').value, architecture: $('architecture').value,
    denoise: $('denoise').checked, learningRate: Number($('lr').value), seed: 1 });
  state.epochsDone = 0;
  showModel(result);
  state.ready = true;
  setButtons();
  status(`Ready: ${result.params.toLocaleString()} parameters, ${result.trainCount.toLocaleString()} training images. Press Train.`);
}

// An interrupted run (tab closed or reloaded mid-training): rebuild its model, put the last
// backed-up epoch in, redraw its history and the plane, and offer to continue. True if found.
async function offerResume() {
  const found = await findInterruptedRun(host, RUN);
  if (!found) return false;
  const { run } = found;
  status('Restoring the interrupted run…');
  lossChart.clear();
  termsChart.clear();
  showModel(await host.call('setup', run.settings));
  const restored = await host.call('restoreBackup');
  drawHistory(restored.history, [[lossChart, 'train (batch)', 'loss'], [lossChart, 'validation', 'val_loss'],
    [termsChart, 'KL', 'kl_loss']]);
  // A VAE's terms, as the live chart splits them (an AE has no kl_loss: nothing drawn).
  drawHistory(restored.history.map(({ epoch, logs }) => ({ epoch, logs: { reconstruction: logs.loss - logs.kl_loss } })),
    [[termsChart, 'reconstruction', 'reconstruction']]);
  showLatentReport(restored);
  state.restoredHistory = restored.history;
  state.epochsDone = restored.epoch + 1;
  const resume = { ...run, epochsDone: state.epochsDone };
  $('epochs').value = String(run.totalEpochs - resume.epochsDone);  // what Resume will still train
  $('batch').value = String(run.batchSize);
  $('resume-training').hidden = false;
  $('resume-training').onclick = () => train(resume);
  state.ready = true;
  setButtons();
  status(`Interrupted training found: ${resume.epochsDone} of ${run.totalEpochs} epochs done. Press Resume training.`);
  return true;
}

async function train(resume = null) {
  state.training = true;
  $('resume-training').hidden = true;
  setButtons();
  status(resume ? `Resuming after epoch ${resume.epochsDone} of ${resume.totalEpochs}…` : 'Training…');
  try {
    const epochs = Number($('epochs').value), batchSize = Number($('batch').value);
    const run = resume ?? { settings, batchSize, totalEpochs: state.epochsDone + epochs };
    RUN.remember(run);
    const result = await host.call('train', resume ? { totalEpochs: run.totalEpochs, batchSize: run.batchSize } : { epochs, batchSize });
    RUN.forget();
    state.epochsDone = result.epochsDone;
    state.historyEpochs = result.historyEpochs;
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
// Sent after the epoch's backup is in indexeddb (fit writes it before the epoch's callbacks).
host.on('epoch', (report) => {
  state.epochsDone = report.epoch + 1;
  state.epochLogs.push({ epoch: report.epoch, logs: report.logs });
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
$('train').addEventListener('click', () => train());
$('pause').addEventListener('click', () => host.call(state.paused ? 'resume' : 'pause'));
$('reset').addEventListener('click', () => setup().catch((e) => status(e.message)));

// Save / load the trained model: in this browser (indexeddb) or as files.
async function loaded(result, from) {
  lossChart.clear();
  termsChart.clear();
  state.epochsDone = result.epochsDone;
  showModel(result);
  state.ready = true;
  setButtons();
  status(`Loaded ${from}: ${result.settings.architecture} on ${result.settings.dataset}, trained ${result.epochsDone} epochs.`);
}
async function whileIdle(action) {
  state.ready = false;
  setButtons();
  try {
    await forgetInterruptedRun();
    await action();
  } catch (error) {
    status(error.message);
  } finally {
    state.ready = true;
    setButtons();
  }
}
$('save-model').addEventListener('click', () => whileIdle(async () => {
  const { saved, epochsDone } = await host.call('saveModel', { toBrowser: true });
  status(`Saved the model (${epochsDone} epochs) in this browser at ${saved}.`);
}));
$('load-model').addEventListener('click', () => whileIdle(async () => {
  status('Loading the saved model…');
  await loaded(await host.call('loadModel'), 'the model saved in this browser');
}));
$('export').addEventListener('click', () => whileIdle(async () => {
  await downloadModelFiles(await host.call('saveModel'), 'autoencoder-model');
  status('Exported autoencoder-model.json and autoencoder-model.weights.bin.');
}));
$('import').addEventListener('change', (event) => whileIdle(async () => {
  const { modelJson, weights, name } = await readChosenModelFiles(event.target.files);
  status(`Importing ${name}…`);
  await loaded(await host.call('loadModel', { modelJson, weights }, [weights]), name);
}));

// A run that cannot be restored (its settings no longer build) is dropped, not retried on
// every visit.
async function start() {
  try {
    if (await offerResume()) return;
  } catch (error) {
    RUN.forget();
    await host.call('discardBackup');
    $('resume-training').hidden = true;
    console.warn(`autoencoder page: dropped an interrupted run that could not be restored: ${error.message}`);
  }
  await setup();
}
start().catch((e) => status(e.message));
