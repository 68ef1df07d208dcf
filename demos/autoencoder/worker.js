// The autoencoder page's training worker: owns the engine, the images and the models; trains
// an AE or a VAE with a 2-d latent space and streams the test set's codes, reconstructions, a
// manifold of decodings and the loss terms to the page; decodes any latent point on request.
// It also runs the seed's linear 3-D -> 2-D autoencoder beside PCA.
import { load } from '../../web/index.js';
import { serveWorker } from '../../web/worker-serve.js';
import { discardBackup, modelFilesWithSettings, readBackup, settingsOf, backupHandlers } from '../shared/backup.js';
import { IMAGE_SETS, imageDataUrl, imageTensors, loadImageSplit } from '../shared/image-data.js';
import { AUTOENCODERS, buildAutoencoder } from './architectures.js';
import { linearAutoencoder, pcaProjection, pointCloud } from './linear3d.js';

const engine = load();
const PAGE_TRAIN = 12000;  // Fashion-MNIST has 60,000: a page keeps a fifth (MNIST has 8,000)
const PAGE_TEST = 2000;
const STRIP = 10;
const MANIFOLD = 12;
const PIXELS = 28 * 28;
const NOISE_STDDEV = 0.4;
let nn = null;
let session = null;
// Every epoch of a training run is backed up here (model, optimizer and random state,
// history), so a reloaded tab resumes after the last finished epoch; "Save model" keeps a
// trained model under MODEL_URL.
const BACKUP_URL = 'indexeddb://autoencoder-demo-backup';
const MODEL_URL = 'indexeddb://autoencoder-demo-model';
let linear = null;

function disposeSession() {
  if (!session) return;
  for (const item of [session.autoencoder, session.encoder, session.decoder, session.train.x, session.test.x,
    session.stripInput]) item?.dispose();
  session = null;
}

function codes() {
  const out = session.encoder.predict(session.test.x, { batchSize: 500 });
  const values = out.dataSync();
  out.dispose();
  return values;
}

// The plane the page draws follows the codes (2nd to 98th percentile, widened); a VAE's view
// always covers its prior N(0, 1) to +-2.5, where decodings are meant to be sampled.
function extentOf(values) {
  const axis = (offset) => {
    const v = [];
    for (let i = offset; i < values.length; i += 2) v.push(values[i]);
    v.sort((a, b) => a - b);
    const lo = v[Math.floor(v.length * 0.02)], hi = v[Math.floor(v.length * 0.98)];
    const margin = (hi - lo) * 0.15 || 1;
    if (session.kind !== 'vae') return [lo - margin, hi + margin];
    return [Math.min(lo - margin, -2.5), Math.max(hi + margin, 2.5)];
  };
  return [...axis(0), ...axis(1)];
}

function decodePoints(points) {
  const z = nn.tensor(Float32Array.from(points.flat()), [points.length, 2]);
  const images = session.decoder.predict(z);
  const pixels = images.dataSync();
  z.dispose();
  images.dispose();
  return pixels;
}

function manifold(extent) {
  const [x0, x1, y0, y1] = extent;
  const points = [];
  for (let r = 0; r < MANIFOLD; r++) {
    for (let c = 0; c < MANIFOLD; c++) {
      points.push([x0 + ((c + 0.5) / MANIFOLD) * (x1 - x0), y1 - ((r + 0.5) / MANIFOLD) * (y1 - y0)]);
    }
  }
  return { pixels: decodePoints(points), side: MANIFOLD };
}

function reconstructions() {
  const out = session.autoencoder.predict(session.stripInput);
  const pixels = out.dataSync();
  out.dispose();
  return { inputs: session.stripPixels, outputs: pixels, count: STRIP };
}

function latentReport() {
  const values = codes();
  const extent = extentOf(values);
  return { codes: values, extent, manifold: manifold(extent), strip: reconstructions() };
}

// The strip's inputs: the first test images, with the training noise added when denoising so
// the page shows noise in, clean out.
function stripInputs(seed) {
  const first = session.test.x.dataSync().subarray(0, STRIP * PIXELS);
  const pixels = Float32Array.from(first);
  if (session.denoise) {
    const noise = nn.randomNormal([STRIP * PIXELS], { stddev: NOISE_STDDEV, seed });
    const n = noise.dataSync();
    noise.dispose();
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, Math.max(0, pixels[i] + n[i]));
  }
  return pixels;
}

// Loads the images and builds the chosen AE/VAE from its seed (setup, loadModel).
async function setupSession({ dataset, architecture, denoise = false, learningRate = 1e-3, seed = 1 }) {
  nn ??= await engine;
  const spec = AUTOENCODERS[architecture];
  if (!spec) throw new Error(`unknown architecture '${architecture}'`);
  if (!IMAGE_SETS[dataset]) throw new Error(`unknown data set '${dataset}'`);
  disposeSession();
  const [trainSplit, testSplit] = await Promise.all([
    loadImageSplit(imageDataUrl(dataset), 'train', { limit: PAGE_TRAIN }),
    loadImageSplit(imageDataUrl(dataset), 'test', { limit: PAGE_TEST }),
  ]);
  nn.setSeed(seed);
  const models = buildAutoencoder(nn, { kind: spec.kind, body: spec.body, denoise, learningRate });
  session = { ...models, kind: spec.kind, denoise, epochsDone: 0,
    train: imageTensors(nn, trainSplit), test: imageTensors(nn, testSplit), labels: Array.from(testSplit.labels) };
  session.stripPixels = stripInputs(seed + 1);
  session.stripInput = nn.tensor(session.stripPixels, [STRIP, 28, 28, 1]);
  session.settings = { dataset, architecture, denoise, learningRate, seed };
  return { summary: models.autoencoder.summary(72, undefined, null), params: models.autoencoder.countParams(),
    trainCount: trainSplit.count, labels: session.labels, classes: IMAGE_SETS[dataset].classes, settings: session.settings };
}

serveWorker({
  async setup(settings) {
    return { ...await setupSession(settings), ...latentReport() };
  },

  // The interrupted run's backup: {epoch (last completed, 0-based), history} or null.
  ...backupHandlers(engine, BACKUP_URL),

  // Puts the interrupted run's last epoch into the freshly set up model now (fit() would at
  // its start), so the page redraws the plane, manifold and reconstructions it had reached.
  async restoreBackup() {
    if (!session) throw new Error('set up a model first');
    const backup = await readBackup(nn, BACKUP_URL);
    if (!backup) throw new Error(`nothing is stored at ${BACKUP_URL}`);
    await session.autoencoder.loadWeights(BACKUP_URL);
    session.epochsDone = backup.epoch + 1;
    return { ...backup, ...latentReport() };
  },

  // totalEpochs: resume the interrupted run to that many epochs from its backup (fit restores
  // it); else train `epochs` more.
  async train({ epochs = 1, totalEpochs, batchSize = 64 }, control) {
    if (!session) throw new Error('set up a model first');
    control.resetStop();
    const { autoencoder, train } = session;
    const resuming = totalEpochs !== undefined;
    // A fresh run must not pick up a leftover backup.
    if (!resuming) await discardBackup(nn, BACKUP_URL);
    const batchesPerEpoch = Math.ceil(train.count * 0.9 / batchSize);
    let started = performance.now(), seen = 0;
    const backup = nn.callbacks.backupAndRestore({ backupDir: BACKUP_URL });
    const history = await autoencoder.fit(train.x, train.x, {
      epochs: resuming ? totalEpochs : session.epochsDone + epochs, initialEpoch: resuming ? 0 : session.epochsDone,
      batchSize, validationSplit: 0.1, yieldEvery: 20,
      callbacks: [backup, {
        onEpochBegin: (epoch) => { session.epochsDone = epoch; started = performance.now(); seen = 0; },
        onBatchEnd: async (batch, logs) => {
          seen += batchSize;
          if (batch % 5 === 0) {
            control.emit('batch', { epoch: session.epochsDone, batch, batchesPerEpoch, logs,
              samplesPerSecond: seen / ((performance.now() - started) / 1000) });
          }
          if (batch % 40 === 39) {
            const values = codes();
            control.emit('codes', { codes: values, extent: extentOf(values) }, [values.buffer]);
          }
          await control.checkpoint();
        },
        onEpochEnd: async (epoch, logs) => {
          session.epochsDone = epoch + 1;
          control.emit('epoch', { epoch, logs, ...latentReport() });
        },
      }],
    }).catch(async (error) => {
      if (error.message !== 'stopped') throw error;
      // A stopped run is not resumed on the next visit.
      await discardBackup(nn, BACKUP_URL);
      return null;
    }).finally(() => backup.dispose());
    return { epochsDone: session.epochsDone, stopped: history === null, historyEpochs: history ? history.epoch.slice() : null };
  },

  // The trained model's files (with optimizer state and the page's settings): stored in
  // indexeddb (toBrowser) or returned for a download.
  async saveModel({ toBrowser = false } = {}) {
    if (!session) throw new Error('set up a model first');
    const files = await modelFilesWithSettings(session.autoencoder, { page: 'autoencoder', ...session.settings, epochsDone: session.epochsDone });
    if (!toBrowser) return files;
    await nn.io.handler(MODEL_URL).save(files);
    return { saved: MODEL_URL, epochsDone: session.epochsDone };
  },

  // files: {modelJson, weights (ArrayBuffer)} from an import, or nothing for the one saved in
  // the browser. The page's settings in the files rebuild the same AE/VAE (encoder and
  // decoder share its layers), then the weights and optimizer state go in.
  async loadModel({ modelJson, weights } = {}) {
    nn ??= await engine;
    const files = modelJson ? { modelJson, weights: new Uint8Array(weights) } : await nn.io.handler(MODEL_URL).load();
    if (!files) throw new Error(`no model is saved in this browser yet (${MODEL_URL})`);
    const settings = settingsOf(files);
    if (settings?.page !== 'autoencoder') throw new Error('these files were not saved by the autoencoder page (no autoencoder settings in model.json)');
    const result = await setupSession(settings);
    await session.autoencoder.loadWeights(files);
    session.epochsDone = settings.epochsDone ?? 0;
    return { ...result, epochsDone: session.epochsDone, ...latentReport() };
  },

  // points: [[z0, z1], ...] in the latent plane -> their decodings (784 floats each).
  decode({ points }) {
    if (!session) throw new Error('set up a model first');
    if (!Array.isArray(points) || points.some((p) => !Array.isArray(p) || p.length !== 2)) {
      throw new Error('decode: points must be [[z0, z1], ...]');
    }
    return { pixels: decodePoints(points) };
  },

  // The seed's linear autoencoder on a generated 3-D point cloud, with PCA beside it.
  async linearRun({ epochs = 30 }, control) {
    nn ??= await engine;
    linear?.model.dispose();
    linear?.x.dispose();
    const cloud = pointCloud(nn, { count: 200, seed: 7 });
    nn.setSeed(7);
    linear = { ...linearAutoencoder(nn), x: nn.tensor(cloud.points, [cloud.count, 3]) };
    control.emit('linear', { cloud, pca: pcaProjection(cloud.points, cloud.count), codes: null, epoch: 0 });
    await linear.model.fit(linear.x, linear.x, {
      epochs, batchSize: 32, yieldEvery: 20,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          const out = linear.encoder.predict(linear.x);
          control.emit('linear', { codes: Array.from(out.dataSync()), epoch: epoch + 1, loss: logs.loss });
          out.dispose();
        },
      },
    });
    return { epochs };
  },

  async memory() { return (await engine).memory(); },
});
