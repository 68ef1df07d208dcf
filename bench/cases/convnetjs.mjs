// Bench worker for ConvNetJS (the npm package, a CommonJS script in plain JavaScript):
// `node bench/cases/convnetjs.mjs <case> [--quick]`. Prints one result line (see common.mjs).
// ConvNetJS works one sample (a Vol) at a time: its Trainer accumulates gradients and updates
// the weights every batch_size samples, and a "batch" predict is that many forward passes.
import { createRequire } from 'node:module';
import { MODELS, Unsupported, measureCase, runWorker, seededRandom } from './common.mjs';

const require = createRequire(import.meta.url);

// The same LeNet-5 as the other libraries, in ConvNetJS layer definitions ('same' padding for
// a 5x5 kernel = pad 2).
function lenetDefs(m) {
  const [height, width, depth] = m.inputShape;
  return [
    { type: 'input', out_sx: width, out_sy: height, out_depth: depth },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 120, activation: 'relu' },
    { type: 'fc', num_neurons: 84, activation: 'relu' },
    { type: 'softmax', num_classes: m.classes },
  ];
}

function convnetLibrary(convnetjs) {
  return {
    buildModel(name, data) {
      if (name !== 'lenet') throw new Unsupported('no Embedding/LSTM layers', `ConvNetJS cannot build the ${name} model`);
      const m = MODELS[name];
      const [height, width, depth] = m.inputShape;
      const net = new convnetjs.Net();
      net.makeLayers(lenetDefs(m));
      // The npm release (0.3.0) has no Adam (it came later, unreleased): an unknown method
      // silently falls back to SGD with momentum, so ask for that explicitly.
      const trainer = new convnetjs.Trainer(net, { method: 'sgd', momentum: 0.9, batch_size: m.batchSize,
        learning_rate: m.learningRate, l2_decay: 0 });
      // Vol index ((sx * y) + x) * depth + d is the same row-major HWC layout as data.x.
      const vols = [];
      const labels = [];
      for (let s = 0; s < data.samples; ++s) {
        const vol = new convnetjs.Vol(width, height, depth, 0.0);
        vol.w.set(data.x.subarray(s * data.width, (s + 1) * data.width));
        vols.push(vol);
        labels.push(data.y.subarray(s * m.classes, (s + 1) * m.classes).indexOf(1));
      }
      const random = seededRandom(7);
      let sink = 0;
      return {
        fitEpoch(rows) {
          const order = Array.from({ length: rows }, (_, i) => i);
          for (let i = rows - 1; i > 0; --i) {
            const j = Math.floor(random() * (i + 1));
            [order[i], order[j]] = [order[j], order[i]];
          }
          for (const i of order) trainer.train(vols[i], labels[i]);
        },
        predict(rows) {
          for (let i = 0; i < rows; ++i) sink += net.forward(vols[i], false).w[0];
        },
        dispose() { if (Number.isNaN(sink)) throw new Error('convnetjs: NaN output'); },
      };
    },
  };
}

runWorker('convnetjs', process.argv.slice(2), async (options) => {
  const convnetjs = require('convnetjs');
  const info = { version: require('convnetjs/package.json').version, optimizer: 'sgd+momentum 0.9 (no adam in this release)' };
  if (options.spec.kind === 'gemm') throw new Unsupported('not compared', 'the GEMM case calls raw kernels');
  const outcome = await measureCase(options, convnetLibrary(convnetjs));
  return { ...outcome, info };
});
