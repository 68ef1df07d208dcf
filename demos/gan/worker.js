// The GAN page's training worker: owns the engine, the images and the three models; runs GAN
// steps (the engine's ganTrainer: D on real and fake, then G through the frozen D) and streams
// losses, D's outputs, a fixed-noise sample grid and a latent interpolation strip to the page.
import { load } from '../../web/index.js';
import { serveWorker } from '../../web/worker-serve.js';
import { modelFilesWithSettings, settingsOf } from '../shared/backup.js';
import { IMAGE_SETS, imageDataUrl, loadImageSplit } from '../shared/image-data.js';
import { pageStore } from '../shared/page-store.js';
import { GAN_ARCHITECTURES } from './architectures.js';
import { keepFrame } from './film.js';

const engine = load();
const GRID = 64;            // 8 x 8 fixed-noise samples
const STRIP = 10;           // frames of the interpolation strip
const PAGE_IMAGES = 12000;  // Fashion-MNIST has 60,000: a page keeps a fifth (MNIST has 8,000)
let nn = null;
let session = null;
// Checkpoints: every CHECKPOINT_EVERY steps and on pause, the discriminator and the combined
// model (which holds the generator) go to indexeddb:// with their optimizer state, and the
// page store gets the rest: step, the trainer's noise state, the batch order, the charts'
// history and the filmstrip. Two slots alternate and the page-store record, written last,
// names the complete one, so a reload during a write still finds the previous checkpoint.
const CHECKPOINT_EVERY = 200;
const CHECKPOINT_KEY = 'gan-demo/checkpoint';
const slotUrl = (slot, model) => `indexeddb://gan-demo-checkpoint-${slot}/${model}`;

function disposeSession() {
  if (!session) return;
  for (const item of [session.trainer, session.gan, session.generator, session.discriminator, session.fixedNoise,
    ...session.endpoints]) item?.dispose();
  session = null;
}

// Images scaled to the generator's output range, kept as one Float32Array: a step copies its
// batch out of it into one tensor.
async function loadImages(dataset, [lo, hi]) {
  const split = await loadImageSplit(imageDataUrl(dataset), 'train', { limit: PAGE_IMAGES });
  const pixels = new Float32Array(split.images.length);
  const scale = (hi - lo) / 255;
  let sum = 0;
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = lo + split.images[i] * scale;
    sum += split.images[i] / 255;
  }
  return { pixels, count: split.count, meanInk: sum / pixels.length };
}

function toUnit(values, [lo, hi]) {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(1, Math.max(0, (values[i] - lo) / (hi - lo)));
  return out;
}

function generate(noise) {
  const images = session.generator.predict(noise);
  const values = toUnit(images.dataSync(), session.pixelRange);
  images.dispose();
  return values;
}

function sampleReport() {
  const pixels = generate(session.fixedNoise);
  let sum = 0;
  for (const v of pixels) sum += v;
  return { pixels, meanInk: sum / pixels.length, dataMeanInk: session.data.meanInk, step: session.step };
}

// The filmstrip frame of a sample grid, as bytes (a checkpoint holds up to 24 of them).
function keepFilmFrame({ step, pixels }) {
  keepFrame(session.film, { step, bytes: Uint8Array.from(pixels, (v) => Math.round(v * 255)) });
}

async function writeCheckpoint(batchSize) {
  const s = session;
  const slot = s.checkpoint?.slot === 'a' ? 'b' : 'a';
  await s.discriminator.save(slotUrl(slot, 'discriminator'), { includeOptimizer: true });
  await s.gan.save(slotUrl(slot, 'gan'), { includeOptimizer: true });
  s.checkpoint = { slot, step: s.step };
  await pageStore.put(CHECKPOINT_KEY, {
    slot, step: s.step, settings: s.settings, batchSize, noiseState: s.trainer.randomState(),
    batches: { rng: s.rng, cursor: s.cursor, order: s.order ? Int32Array.from(s.order) : null },
    history: s.history, film: s.film,
  });
}

async function saveCheckpoint(batchSize, control) {
  await writeCheckpoint(batchSize);
  control.emit('checkpoint', { step: session.step });
}

async function discardCheckpoint() {
  const record = await pageStore.get(CHECKPOINT_KEY);
  if (!record) return;
  await pageStore.remove(CHECKPOINT_KEY);
  for (const slot of ['a', 'b']) {
    for (const model of ['discriminator', 'gan']) await nn.io.handler(slotUrl(slot, model)).remove();
  }
}

// Puts a checkpoint into the freshly built session: D's and the combined model's weights,
// optimizer and random state (the generator is inside the combined model), the noise state,
// the batch order, the step and what the page draws.
async function restoreCheckpoint(record) {
  const s = session;
  await s.discriminator.loadWeights(slotUrl(record.slot, 'discriminator'));
  await s.gan.loadWeights(slotUrl(record.slot, 'gan'));
  s.trainer.setRandomState(record.noiseState);
  Object.assign(s, { step: record.step, rng: record.batches.rng, cursor: record.batches.cursor,
    order: record.batches.order ? Array.from(record.batches.order) : null, history: record.history, film: record.film,
    checkpoint: { slot: record.slot, step: record.step } });
  return { step: record.step, batchSize: record.batchSize, history: record.history,
    film: record.film.map(({ step, bytes }) => ({ step, pixels: Float32Array.from(bytes, (v) => v / 255) })) };
}

// Noise vectors walked along a straight line from one endpoint to the other.
function interpolationStrip() {
  const [a, b] = session.endpoints.map((t) => t.dataSync());
  const latent = session.latentDim;
  const z = new Float32Array(STRIP * latent);
  for (let f = 0; f < STRIP; f++) {
    const t = f / (STRIP - 1);
    for (let j = 0; j < latent; j++) z[f * latent + j] = a[j] * (1 - t) + b[j] * t;
  }
  const noise = nn.tensor(z, [STRIP, latent]);
  const pixels = generate(noise);
  noise.dispose();
  return { pixels, frames: STRIP };
}

// A seeded shuffle of the image indices per pass, so a run is reproducible.
function nextBatchIndices(batchSize) {
  const s = session;
  if (!s.order || s.cursor + batchSize > s.order.length) {
    s.order = Array.from({ length: s.data.count }, (_, i) => i);
    for (let i = s.order.length - 1; i > 0; i--) {
      s.rng = (Math.imul(s.rng, 1664525) + 1013904223) >>> 0;
      const j = s.rng % (i + 1);
      [s.order[i], s.order[j]] = [s.order[j], s.order[i]];
    }
    s.cursor = 0;
  }
  const indices = s.order.slice(s.cursor, s.cursor + batchSize);
  s.cursor += batchSize;
  return indices;
}

function realBatch(batchSize) {
  const size = 28 * 28;
  const batch = new Float32Array(batchSize * size);
  nextBatchIndices(batchSize).forEach((index, row) => {
    batch.set(session.data.pixels.subarray(index * size, (index + 1) * size), row * size);
  });
  return nn.tensor(batch, [batchSize, 28, 28, 1]);
}

// restore: continue the checkpointed run (built from its own settings); otherwise a new GAN
// from the settings (with generatorFiles: that generator in it), and any checkpoint of an
// earlier run is discarded.
async function setupSession({ restore = false, generatorFiles = null, ...args }) {
  nn ??= await engine;
  const record = restore ? await pageStore.get(CHECKPOINT_KEY) : null;
  if (restore && !record) throw new Error('no checkpoint to restore');
  const { dataset, architecture, learningRate, labelSmoothing, seed = 1 } = record ? record.settings : args;
  const spec = GAN_ARCHITECTURES[architecture];
  if (!spec) throw new Error(`unknown architecture '${architecture}'`);
  if (!IMAGE_SETS[dataset]) throw new Error(`unknown data set '${dataset}'`);
  disposeSession();
  const data = await loadImages(dataset, spec.pixelRange);
  nn.setSeed(seed);
  const models = spec.build(nn, { learningRate });
  session = {
    ...models, data, step: 0, rng: seed >>> 0, cursor: 0, order: null, film: [], checkpoint: null,
    history: { step: [], dLoss: [], gLoss: [], dReal: [], dFake: [] },
    settings: { dataset, architecture, learningRate, labelSmoothing, seed },
    latentDim: spec.latentDim, pixelRange: spec.pixelRange,
    trainer: nn.training.ganTrainer({ ...models, latentDim: spec.latentDim, labelSmoothing, seed }),
    fixedNoise: nn.randomNormal([GRID, spec.latentDim], { seed: seed + 1 }),
    endpoints: [nn.randomNormal([1, spec.latentDim], { seed: seed + 2 }), nn.randomNormal([1, spec.latentDim], { seed: seed + 3 })],
    nextEndpointSeed: seed + 4,
  };
  let restored = null;
  if (record) {
    restored = await restoreCheckpoint(record);
  } else {
    await discardCheckpoint();
    if (generatorFiles) await session.generator.loadWeights(generatorFiles);
    keepFilmFrame(sampleReport());
  }
  return {
    restored, settings: session.settings,
    generator: models.generator.summary(72, undefined, null),
    discriminator: models.discriminator.summary(72, undefined, null),
    params: models.generator.countParams() + models.discriminator.countParams(),
    images: data.count, samples: sampleReport(), strip: interpolationStrip(),
  };
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

serveWorker({
  // The interrupted run's settings and step, or null.
  async pendingCheckpoint() {
    nn ??= await engine;
    const record = await pageStore.get(CHECKPOINT_KEY);
    return record && { settings: record.settings, step: record.step, batchSize: record.batchSize };
  },

  setup: (args) => setupSession(args),

  // The generator's files with the run's settings and step, for a download.
  async exportGenerator() {
    if (!session) throw new Error('set up a GAN first');
    return modelFilesWithSettings(session.generator, { page: 'gan', ...session.settings, step: session.step });
  },

  // files: {modelJson, weights (ArrayBuffer)} from exportGenerator: a new run of the GAN they
  // came from, with that generator and a fresh discriminator.
  async importGenerator({ modelJson, weights }) {
    nn ??= await engine;
    const files = { modelJson, weights: new Uint8Array(weights) };
    const settings = settingsOf(files);
    if (settings?.page !== 'gan') throw new Error('these files were not exported by the GAN page (no GAN settings in model.json)');
    return setupSession({ ...settings, generatorFiles: files });
  },

  // Runs GAN steps until stopped; emits 'step' stats every few steps and new samples every
  // `sampleEvery` steps, yielding to the event loop so pause/stop and the page's reads arrive.
  async train({ batchSize = 64, sampleEvery = 25 }, control) {
    if (!session) throw new Error('set up a GAN first');
    control.resetStop();
    let window = { dLoss: 0, gLoss: 0, dReal: 0, dFake: 0, n: 0 };
    let started = performance.now(), stepsAtStart = session.step;
    try {
      for (;;) {
        const real = realBatch(batchSize);
        let stats;
        try {
          stats = session.trainer.step(real);
        } finally {
          real.dispose();
        }
        session.step++;
        for (const key of ['dLoss', 'gLoss', 'dReal', 'dFake']) window[key] += stats[key];
        window.n++;
        if (window.n === 5) {
          const seconds = (performance.now() - started) / 1000;
          const averaged = { step: session.step, dLoss: window.dLoss / 5, gLoss: window.gLoss / 5,
            dReal: window.dReal / 5, dFake: window.dFake / 5 };
          for (const [key, value] of Object.entries(averaged)) session.history[key].push(value);
          control.emit('step', { ...averaged, stepsPerSecond: (session.step - stepsAtStart) / seconds });
          window = { dLoss: 0, gLoss: 0, dReal: 0, dFake: 0, n: 0 };
        }
        if (session.step % sampleEvery === 0) {
          const samples = sampleReport();
          keepFilmFrame(samples);
          control.emit('samples', samples, [samples.pixels.buffer]);
        }
        if (window.n === 0) {
          if (session.step % CHECKPOINT_EVERY === 0) await saveCheckpoint(batchSize, control);
          await nextTask();  // pause, resume and stop arrive here
          if (control.paused) {
            // A paused tab is the one most likely to be closed: checkpoint where it stopped,
            // and show that step's grid (not a filmstrip frame: those are on schedule).
            if (session.checkpoint?.step !== session.step) await saveCheckpoint(batchSize, control);
            if (session.step % sampleEvery !== 0) {
              const samples = { ...sampleReport(), film: false };
              control.emit('samples', samples, [samples.pixels.buffer]);
            }
          }
          await control.checkpoint();
        }
      }
    } catch (error) {
      if (error.message !== 'stopped') throw error;
    }
    return { step: session.step };
  },

  // The next leg of the latent walk: the old end becomes the start, a new end is drawn.
  nextInterpolation() {
    if (!session) throw new Error('set up a GAN first');
    session.endpoints[0].dispose();
    session.endpoints = [session.endpoints[1], nn.randomNormal([1, session.latentDim], { seed: session.nextEndpointSeed++ })];
    return interpolationStrip();
  },

  samples() {
    if (!session) throw new Error('set up a GAN first');
    return sampleReport();
  },

  async memory() { return (await engine).memory(); },
});
