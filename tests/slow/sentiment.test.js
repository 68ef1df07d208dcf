// Slow tier (runs in CI too): IMDB sentiment on real reviews. The shipped BiLSTM is measured on
// the whole test half; the GRU and text-CNN variants are trained here from scratch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../web/index.js';
import { ARCHITECTURES } from '../../demos/sentiment-lstm/architectures.js';
import { loadImdbMeta, loadImdbSplit, paddedTensors } from '../../demos/shared/imdb-data.js';

const nn = await load();
const dataDir = new URL('../../data/imdb/', import.meta.url);
const meta = await loadImdbMeta(dataDir);
const splits = { train: await loadImdbSplit(dataDir, 'train'), test: await loadImdbSplit(dataDir, 'test') };

const padded = (split, maxlen) => paddedTensors(nn, split, { maxlen });

test('the shipped BiLSTM reaches >= 87% on the 24,791 IMDB test reviews', { timeout: 1200000 }, async () => {
  const model = await nn.loadModel(new URL('../../demos/sentiment-lstm/model/', import.meta.url).href);
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const maxlen = model.inputs[0].shape[1];
  const testSet = padded(splits.test, maxlen);
  const started = Date.now();
  const { accuracy } = model.evaluate(testSet.x, testSet.y, { batchSize: 250 });
  console.log(`shipped sentiment model: ${(accuracy * 100).toFixed(2)}% on ${splits.test.count} test reviews (last ${maxlen} words), evaluated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  assert.ok(accuracy >= 0.87, `test accuracy ${accuracy}`);
  testSet.x.dispose();
  testSet.y.dispose();
  model.dispose();
});

async function trainVariant(architecture, { epochs, maxlen }) {
  nn.setSeed(11);
  const train = padded(splits.train, maxlen);
  const testSet = padded(splits.test, maxlen);
  const model = ARCHITECTURES[architecture].build(nn, { maxlen, vocabSize: meta.numWords });
  model.compile({ optimizer: nn.optimizers.adam(1e-3), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const started = Date.now();
  const perEpoch = [];
  await model.fit(train.x, train.y, {
    epochs, batchSize: 32,
    callbacks: { onEpochEnd: () => perEpoch.push(model.evaluate(testSet.x, testSet.y, { batchSize: 250 }).accuracy) },
  });
  const seconds = (Date.now() - started) / 1000;
  for (const t of [train.x, train.y, testSet.x, testSet.y]) t.dispose();
  model.dispose();
  return { accuracy: perEpoch.at(-1), perEpoch, seconds };
}

for (const [architecture, { epochs, maxlen, bound }] of Object.entries({
  gru: { epochs: 2, maxlen: 200, bound: 0.86 },
  cnn: { epochs: 2, maxlen: 200, bound: 0.86 },
})) {
  test(`${ARCHITECTURES[architecture].label} trained on the IMDB train half reaches >= ${bound * 100}%`, { timeout: 1800000 }, async () => {
    const r = await trainVariant(architecture, { epochs, maxlen });
    console.log(`IMDB ${ARCHITECTURES[architecture].label}: ${(r.accuracy * 100).toFixed(2)}% on ${splits.test.count} test reviews after ${epochs} epochs (last ${maxlen} words, ${splits.train.count} training reviews) in ${r.seconds.toFixed(0)} s; per epoch ${r.perEpoch.map((a) => (a * 100).toFixed(1)).join(' ')}`);
    assert.ok(r.accuracy >= bound, `test accuracy ${r.accuracy}`);
  });
}
