// Generative models through the JS API: random tensors, the new layers, the GAN trainer and a
// VAE (Sampling + add_loss) on real MNIST digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadNN } from './helpers.js';

async function mnistDigits(nn, count) {
  const dir = new URL('../../data/mnist/', import.meta.url);
  let bytes;
  try {
    bytes = await readFile(new URL('train-images.u8', dir));
  } catch (error) {
    throw new Error(`data/mnist/train-images.u8 unreadable (${error.code}): run npm run prepare-data`);
  }
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = bytes[i] / 255;
  return nn.tensor(x, [count, 784]);
}

const weightsOf = (m) => m.getWeights().map((w) => { const d = w.dataSync(); w.dispose(); return Array.from(d); });

test('randomNormal / randomUniform: engine Rng, seeded, checked options', async () => {
  const nn = await loadNN();
  const a = nn.randomNormal([200, 50], { mean: 1, stddev: 2, seed: 7 });
  const b = nn.randomNormal([200, 50], { mean: 1, stddev: 2, seed: 7 });
  const c = nn.randomNormal([200, 50], { mean: 1, stddev: 2, seed: 8 });
  assert.deepEqual(a.shape, [200, 50]);
  const va = a.dataSync();
  assert.deepEqual(va, b.dataSync());
  assert.notDeepEqual(va, c.dataSync());
  const mean = va.reduce((s, v) => s + v, 0) / va.length;
  const sd = Math.sqrt(va.reduce((s, v) => s + (v - mean) ** 2, 0) / va.length);
  assert.ok(Math.abs(mean - 1) < 0.06, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.06, `stddev ${sd}`);
  const u = nn.randomUniform([1000], { minval: -2, maxval: -1, seed: 3 }).dataSync();
  assert.ok(u.every((v) => v >= -2 && v < -1));
  const unseeded = nn.randomUniform([4]);
  assert.deepEqual(unseeded.shape, [4]);
  assert.throws(() => nn.randomNormal([2, 2], { std: 1 }), /randomNormal: unknown option 'std'/);
  assert.throws(() => nn.randomNormal([2, 0]), /positive/);
  assert.throws(() => nn.randomUniform([2], { minval: 1, maxval: 1 }), /randomUniform: needs finite minval < maxval/);
  assert.throws(() => nn.randomNormal(4), /randomNormal: shape must be an array/);
  for (const t of [a, b, c, unseeded]) t.dispose();
});

test('UpSampling2D, Conv2DTranspose and Sampling layers build into models with Keras shapes', async () => {
  const nn = await loadNN();
  nn.setSeed(5);
  const decoder = nn.sequential({ layers: [
    nn.layers.dense({ units: 7 * 7 * 4, activation: 'relu', inputShape: [2] }),
    nn.layers.reshape({ targetShape: [7, 7, 4] }),
    nn.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    nn.layers.upSampling2d({ size: 2, interpolation: 'bilinear' }),
    nn.layers.conv2dTranspose({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
  ] });
  assert.deepEqual(decoder.outputs[0].shape, [null, 28, 28, 1]);
  const z = nn.randomNormal([3, 2], { seed: 1 });
  const y = decoder.predict(z);
  assert.deepEqual(y.shape, [3, 28, 28, 1]);
  const saved = await decoder.save();
  const loaded = await nn.loadModel(saved);
  assert.deepEqual(loaded.predict(z).dataSync(), y.dataSync());
  assert.throws(() => nn.layers.upSampling2d({ interpolation: 'area' }), /UpSampling2D .*interpolation/);
  assert.throws(() => nn.layers.conv2dTranspose({ kernelSize: 3 }), /Conv2DTranspose .*filters/);
  const valid = nn.sequential({ layers: [nn.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 3, inputShape: [5, 6, 1] })] });
  assert.deepEqual(valid.outputs[0].shape, [null, 16, 19, 2]);  // in * stride + max(k - stride, 0)
  for (const t of [z, y]) t.dispose();
  decoder.dispose();
  loaded.dispose();
  valid.dispose();
});

function denseGan(nn, seed) {
  nn.setSeed(seed);
  const generator = nn.sequential({ name: 'generator', layers: [
    nn.layers.dense({ units: 64, activation: 'selu', inputShape: [32] }),
    nn.layers.dense({ units: 784, activation: 'sigmoid' }),
  ] });
  const discriminator = nn.sequential({ name: 'discriminator', layers: [
    nn.layers.dense({ units: 64, activation: 'selu', inputShape: [784] }),
    nn.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  discriminator.compile({ optimizer: nn.optimizers.rmsprop(1e-3), loss: 'binaryCrossentropy' });
  discriminator.trainable = false;
  const combined = nn.sequential({ layers: [generator, discriminator] });
  combined.compile({ optimizer: nn.optimizers.rmsprop(1e-3), loss: 'binaryCrossentropy' });
  return { generator, discriminator, combined };
}

test('ganTrainer: steps on MNIST, deterministic by seed, D and G both learn', async () => {
  const nn = await loadNN();
  const real = await mnistDigits(nn, 64);
  const run = (steps) => {
    const { generator, discriminator, combined } = denseGan(nn, 21);
    const gan = nn.training.ganTrainer({ generator, discriminator, gan: combined, latentDim: 32, labelSmoothing: 0.1, seed: 1 });
    const d0 = weightsOf(discriminator), g0 = weightsOf(generator);
    const results = [];
    for (let i = 0; i < steps; i++) results.push(gan.step(real));
    // Steady state: further steps reuse their buffers and leave the heap as it was.
    const heap = nn.memory().wasmBytesInUse;
    for (let i = 0; i < 5; i++) gan.step(real);
    const heapAfter = nn.memory().wasmBytesInUse;
    const out = { results, d: weightsOf(discriminator), g: weightsOf(generator), d0, g0, heap, heapAfter };
    gan.dispose();
    combined.dispose();
    return out;
  };
  const a = run(30), b = run(30);
  for (const s of a.results) {
    assert.deepEqual(Object.keys(s).sort(), ['dFake', 'dLoss', 'dReal', 'gLoss']);
    for (const v of Object.values(s)) assert.equal(typeof v, 'number');
    assert.ok(s.dReal > 0 && s.dReal < 1 && s.dFake > 0 && s.dFake < 1);
  }
  assert.equal(a.heapAfter, a.heap, 'no heap growth per step');
  assert.deepEqual(a.results, b.results, 'same seed, same steps');
  assert.deepEqual(a.g, b.g, 'same seed, same weights');
  assert.notDeepEqual(a.d, a.d0, 'D learned');
  assert.notDeepEqual(a.g, a.g0, 'G learned');
  // D separates real digits from the early generator's output.
  const last = a.results.at(-1);
  assert.ok(last.dReal > last.dFake, `dReal ${last.dReal} > dFake ${last.dFake}`);
  real.dispose();
});

test('ganTrainer: clear errors for models that do not fit together', async () => {
  const nn = await loadNN();
  const { generator, discriminator, combined } = denseGan(nn, 22);
  const args = { generator, discriminator, gan: combined, latentDim: 32 };
  assert.throws(() => nn.training.ganTrainer({ ...args, latentDim: 16 }), /ganTrainer: the generator must take \[batch, latentDim = 16\]/);
  assert.throws(() => nn.training.ganTrainer({ ...args, labelSmoothing: 1 }), /labelSmoothing/);
  assert.throws(() => nn.training.ganTrainer({ ...args, gan: 'x' }), /ganTrainer: gan must be a model/);
  assert.throws(() => nn.training.ganTrainer({ ...args, latentdim: 3 }), /unknown option 'latentdim'/);
  const uncompiled = nn.sequential({ layers: [generator, discriminator] });
  assert.throws(() => nn.training.ganTrainer({ ...args, gan: uncompiled }), /compile the gan model/);
  const twoOut = nn.sequential({ layers: [nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [784] })] });
  twoOut.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  assert.throws(() => nn.training.ganTrainer({ ...args, discriminator: twoOut }), /discriminator must output \[batch, 1\], got \[\?, 2\]/);
  const gan = nn.training.ganTrainer(args);
  const wrong = nn.tensor(new Float32Array(8 * 10), [8, 10]);
  assert.throws(() => gan.step(wrong), /ganTrainer.step: real batch must be \[\?, 784\], got \[8, 10\]/);
  assert.throws(() => gan.step(new Float32Array(4)), /realBatch must be an nn.Tensor/);
  wrong.dispose();
  gan.dispose();
  twoOut.dispose();
  combined.dispose();
});

test('VAE with Sampling + add_loss on 1,000 MNIST digits: kl_loss logged, ELBO improves', async () => {
  const nn = await loadNN();
  nn.setSeed(3);
  const x = await mnistDigits(nn, 1000);
  const inputs = nn.input({ shape: [784] });
  const h = nn.layers.dense({ units: 256, activation: 'relu' }).apply(inputs);
  const zMean = nn.layers.dense({ units: 2, name: 'z_mean' }).apply(h);
  const zLogVar = nn.layers.dense({ units: 2, name: 'z_log_var' }).apply(h);
  // kl_weight 1/784 with a per-pixel mean BCE: the total loss is -ELBO / 784 (Keras sums over pixels).
  const z = nn.layers.sampling({ klWeight: 1 / 784 }).apply([zMean, zLogVar]);
  const d = nn.layers.dense({ units: 256, activation: 'relu' }).apply(z);
  const outputs = nn.layers.dense({ units: 784, activation: 'sigmoid' }).apply(d);
  const vae = nn.model({ inputs, outputs });
  vae.compile({ optimizer: nn.optimizers.adam(1e-3), loss: 'binaryCrossentropy' });

  const first = vae.trainOnBatch(x, x);
  assert.equal(typeof first.loss, 'number');
  assert.equal(typeof first.kl_loss, 'number');
  const parts = vae.lastLosses();
  assert.deepEqual(Object.keys(parts).sort(), ['kl_loss', 'loss', 'reconstruction']);
  assert.ok(Math.abs(parts.loss - parts.reconstruction - parts.kl_loss) < 1e-6);

  const history = await vae.fit(x, x, { epochs: 6, batchSize: 100, shuffle: true });
  const losses = history.history.loss;
  assert.equal(history.history.kl_loss.length, 6, 'fit logs carry kl_loss');
  for (let i = 1; i < losses.length; i++) assert.ok(losses[i] < losses[i - 1], `epoch ${i}: ${losses[i]} < ${losses[i - 1]}`);
  const elbo = losses.map((l) => -784 * l);
  assert.ok(elbo.at(-1) > elbo[0] + 20, `ELBO ${elbo[0].toFixed(1)} -> ${elbo.at(-1).toFixed(1)} nats`);
  assert.ok(history.history.kl_loss.at(-1) > 0, 'the posterior uses the latent space');
  const evaluated = vae.evaluate(x, x, { batchSize: 250 });
  assert.equal(typeof evaluated.kl_loss, 'number');
  assert.ok(vae.lastLosses().reconstruction > 0);
  console.log(`VAE on 1,000 MNIST digits: -ELBO per image ${(-elbo[0]).toFixed(1)} -> ${(-elbo.at(-1)).toFixed(1)} nats over 6 epochs; KL ${(784 * history.history.kl_loss.at(-1)).toFixed(2)} nats`);
  x.dispose();
  vae.dispose();
});

// The GAN page's checkpoint: D and the combined model saved with their optimizer state, plus
// the trainer's noise state, restored into freshly built models with other initial weights.
// Resuming must give exactly the steps and weights of the uninterrupted run (DCGAN: dropout in
// D, BatchNorm moving statistics in G, Adam moments in both optimizers).
test('ganTrainer checkpoint: loadWeights + setRandomState resume bit for bit', async () => {
  const nn = await loadNN();
  const { GAN_ARCHITECTURES } = await import('../../demos/gan/architectures.js');
  const digits = await mnistDigits(nn, 16);
  const scaled = Float32Array.from(digits.dataSync(), (v) => v * 2 - 1);
  const real = nn.tensor(scaled, [16, 28, 28, 1]);
  const make = (seed) => {
    nn.setSeed(seed);
    const models = GAN_ARCHITECTURES.dcgan.build(nn, { learningRate: 2e-4 });
    return { ...models, trainer: nn.training.ganTrainer({ ...models, latentDim: 64, labelSmoothing: 0.1, seed }) };
  };
  const free = (m) => { m.trainer.dispose(); m.gan.dispose(); };
  const steps = (m, n) => Array.from({ length: n }, () => m.trainer.step(real));

  const straight = make(3);
  const expected = steps(straight, 8);
  const expectedG = weightsOf(straight.generator), expectedD = weightsOf(straight.discriminator);
  free(straight);

  const first = make(3);
  assert.deepEqual(steps(first, 4), expected.slice(0, 4));
  const dFiles = await first.discriminator.save(undefined, { includeOptimizer: true });
  const ganFiles = await first.gan.save(undefined, { includeOptimizer: true });
  const noise = first.trainer.randomState();
  assert.equal(noise.length, 4);
  assert.ok(noise.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32), JSON.stringify(noise));
  free(first);

  const resumed = make(77);  // other initial weights and noise seed: all must come from the checkpoint
  await resumed.discriminator.loadWeights(dFiles);
  await resumed.gan.loadWeights(ganFiles);
  resumed.trainer.setRandomState(noise);
  assert.deepEqual(steps(resumed, 4), expected.slice(4), 'the resumed steps are the uninterrupted ones');
  assert.deepEqual(weightsOf(resumed.generator), expectedG);
  assert.deepEqual(weightsOf(resumed.discriminator), expectedD);

  // Without the noise state the models are right but the noise is not: the run diverges.
  const noNoise = make(77);
  await noNoise.discriminator.loadWeights(dFiles);
  await noNoise.gan.loadWeights(ganFiles);
  assert.notDeepEqual(steps(noNoise, 1)[0], expected[4]);

  assert.throws(() => resumed.trainer.setRandomState([1, 2, 3]), /setRandomState: state must be the 4 integers/);
  assert.throws(() => resumed.trainer.setRandomState([1, 2, 3, -1]), /state\[3\] must be an unsigned 32-bit integer/);
  await assert.rejects(resumed.generator.loadWeights(dFiles), /generator\.loadWeights: the model.json holds \d+ weights, the model 'generator' has \d+/);
  free(resumed);
  free(noNoise);
  for (const t of [digits, real]) t.dispose();
});
