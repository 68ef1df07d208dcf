// Bench worker for TensorFlow.js: `node bench/cases/tfjs.mjs <case> --backend=wasm|cpu [--quick]`.
// Prints one result line (see common.mjs). The wasm backend runs its SIMD build on one thread,
// so it is compared like for like with simdnn's single-threaded build.
import { MLP, Unavailable, fillGemmInputs, measureCase, runWorker } from './common.mjs';

const backend = process.argv.find((a) => a.startsWith('--backend='))?.slice('--backend='.length);

async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs-core');
  const info = { tfjsVersion: tf.version_core, backend };
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);  // must precede setBackend('wasm')
    info.threads = 1;
  } else if (backend === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    throw new Error(`tfjs worker: --backend must be wasm or cpu, got ${backend}`);
  }
  if (!(await tf.setBackend(backend))) throw new Unavailable('backend failed', `tf.setBackend('${backend}') returned false`);
  await tf.ready();
  if (backend === 'wasm') {
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.multithreadSupport = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    if (!info.simd) throw new Error('tfjs-backend-wasm did not pick its SIMD build; the comparison would be unfair');
  }
  return { tf, info };
}

function tfjsLibrary(tf, tfl) {
  return {
    prepareGemm(n) {
      const { a, b } = fillGemmInputs(n);
      const ta = tf.tensor2d(a, [n, n]);
      const tb = tf.tensor2d(b, [n, n]);
      let last = null;
      return {
        // dataSync() forces completion (both backends are synchronous anyway) and copies C out.
        run() {
          const c = tf.matMul(ta, tb);
          last = c.dataSync();
          c.dispose();
        },
        entry: (row, col) => last[row * n + col],
        release() { tf.dispose([ta, tb]); },
      };
    },

    buildMlp(data) {
      const [hidden1, hidden2] = MLP.hiddenUnits;
      const model = tfl.sequential({ layers: [
        tfl.layers.dense({ units: hidden1, activation: 'relu', inputShape: [MLP.inputSize] }),
        tfl.layers.dense({ units: hidden2, activation: 'relu' }),
        tfl.layers.dense({ units: MLP.classes, activation: 'softmax' }),
      ] });
      model.compile({ optimizer: tf.train.adam(MLP.learningRate), loss: 'categoricalCrossentropy' });
      const firstRows = (rows, values, width) => tf.tensor2d(values.subarray(0, rows * width), [rows, width]);
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
          tf.dispose([...trainSets.values()].flat());
          tf.dispose([...predictInputs.values()]);
          model.dispose();
        },
      };
    },
  };
}

runWorker(`tfjs-${backend}`, process.argv.slice(2), async (options) => {
  const { tf, info } = await loadTfjs();
  const tfl = options.spec.kind === 'gemm' ? null : await import('@tensorflow/tfjs-layers');
  const outcome = await measureCase(options, tfjsLibrary(tf, tfl));
  return { ...outcome, info };
});
