// Memory: long loops of predict, trainOnBatch, fit and model create/dispose return the wasm heap
// to its baseline (±1%) and keep the JS heap bounded; an allocation beyond the wasm heap's
// ceiling is a clear Error and the module keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadNN } from './helpers.js';

// node --test runs each file in its own process without --expose-gc: enable it from here.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

function jsHeapUsed() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// The JS side only wraps handles, so its heap may move by GC noise but must not grow with the
// number of calls: bounded by 1% plus 2 MiB of slack for lazily compiled code.
const JS_SLACK_BYTES = 2 * 1024 * 1024;

function assertBaseline(nn, label, wasmBefore, jsBefore) {
  const wasmAfter = nn.memory().wasmBytesInUse;
  const jsAfter = jsHeapUsed();
  console.log(`${label}: wasm heap in use ${wasmBefore} -> ${wasmAfter} B; JS heap ${jsBefore} -> ${jsAfter} B`);
  assert.ok(Math.abs(wasmAfter - wasmBefore) <= wasmBefore * 0.01, `${label}: wasm heap went from ${wasmBefore} to ${wasmAfter} B`);
  assert.ok(jsAfter - jsBefore <= jsBefore * 0.01 + JS_SLACK_BYTES, `${label}: JS heap grew from ${jsBefore} to ${jsAfter} B`);
}

function classifier(nn) {
  return nn.sequential({ layers: [
    nn.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }),
    nn.layers.dense({ units: 2, activation: 'softmax' }),
  ] });
}

function data(nn) {
  const x = nn.tensor(new Float32Array(64 * 8).map((_, i) => Math.sin(i)), [64, 8]);
  const y = nn.tensor(new Float32Array(64 * 2).map((_, i) => i % 2), [64, 2]);
  return { x, y };
}

async function cycle(nn, x, y, i) {
  const functional = i % 2 === 1;
  let model;
  if (functional) {
    const input = nn.input({ shape: [8] });
    const h = nn.layers.dense({ units: 16, activation: 'relu' }).apply(input);
    const d = nn.layers.dropout({ rate: 0.1 }).apply(h);
    const out = nn.layers.dense({ units: 2, activation: 'softmax' }).apply(d);
    model = nn.model({ inputs: input, outputs: out });
  } else {
    model = classifier(nn);
  }
  model.compile({ optimizer: nn.optimizers.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 1, batchSize: 16 });
  const p = model.predict(x);
  p.dispose();
  const saved = await model.save();
  const loaded = await nn.loadModel(saved);
  loaded.dispose();
  model.dispose();
}

test('500 create/train/save/load/dispose cycles return the wasm heap to baseline (±1%)', async () => {
  const nn = await loadNN();
  const { x, y } = data(nn);
  // Warm up: first-use allocations (registries, static tables) are not leaks.
  for (let i = 0; i < 4; i++) await cycle(nn, x, y, i);
  const wasm = nn.memory().wasmBytesInUse;
  const js = jsHeapUsed();
  for (let i = 0; i < 500; i++) await cycle(nn, x, y, i);
  assertBaseline(nn, '500 model cycles', wasm, js);
  x.dispose();
  y.dispose();
});

test('10,000 predict calls return the wasm heap to baseline (±1%)', async () => {
  const nn = await loadNN();
  const { x, y } = data(nn);
  const model = classifier(nn);
  for (let i = 0; i < 10; i++) model.predict(x).dispose();
  const wasm = nn.memory().wasmBytesInUse;
  const js = jsHeapUsed();
  for (let i = 0; i < 10000; i++) model.predict(x).dispose();
  assertBaseline(nn, '10,000 predict calls', wasm, js);
  model.dispose();
  x.dispose();
  y.dispose();
});

test('1,000 trainOnBatch and 1,000 fit calls return the wasm heap to baseline (±1%)', async () => {
  const nn = await loadNN();
  const { x, y } = data(nn);
  const model = classifier(nn);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // Warm up: the optimizer's slots and the fit loop's batch buffers are made on first use.
  model.trainOnBatch(x, y);
  await model.fit(x, y, { epochs: 1, batchSize: 32 });
  let wasm = nn.memory().wasmBytesInUse;
  let js = jsHeapUsed();
  let logs;
  for (let i = 0; i < 1000; i++) logs = model.trainOnBatch(x, y);
  assert.ok(Number.isFinite(logs.loss));
  assertBaseline(nn, '1,000 trainOnBatch calls', wasm, js);
  wasm = nn.memory().wasmBytesInUse;
  js = jsHeapUsed();
  let history;
  for (let i = 0; i < 1000; i++) history = await model.fit(x, y, { epochs: 1, batchSize: 32, yieldEvery: 'never' });
  assert.ok(history.history.loss[0] < 0.7, `training went nowhere: loss ${history.history.loss[0]}`);
  assertBaseline(nn, '1,000 fit calls', wasm, js);
  model.dispose();
  x.dispose();
  y.dispose();
});

test('allocations beyond the wasm heap ceiling give a clear Error and the module keeps working', async () => {
  const nn = await loadNN();
  const model = classifier(nn);
  const { x, y } = data(nn);
  const expected = model.predict(x).dataSync();
  // Each is under the engine's per-tensor limit (2^30 floats) but over the 2 GiB heap ceiling.
  for (const shape of [[600000000], [3, 200000000], [540000000]]) {
    assert.throws(() => nn.tensor(new Float32Array(1), shape), /out of memory allocating a tensor of \d+ floats/);
  }
  // A layer whose weights cannot fit: the Error names the layer.
  const input = nn.input({ shape: [30000] });
  assert.throws(() => nn.layers.dense({ units: 30000, name: 'huge_dense' }).apply(input), /Dense 'huge_dense'.*(out of memory|too large)/);
  assert.ok(nn.memory().wasmHeapBytes <= 2 ** 31, `heap grew to ${nn.memory().wasmHeapBytes} B`);
  const p = model.predict(x);
  assert.deepEqual(p.dataSync(), expected);
  p.dispose();
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  assert.ok(Number.isFinite(model.trainOnBatch(x, y).loss));
  input.dispose();
  model.dispose();
  x.dispose();
  y.dispose();
});
