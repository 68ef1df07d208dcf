// Writes the model-loader seed corpus (tests/fuzz/corpus/model_loader/): small real models
// saved by the engine, one per layer family, each as model.json + NUL + weights (the format
// fuzz_model_loader.cpp reads). Re-run after a model-format change: node tests/fuzz/make-seeds.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { load } from '../../web/index.js';

const nn = await load();
nn.setSeed(1);
const L = nn.layers;
const seeds = {
  mlp: () => nn.sequential({ layers: [L.dense({ units: 3, activation: 'relu', inputShape: [4] }), L.dropout({ rate: 0.2 }), L.dense({ units: 2, activation: 'softmax' })] }),
  cnn: () => nn.sequential({ layers: [L.conv2d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [6, 6, 1] }), L.batchNormalization(), L.maxPooling2d({ poolSize: 2 }), L.flatten(), L.dense({ units: 2 })] }),
  conv1d: () => nn.sequential({ layers: [L.conv1d({ filters: 2, kernelSize: 2, inputShape: [5, 3] }), L.globalAveragePooling1d(), L.dense({ units: 1 })] }),
  lstm: () => nn.sequential({ layers: [L.embedding({ inputDim: 8, outputDim: 3, maskZero: true, inputShape: [4] }), L.lstm({ units: 2 }), L.dense({ units: 1, activation: 'sigmoid' })] }),
  bigru: () => nn.sequential({ layers: [L.bidirectional({ layer: L.gru({ units: 2, returnSequences: true }), inputShape: [3, 2] }), L.timeDistributed({ layer: L.dense({ units: 1 }) })] }),
  shapes: () => nn.sequential({ layers: [L.zeroPadding2d({ padding: 1, inputShape: [3, 3, 1] }), L.cropping2d({ cropping: 1 }), L.reshape({ targetShape: [9] }), L.repeatVector({ n: 2 }), L.simpleRNN({ units: 2 })] }),
  functional: () => {
    const a = nn.input({ shape: [4] });
    const b = nn.input({ shape: [4] });
    const s = L.add().apply([L.dense({ units: 3 }).apply(a), L.dense({ units: 3 }).apply(b)]);
    const c = L.concatenate().apply([s, L.leakyReLU().apply(s)]);
    return nn.model({ inputs: [a, b], outputs: [L.dense({ units: 2, activation: 'softmax' }).apply(c), L.prelu().apply(c)] });
  },
};
const dir = new URL('./corpus/model_loader/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, make] of Object.entries(seeds)) {
  const model = make();
  const { modelJson, weights } = await model.save();
  const text = new TextEncoder().encode(JSON.stringify(modelJson));
  const bytes = new Uint8Array(text.length + 1 + weights.length);
  bytes.set(text, 0);
  bytes.set(weights, text.length + 1);
  writeFileSync(new URL(name, dir), bytes);
  console.log(`${name}: ${text.length} B json, ${weights.length} B weights`);
  model.dispose();
}
