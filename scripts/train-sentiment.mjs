// Trains the sentiment demo's model (Embedding(mask_zero) -> Bidirectional(LSTM) -> Dense sigmoid)
// on the IMDB train half and writes what the page ships: demos/sentiment-lstm/model/ (model.json,
// weights.bin, vocabulary.json). The learning rate steps down each epoch (1e-3, 3e-4, 1e-4: one
// epoch at 1e-3 already fits most of what the data holds, the rest overfits fast); the last 10%
// of the train half is the validation set that picks the epoch (early stopping restores the
// best weights); the test half is only measured.
// Usage: npm run train:sentiment [-- --epochs N --maxlen N --units N --embedding N --architecture A]
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { load } from '../web/index.js';
import { ARCHITECTURES } from '../demos/sentiment-lstm/architectures.js';
import { loadImdbSplit, loadImdbVocabulary, paddedTensors } from '../demos/shared/imdb-data.js';
import { progressBar } from './progress-bar.mjs';

const root = new URL('..', import.meta.url);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  return typeof fallback === 'number' ? Number(args[i + 1]) : args[i + 1];
};
const LEARNING_RATES = [1, 0.3, 0.1];  // per epoch, times --learning-rate; the last repeats
const settings = {
  architecture: option('architecture', 'bilstm'),
  epochs: option('epochs', 3),
  maxlen: option('maxlen', 400),
  embedding: option('embedding', 64),
  units: option('units', 32),
  batchSize: option('batch-size', 32),
  learningRate: option('learning-rate', 1e-3),
};
const out = new URL(option('out', 'demos/sentiment-lstm/model/'), root);
const dataDir = new URL('data/imdb/', root);

const nn = await load();
nn.setSeed(2024);
const vocabulary = await loadImdbVocabulary(dataDir);
const train = paddedTensors(nn, await loadImdbSplit(dataDir, 'train'), settings);
const test = paddedTensors(nn, await loadImdbSplit(dataDir, 'test'), settings);
const model = ARCHITECTURES[settings.architecture].build(nn, { ...settings, vocabSize: vocabulary.num_words });
model.summary();
const optimizer = nn.optimizers.adam(settings.learningRate);
model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const batches = Math.ceil(train.count * 0.9 / settings.batchSize);
const started = Date.now();
let bar;
await model.fit(train.x, train.y, {
  epochs: settings.epochs, batchSize: settings.batchSize, validationSplit: 0.1,
  callbacks: [
    nn.callbacks.earlyStopping({ monitor: 'val_accuracy', patience: 1, restoreBestWeights: true }),
    {
      onEpochBegin: (epoch) => {
        optimizer.learningRate = settings.learningRate * LEARNING_RATES[Math.min(epoch, LEARNING_RATES.length - 1)];
        bar = progressBar(`epoch ${epoch + 1}/${settings.epochs} (lr ${optimizer.learningRate.toPrecision(2)})`);
      },
      onBatchEnd: (batch, logs) => bar.update(batch + 1, batches, `loss ${logs.loss.toFixed(4)} acc ${logs.accuracy.toFixed(4)}`),
      onEpochEnd: (epoch, logs) => bar.done(`loss ${logs.loss.toFixed(4)} acc ${logs.accuracy.toFixed(4)} · ` +
        `val acc ${logs.val_accuracy.toFixed(4)} · ${((Date.now() - started) / 1000).toFixed(0)} s`),
    },
  ],
});
const trainSeconds = (Date.now() - started) / 1000;
const evaluated = model.evaluate(test.x, test.y, { batchSize: 250 });
await mkdir(out, { recursive: true });
await model.save(out.href);
await copyFile(new URL('vocabulary.json', dataDir), new URL('vocabulary.json', out));
const report = { ...settings, vocabularySize: vocabulary.num_words, parameters: model.countParams(),
  trainReviews: Math.round(train.count * 0.9), testReviews: test.count,
  testAccuracy: Number(evaluated.accuracy.toFixed(4)), testLoss: Number(evaluated.loss.toFixed(4)),
  trainSeconds: Math.round(trainSeconds) };
await writeFile(new URL('training.json', out), `${JSON.stringify(report, null, 2)}\n`);
console.log(`${settings.architecture}: test accuracy ${(evaluated.accuracy * 100).toFixed(2)}% on ${test.count} IMDB test reviews ` +
  `after ${Math.round(trainSeconds)} s of training; saved to ${fileURLToPath(out)}`);
