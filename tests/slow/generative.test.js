// Slow tier (runs in CI too): the seed's generative models on real data, judged by numbers.
// The GAN's and VAE's samples are read by the project's own trained LeNet-5 (the MNIST page's
// shipped model): confident readings mean digit-like samples, all ten classes mean no mode
// collapse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../web/index.js';
import { imageDataUrl, imageTensors, loadImageSplit } from '../../demos/shared/image-data.js';
import { GAN_ARCHITECTURES } from '../../demos/gan/architectures.js';
import { buildAutoencoder, stackedAutoencoder } from '../../demos/autoencoder/architectures.js';

const nn = await load();
const classifier = await nn.loadModel(new URL('../../demos/mnist-cnn/model/model.json', import.meta.url).href);

// The classifier's reading of images in 0..1: mean max-probability, class counts, argmaxes.
function readDigits(images) {
  const probs = classifier.predict(images, { batchSize: 250 });
  const p = probs.dataSync();
  probs.dispose();
  const n = p.length / 10;
  const counts = new Array(10).fill(0);
  const classes = [];
  let confidence = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + best]) best = c;
    counts[best]++;
    classes.push(best);
    confidence += p[i * 10 + best] / n;
  }
  return { confidence, counts, classes };
}

function seconds(since) { return ((Date.now() - since) / 1000).toFixed(0); }

test('dense GAN on MNIST: 1,000 samples read as confident digits of all ten classes', { timeout: 1200000 }, async () => {
  const STEPS = 6000, BATCH = 64;
  const spec = GAN_ARCHITECTURES.dense;
  const train = imageTensors(nn, await loadImageSplit(imageDataUrl('mnist'), 'train'));
  const all = train.x.dataSync();
  nn.setSeed(1);
  const models = spec.build(nn);
  const trainer = nn.training.ganTrainer({ ...models, latentDim: spec.latentDim, labelSmoothing: 0.1, seed: 1 });
  const started = Date.now();
  // Batches walk a fixed permutation of the 8,000 digits (a seeded one: reproducible runs).
  const order = nn.randomUniform([train.count], { seed: 5 }).dataSync();
  const indices = Array.from(order.keys()).sort((a, b) => order[a] - order[b]);
  const batch = new Float32Array(BATCH * 784);
  let last;
  for (let step = 0; step < STEPS; step++) {
    for (let r = 0; r < BATCH; r++) {
      const index = indices[(step * BATCH + r) % train.count];
      batch.set(all.subarray(index * 784, (index + 1) * 784), r * 784);
    }
    const real = nn.tensor(batch, [BATCH, 28, 28, 1]);
    last = trainer.step(real);
    real.dispose();
  }
  const noise = nn.randomNormal([1000, spec.latentDim], { seed: 1234 });
  const samples = models.generator.predict(noise, { batchSize: 250 });
  const reading = readDigits(samples);
  console.log(`dense GAN: ${STEPS} steps of batch ${BATCH} on 8,000 MNIST digits in ${seconds(started)} s ` +
    `(last step: D loss ${last.dLoss.toFixed(3)}, G loss ${last.gLoss.toFixed(3)}, D(x) ${last.dReal.toFixed(2)}, D(G(z)) ${last.dFake.toFixed(2)}); ` +
    `LeNet-5 reads 1,000 samples with mean max-probability ${reading.confidence.toFixed(3)}, classes ${reading.counts.join('/')}`);
  for (const item of [noise, samples, trainer, models.gan, models.generator, models.discriminator, train.x]) item.dispose();
  assert.ok(reading.confidence >= 0.8, `mean max-probability ${reading.confidence}`);
  assert.ok(reading.counts.every((c) => c > 0), `a class is missing: ${reading.counts}`);
});

test('stacked autoencoder 784-128-64-32-64-128-784 on Fashion-MNIST reaches its stated test loss', { timeout: 1200000 }, async () => {
  const EPOCHS = 5, BOUND = 0.30;
  const train = imageTensors(nn, await loadImageSplit(imageDataUrl('fashion-mnist'), 'train'));
  const testSet = imageTensors(nn, await loadImageSplit(imageDataUrl('fashion-mnist'), 'test'));
  nn.setSeed(3);
  const model = stackedAutoencoder(nn);
  const started = Date.now();
  const perEpoch = [];
  await model.fit(train.x, train.x, { epochs: EPOCHS, batchSize: 64, callbacks: {
    onEpochEnd: () => perEpoch.push(model.evaluate(testSet.x, testSet.x, { batchSize: 500 }).loss),
  } });
  console.log(`stacked AE on Fashion-MNIST (60,000 / 10,000): test reconstruction loss (binary cross-entropy per pixel) ` +
    `${perEpoch.map((l) => l.toFixed(4)).join(' → ')} over ${EPOCHS} epochs in ${seconds(started)} s`);
  for (const item of [model, train.x, testSet.x]) item.dispose();
  assert.ok(perEpoch.at(-1) <= BOUND, `test loss ${perEpoch.at(-1)} > ${BOUND}`);
});

test('VAE with a 2-d latent space on MNIST: the ELBO improves every epoch and the plane decodes to distinct digits', { timeout: 1200000 }, async () => {
  const EPOCHS = 12;
  const train = imageTensors(nn, await loadImageSplit(imageDataUrl('mnist'), 'train'));
  nn.setSeed(2);
  const { autoencoder, decoder } = buildAutoencoder(nn, { kind: 'vae', body: 'dense' });
  const started = Date.now();
  const history = await autoencoder.fit(train.x, train.x, { epochs: EPOCHS, batchSize: 64 });
  const losses = history.history.loss, kl = history.history.kl_loss;
  // The ELBO is -loss (reconstruction + weighted KL). Smoothed over 2 epochs, it must rise
  // every epoch.
  const smoothed = losses.slice(1).map((l, i) => (l + losses[i]) / 2);
  // A 10 x 10 grid over the prior's +-2 sigma, read by LeNet-5.
  const points = [];
  for (let r = 0; r < 10; r++) for (let c = 0; c < 10; c++) points.push(-2 + (4 * c) / 9, -2 + (4 * r) / 9);
  const z = nn.tensor(Float32Array.from(points), [100, 2]);
  const decoded = decoder.predict(z);
  const reading = readDigits(decoded);
  const distinct = reading.counts.filter((c) => c > 0).length;
  console.log(`dense VAE on 8,000 MNIST digits, ${EPOCHS} epochs in ${seconds(started)} s: -ELBO per epoch ` +
    `${losses.map((l) => l.toFixed(4)).join(' ')} (KL part ${kl.at(-1).toFixed(4)}); a 10x10 grid over +-2 sigma decodes to ` +
    `${distinct} distinct digits (counts ${reading.counts.join('/')}, mean max-probability ${reading.confidence.toFixed(2)})`);
  for (const item of [z, decoded, autoencoder, decoder, train.x]) item.dispose();
  smoothed.slice(1).forEach((l, i) => assert.ok(l < smoothed[i], `smoothed -ELBO rose at epoch ${i + 2}: ${smoothed.map((v) => v.toFixed(4))}`));
  assert.ok(distinct >= 7, `only ${distinct} distinct digits on the grid: ${reading.counts}`);
});
