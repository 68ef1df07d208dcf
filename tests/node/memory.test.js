// Creating, training and disposing models returns the wasm heap to its baseline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNN } from './helpers.js';

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
    model = nn.sequential({ layers: [
      nn.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
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

test('200 create/train/dispose cycles return the wasm heap to baseline (±1%)', async () => {
  const nn = await loadNN();
  const x = nn.tensor(new Float32Array(64 * 8).map((_, i) => Math.sin(i)), [64, 8]);
  const y = nn.tensor(new Float32Array(64 * 2).map((_, i) => i % 2), [64, 2]);
  // Warm up: first-use allocations (registries, static tables) are not leaks.
  for (let i = 0; i < 4; i++) await cycle(nn, x, y, i);
  const baseline = nn.memory().wasmBytesInUse;
  for (let i = 0; i < 200; i++) await cycle(nn, x, y, i);
  const after = nn.memory().wasmBytesInUse;
  console.log(`wasm heap in use: baseline ${baseline} B, after 200 cycles ${after} B`);
  assert.ok(Math.abs(after - baseline) <= baseline * 0.01, `heap grew from ${baseline} to ${after}`);
  x.dispose();
  y.dispose();
});
