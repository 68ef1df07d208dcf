// Model files against TF.js itself, both ways: models built and saved by TF.js load here with
// the same predictions (within 1e-5), and models trained here load in TF.js with the same
// predictions. Weights are randomised (BatchNormalization's moving statistics included), so a
// weight landing in the wrong place or a config default read differently shows up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadNN, seededRandom } from './helpers.js';

await tf.setBackend('cpu');
const nn = await loadNN();
const TOLERANCE = 1e-5;
// TF.js's Orthogonal initializer calls chained tensor ops that the Node CPU bundle leaves
// unregistered; TF.js-built recurrent layers take another initializer (every weight is
// randomised before saving anyway).
const recurrentInitializer = 'glorotUniform';
const maxDiffs = {};

function randomValues(count, rand, low = -0.5, high = 0.5) {
  return Float32Array.from({ length: count }, () => low + (high - low) * rand());
}

// Every weight random; variances positive, so moving statistics are far from (0, 1).
function randomiseTfWeights(model, seed) {
  const rand = seededRandom(seed);
  const weights = model.weights.map((w) => {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const variance = /variance/.test(w.originalName ?? w.name);
    return tf.tensor(randomValues(count, rand, variance ? 0.3 : -0.5, variance ? 2 : 0.5), w.shape);
  });
  model.setWeights(weights);
  tf.dispose(weights);
}

async function tfArtifacts(model) {
  let saved;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved;
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length, 'prediction sizes');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function tfPredict(model, values, shape) {
  const x = tf.tensor(values, shape);
  const y = model.predict(x);
  const out = y.dataSync().slice();
  tf.dispose([x, y]);
  return out;
}

function nnPredict(model, values, shape) {
  const x = nn.tensor(values, shape);
  const y = model.predict(x);
  const out = Float32Array.from(y.dataSync());
  x.dispose();
  y.dispose();
  return out;
}

const ids = (rand, batch, steps, vocab) => {
  // Trailing zeros of varying length: the padding Embedding(maskZero) masks.
  const out = new Float32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    const length = 2 + (b % (steps - 1));
    for (let t = 0; t < length; t++) out[b * steps + t] = 1 + Math.floor(rand() * (vocab - 1));
  }
  return out;
};

// Each case: how TF.js builds it, how simdnn builds it, and an input batch.
const cases = {
  'LeNet-5': {
    shape: [4, 28, 28, 1],
    tfjs: () => tfl.sequential({ layers: [
      tfl.layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'tanh' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ] }),
    simdnn: () => nn.sequential({ layers: [
      nn.layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
      nn.layers.averagePooling2d({ poolSize: 2 }),
      nn.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      nn.layers.maxPooling2d({ poolSize: 2 }),
      nn.layers.flatten(),
      nn.layers.dense({ units: 120, activation: 'relu' }),
      nn.layers.dense({ units: 84, activation: 'tanh' }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ] }),
    input: (rand) => randomValues(4 * 28 * 28, rand, 0, 1),
    loss: 'categoricalCrossentropy',
  },
  'Embedding(maskZero) + Bidirectional(LSTM)': {
    shape: [5, 9],
    tfjs: () => tfl.sequential({ layers: [
      tfl.layers.embedding({ inputDim: 40, outputDim: 8, maskZero: true, inputLength: 9 }),
      tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 6, recurrentInitializer }), mergeMode: 'concat' }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ] }),
    simdnn: () => nn.sequential({ layers: [
      nn.layers.embedding({ inputDim: 40, outputDim: 8, maskZero: true, inputShape: [9] }),
      nn.layers.bidirectional({ layer: nn.layers.lstm({ units: 6 }), mergeMode: 'concat' }),
      nn.layers.dense({ units: 1, activation: 'sigmoid' }),
    ] }),
    input: (rand) => ids(rand, 5, 9, 40),
    loss: 'binaryCrossentropy',
  },
  // TF.js has no reset_after=true GRU (its GRUCell refuses it): the exchangeable GRU is
  // reset_after=false with TF.js's default hard_sigmoid recurrent activation.
  GRU: {
    shape: [3, 7, 4],
    tfjs: () => tfl.sequential({ layers: [
      tfl.layers.gru({ units: 8, returnSequences: true, inputShape: [7, 4], recurrentInitializer }),
      tfl.layers.gru({ units: 5, recurrentInitializer }),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ] }),
    simdnn: () => nn.sequential({ layers: [
      nn.layers.gru({ units: 8, returnSequences: true, resetAfter: false, recurrentActivation: 'hard_sigmoid', inputShape: [7, 4] }),
      nn.layers.gru({ units: 5, resetAfter: false }),
      nn.layers.dense({ units: 3, activation: 'softmax' }),
    ] }),
    input: (rand) => randomValues(3 * 7 * 4, rand, -1, 1),
    loss: 'categoricalCrossentropy',
  },
  'conv autoencoder (Conv2DTranspose, UpSampling2D)': {
    shape: [2, 16, 16, 1],
    tfjs: () => tfl.sequential({ layers: [
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [16, 16, 1] }),
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.upSampling2d({ size: [2, 2] }),
      tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
    ] }),
    simdnn: () => nn.sequential({ layers: [
      nn.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [16, 16, 1] }),
      nn.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      nn.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      nn.layers.upSampling2d({ size: [2, 2] }),
      nn.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
    ] }),
    input: (rand) => randomValues(2 * 16 * 16, rand, 0, 1),
    loss: 'binaryCrossentropy',
    target: 'input',
  },
  'CNN with BatchNormalization': {
    shape: [3, 12, 12, 2],
    tfjs: () => tfl.sequential({ layers: [
      tfl.layers.conv2d({ filters: 6, kernelSize: 3, inputShape: [12, 12, 2] }),
      tfl.layers.batchNormalization({ epsilon: 0.01, momentum: 0.9 }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10 }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 4, activation: 'softmax' }),
    ] }),
    simdnn: () => nn.sequential({ layers: [
      nn.layers.conv2d({ filters: 6, kernelSize: 3, inputShape: [12, 12, 2] }),
      nn.layers.batchNormalization({ epsilon: 0.01, momentum: 0.9 }),
      nn.layers.activation({ activation: 'relu' }),
      nn.layers.maxPooling2d({ poolSize: 2 }),
      nn.layers.flatten(),
      nn.layers.dense({ units: 10 }),
      nn.layers.batchNormalization(),
      nn.layers.dense({ units: 4, activation: 'softmax' }),
    ] }),
    input: (rand) => randomValues(3 * 12 * 12 * 2, rand, -1, 1),
    loss: 'categoricalCrossentropy',
  },
  'functional model with Concatenate and Add': {
    shape: [4, 6],
    tfjs: () => {
      const x = tfl.input({ shape: [6] });
      const a = tfl.layers.dense({ units: 5, activation: 'relu' }).apply(x);
      const b = tfl.layers.dense({ units: 5, activation: 'tanh' }).apply(x);
      const sum = tfl.layers.add().apply([a, b]);
      const joined = tfl.layers.concatenate().apply([sum, a]);
      const out = tfl.layers.dense({ units: 2, activation: 'softmax' }).apply(joined);
      return tfl.model({ inputs: x, outputs: out });
    },
    simdnn: () => {
      const x = nn.input({ shape: [6] });
      const a = nn.layers.dense({ units: 5, activation: 'relu' }).apply(x);
      const b = nn.layers.dense({ units: 5, activation: 'tanh' }).apply(x);
      const sum = nn.layers.add().apply([a, b]);
      const joined = nn.layers.concatenate().apply([sum, a]);
      const out = nn.layers.dense({ units: 2, activation: 'softmax' }).apply(joined);
      return nn.model({ inputs: x, outputs: out });
    },
    input: (rand) => randomValues(4 * 6, rand, -1, 1),
    loss: 'categoricalCrossentropy',
  },
};

let seed = 11;
for (const [name, c] of Object.entries(cases)) {
  test(`TF.js -> simdnn: ${name} saved by TF.js predicts the same here`, async () => {
    const theirs = c.tfjs();
    randomiseTfWeights(theirs, seed++);
    const x = c.input(seededRandom(seed++));
    const expected = tfPredict(theirs, x, c.shape);
    // Through TF.js's own in-memory IO handler, as a user would pass tf.io.fromMemory(...).
    const saved = await tfArtifacts(theirs);
    const ours = await nn.loadModel(tf.io.fromMemory(saved));
    const diff = maxAbsDiff(nnPredict(ours, x, c.shape), expected);
    maxDiffs[`TF.js -> simdnn ${name}`] = diff;
    assert.ok(diff <= TOLERANCE, `max abs diff ${diff}`);
    theirs.dispose();
    ours.dispose();
  });

  test(`simdnn -> TF.js: ${name} trained here predicts the same in TF.js`, async () => {
    nn.setSeed?.(seed++);
    const ours = c.simdnn();
    const rand = seededRandom(seed++);
    const x = c.input(rand);
    const outShape = ours.outputShape ?? null;
    const probe = ours.predict(nn.tensor(x, c.shape));
    const yShape = probe.shape;
    probe.dispose();
    // A brief fit moves every weight (and BatchNormalization's moving statistics) off its init.
    const yValues = c.target === 'input' ? x : new Float32Array(yShape.reduce((a, b) => a * b, 1));
    if (c.target !== 'input') {
      const classes = yShape[yShape.length - 1];
      for (let i = 0; i < yValues.length / classes; i++) yValues[i * classes + (classes === 1 ? 0 : i % classes)] = classes === 1 ? i % 2 : 1;
    }
    ours.compile({ optimizer: nn.optimizers.adam(0.01), loss: c.loss });
    const xt = nn.tensor(x, c.shape);
    const yt = nn.tensor(yValues, yShape);
    await ours.fit(xt, yt, { epochs: 3, batchSize: 2 });
    xt.dispose();
    yt.dispose();
    void outShape;
    const expected = nnPredict(ours, x, c.shape);
    const { modelJson, weights } = await ours.save();
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weights.slice().buffer,
    }));
    const diff = maxAbsDiff(tfPredict(theirs, x, c.shape), expected);
    maxDiffs[`simdnn -> TF.js ${name}`] = diff;
    assert.ok(diff <= TOLERANCE, `max abs diff ${diff}`);
    theirs.dispose();
    ours.dispose();
  });
}

// What tensorflowjs_converter --input_format keras writes for a tf.keras 2.x Sequential: the
// Keras config nested under model_config beside keras_version/backend/training_config, and an
// InputLayer as the Sequential's first entry.
test('a Keras-converter model.json (model_config wrapper, InputLayer entry) loads with TF.js\'s predictions', async () => {
  const theirs = cases['LeNet-5'].tfjs();
  randomiseTfWeights(theirs, 99);
  const x = cases['LeNet-5'].input(seededRandom(98));
  const expected = tfPredict(theirs, x, cases['LeNet-5'].shape);
  const saved = await tfArtifacts(theirs);
  const config = structuredClone(saved.modelTopology.config);
  const first = config.layers[0].config;
  config.layers.unshift({ class_name: 'InputLayer', config: { batch_input_shape: first.batch_input_shape, dtype: 'float32',
    sparse: false, ragged: false, name: 'conv2d_input' } });
  delete first.batch_input_shape;
  const modelJson = {
    format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config },
      training_config: { loss: 'categorical_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } } } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: saved.weightSpecs }],
  };
  const ours = await nn.loadModel({ modelJson, weights: new Uint8Array(saved.weightData) });
  const diff = maxAbsDiff(nnPredict(ours, x, cases['LeNet-5'].shape), expected);
  maxDiffs['Keras converter layout -> simdnn LeNet-5'] = diff;
  assert.ok(diff <= TOLERANCE, `max abs diff ${diff}`);
  theirs.dispose();
  ours.dispose();
});

test('a topology with unsupported layers names every unsupported class in one error', async () => {
  const theirs = tfl.sequential({ layers: [
    tfl.layers.dense({ units: 4, inputShape: [3] }),
    tfl.layers.layerNormalization(),
    tfl.layers.dense({ units: 2 }),
    tfl.layers.alphaDropout({ rate: 0.1 }),
  ] });
  const saved = await tfArtifacts(theirs);
  await assert.rejects(nn.loadModel(tf.io.fromMemory(saved)),
    /unsupported layers?.*LayerNormalization.*AlphaDropout|unsupported layers?.*AlphaDropout.*LayerNormalization/);
  theirs.dispose();
});

test.after(() => {
  for (const [k, v] of Object.entries(maxDiffs)) console.log(`max abs diff  ${k}: ${v.toExponential(2)}`);
});
