// Optimizer state in model files against TF.js itself: a TF.js model saved with
// includeOptimizer loads here compiled, with the same optimizer weights; ours loads in TF.js
// with its optimizer weights intact (names, order, values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadNN, seededRandom } from './helpers.js';

await tf.setBackend('cpu');
const nn = await loadNN();

const rand = seededRandom(3);
const xValues = Float32Array.from({ length: 8 * 4 }, () => rand() * 2 - 1);
const yValues = new Float32Array(8 * 3);
for (let i = 0; i < 8; i++) yValues[i * 3 + (i % 3)] = 1;

function optimizerWeights(modelJson, weights) {
  const out = new Map();
  let offset = 0;
  for (const spec of modelJson.weightsManifest.flatMap((g) => g.weights)) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = weights.slice(offset, offset + count * 4);
    if (spec.group === 'optimizer') {
      out.set(spec.name, spec.dtype === 'int32' ? Array.from(new Int32Array(bytes.buffer)) : Array.from(new Float32Array(bytes.buffer)));
    }
    offset += count * 4;
  }
  return out;
}

for (const [name, makeTf] of [['Adam', () => tf.train.adam(0.01)], ['RMSProp', () => tf.train.rmsprop(0.01, 0.9, 0.5)],
  ['Momentum', () => tf.train.momentum(0.05, 0.9)]]) {
  test(`a TF.js ${name} model saved with includeOptimizer loads compiled, with its optimizer weights`, async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
    model.compile({ optimizer: makeTf(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.tensor2d(xValues, [8, 4]);
    const y = tf.tensor2d(yValues, [8, 3]);
    await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    let saved;
    await model.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }),
      { includeOptimizer: true });
    const modelJson = { format: 'layers-model', modelTopology: saved.modelTopology, trainingConfig: saved.trainingConfig,
      weightsManifest: [{ paths: ['weights.bin'], weights: saved.weightSpecs }] };
    const weights = new Uint8Array(saved.weightData);
    const ours = await nn.loadModel({ modelJson, weights });
    assert.ok(ours.optimizer, 'loaded compiled');
    assert.equal(ours.optimizer.iterations, 4);
    const again = await ours.save(undefined, { includeOptimizer: true });
    const theirs = optimizerWeights(modelJson, weights);
    const mine = optimizerWeights(again.modelJson, again.weights);
    assert.deepEqual([...mine.keys()].sort(), [...theirs.keys()].sort());
    for (const [k, v] of theirs) assert.deepEqual(mine.get(k), v, k);
    tf.dispose([x, y]);
    model.dispose();
    ours.dispose();
  });
}

test('a simdnn model saved with includeOptimizer loads in TF.js with the same optimizer weights', async () => {
  const model = nn.sequential({ layers: [nn.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
  model.compile({ optimizer: nn.optimizers.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = nn.tensor(xValues, [8, 4]);
  const y = nn.tensor(yValues, [8, 3]);
  await model.fit(x, y, { epochs: 2, batchSize: 4 });
  const { modelJson, weights } = await model.save(undefined, { includeOptimizer: true });
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, trainingConfig: modelJson.trainingConfig,
    weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.slice().buffer }));
  assert.equal(loaded.optimizer.getClassName(), 'Adam');
  const tfWeights = await loaded.optimizer.getWeights();
  const mine = optimizerWeights(modelJson, weights);
  assert.deepEqual(tfWeights.map((w) => w.name), [...mine.keys()]);
  for (const w of tfWeights) assert.deepEqual(Array.from(await w.tensor.data()), mine.get(w.name), w.name);
  for (const t of [x, y]) t.dispose();
  model.dispose();
  loaded.dispose();
});
