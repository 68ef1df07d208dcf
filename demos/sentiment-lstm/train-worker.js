// The sentiment page's training worker: loads a slice of the prepared IMDB reviews, builds the
// chosen architecture and trains it with live progress; the page then hands the trained model's
// files to the inference worker.
import { load } from '../../web/index.js';
import { serveWorker } from '../../web/worker-serve.js';
import { ARCHITECTURES } from './architectures.js';
import { loadImdbMeta, loadImdbSplit, paddedTensors } from '../shared/imdb-data.js';

const engine = load();
let nn = null;
let model = null;
let settings = null;
let data = null;
let splits = null;  // the prepared IMDB halves and their meta, loaded once
let epochsDone = 0;

const TEST_REVIEWS = 1000;

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

  async train({ epochs, batchSize, learningRate }, control) {
    if (!model) throw new Error('build a model first');
    control.resetStop();
    model.compile({ optimizer: nn.optimizers.adam(learningRate), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const batchesPerEpoch = Math.ceil(settings.reviews / batchSize);
    let seen = 0;
    let started = performance.now();
    const history = await model.fit(data.train.x, data.train.y, {
      epochs: epochsDone + epochs, initialEpoch: epochsDone, batchSize, yieldEvery: 1,
      callbacks: {
        onEpochBegin: () => { started = performance.now(); seen = 0; },
        onBatchEnd: async (batch, logs) => {
          seen += batchSize;
          control.emit('batch', { batch, batchesPerEpoch, loss: logs.loss, accuracy: logs.accuracy,
            samplesPerSecond: seen / ((performance.now() - started) / 1000) });
          await control.checkpoint();
        },
        onEpochEnd: async (epoch, logs) => {
          epochsDone = epoch + 1;
          const test = model.evaluate(data.test.x, data.test.y, { batchSize: 100 });
          control.emit('epoch', { epoch, logs, test });
        },
      },
    }).catch((error) => {
      if (error.message === 'stopped') return null;
      throw error;
    });
    return { epochsDone, stopped: history === null };
  },

  async exportModel() {
    if (!model) throw new Error('no model to export');
    const { modelJson, weights } = await model.save();
    return { modelJson, weights };
  },

  async memory() { return (await engine).memory(); },
});
