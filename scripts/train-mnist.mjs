// Trains the seed's LeNet-5 on the 8,000 MNIST training digits and writes the pretrained model
// the MNIST demo ships (demos/mnist-cnn/model/). Usage: npm run train:mnist [-- --epochs N]
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { load } from '../web/index.js';
import { ARCHITECTURES } from '../demos/mnist-cnn/architectures.js';

const root = new URL('..', import.meta.url);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const epochs = option('epochs', 30);
const decayAt = option('decay-at', Math.round(epochs * 0.73));  // learning rate 1e-3, then 1e-4
const batchSize = option('batch-size', 64);
const out = new URL('demos/mnist-cnn/model/', root);

async function dataset(nn, split) {
  const images = await readFile(new URL(`data/mnist/${split}-images.u8`, root));
  const labels = await readFile(new URL(`data/mnist/${split}-labels.u8`, root));
  const x = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) x[i] = images[i] / 255;
  const y = new Float32Array(labels.length * 10);
  labels.forEach((label, i) => { y[i * 10 + label] = 1; });
  return { x: nn.tensor(x, [labels.length, 28, 28, 1]), y: nn.tensor(y, [labels.length, 10]), count: labels.length };
}

const nn = await load();
nn.setSeed(42);
const train = await dataset(nn, 'train');
const test = await dataset(nn, 'test');
const model = ARCHITECTURES.lenet5.build(nn);
model.summary();
model.compile({ optimizer: nn.optimizers.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const started = Date.now();
await model.fit(train.x, train.y, {
  epochs, batchSize,
  callbacks: [
    nn.callbacks.learningRateScheduler((epoch, lr) => (epoch === decayAt ? 1e-4 : lr)),
    nn.callbacks.progressBar(),
    {
      onEpochEnd: () => {
        const evaluation = model.evaluate(test.x, test.y, { batchSize: 250 });
        console.log(`test accuracy ${evaluation.accuracy.toFixed(4)} · ${((Date.now() - started) / 1000).toFixed(0)} s`);
      },
    },
  ],
});
const final = model.evaluate(test.x, test.y, { batchSize: 250 });
await model.save(out.href.replace(/^file:/, 'file:'));
console.log(`LeNet-5: test accuracy ${(final.accuracy * 100).toFixed(2)}% on ${test.count} held-out digits after ${epochs} epochs in ${((Date.now() - started) / 1000).toFixed(0)} s; saved to ${fileURLToPath(out)}`);
