// Slow tier (runs in CI too): the seed's LeNet-5 on real data, to stated accuracies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../web/index.js';
import { lenet5 } from '../../demos/mnist-cnn/architectures.js';
import { imageSet } from './mnist-data.js';

const nn = await load();

async function trainLeNet(name, { epochs, decayAt, augment }) {
  nn.setSeed(42);
  const train = await imageSet(nn, name, 'train');
  const test = await imageSet(nn, name, 'test');
  const model = lenet5(nn, { augment });
  const optimizer = nn.optimizers.adam(1e-3);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const started = Date.now();
  const perEpoch = [];
  await model.fit(train.x, train.y, {
    epochs, batchSize: 64,
    callbacks: {
      onEpochBegin: (epoch) => { if (epoch === decayAt) optimizer.learningRate = 1e-4; },
      onEpochEnd: (epoch) => perEpoch.push(model.evaluate(test.x, test.y, { batchSize: 500 }).accuracy),
    },
  });
  const seconds = (Date.now() - started) / 1000;
  for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
  model.dispose();
  return { accuracy: perEpoch.at(-1), perEpoch, seconds, trainCount: train.count, testCount: test.count };
}

test('LeNet-5 on MNIST reaches >= 98.5% on the 2,000 held-out digits', { timeout: 1800000 }, async () => {
  const r = await trainLeNet('mnist', { epochs: 30, decayAt: 22, augment: true });
  console.log(`MNIST LeNet-5 (±2 px shifts while training): ${(r.accuracy * 100).toFixed(2)}% test accuracy after 30 epochs (lr 1e-3, 1e-4 from epoch 23) on ${r.trainCount} digits in ${r.seconds.toFixed(0)} s; per epoch ${r.perEpoch.map((a) => (a * 100).toFixed(1)).join(' ')}`);
  assert.ok(r.accuracy >= 0.985, `test accuracy ${r.accuracy}`);
});

test('LeNet-5 on Fashion-MNIST (60,000 / 10,000) reaches >= 89% test accuracy', { timeout: 1800000 }, async () => {
  const r = await trainLeNet('fashion-mnist', { epochs: 8, decayAt: 6, augment: false });
  console.log(`Fashion-MNIST LeNet-5: ${(r.accuracy * 100).toFixed(2)}% test accuracy after 8 epochs on ${r.trainCount} images in ${r.seconds.toFixed(0)} s; per epoch ${r.perEpoch.map((a) => (a * 100).toFixed(1)).join(' ')}`);
  assert.ok(r.accuracy >= 0.89, `test accuracy ${r.accuracy}`);
});
