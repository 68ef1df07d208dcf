// MNIST page: controls, live charts, the drawing pad and test-set views. All engine work
// happens in worker.js; this file only draws and forwards.
import { WorkerHost } from '../../web/worker-host.js';
import { LineChart, drawBars, drawHeatmap, drawImageGrid } from '../shared/charts.js';
import { downloadModelFiles, readChosenModelFiles } from '../shared/model-files.js';
import { RunRecord, drawHistory, findInterruptedRun } from '../shared/resume.js';
import { ARCHITECTURES } from './architectures.js';
import { preprocessDrawing } from './preprocess.js';

const $ = (id) => document.getElementById(id);
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
let host = null;  // the training worker; replaced when it dies (startWorker)
const lossChart = new LineChart($('loss-chart'), { title: 'loss', xLabel: 'epoch' });
const accChart = new LineChart($('acc-chart'), { title: 'accuracy', yMax: 1, xLabel: 'epoch' });
const state = { training: false, paused: false, hasModel: false, epochsDone: 0 };
window.mnistDemo = state;  // read by the browser test
// The run in progress (architecture and settings), so a reloaded tab can rebuild it and
// resume from the worker's indexeddb backup.
const RUN = new RunRecord('simdnn/mnist-demo/run');

function status(text) { $('status').textContent = text; }

function showReport({ report, filters, summary }) {
  if (summary) $('summary').textContent = summary;
  if (report) {
    state.testAccuracy = report.accuracy;
    $('test-accuracy').textContent = `Test accuracy: ${(report.accuracy * 100).toFixed(2)}% on 2,000 held-out digits`;
    drawHeatmap($('confusion'), report.confusion, DIGITS);
    drawImageGrid($('samples'), report.samples.map((s) => s.pixels), 28, 10, {
      captions: report.samples.map((s) => `${s.predicted}${s.predicted === s.label ? '' : ` (${s.label})`}`),
      marks: report.samples.map((s) => (s.predicted === s.label ? '' : '#c62828')),
    });
  }
  if (filters === null) {
    const canvas = $('filters');
    canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
  } else if (filters) {
    const [kh, kw, , count] = filters.shape;
    const images = [];
    for (let f = 0; f < count; f++) {
      const px = [];
      for (let i = 0; i < kh * kw; i++) px.push(filters.values[i * count + f]);
      const lo = Math.min(...px), hi = Math.max(...px);
      images.push(px.map((v) => (v - lo) / (hi - lo || 1)));
    }
    drawImageGrid($('filters'), images, kh, Math.max(count, 8));
  }
  classifyDrawing();
}

function setButtons() {
  $('train').disabled = state.training;
  $('pause').disabled = !state.training;
  $('pause').textContent = state.paused ? 'Resume' : 'Pause';
  for (const id of ['reset', 'pretrained', 'architecture', 'export', 'import']) $(id).disabled = state.training;
}

async function build() {
  if (!$('resume-training').hidden) {
    // A new model replaces the interrupted run: its backup would not fit.
    $('resume-training').hidden = true;
    RUN.forget();
    await host.call('discardBackup');
  }
  status('Building the model…');
  lossChart.clear();
  accChart.clear();
  const { summary, params } = await host.call('build', { architecture: $('architecture').value });
  state.hasModel = true;
  state.epochsDone = 0;
  $('summary').textContent = summary;
  status(`Ready: ${params.toLocaleString()} parameters. Press Train.`);
}

async function train(resume = null) {
  state.training = true;
  $('resume-training').hidden = true;
  setButtons();
  const epochs = Number($('epochs').value), batchSize = Number($('batch').value), learningRate = Number($('lr').value);
  try {
    if (!state.hasModel) await build();
    status(resume ? `Resuming after epoch ${resume.epochsDone} of ${resume.totalEpochs}…` : 'Training…');
    const run = resume ?? { architecture: $('architecture').value, totalEpochs: state.epochsDone + epochs, batchSize, learningRate };
    RUN.remember(run);
    const result = await host.call('train', resume
      ? { totalEpochs: run.totalEpochs, batchSize: run.batchSize, learningRate: run.learningRate }
      : { epochs, batchSize, learningRate });
    RUN.forget();
    state.epochsDone = result.epochsDone;
    state.historyEpochs = result.historyEpochs;
    status(result.stopped ? `Stopped after ${result.epochsDone} epochs.` : `Trained ${result.epochsDone} epochs.`);
  } catch (error) {
    if (error.workerDied) {
      await recoverFromDeadWorker(error.message);
      return;
    }
    status(`Training failed: ${error.message}`);
  } finally {
    state.training = false;
    state.paused = false;
    setButtons();
  }
}

// The worker crashed or was killed mid-training (out of memory, a browser that reclaims it):
// say so, start a new one and offer the last completed epoch from the indexeddb backup, as
// after a reload. What was trained up to that epoch is not lost.
async function recoverFromDeadWorker(reason) {
  state.workerRestarts = (state.workerRestarts ?? 0) + 1;
  state.hasModel = false;
  startWorker();
  const prefix = `The training worker stopped (${reason}). `;
  await offerResume(prefix);
  if ($('resume-training').hidden) {
    await build();
    status(`${prefix}No epoch had finished yet; press Train to start again.`);
  }
}

function startWorker() {
  host?.terminate();
  host = new WorkerHost(new URL('./worker.js', import.meta.url));
  state.host = host;  // the browser test kills it to check the recovery
  host.on('batch', ({ batch, batchesPerEpoch, loss, accuracy, samplesPerSecond }) => {
    const x = state.epochsDone + (batch + 1) / batchesPerEpoch;
    lossChart.push('train (batch)', x, loss);
    accChart.push('train (batch)', x, accuracy);
    $('progress').value = (batch + 1) / batchesPerEpoch;
    $('throughput').textContent = `${Math.round(samplesPerSecond).toLocaleString()} samples/s · batch ${batch + 1}/${batchesPerEpoch}`;
  });
  host.on('epoch', ({ epoch, logs, report, filters }) => {
    state.epochsDone = epoch + 1;
    lossChart.push('validation', epoch + 1, logs.val_loss);
    accChart.push('validation', epoch + 1, logs.val_accuracy);
    status(`Epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, val accuracy ${(logs.val_accuracy * 100).toFixed(2)}%`);
    showReport({ report, filters });
  });
  host.on('error', ({ message }) => status(message));
}

// An interrupted run (tab closed or reloaded mid-training): rebuild its architecture, redraw
// its history and offer to continue from the last completed epoch.
async function offerResume(prefix = '') {
  const found = await findInterruptedRun(host, RUN);
  if (!found) return;
  const { run, backup } = found;
  $('architecture').value = run.architecture;
  await build();
  drawHistory(backup.history, [[lossChart, 'train (batch)', 'loss'], [accChart, 'train (batch)', 'accuracy'],
    [lossChart, 'validation', 'val_loss'], [accChart, 'validation', 'val_accuracy']]);
  state.restoredHistory = backup.history;
  state.epochsDone = backup.epoch + 1;
  const resume = { ...run, epochsDone: backup.epoch + 1 };
  $('epochs').value = String(run.totalEpochs - resume.epochsDone);  // what Resume will still train
  $('resume-training').hidden = false;
  $('resume-training').onclick = () => train(resume);
  status(`${prefix}Interrupted training found: ${resume.epochsDone} of ${run.totalEpochs} epochs done. Press Resume training.`);
}

// Drawing pad (mouse, pen and touch through pointer events).
const pad = $('draw');
const pctx = pad.getContext('2d');
let drawing = false, last = null, pendingClassify = null;
function clearPad() {
  pctx.fillStyle = '#fff';
  pctx.fillRect(0, 0, pad.width, pad.height);
  $('guess').textContent = '–';
  drawBars($('probabilities'), new Array(10).fill(0), DIGITS);
  $('preview').getContext('2d').clearRect(0, 0, 84, 84);
}
function point(event) {
  const r = pad.getBoundingClientRect();
  return [(event.clientX - r.left) * (pad.width / r.width), (event.clientY - r.top) * (pad.height / r.height)];
}
pad.addEventListener('pointerdown', (e) => { drawing = true; last = point(e); pad.setPointerCapture(e.pointerId); });
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  const p = point(e);
  pctx.strokeStyle = '#000';
  pctx.lineWidth = 20;
  pctx.lineCap = 'round';
  pctx.beginPath();
  pctx.moveTo(...last);
  pctx.lineTo(...p);
  pctx.stroke();
  last = p;
  if (!pendingClassify) pendingClassify = setTimeout(() => { pendingClassify = null; classifyDrawing(); }, 80);
});
pad.addEventListener('pointerup', () => { drawing = false; classifyDrawing(); });
$('clear').addEventListener('click', clearPad);

async function classifyDrawing() {
  if (!state.hasModel) return;
  const pixels = preprocessDrawing(pad);
  if (!pixels) return;
  const preview = $('preview').getContext('2d');
  const img = preview.createImageData(28, 28);
  pixels.forEach((v, i) => img.data.set([255 - v * 255, 255 - v * 255, 255 - v * 255, 255], i * 4));
  const tmp = new OffscreenCanvas(28, 28);
  tmp.getContext('2d').putImageData(img, 0, 0);
  preview.imageSmoothingEnabled = false;
  preview.drawImage(tmp, 0, 0, 84, 84);
  try {
    const { probabilities, featureMaps } = await host.call('classify', { pixels: Array.from(pixels) });
    drawFeatureMaps(featureMaps);
    const best = probabilities.indexOf(Math.max(...probabilities));
    $('guess').textContent = `${best} (${Math.round(probabilities[best] * 100)}%)`;
    drawBars($('probabilities'), probabilities, DIGITS, best);
    state.lastPrediction = { best, probabilities };
  } catch (error) {
    status(error.message);
  }
}

function drawFeatureMaps(maps) {
  const canvas = $('feature-maps');
  if (!maps) {
    canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
    return;
  }
  const [h, w, channels] = maps.shape;
  const images = [];
  for (let c = 0; c < channels; c++) {
    const px = new Float32Array(h * w);
    for (let i = 0; i < h * w; i++) px[i] = maps.values[i * channels + c];
    const hi = Math.max(...px) || 1;
    images.push(px.map((v) => Math.max(0, v) / hi));
  }
  drawImageGrid(canvas, images, h, Math.max(channels, 6));
}

// Controls.
for (const [key, { label }] of Object.entries(ARCHITECTURES)) {
  $('architecture').add(new Option(label, key));
}
$('architecture').addEventListener('change', () => build().catch((e) => status(e.message)));
$('train').addEventListener('click', () => train());
$('pause').addEventListener('click', async () => {
  state.paused = !state.paused;
  setButtons();
  await host.call(state.paused ? 'pause' : 'resume');
  status(state.paused ? 'Paused.' : 'Training…');
});
$('reset').addEventListener('click', () => build().catch((e) => status(e.message)));
$('pretrained').addEventListener('click', async () => {
  status('Loading pretrained LeNet-5…');
  try {
    const result = await host.call('loadPretrained');
    state.hasModel = true;
    showReport(result);
    status('Pretrained LeNet-5 loaded: draw a digit.');
  } catch (error) {
    status(`Could not load the pretrained model: ${error.message}`);
  }
});
$('export').addEventListener('click', async () => {
  try {
    await downloadModelFiles(await host.call('exportModel'), 'mnist-model');
    status('Exported mnist-model.json and mnist-model.weights.bin.');
  } catch (error) {
    status(error.message);
  }
});
$('import').addEventListener('change', async (event) => {
  try {
    const { modelJson, weights, name } = await readChosenModelFiles(event.target.files);
    const result = await host.call('importModel', { modelJson, weights }, [weights]);
    state.hasModel = true;
    showReport(result);
    status(`Imported ${name}.`);
  } catch (error) {
    status(`Import failed: ${error.message}`);
  }
});

clearPad();
setButtons();
startWorker();
build().then(offerResume).catch((e) => status(`Could not build the model: ${e.message}`));
