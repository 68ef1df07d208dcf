// Bad calls give a JS Error that names the layer/model, the expected and the actual, and the
// module keeps working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNN } from './helpers.js';

function makeModel(nn) {
  const model = nn.sequential({ name: 'net', layers: [
    nn.layers.dense({ units: 4, activation: 'relu', inputShape: [3], name: 'hidden' }),
    nn.layers.dense({ units: 2, activation: 'softmax', name: 'probs' }),
  ] });
  return model;
}

test('bad calls throw clear errors and a valid call afterwards succeeds', async () => {
  const nn = await loadNN();
  const model = makeModel(nn);
  const x = nn.tensor(new Float32Array(15), [5, 3]);
  const y = nn.tensor(new Float32Array(10), [5, 2]);
  const wrongX = nn.tensor(new Float32Array(20), [5, 4]);
  const nanX = nn.tensor(new Float32Array(15).fill(NaN), [5, 3]);
  const cases = [
    ['fit before compile', () => model.fit(x, y), /compile\(\) before fit/],
    ['misspelt required option', () => nn.layers.dense({ unit: 3 }), /Dense.*missing required option 'units'/],
    ['unknown layer option', () => nn.layers.dense({ units: 3, activaton: 'relu' }), /Dense.*unknown option 'activaton'/],
    ['units zero', () => nn.layers.dense({ units: 0 }), /Dense.*'units' must be a positive integer, got 0/],
    ['units string', () => nn.layers.dense({ units: 'ten' }), /'units' must be a positive integer, got "ten"/],
    ['units fractional', () => nn.layers.dense({ units: 2.5 }), /'units' must be a positive integer/],
    ['unknown activation', () => nn.layers.dense({ units: 2, activation: 'relux' }), /relux/],
    ['dropout rate above 1', () => nn.layers.dropout({ rate: 1.5 }), /Dropout.*rate/],
    ['reshape incompatible', () => nn.sequential({ layers: [nn.layers.reshape({ targetShape: [5], inputShape: [4] })] }), /Reshape.*\[\?, 4\].*\[5\]/],
    ['tensor length mismatch', () => nn.tensor(new Float32Array(5), [2, 3]), /needs 6 values, got 5/],
    ['tensor bad shape', () => nn.tensor(new Float32Array(4), [2, -2]), /shape/],
    ['tensor from string', () => nn.tensor('abc'), /typed array or an array of numbers/],
    ['unknown loss', () => model.compile({ optimizer: 'adam', loss: 'meanSquaredErr' }), /meanSquaredErr/],
    ['unknown optimizer', () => model.compile({ optimizer: 'adamm', loss: 'mse' }), /adamm/],
    ['unknown metric', () => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] }), /acuracy/],
    ['bad learning rate', () => nn.optimizers.adam(-1), /learning_rate/],
    ['wrong input shape to predict', () => model.predict(wrongX), /net.*\[\?, 3\].*\[5, 4\]/],
    ['non-tensor input', () => model.predict([[1, 2, 3]]), /expected a Tensor/],
    ['NaN inputs', () => model.predict(nanX), /NaN/],
    ['unknown layer in apply', () => nn.layers.dense({ units: 2 }).apply('x'), /symbolic tensor/],
    ['graph with unknown input', () => {
      const a = nn.input({ shape: [2] });
      const b = nn.input({ shape: [2] });
      const out = nn.layers.add().apply([a, b]);
      return nn.model({ inputs: a, outputs: out });
    }, /disconnected/],
    ['add with mismatched shapes', () => {
      const a = nn.input({ shape: [2] });
      const b = nn.input({ shape: [3] });
      return nn.layers.add().apply([a, b]);
    }, /Add/],
    ['set wrong weights', () => model.setWeights([x]), /expected 4 weight tensors, got 1/],
    ['corrupt model file', () => nn.loadModel({ modelJson: { modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Nope', config: {} }] } }, weightsManifest: [] }, weights: new Uint8Array(0) }), /unsupported layers: Nope \(supported: /],
    ['bad seed', () => nn.setSeed(-3), /seed/],
    ['disposed tensor', () => { const t = nn.tensor([1, 2, 3], [1, 3]); t.dispose(); return model.predict(t); }, /disposed/],
  ];
  let count = 0;
  for (const [what, fn, pattern] of cases) {
    await assert.rejects(async () => fn(), (err) => {
      assert.ok(err instanceof Error, `${what}: not an Error`);
      assert.match(err.message, pattern, `${what}: message was: ${err.message}`);
      return true;
    }, what);
    // The module still works: a valid prediction after every bad call.
    if (!model.optimizer) {
      const p = model.predict(x);
      assert.deepEqual(p.shape, [5, 2]);
      p.dispose();
    }
    count++;
  }
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const logs = model.trainOnBatch(x, y);
  assert.ok(Number.isFinite(logs.loss));
  console.log(`${count} bad calls gave clear errors`);
  assert.ok(count >= 15);
  for (const t of [x, y, wrongX, nanX]) t.dispose();
  model.dispose();
});

test('concurrent fit calls on one model are refused', async () => {
  const nn = await loadNN();
  const model = makeModel(nn);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = nn.tensor(new Float32Array(300), [100, 3]);
  const y = nn.tensor(new Float32Array(200), [100, 2]);
  const first = model.fit(x, y, { epochs: 2, batchSize: 10, yieldEvery: 0 });
  await assert.rejects(model.fit(x, y), /already training/);
  await first;
  x.dispose();
  y.dispose();
  model.dispose();
});
