// GAN page: controls, the fixed-noise sample grid, loss and D-output charts, the latent walk
// and the filmstrip. All engine work happens in worker.js; this file only draws and forwards.
import { WorkerHost } from '../../web/worker-host.js';
import { LineChart, drawImageGrid } from '../shared/charts.js';
import { IMAGE_SETS } from '../shared/image-data.js';
import { downloadModelFiles, readChosenModelFiles } from '../shared/model-files.js';
import { GAN_ARCHITECTURES } from './architectures.js';
import { keepFrame } from './film.js';

const $ = (id) => document.getElementById(id);
const PIXELS = 28 * 28;
const host = new WorkerHost(new URL('./worker.js', import.meta.url));
const lossChart = new LineChart($('loss-chart'), { title: 'loss (binary cross-entropy)', xLabel: 'step' });
const dChart = new LineChart($('d-chart'), { title: 'mean D output: real D(x) vs fake D(G(z))', yMin: 0, yMax: 1, xLabel: 'step' });
// Read by the browser test: the latest samples and stats, and the history of sample statistics.
const state = { ready: false, training: false, paused: false, step: 0, sampleHistory: [], samples: null, walkFrames: 0,
  checkpointStep: null, restoredStep: null, stepLog: [] };
window.ganDemo = state;
const film = [];  // snapshots of the sample grid over training, for the filmstrip

function status(text) { $('status').textContent = text; }

function setButtons() {
  $('start').disabled = state.training || !state.ready;
  $('pause').disabled = !state.training;
  $('pause').textContent = state.paused ? 'Resume' : 'Pause';
  for (const id of ['reset', 'dataset', 'architecture', 'lr', 'smoothing', 'batch', 'import']) $(id).disabled = state.training;
  $('export').disabled = !state.ready || (state.training && !state.paused);
  $('filmstrip').disabled = film.length === 0;
}

function split(pixels, count) {
  return Array.from({ length: count }, (_, i) => pixels.subarray(i * PIXELS, (i + 1) * PIXELS));
}

// keep: add the grid to the filmstrip (not when it is a restored run's last frame again).
function showSamples(samples, keep = true) {
  const images = split(samples.pixels, samples.pixels.length / PIXELS);
  drawImageGrid($('samples'), images, 28, 8);
  state.samples = { step: samples.step, meanInk: samples.meanInk, first: Array.from(images[0]) };
  state.sampleHistory.push({ step: samples.step, meanInk: samples.meanInk });
  $('sample-info').textContent = `Step ${samples.step}: mean ink ${samples.meanInk.toFixed(3)} ` +
    `(the training images: ${samples.dataMeanInk.toFixed(3)})`;
  if (keep) keepFrame(film, { step: samples.step, images: images.map((im) => Float32Array.from(im)) });
  $('filmstrip-info').textContent = `${film.length} snapshot${film.length === 1 ? '' : 's'}`;
  setButtons();
}

// The latent walk: the strip shows the whole leg; the big canvas animates along it.
let walk = { frames: [], index: 0 };
function showStrip(strip) {
  walk = { frames: split(strip.pixels, strip.frames), index: 0 };
  drawImageGrid($('strip'), walk.frames, 28, strip.frames);
}
let lastFrameTime = 0, fetchingLeg = false;
function animateWalk(time) {
  requestAnimationFrame(animateWalk);
  if (!walk.frames.length || time - lastFrameTime < 120) return;
  lastFrameTime = time;
  drawImageGrid($('walk'), [walk.frames[walk.index]], 28, 1);
  state.walkFrames++;
  walk.index++;
  if (walk.index >= walk.frames.length) {
    walk.index = walk.frames.length - 1;
    if (!fetchingLeg && state.ready) {
      fetchingLeg = true;
      host.call('nextInterpolation').then(showStrip).catch((e) => status(e.message)).finally(() => { fetchingLeg = false; });
    }
  }
}
requestAnimationFrame(animateWalk);

function pushStats({ step, dLoss, gLoss, dReal, dFake }) {
  state.stepLog.push({ step, dLoss, gLoss, dReal, dFake });
  lossChart.push('D loss', step, dLoss);
  lossChart.push('G loss', step, gLoss);
  dChart.push('D(x)', step, dReal);
  dChart.push('D(G(z))', step, dFake);
}

// restore: rebuild the checkpointed run (the worker has its settings) and redraw its charts,
// filmstrip and samples; imported: a new run with an exported generator ({modelJson,
// weights}); otherwise a new GAN from the controls. A new run discards the old checkpoint.
async function setup(restore = false, imported = null) {
  state.ready = false;
  $('resume-training').hidden = true;
  setButtons();
  status(restore ? 'Restoring the interrupted run…' : 'Loading images and building the GAN…');
  lossChart.clear();
  dChart.clear();
  film.length = 0;
  state.sampleHistory = [];
  state.stepLog = [];
  state.step = 0;
  const result = imported ? await host.call('importGenerator', imported, [imported.weights]) : await host.call('setup', { restore,
    dataset: $('dataset').value, architecture: $('architecture').value,
    learningRate: Number($('lr').value), labelSmoothing: Number($('smoothing').value), seed: 1,
  });
  $('summary').textContent = `${result.generator}\n${result.discriminator}`;
  const { dataset, architecture, learningRate, labelSmoothing } = result.settings;
  $('dataset').value = dataset;
  $('architecture').value = architecture;
  $('lr').value = String(learningRate);
  $('smoothing').value = String(labelSmoothing);
  const { restored } = result;
  if (restored) {
    $('batch').value = String(restored.batchSize);
    const h = restored.history;
    h.step.forEach((step, i) => pushStats({ step, dLoss: h.dLoss[i], gLoss: h.gLoss[i], dReal: h.dReal[i], dFake: h.dFake[i] }));
    for (const frame of restored.film) film.push({ step: frame.step, images: split(frame.pixels, frame.pixels.length / PIXELS) });
    state.step = restored.step;
    state.restoredStep = restored.step;
    state.checkpointStep = restored.step;
    state.restoredHistory = h;
  }
  showSamples(result.samples, !restored);
  showStrip(result.strip);
  state.ready = true;
  setButtons();
  if (restored) {
    $('resume-training').hidden = false;
    status(`Interrupted training found: checkpoint at step ${restored.step}. Press Resume training.`);
  } else if (imported) {
    status(`Imported ${imported.name}: its generator with a fresh discriminator. Press Start to train on.`);
  } else {
    status(`Ready: ${result.params.toLocaleString()} parameters, ${result.images.toLocaleString()} training images. Press Start.`);
  }
}

async function start() {
  state.training = true;
  $('resume-training').hidden = true;
  setButtons();
  status('Training: the generator learns to fool the discriminator…');
  try {
    const { step } = await host.call('train', { batchSize: Number($('batch').value), sampleEvery: 25 });
    status(`Stopped at step ${step}.`);
  } catch (error) {
    status(`Training failed: ${error.message}`);
  } finally {
    state.training = false;
    state.paused = false;
    setButtons();
  }
}

host.on('step', ({ stepsPerSecond, ...stats }) => {
  const { step } = stats;
  state.step = step;
  pushStats(stats);
  $('speed').textContent = `step ${step.toLocaleString()} · ${stepsPerSecond.toFixed(1)} steps/s`;
});
host.on('samples', (samples) => showSamples(samples, samples.film !== false));
host.on('checkpoint', ({ step }) => {
  state.checkpointStep = step;
  $('checkpoint-info').textContent = `Checkpoint saved in this browser at step ${step.toLocaleString()}.`;
});
host.on('paused', (paused) => { state.paused = paused; setButtons(); });
host.on('error', ({ message }) => status(message));

// The filmstrip: every kept snapshot of the grid side by side, one PNG download.
async function saveFilmstrip() {
  const cell = 28, side = 8 * cell, gap = 6;
  const canvas = new OffscreenCanvas(film.length * (side + gap), side + 16);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const image = ctx.createImageData(side, side);
  film.forEach((frame, f) => {
    frame.images.forEach((pixels, i) => {
      const ox = (i % 8) * cell, oy = Math.floor(i / 8) * cell;
      for (let p = 0; p < PIXELS; p++) {
        const v = Math.round(255 * (1 - pixels[p]));
        image.data.set([v, v, v, 255], ((oy + Math.floor(p / cell)) * side + ox + (p % cell)) * 4);
      }
    });
    ctx.putImageData(image, f * (side + gap), 16);
    ctx.fillStyle = '#333';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`step ${frame.step}`, f * (side + gap) + 2, 12);
  });
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `gan-filmstrip-${$('dataset').value}-${$('architecture').value}.png`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

for (const [key, spec] of Object.entries(IMAGE_SETS)) $('dataset').add(new Option(spec.label, key));
for (const [key, spec] of Object.entries(GAN_ARCHITECTURES)) $('architecture').add(new Option(spec.label, key));
$('architecture').addEventListener('change', () => {
  $('lr').value = $('architecture').value === 'dcgan' ? '0.0002' : '0.001';
  setup().catch((e) => status(e.message));
});
$('dataset').addEventListener('change', () => setup().catch((e) => status(e.message)));
$('start').addEventListener('click', start);
$('resume-training').addEventListener('click', start);
$('pause').addEventListener('click', () => host.call(state.paused ? 'resume' : 'pause'));
$('reset').addEventListener('click', () => setup().catch((e) => status(e.message)));
$('filmstrip').addEventListener('click', () => saveFilmstrip().catch((e) => status(e.message)));
$('export').addEventListener('click', async () => {
  try {
    await downloadModelFiles(await host.call('exportGenerator'), 'gan-generator');
    status(`Exported the generator at step ${state.step.toLocaleString()}: gan-generator.json and gan-generator.weights.bin.`);
  } catch (error) {
    status(error.message);
  }
});
$('import').addEventListener('change', async (event) => {
  try {
    await setup(false, await readChosenModelFiles(event.target.files));
  } catch (error) {
    status(`Import failed: ${error.message}`);
    state.ready = true;
    setButtons();
  }
});
// A checkpoint that cannot be restored is dropped (a fresh setup discards it), not retried on
// every visit.
async function begin() {
  if (await host.call('pendingCheckpoint')) {
    try {
      await setup(true);
      return;
    } catch (error) {
      console.warn(`GAN page: dropped a checkpoint that could not be restored: ${error.message}`);
    }
  }
  await setup();
}
begin().catch((e) => status(e.message));
