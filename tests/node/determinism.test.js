// Same seed, same build -> bitwise-identical weights. The golden checksum of freshly
// initialised weights is shared with the Catch2 suite (native and wasm) and the browser test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadNN } from './helpers.js';
import { weightsHash } from '../shared/weights-hash.js';

const golden = JSON.parse(readFileSync(new URL('../data/determinism.json', import.meta.url)));

function goldenModel(nn) {
  nn.setSeed(golden.seed);
  return nn.sequential({ layers: [
    nn.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }),
    nn.layers.dense({ units: 4, activation: 'softmax' }),
  ] });
}

test('initial weights match the golden checksum shared with the native build', async () => {
  const nn = await loadNN();
  const model = goldenModel(nn);
  assert.equal(weightsHash(model), golden.initialWeightsFnv1a);
  model.dispose();
});

test('training twice with the same seed gives bitwise-identical weights', async () => {
  const nn = await loadNN();
  const run = async (seed) => {
    nn.setSeed(seed);
    const model = nn.sequential({ layers: [
      nn.layers.dense({ units: 12, activation: 'relu', inputShape: [6] }),
      nn.layers.dropout({ rate: 0.3 }),
      nn.layers.gaussianNoise({ stddev: 0.1 }),
      nn.layers.dense({ units: 3, activation: 'softmax' }),
    ] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = nn.tensor(new Float32Array(60 * 6).map((_, i) => Math.cos(i * 0.37)), [60, 6]);
    const y = nn.tensor(new Float32Array(60 * 3).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [60, 3]);
    await model.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.1 });
    const h = weightsHash(model);
    x.dispose(); y.dispose(); model.dispose();
    return h;
  };
  const a = await run(99), b = await run(99), c = await run(100);
  assert.equal(a, b);
  assert.notEqual(a, c);
});
