// Bench worker for simdnn: `node bench/cases/simdnn.mjs <case> [--quick]`. Prints one result
// line (see common.mjs). Uses the repository's own build (dist/) through the public JS API;
// the GEMM case calls the raw kernel through the bench bindings (wasm/api_bench.cpp).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MLP, Unavailable, measureCase, runWorker } from './common.mjs';

const distWasm = new URL('../../dist/simdnn.wasm', import.meta.url);

function requireBuild() {
  if (!existsSync(distWasm)) {
    throw new Unavailable('not built', `${fileURLToPath(distWasm)} is missing: run npm run build`);
  }
}

async function gemmLibrary() {
  const { loadModule } = await import('../../web/load.js');
  const native = await loadModule();
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
    info: { version: native.version() },
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

async function modelLibrary() {
  const { load } = await import('../../web/index.js');
  const nn = await load();
  return {
    info: { version: nn.version },
    buildMlp(data) {
      nn.setSeed(1);
      const [hidden1, hidden2] = MLP.hiddenUnits;
      const model = nn.sequential({ layers: [
        nn.layers.dense({ units: hidden1, activation: 'relu', inputShape: [MLP.inputSize] }),
        nn.layers.dense({ units: hidden2, activation: 'relu' }),
        nn.layers.dense({ units: MLP.classes, activation: 'softmax' }),
      ] });
      model.compile({ optimizer: nn.optimizers.adam(MLP.learningRate), loss: 'categoricalCrossentropy' });
      const firstRows = (rows, values, width) => nn.tensor(values.subarray(0, rows * width), [rows, width]);
      const trainSets = new Map([data.samples, data.warmupSamples].map((rows) =>
        [rows, [firstRows(rows, data.x, MLP.inputSize), firstRows(rows, data.y, MLP.classes)]]));
      const predictInputs = new Map([MLP.batchSize, 1].map((rows) => [rows, firstRows(rows, data.x, MLP.inputSize)]));
      return {
        async fitEpoch(rows) {
          const [x, y] = trainSets.get(rows);
          await model.fit(x, y, { epochs: 1, batchSize: MLP.batchSize, shuffle: true, verbose: 0 });
        },
        predict(rows) {
          const out = model.predict(predictInputs.get(rows), { batchSize: MLP.batchSize });
          out.dataSync();
          out.dispose();
        },
        dispose() {
          for (const tensor of [...[...trainSets.values()].flat(), ...predictInputs.values()]) tensor.dispose();
          model.dispose();
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
