// The bench's own TF.js WASM kernels (bench/cases/tfjs-wasm-patch.mjs) compute the same
// gradients as TF.js's reference cpu kernels, so the tfjs-wasm+patch column trains the model it
// claims to: Conv2DBackpropFilter for every padding/stride LeNet-style models use, and
// UnsortedSegmentSum as the gradient of an embedding lookup with repeated ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';  // registers the gradient functions
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { seededRandom } from '../../bench/cases/common.mjs';
import { registerMissingWasmKernels } from '../../bench/cases/tfjs-wasm-patch.mjs';

function values(shape, seed) {
  const random = seededRandom(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1), shape);
}

const CONVS = [['same', 1], ['valid', 1], ['same', 2], ['valid', [2, 1]], [[[0, 0], [1, 2], [2, 1], [0, 0]], 1]];

function gradients() {
  const out = {};
  for (const [pad, stride] of CONVS) {
    const x = values([3, 9, 8, 2], 1);
    const w = values([5, 5, 2, 4], 2);
    const dy = values(tf.conv2d(x, w, stride, pad).shape, 3);
    const dw = tf.grad((filter) => tf.sum(tf.mul(tf.conv2d(x, filter, stride, pad), dy)))(w);
    out[`Conv2DBackpropFilter pad ${JSON.stringify(pad)} stride ${stride}`] = dw.arraySync().flat(3);
  }
  const ids = tf.tensor2d([[1, 5, 5], [49, 0, 1]], [2, 3], 'int32');
  const dOut = values([2, 3, 7], 5);
  const dTable = tf.grad((table) => tf.sum(tf.mul(tf.gather(table, ids), dOut)))(values([50, 7], 4));
  out['UnsortedSegmentSum (gather gradient)'] = Array.from(dTable.dataSync());
  return out;
}

test('bench tfjs-wasm+patch kernels match the TF.js cpu kernels', async () => {
  await tf.setBackend('cpu');
  const expected = gradients();
  wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  assert.deepEqual(registerMissingWasmKernels(tf).sort(), ['Conv2DBackpropFilter', 'UnsortedSegmentSum']);
  const actual = gradients();
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    assert.equal(got.length, want.length, name);
    assert.ok(want.some((v) => Math.abs(v) > 0.1), `${name}: degenerate reference`);
    const worst = Math.max(...want.map((v, i) => Math.abs(v - got[i])));
    assert.ok(worst < 1e-4, `${name}: max |wasm+patch - cpu| = ${worst}`);
  }
});
