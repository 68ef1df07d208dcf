// Quantized weights as tensorflowjs_converter writes them (--quantize_uint8, --quantize_uint16,
// --quantize_float16). TF.js has no quantizer in Node, so the bytes are built here from the
// converter's documented formula (uint8/uint16: q = round((v - min) / scale) with
// scale = (max - min) / (2^bits - 1); float16: IEEE half floats), and TF.js's own loader
// (tf.loadLayersModel, which dequantizes) is the reference for the predictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadNN, seededRandom } from './helpers.js';

await tf.setBackend('cpu');
const nn = await loadNN();

function toHalf(value) {
  const f = new Float32Array([value]);
  const bits = new Uint32Array(f.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const abs = Math.abs(value);
  if (abs < 2 ** -14) return sign | Math.round(abs / 2 ** -24);  // subnormal (or zero)
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = Math.round((bits & 0x7fffff) / 2 ** 13);
  return sign | ((exponent << 10) + mantissa);  // a rounded-up mantissa carries into the exponent
}

function quantize(values, dtype) {
  if (dtype === 'float16') return { bytes: new Uint8Array(Uint16Array.from(values, toHalf).buffer), quantization: { dtype } };
  const levels = dtype === 'uint8' ? 255 : 65535;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const scale = max > min ? (max - min) / levels : 1;
  const q = (dtype === 'uint8' ? Uint8Array : Uint16Array).from(values, (v) => Math.round((v - min) / scale));
  return { bytes: new Uint8Array(q.buffer), quantization: { dtype, scale, min } };
}

async function quantizedArtifacts(model, dtype) {
  let saved;
  await model.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date() } }; }));
  const floats = new Float32Array(saved.weightData);
  const parts = [];
  const weightSpecs = [];
  let offset = 0;
  for (const spec of saved.weightSpecs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const { bytes, quantization } = quantize(Array.from(floats.subarray(offset, offset + count)), dtype);
    offset += count;
    parts.push(bytes);
    weightSpecs.push({ ...spec, quantization });
  }
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { weights.set(p, at); at += p.length; }
  return { modelTopology: saved.modelTopology, weightSpecs, weightData: weights.buffer };
}

const batch = 6;
const rand = seededRandom(21);
const xValues = Float32Array.from({ length: batch * 10 * 10 * 1 }, () => rand());

function buildTf() {
  const model = tfl.sequential({ layers: [
    tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 1] }),
    tfl.layers.batchNormalization(),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 5, activation: 'softmax' }),
  ] });
  const r = seededRandom(5);
  model.setWeights(model.weights.map((w) => {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const positive = /variance/.test(w.originalName ?? w.name);
    return tf.tensor(Float32Array.from({ length: count }, () => (positive ? 0.5 + r() : r() - 0.5)), w.shape);
  }));
  return model;
}

for (const dtype of ['uint8', 'uint16', 'float16']) {
  test(`${dtype}-quantized weights load with the predictions TF.js gives for the same bytes`, async () => {
    const model = buildTf();
    const artifacts = await quantizedArtifacts(model, dtype);
    const reference = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.tensor(xValues, [batch, 10, 10, 1]);
    const expected = reference.predict(x).dataSync();
    const full = model.predict(x).dataSync();
    const ours = await nn.loadModel(tf.io.fromMemory(artifacts));
    const got = ours.predict(nn.tensor(xValues, [batch, 10, 10, 1])).dataSync();
    let diff = 0;
    let quantizationEffect = 0;
    for (let i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs(got[i] - expected[i]));
      quantizationEffect = Math.max(quantizationEffect, Math.abs(full[i] - expected[i]));
    }
    console.log(`${dtype}: max abs diff vs TF.js ${diff.toExponential(2)}; quantization moved outputs by up to ${quantizationEffect.toExponential(2)}`);
    assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
    // The test means something only if the weights really went through quantization.
    assert.ok(quantizationEffect > 0, 'quantization changed nothing');
    tf.dispose(x);
    model.dispose();
    reference.dispose();
    ours.dispose();
  });
}

test('bad quantization entries are refused with the weight named', async () => {
  const model = buildTf();
  const artifacts = await quantizedArtifacts(model, 'uint8');
  artifacts.weightSpecs[0].quantization = { dtype: 'int4', scale: 1, min: 0 };
  await assert.rejects(nn.loadModel(tf.io.fromMemory(artifacts)), /weight 'conv2d\w*\/kernel' is quantized as 'int4'/);
  artifacts.weightSpecs[0].quantization = { dtype: 'uint8', min: 0 };
  await assert.rejects(nn.loadModel(tf.io.fromMemory(artifacts)), /needs a finite 'scale'/);
  model.dispose();
});
