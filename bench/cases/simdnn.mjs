// Bench worker for simdnn: `node bench/cases/simdnn.mjs <case> [--quick]`. Prints one result
// line (see common.mjs). Uses the repository's own build (dist/) through the public JS API;
// the GEMM case calls the raw kernel through the bench bindings (wasm/api_bench.cpp).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MODELS, Unavailable, measureCase, runWorker, targetShape } from './common.mjs';

// --threads=N: the threaded build with N engine threads (run.mjs's simdnn-2t column).
const threadsArg = process.argv.find((arg) => arg.startsWith('--threads='));
const threads = threadsArg ? Number(threadsArg.slice('--threads='.length)) : 1;
const distWasm = new URL(threads > 1 ? '../../dist/simdnn-threads.wasm' : '../../dist/simdnn.wasm', import.meta.url);

function requireBuild() {
  if (!existsSync(distWasm)) {
    throw new Unavailable('not built', `${fileURLToPath(distWasm)} is missing: run npm run build`);
  }
}

async function gemmLibrary() {
  const { loadModule } = await import('../../web/load.js');
  const native = await loadModule({ threads });
  if (typeof native.benchGemmPrepare !== 'function') {
    throw new Unavailable('no bench bindings', 'this build lacks wasm/api_bench.cpp: rebuild');
  }
  // Engine errors are recorded, not thrown (wasm/guard.hpp): surface them here.
  const call = (fn) => {
    const result = fn();
    const message = native.lastError();
    if (message) throw new Error(message);
    return result;
  };
  return {
    info: { version: native.version(), threads: native.threads() },
    prepareGemm(n) {
      call(() => native.benchGemmPrepare(n));
      return {
        run: () => call(() => native.benchGemmRun(1)),
        entry: (row, col) => call(() => native.benchGemmEntry(row, col)),
        release: () => call(() => native.benchGemmRelease()),
      };
    },
  };
}

function buildLayers(nn, name) {
  const m = MODELS[name];
  const L = nn.layers;
  if (name === 'mlp') {
    const [hidden1, hidden2] = m.hiddenUnits;
    return [
      L.dense({ units: hidden1, activation: 'relu', inputShape: m.inputShape }),
      L.dense({ units: hidden2, activation: 'relu' }),
      L.dense({ units: m.classes, activation: 'softmax' }),
    ];
  }
  if (name === 'lenet') {
    return [
      L.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: m.inputShape }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 120, activation: 'relu' }),
      L.dense({ units: 84, activation: 'relu' }),
      L.dense({ units: m.classes, activation: 'softmax' }),
    ];
  }
  if (name === 'convae') {
    const conv = (filters, extra = {}) => L.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', ...extra });
    return [
      conv(16, { inputShape: m.inputShape }), L.maxPooling2d({ poolSize: 2 }),
      conv(8), L.maxPooling2d({ poolSize: 2 }),
      conv(8), L.upSampling2d({ size: 2 }),
      conv(16), L.upSampling2d({ size: 2 }),
      conv(1, { activation: 'sigmoid' }),
    ];
  }
  return [
    L.embedding({ inputDim: m.vocabulary, outputDim: m.embeddingSize, inputShape: m.inputShape }),
    m.bidirectional ? L.bidirectional({ layer: L.lstm({ units: m.units }), mergeMode: 'concat' }) : L.lstm({ units: m.units }),
    L.dense({ units: m.classes, activation: 'sigmoid' }),
  ];
}

async function modelLibrary() {
  const { load } = await import('../../web/index.js');
  const nn = await load({ threads });
  return {
    info: { version: nn.version, threads: nn.threads() },
    buildModel(name, data) {
      const m = MODELS[name];
      nn.setSeed(1);
      const model = nn.sequential({ layers: buildLayers(nn, name) });
      model.compile({ optimizer: nn.optimizers.adam(m.learningRate), loss: m.loss });
      const cache = new Map();
      // Tensors over the first `rows` samples, made once per size.
      const firstRows = (rows) => {
        if (!cache.has(rows)) {
          cache.set(rows, [nn.tensor(data.x.subarray(0, rows * data.width), [rows, ...m.inputShape]),
            nn.tensor(data.y.subarray(0, rows * data.y.length / data.samples), [rows, ...targetShape(m)])]);
        }
        return cache.get(rows);
      };
      return {
        async fitEpoch(rows) {
          const [x, y] = firstRows(rows);
          await model.fit(x, y, { epochs: 1, batchSize: m.batchSize, shuffle: true, verbose: 0 });
        },
        predict(rows) {
          const out = model.predict(firstRows(rows)[0], { batchSize: m.batchSize });
          out.dataSync();
          out.dispose();
        },
        dispose() {
          for (const tensor of [...cache.values()].flat()) tensor.dispose();
          model.dispose();
        },
      };
    },

    // The Keras GAN idiom, stepped by the engine's GAN trainer (one call per step).
    buildGan(data) {
      const m = MODELS.gan;
      nn.setSeed(1);
      const L = nn.layers;
      const generator = nn.sequential({ layers: [
        L.dense({ units: m.generatorUnits[0], activation: 'selu', inputShape: [m.latentDim] }),
        L.dense({ units: m.generatorUnits[1], activation: 'selu' }),
        L.dense({ units: 784, activation: 'sigmoid' }),
      ] });
      const discriminator = nn.sequential({ layers: [
        L.dense({ units: m.discriminatorUnits[0], activation: 'selu', inputShape: [784] }),
        L.dense({ units: m.discriminatorUnits[1], activation: 'selu' }),
        L.dense({ units: 1, activation: 'sigmoid' }),
      ] });
      discriminator.compile({ optimizer: nn.optimizers.rmsprop(m.learningRate), loss: 'binaryCrossentropy' });
      discriminator.trainable = false;
      const gan = nn.sequential({ layers: [generator, discriminator] });
      gan.compile({ optimizer: nn.optimizers.rmsprop(m.learningRate), loss: 'binaryCrossentropy' });
      const trainer = nn.training.ganTrainer({ generator, discriminator, gan, latentDim: m.latentDim, seed: 1 });
      const batches = Array.from({ length: data.samples / m.batchSize },
        (_, i) => nn.tensor(data.x.subarray(i * m.batchSize * 784, (i + 1) * m.batchSize * 784), [m.batchSize, 784]));
      return {
        step: (i) => trainer.step(batches[i]),
        dispose() {
          for (const item of [...batches, trainer, gan, generator, discriminator]) item.dispose();
        },
      };
    },
  };
}

runWorker('simdnn', process.argv.slice(2), async (options) => {
  requireBuild();
  const library = options.spec.kind === 'gemm' ? await gemmLibrary() : await modelLibrary();
  const outcome = await measureCase(options, library);
  return { ...outcome, info: library.info };
});
