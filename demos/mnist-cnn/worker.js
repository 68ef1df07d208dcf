// The MNIST page's training worker: owns the engine, the data and the model; streams
// progress, metrics, a confusion matrix and test samples to the page.
import { load } from '../../web/index.js';
import { serveWorker } from '../../web/worker-serve.js';
import { discardBackup, backupHandlers } from '../shared/backup.js';
import { imageDataUrl, imageTensors, loadImageSplit } from '../shared/image-data.js';
import { ARCHITECTURES } from './architectures.js';

// Handlers are registered at once (messages that arrive before a worker listens are lost);
// they wait for the engine themselves.
const engine = load();
let nn = null;
let data = null;
let model = null;
let architecture = null;
let epochsDone = 0;
// Every epoch of a training run is backed up here (model, optimizer state, history), so a
// reloaded tab resumes after the last completed epoch.
const BACKUP_URL = 'indexeddb://mnist-demo-backup';

async function loadData() {
  nn ??= await engine;
  if (data) return data;
  const [train, test] = await Promise.all(['train', 'test'].map((split) => loadImageSplit(imageDataUrl('mnist'), split)));
  const tensors = (split) => ({ ...imageTensors(nn, split, { oneHot: true }), labels: split.labels, images: split.images });
  data = { train: tensors(train), test: tensors(test) };
  return data;
}

let featureModel = null;  // model.inputs -> first Conv2D output, for the drawn digit's feature maps

function replaceModel(next, name) {
  if (featureModel) featureModel.dispose();
  featureModel = null;
  if (model) model.dispose();
  model = next;
  architecture = name;
  epochsDone = 0;
}

function compile(learningRate) {
  model.compile({ optimizer: nn.optimizers.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
}

// Test-set evaluation for the page: confusion matrix and the first 40 digits with predictions.
function testReport() {
  const { test } = data;
  const probs = model.predict(test.x, { batchSize: 250 });
  const p = probs.dataSync();
  probs.dispose();
  const n = test.labels.length;
  const confusion = Array.from({ length: 10 }, () => new Array(10).fill(0));
  const predicted = new Uint8Array(n);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + best]) best = c;
    predicted[i] = best;
    confusion[test.labels[i]][best]++;
    if (best === test.labels[i]) correct++;
  }
  const samples = [];
  for (let i = 0; i < 40; i++) {
    samples.push({ pixels: Array.from(test.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255),
      label: test.labels[i], predicted: predicted[i] });
  }
  return { accuracy: correct / n, confusion, samples };
}

function firstLayerFilters() {
  const conv = model.layers.find((l) => l.getClassName() === 'Conv2D');
  if (!conv) return null;
  const [kernel] = conv.getWeights();
  const shape = kernel.shape;  // [kh, kw, 1, filters]
  const values = kernel.dataSync();
  kernel.dispose();
  return { shape, values: Array.from(values) };
}

serveWorker({
  async build({ architecture: name }) {
    if (!ARCHITECTURES[name]) throw new Error(`unknown architecture '${name}'`);
    await loadData();
    nn.setSeed(42);
    replaceModel(ARCHITECTURES[name].build(nn), name);
    return { summary: model.summary(72, undefined, null), params: model.countParams() };
  },

  // The interrupted run's backup: {epoch (last completed, 0-based), history} or null.
  ...backupHandlers(engine, BACKUP_URL),

  // totalEpochs: the run's last epoch count; with a backup present, fit restores it and
  // continues after its epoch (the page rebuilt the same architecture first).
  async train({ epochs, totalEpochs, batchSize, learningRate }, control) {
    if (!model) throw new Error('build a model first');
    control.resetStop();
    compile(learningRate);
    const batchesPerEpoch = Math.ceil(data.train.labels.length * 0.9 / batchSize);
    let seen = 0;
    let started = performance.now();
    const resuming = totalEpochs !== undefined;
    const backup = nn.callbacks.backupAndRestore({ backupDir: BACKUP_URL });
    const history = await model.fit(data.train.x, data.train.y, {
      epochs: resuming ? totalEpochs : epochsDone + epochs, initialEpoch: resuming ? 0 : epochsDone,
      batchSize, validationSplit: 0.1, yieldEvery: 20,
      callbacks: [backup, {
        onEpochBegin: () => { started = performance.now(); seen = 0; },
        onBatchEnd: async (batch, logs) => {
          seen += batchSize;
          if (batch % 5 === 0 || batch === batchesPerEpoch - 1) {
            control.emit('batch', { batch, batchesPerEpoch, loss: logs.loss, accuracy: logs.accuracy,
              samplesPerSecond: seen / ((performance.now() - started) / 1000) });
          }
          await control.checkpoint();
        },
        onEpochEnd: async (epoch, logs) => {
          epochsDone = epoch + 1;
          control.emit('epoch', { epoch, logs, report: testReport(), filters: firstLayerFilters() });
        },
      }],
    }).catch(async (error) => {
      if (error.message !== 'stopped') throw error;
      // A stopped run is not resumed on the next visit.
      await discardBackup(nn, BACKUP_URL);
      return null;
    }).finally(() => backup.dispose());
    return { epochsDone, stopped: history === null, historyEpochs: history ? history.epoch.slice() : null };
  },

  // pixels: 784 floats in 0..1 (already centred like MNIST by the page).
  classify({ pixels }) {
    if (!model) throw new Error('no model yet');
    const x = nn.tensor(Float32Array.from(pixels), [1, 28, 28, 1]);
    const out = model.predict(x);
    const probabilities = Array.from(out.dataSync());
    out.dispose();
    const conv = model.layers.find((l) => l.getClassName() === 'Conv2D');
    let featureMaps = null;
    if (conv) {
      featureModel ??= nn.model({ inputs: model.inputs, outputs: conv.output });
      const maps = featureModel.predict(x);
      featureMaps = { shape: maps.shape.slice(1), values: Array.from(maps.dataSync()) };
      maps.dispose();
    }
    x.dispose();
    return { probabilities, featureMaps };
  },

  async loadPretrained() {
    await loadData();
    const next = await nn.loadModel(new URL('./model/model.json', import.meta.url).href);
    replaceModel(next, 'lenet5');
    compile(1e-3);
    return { summary: model.summary(72, undefined, null), report: testReport(), filters: firstLayerFilters() };
  },

  async exportModel() {
    if (!model) throw new Error('no model to export');
    const { modelJson, weights } = await model.save();
    return { modelJson, weights };
  },

  async importModel({ modelJson, weights }) {
    await loadData();
    const next = await nn.loadModel({ modelJson, weights: new Uint8Array(weights) });
    replaceModel(next, 'imported');
    compile(1e-3);
    return { summary: model.summary(72, undefined, null), report: testReport(), filters: firstLayerFilters() };
  },

  async memory() { return (await engine).memory(); },
});
