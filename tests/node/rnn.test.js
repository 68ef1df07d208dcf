// Recurrent models from the JS API: wrappers taking a layer, masks from Embedding(maskZero),
// training on a synthetic task with a known answer, and save/load of a BiLSTM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNN } from './helpers.js';

const LENGTH = 12;

// Synthetic "sentiment" (the answer is known): a sequence is positive when it contains token 2
// ("good") more often than token 3 ("bad"); other tokens 4..19 are noise. Sequences have random
// lengths 3..12 and are padded with 0, half before and half after, so the model must ignore
// the padding to see the same sequence the same way.
function makeData(nn, count, seed) {
  let state = seed >>> 0;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
  const ids = new Float32Array(count * LENGTH);
  const labels = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const length = 3 + Math.floor(next() * (LENGTH - 2));
    const tokens = [];
    while (tokens.length < length) {
      const r = next();
      tokens.push(r < 0.2 ? 2 : r < 0.4 ? 3 : 4 + Math.floor(next() * 16));
    }
    const count = (t) => tokens.filter((v) => v === t).length;
    if (count(2) === count(3)) tokens[tokens.length - 1] = next() < 0.5 ? 2 : 3;  // no ties
    if (count(2) === count(3)) tokens[0] = tokens[tokens.length - 1];
    labels[i] = count(2) > count(3) ? 1 : 0;
    const offset = i % 2 === 0 ? LENGTH - length : 0;
    tokens.forEach((t, k) => { ids[i * LENGTH + offset + k] = t; });
  }
  return { x: nn.tensor(ids, [count, LENGTH]), y: nn.tensor(labels, [count, 1]), ids };
}

test('Embedding(maskZero) -> Bidirectional(LSTM) -> Dense learns a counting task and ignores padding', async () => {
  const nn = await loadNN();
  nn.setSeed(3);
  const model = nn.sequential({ layers: [
    nn.layers.embedding({ inputDim: 20, outputDim: 8, maskZero: true, inputShape: [LENGTH] }),
    nn.layers.bidirectional({ layer: nn.layers.lstm({ units: 8 }) }),
    nn.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  assert.match(model.summary(90, undefined, null), /Bidirectional\)\s+\(None, 16\)/);
  model.compile({ optimizer: nn.optimizers.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const train = makeData(nn, 1024, 1);
  const test = makeData(nn, 256, 2);
  await model.fit(train.x, train.y, { epochs: 12, batchSize: 32 });
  const { accuracy } = model.evaluate(test.x, test.y);
  assert.ok(accuracy >= 0.95, `test accuracy ${accuracy}`);

  // The same tokens padded before and after give the same score (masked steps change nothing).
  const pre = new Float32Array(LENGTH);
  const post = new Float32Array(LENGTH);
  const tokens = [2, 7, 3, 2, 9];
  tokens.forEach((t, k) => { pre[LENGTH - tokens.length + k] = t; post[k] = t; });
  const batch = nn.tensor(Float32Array.from([...pre, ...post]), [2, LENGTH]);
  const scores = model.predict(batch);
  const [a, b] = scores.dataSync();
  assert.ok(Math.abs(a - b) < 1e-5 && a > 0.5, `pre-padded ${a}, post-padded ${b}`);

  // Save/load keeps the wrapper, the mask and the weights.
  const { modelJson, weights } = await model.save();
  const loaded = await nn.loadModel({ modelJson, weights });
  const again = loaded.predict(batch);
  assert.deepEqual(again.dataSync(), scores.dataSync());
  for (const t of [batch, scores, again, train.x, train.y, test.x, test.y]) t.dispose();
  loaded.dispose();
  model.dispose();
});

test('recurrent layers from JS: GRU, SimpleRNN, stacking with returnSequences, clear errors', async () => {
  const nn = await loadNN();
  const model = nn.sequential({ layers: [
    nn.layers.embedding({ inputDim: 30, outputDim: 4, maskZero: true, inputShape: [6] }),
    nn.layers.gru({ units: 5, returnSequences: true, dropout: 0.2 }),
    nn.layers.simpleRNN({ units: 3 }),
    nn.layers.dense({ units: 2, activation: 'softmax' }),
  ] });
  const out = model.predict(nn.tensor(new Float32Array([0, 0, 1, 2, 3, 4]), [1, 6]));
  assert.deepEqual(out.shape, [1, 2]);
  const [p, q] = out.dataSync();
  assert.ok(Math.abs(p + q - 1) < 1e-6);
  out.dispose();
  model.dispose();

  assert.throws(() => nn.layers.bidirectional({ layer: { units: 3 } }),
    /layers\.bidirectional: option 'layer' must be a layer from nn\.layers/);
  assert.throws(() => nn.layers.gru({ units: 4, recurrentDropout: 0.3 }),
    /GRU .*recurrent_dropout.*not supported for GRU/);
  assert.throws(() => nn.layers.lstm({ units: 4, recurrentDropout: 1.5 }),
    /LSTM .*recurrent_dropout.*\[0/);
  assert.throws(() => nn.layers.embedding({ inputDim: 10, outputDim: 2, maskZero: 'yes' }),
    /Embedding .*mask_zero/);
  const embed = nn.sequential({ layers: [nn.layers.embedding({ inputDim: 10, outputDim: 2, inputShape: [3] })] });
  const bad = nn.tensor(new Float32Array([1, 2, 10]), [1, 3]);
  assert.throws(() => embed.predict(bad), /Embedding .*id 10 .*out of range \[0, 10\)/);
  const fine = embed.predict(nn.tensor(new Float32Array([1, 2, 9]), [1, 3]));  // still usable
  assert.deepEqual(fine.shape, [1, 3, 2]);
  fine.dispose();
  bad.dispose();
  embed.dispose();
});
