// The sentiment page's training worker: loads a slice of the prepared IMDB reviews, builds the
// chosen architecture and trains it with live progress; the page then hands the trained model's
// files to the inference worker.
import { load } from '../../web/index.js';
import { serveWorker } from '../../web/worker-serve.js';
import { ARCHITECTURES } from './architectures.js';
import { discardBackup, modelFilesWithSettings, settingsOf, backupHandlers } from '../shared/backup.js';
import { loadImdbMeta, loadImdbSplit, paddedTensors } from '../shared/imdb-data.js';

const engine = load();
let nn = null;
let model = null;
let settings = null;
let data = null;
let splits = null;  // the prepared IMDB halves and their meta, loaded once
let epochsDone = 0;

const TEST_REVIEWS = 1000;
// Every epoch of a training run is backed up here (model, optimizer and random state,
// history), so a reloaded tab resumes after the last finished epoch; "Save model" keeps a
// trained model under MODEL_URL.
const BACKUP_URL = 'indexeddb://sentiment-demo-backup';
const MODEL_URL = 'indexeddb://sentiment-demo-model';

function disposeData() {
  if (!data) return;
  for (const t of [data.train.x, data.train.y, data.test.x, data.test.y]) t.dispose();
  data = null;
}

async function prepare({ reviews, maxlen }) {
  nn ??= await engine;
  if (data && data.reviews === reviews && data.maxlen === maxlen) return data;
  disposeData();
  const base = new URL('../../data/imdb/', import.meta.url);
  splits ??= await Promise.all([loadImdbSplit(base, 'train'), loadImdbSplit(base, 'test'), loadImdbMeta(base)]);
  data = { reviews, maxlen, vocabularySize: splits[2].numWords,
    train: paddedTensors(nn, splits[0], { maxlen, limit: reviews }), test: paddedTensors(nn, splits[1], { maxlen, limit: TEST_REVIEWS }) };
  return data;
}

serveWorker({
  // architecture 'shipped' fine-tunes the shipped model (it reads its own length of review).
  async build({ architecture, reviews, maxlen }) {
    if (architecture !== 'shipped' && !ARCHITECTURES[architecture]) throw new Error(`unknown architecture '${architecture}'`);
    nn ??= await engine;
    model?.dispose();
    model = null;
    if (architecture === 'shipped') {
      model = await nn.loadModel(new URL('./model/model.json', import.meta.url).href);
      maxlen = model.inputs[0].shape[1];
    }
    await prepare({ reviews, maxlen });
    nn.setSeed(7);
    model ??= ARCHITECTURES[architecture].build(nn, { maxlen, vocabSize: data.vocabularySize });
    settings = { architecture, reviews, maxlen };
    epochsDone = 0;
    return { summary: model.summary(72, undefined, null), params: model.countParams(), maxlen };
  },

  // The interrupted run's backup: {epoch (last completed, 0-based), history} or null.
  ...backupHandlers(engine, BACKUP_URL),

  // totalEpochs: resume the interrupted run to that many epochs from its backup (fit restores
  // model, optimizer and random state; the page rebuilt the same model first); else train
  // `epochs` more.
  async train({ epochs, totalEpochs, batchSize, learningRate }, control) {
    if (!model) throw new Error('build a model first');
    control.resetStop();
    const resuming = totalEpochs !== undefined;
    if (!resuming) await discardBackup(nn, BACKUP_URL);  // a fresh run must not pick up a leftover
    model.compile({ optimizer: nn.optimizers.adam(learningRate), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const batchesPerEpoch = Math.ceil(settings.reviews / batchSize);
    let seen = 0;
    let started = performance.now();
    const backup = nn.callbacks.backupAndRestore({ backupDir: BACKUP_URL });
    const history = await model.fit(data.train.x, data.train.y, {
      epochs: resuming ? totalEpochs : epochsDone + epochs, initialEpoch: resuming ? 0 : epochsDone, batchSize, yieldEvery: 1,
      callbacks: [backup, {
        onEpochBegin: (epoch) => { epochsDone = epoch; started = performance.now(); seen = 0; },
        onBatchEnd: async (batch, logs) => {
          seen += batchSize;
          control.emit('batch', { epoch: epochsDone, batch, batchesPerEpoch, loss: logs.loss, accuracy: logs.accuracy,
            samplesPerSecond: seen / ((performance.now() - started) / 1000) });
          await control.checkpoint();
        },
        onEpochEnd: async (epoch, logs) => {
          epochsDone = epoch + 1;
          const test = model.evaluate(data.test.x, data.test.y, { batchSize: 100 });
          control.emit('epoch', { epoch, logs, test });
        },
      }],
    }).catch(async (error) => {
      if (error.message !== 'stopped') throw error;
      await discardBackup(nn, BACKUP_URL);  // a stopped run is not resumed on the next visit
      return null;
    }).finally(() => backup.dispose());
    return { epochsDone, stopped: history === null, historyEpochs: history ? history.epoch.slice() : null };
  },

  // The model's files with the page's settings: stored in indexeddb (toBrowser) or returned
  // for a download.
  async saveModel({ toBrowser = false } = {}) {
    if (!model) throw new Error('no model to save');
    const files = await modelFilesWithSettings(model, { page: 'sentiment', ...settings, epochsDone });
    if (!toBrowser) return files;
    await nn.io.handler(MODEL_URL).save(files);
    return { saved: MODEL_URL, epochsDone };
  },

  // files: {modelJson, weights (ArrayBuffer)} from an import, or nothing for the one saved in
  // the browser. Any binary sentiment model over our vocabulary loads; the reviews it trains
  // on next come from its settings, or the page's current count.
  async loadModel({ modelJson, weights, reviews = 4000 } = {}) {
    nn ??= await engine;
    const files = modelJson ? { modelJson, weights: new Uint8Array(weights) } : await nn.io.handler(MODEL_URL).load();
    if (!files) throw new Error(`no model is saved in this browser yet (${MODEL_URL})`);
    const saved = settingsOf(files);
    const next = await nn.loadModel(files);
    const maxlen = next.inputs[0].shape[1];
    if (next.inputs.length !== 1 || !Number.isInteger(maxlen)) {
      next.dispose();
      throw new Error(`expected a model reading [batch, length] token ids, got inputs ${JSON.stringify(next.inputs.map((i) => i.shape))}`);
    }
    model?.dispose();
    model = next;
    settings = { architecture: saved?.architecture ?? 'imported', reviews: saved?.reviews ?? reviews, maxlen };
    await prepare(settings);
    epochsDone = saved?.epochsDone ?? 0;
    return { summary: model.summary(72, undefined, null), params: model.countParams(), settings, epochsDone };
  },

  async exportModel() {
    if (!model) throw new Error('no model to export');
    const { modelJson, weights } = await model.save();
    return { modelJson, weights };
  },

  async memory() { return (await engine).memory(); },
});
