// The threaded build (dist/simdnn-threads.*): chosen by load({ threads }), bitwise-equal to
// the single-threaded build on a LeNet-5 fit and predict on real MNIST digits (the engine
// splits work by output blocks only), and a Node process that used it still exits by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load } from '../../web/index.js';
import { imageDataUrl, imageTensors, loadImageSplit } from '../../demos/shared/image-data.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function lenet(nn) {
  const L = nn.layers;
  return nn.sequential({ layers: [
    L.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
    L.maxPooling2d({ poolSize: 2 }),
    L.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
    L.maxPooling2d({ poolSize: 2 }),
    L.flatten(),
    L.dense({ units: 120, activation: 'relu' }),
    L.dense({ units: 84, activation: 'relu' }),
    L.dense({ units: 10, activation: 'softmax' }),
  ] });
}

// Two epochs over 512 digits (batch 64, shuffled), then every weight and a prediction.
async function fitAndPredict(nn, split) {
  nn.setSeed(7);
  const model = lenet(nn);
  model.compile({ optimizer: nn.optimizers.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const { x, y } = imageTensors(nn, split, { oneHot: true });
  const history = await model.fit(x, y, { epochs: 2, batchSize: 64, verbose: 0 });
  const weights = model.getWeights().map((w) => { const data = w.dataSync(); w.dispose(); return data; });
  const p = model.predict(x, { batchSize: 64 });
  const predictions = p.dataSync();
  for (const t of [p, x, y, model]) t.dispose();
  return { loss: history.history.loss, weights, predictions };
}

function sameBits(a, b) {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

test('load() picks the build: single-threaded by default in Node, threaded on request', async () => {
  const single = await load();
  assert.equal(single.threads(), 1);
  const threaded = await load({ threads: 2 });
  assert.equal(threaded.threads(), 2);
  await assert.rejects(load({ threads: 0 }), /load: threads must be a positive integer, got 0/);
  await assert.rejects(load({ threads: 1.5 }), /load: threads must be a positive integer, got 1.5/);
  await assert.rejects(load({ threads: 64 }), /setThreads: threads must be between 1 and \d+, got 64/);
  // The count can change after load, within the build's pool, and a refusal leaves it as it was.
  threaded.setThreads(1);
  assert.equal(threaded.threads(), 1);
  threaded.setThreads(3);
  assert.equal(threaded.threads(), 3);
  assert.throws(() => threaded.setThreads(9), /setThreads: threads must be between 1 and 4, got 9/);
  assert.throws(() => threaded.setThreads('2'), /setThreads: threads must be an integer, got string/);
  assert.throws(() => single.setThreads(2), /setThreads: this is the single-threaded build, threads must be 1, got 2/);
  assert.equal(threaded.threads(), 3);
  single.setThreads(1);
  assert.equal(single.threads(), 1);
});

test('the threaded build trains and predicts LeNet-5 bitwise-equal to the single-threaded one', { timeout: 300000 }, async () => {
  const split = await loadImageSplit(imageDataUrl('mnist'), 'train', { limit: 512 });
  const one = await fitAndPredict(await load(), split);
  const two = await fitAndPredict(await load({ threads: 2 }), split);
  assert.ok(one.loss[1] < one.loss[0], `LeNet-5 did not learn: loss ${one.loss}`);
  assert.deepEqual(two.loss, one.loss);
  assert.equal(two.weights.length, one.weights.length);
  one.weights.forEach((w, i) => assert.ok(sameBits(two.weights[i], w), `weight ${i} differs`));
  assert.ok(sameBits(two.predictions, one.predictions), 'predictions differ');
});

test('a Node process that used the threaded build exits by itself', { timeout: 120000 }, () => {
  const script = [
    "const { load } = await import('./web/index.js');",
    'const nn = await load({ threads: 2 });',
    'const x = nn.tensor(new Float32Array(64 * 28 * 28), [64, 28, 28, 1]);',
    "const m = nn.sequential({ layers: [nn.layers.conv2d({ filters: 6, kernelSize: 5, inputShape: [28, 28, 1] })] });",
    'm.predict(x).dispose();',
    'console.log(nn.threads());',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60000 });
  assert.equal(run.error?.code, undefined, 'the process did not exit within 60 s (pool workers kept it alive)');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), '2');
});
