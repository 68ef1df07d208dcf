// The JS API beyond Sequential: functional graphs, sub-models, the Keras GAN idiom, summary,
// save/load through file:// and callbacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadNN } from './helpers.js';

test('functional model with two inputs, a shared layer and two outputs trains and round-trips', async () => {
  const nn = await loadNN();
  nn.setSeed(10);
  const a = nn.input({ shape: [4], name: 'left' });
  const b = nn.input({ shape: [4], name: 'right' });
  const shared = nn.layers.dense({ units: 8, activation: 'relu', name: 'shared' });
  const merged = nn.layers.concatenate().apply([shared.apply(a), shared.apply(b)]);
  const score = nn.layers.dense({ units: 1, name: 'score' }).apply(merged);
  const klass = nn.layers.dense({ units: 3, activation: 'softmax', name: 'klass' }).apply(merged);
  const model = nn.model({ inputs: [a, b], outputs: [score, klass], name: 'two_heads' });
  assert.match(model.summary(80, undefined, null), /shared \(Dense\)\s+\(None, 8\)\s+40/);
  model.compile({ optimizer: 'adam', loss: ['mse', 'categoricalCrossentropy'], metrics: ['accuracy'] });
  const n = 32;
  const xa = nn.tensor(new Float32Array(n * 4).map((_, i) => Math.sin(i)), [n, 4]);
  const xb = nn.tensor(new Float32Array(n * 4).map((_, i) => Math.cos(i)), [n, 4]);
  const y1 = nn.tensor(new Float32Array(n).map((_, i) => i / n), [n, 1]);
  const y2 = nn.tensor(new Float32Array(n * 3).map((_, i) => (i % 3 === 0 ? 1 : 0)), [n, 3]);
  const history = await model.fit([xa, xb], [y1, y2], { epochs: 5, batchSize: 8 });
  assert.ok('score_loss' in history.history && 'klass_accuracy' in history.history, Object.keys(history.history).join());
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-save-'));
  try {
    await model.save(pathToFileURL(dir).href);
    assert.ok(existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'weights.bin')));
    const loaded = await nn.loadModel(pathToFileURL(dir).href);
    const [p1, q1] = model.predict([xa, xb]);
    const [p2, q2] = loaded.predict([xa, xb]);
    assert.deepEqual(p1.dataSync(), p2.dataSync());
    assert.deepEqual(q1.dataSync(), q2.dataSync());
    for (const t of [p1, q1, p2, q2]) t.dispose();
    loaded.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const t of [xa, xb, y1, y2]) t.dispose();
  model.dispose();
});

test('a sub-model from model.inputs to a layer output exposes intermediate activations', async () => {
  const nn = await loadNN();
  const model = nn.sequential({ layers: [
    nn.layers.dense({ units: 5, activation: 'relu', inputShape: [3], name: 'hidden' }),
    nn.layers.dense({ units: 2, name: 'out' }),
  ] });
  const features = nn.model({ inputs: model.inputs, outputs: model.getLayer('hidden').output });
  const x = nn.tensor([[1, 2, 3], [-1, 0, 1]]);
  const h = features.predict(x);
  assert.deepEqual(h.shape, [2, 5]);
  assert.ok(h.dataSync().every((v) => v >= 0), 'relu outputs');
  h.dispose();
  x.dispose();
  features.dispose();
  model.dispose();
});

test('Keras GAN idiom: a frozen discriminator inside the combined model, trainable on its own', async () => {
  const nn = await loadNN();
  nn.setSeed(11);
  const generator = nn.sequential({ name: 'generator', layers: [
    nn.layers.dense({ units: 8, activation: 'selu', inputShape: [4] }),
    nn.layers.dense({ units: 2, activation: 'tanh' }),
  ] });
  const discriminator = nn.sequential({ name: 'discriminator', layers: [
    nn.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }),
    nn.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  discriminator.compile({ optimizer: nn.optimizers.rmsprop(0.01), loss: 'binaryCrossentropy' });
  discriminator.trainable = false;
  const gan = nn.sequential({ layers: [generator, discriminator] });
  gan.compile({ optimizer: nn.optimizers.rmsprop(0.01), loss: 'binaryCrossentropy' });
  const snapshot = (m) => m.getWeights().map((w) => { const d = w.dataSync(); w.dispose(); return d; });
  const d0 = snapshot(discriminator), g0 = snapshot(generator);
  const noise = nn.tensor(new Float32Array(16 * 4).map((_, i) => Math.sin(i * 1.7)), [16, 4]);
  const ones = nn.tensor(new Float32Array(16).fill(1), [16, 1]);
  gan.trainOnBatch(noise, ones);
  assert.deepEqual(snapshot(discriminator), d0, 'the frozen discriminator did not move');
  assert.notDeepEqual(snapshot(generator), g0, 'the generator learned');
  const real = nn.tensor(new Float32Array(16 * 2).fill(0.5), [16, 2]);
  discriminator.trainOnBatch(real, ones);
  assert.notDeepEqual(snapshot(discriminator), d0, 'compiled before freezing, it still trains on its own');
  for (const t of [noise, ones, real]) t.dispose();
  gan.dispose();
});

test('callbacks fire in Keras order, earlyStopping stops, and the learning rate can change mid-training', async () => {
  const nn = await loadNN();
  nn.setSeed(12);
  const model = nn.sequential({ layers: [nn.layers.dense({ units: 1, inputShape: [1] })] });
  const optimizer = nn.optimizers.sgd(1.5);  // diverges: the loss grows every epoch
  model.compile({ optimizer, loss: 'mse' });
  const x = nn.tensor([[1], [2], [3], [4]]);
  const y = nn.tensor([[2], [4], [6], [8]]);
  const events = [];
  const history = await model.fit(x, y, {
    epochs: 30, batchSize: 2,
    callbacks: [
      { onTrainBegin: () => events.push('trainBegin'), onEpochBegin: (e) => events.push(`epochBegin${e}`),
        onBatchEnd: (b) => events.push(`batchEnd${b}`), onEpochEnd: (e) => events.push(`epochEnd${e}`),
        onTrainEnd: () => events.push('trainEnd') },
      nn.callbacks.earlyStopping({ monitor: 'loss', patience: 2 }),
    ],
  });
  assert.deepEqual(events.slice(0, 5), ['trainBegin', 'epochBegin0', 'batchEnd0', 'batchEnd1', 'epochEnd0']);
  assert.equal(events.at(-1), 'trainEnd');
  assert.ok(history.epoch.length < 30, `stopped after ${history.epoch.length} epochs`);
  optimizer.learningRate = 0;
  const before = model.getWeights().map((w) => { const d = w.dataSync(); w.dispose(); return d; });
  await model.fit(x, y, { epochs: 1 });
  const after = model.getWeights().map((w) => { const d = w.dataSync(); w.dispose(); return d; });
  assert.deepEqual(after, before, 'learning rate 0 leaves the weights alone');
  x.dispose();
  y.dispose();
  model.dispose();
});

test('a JS callback can stop training with model.stopTraining', async () => {
  const nn = await loadNN();
  const model = nn.sequential({ layers: [nn.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = nn.tensor([[1], [2]]);
  const history = await model.fit(x, x, { epochs: 10, callbacks: { onEpochEnd: (e) => { if (e === 2) model.stopTraining = true; } } });
  assert.equal(history.epoch.length, 3);
  x.dispose();
  model.dispose();
});
