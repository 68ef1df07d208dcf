// Module worker: trains a small classifier with the public API and streams progress to the page.
import { load } from '../../../web/index.js';
import { weightsHash } from '../../shared/weights-hash.js';

const golden = await (await fetch(new URL('../../data/determinism.json', import.meta.url))).json();

try {
  const started = performance.now();
  const nn = await load();
  const loadMs = performance.now() - started;

  // The golden initial weights, as in the native, wasm-Catch2 and Node tests.
  nn.setSeed(golden.seed);
  const goldenModel = nn.sequential({ layers: [
    nn.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }),
    nn.layers.dense({ units: 4, activation: 'softmax' }),
  ] });
  const goldenHash = weightsHash(goldenModel);
  goldenModel.dispose();

  // Two concentric rings (a known-answer synthetic task): inner ring class 0, outer class 1.
  const n = 256;
  const x = new Float32Array(2 * n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const angle = (i * 2.399963) % (2 * Math.PI);
    const r = i % 2 === 0 ? 0.3 + 0.1 * ((i * 7) % 5) / 5 : 0.8 + 0.1 * ((i * 3) % 5) / 5;
    x[2 * i] = r * Math.cos(angle);
    x[2 * i + 1] = r * Math.sin(angle);
    y[i] = i % 2;
  }
  nn.setSeed(7);
  const model = nn.sequential({ layers: [
    nn.layers.dense({ units: 16, activation: 'tanh', inputShape: [2] }),
    nn.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  model.compile({ optimizer: nn.optimizers.adam(0.03), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const xt = nn.tensor(x, [n, 2]);
  const yt = nn.tensor(y, [n, 1]);
  const history = await model.fit(xt, yt, {
    epochs: 60, batchSize: 32,
    callbacks: { onEpochEnd: (epoch, logs) => postMessage({ type: 'epoch', epoch, logs }) },
  });
  postMessage({
    type: 'done', ok: true, version: nn.version, loadMs, goldenHash, expectedGoldenHash: golden.initialWeightsFnv1a,
    finalLoss: history.history.loss.at(-1), finalAccuracy: history.history.accuracy.at(-1),
    summary: model.summary(60, undefined, null),
    threads: nn.threads(), cores: navigator.hardwareConcurrency,
  });
  xt.dispose(); yt.dispose(); model.dispose();
} catch (error) {
  postMessage({ type: 'done', ok: false, error: String(error?.stack ?? error) });
}
