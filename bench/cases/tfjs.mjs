// Bench worker for TensorFlow.js: `node bench/cases/tfjs.mjs <case> --backend=wasm|cpu [--patch]
// [--quick]`. Prints one result line (see common.mjs). The wasm backend runs its SIMD build on one
// thread, so it is compared like for like with simdnn's single-threaded build. With --patch the
// wasm backend first gets our own plain kernels for the gradients it ships without
// (tfjs-wasm-patch.mjs); without it, a missing kernel is reported as unsupported.
import { MODELS, Unsupported, fillGemmInputs, measureCase, runWorker, targetShape } from './common.mjs';
import { registerMissingWasmKernels } from './tfjs-wasm-patch.mjs';

const backend = process.argv.find((a) => a.startsWith('--backend='))?.slice('--backend='.length);
const patch = process.argv.includes('--patch');

async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs-core');
  const info = { tfjsVersion: tf.version_core, backend };
  // tfjs-layers' Orthogonal initializer (the LSTM's recurrent default) calls chained tensor
  // methods (x.flatten().stridedSlice(...).sign()) that only the umbrella @tensorflow/tfjs package
  // installs; forward them to the ops.
  const chained = { flatten: (t) => tf.reshape(t, [t.size]) };
  for (const op of ['stridedSlice', 'sign', 'transpose', 'reshape']) chained[op] = (t, ...args) => tf[op](t, ...args);
  for (const [name, fn] of Object.entries(chained)) {
    if (!tf.Tensor.prototype[name]) tf.Tensor.prototype[name] = function chainedOp(...args) { return fn(this, ...args); };
  }
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);  // must precede setBackend('wasm')
    info.threads = 1;
  } else if (backend === 'cpu') {
    if (patch) throw new Error('tfjs worker: --patch only applies to --backend=wasm');
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    throw new Error(`tfjs worker: --backend must be wasm or cpu, got ${backend}`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
  if (backend === 'wasm') {
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.multithreadSupport = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    if (!info.simd) throw new Error('tfjs-backend-wasm did not pick its SIMD build; the comparison would be unfair');
    if (patch) info.patchedKernels = registerMissingWasmKernels(tf);
  }
  return { tf, info };
}

function buildLayers(tf, tfl, name) {
  const m = MODELS[name];
  const L = tfl.layers;
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
      conv(8), L.upSampling2d({ size: [2, 2] }),
      conv(16), L.upSampling2d({ size: [2, 2] }),
      conv(1, { activation: 'sigmoid' }),
    ];
  }
  // TF.js builds its default Orthogonal recurrent initializer from a QR decomposition made of
  // many small ops: 5-25 s per model on the cpu backend before anything is timed. The
  // initializer changes no timed cost, so use Glorot here to keep the run short.
  const lstm = L.lstm({ units: m.units, recurrentInitializer: 'glorotUniform' });
  return [
    L.embedding({ inputDim: m.vocabulary, outputDim: m.embeddingSize, inputLength: m.inputShape[0] }),
    m.bidirectional ? L.bidirectional({ layer: lstm, mergeMode: 'concat' }) : lstm,
    L.dense({ units: m.classes, activation: 'sigmoid' }),
  ];
}

// TF.js names the kernel it lacks: "Kernel 'X' not registered for backend 'wasm'".
function asUnsupported(error) {
  const missing = /Kernel '(\w+)' not registered/.exec(String(error?.message ?? error));
  return missing ? new Unsupported(`no ${missing[1]} kernel`, String(error.message)) : error;
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

    buildModel(name, data) {
      const m = MODELS[name];
      const model = tfl.sequential({ layers: buildLayers(tf, tfl, name) });
      model.compile({ optimizer: tf.train.adam(m.learningRate), loss: m.loss });
      const cache = new Map();
      // Tensors over the first `rows` samples, made once per size.
      const firstRows = (rows) => {
        if (!cache.has(rows)) {
          cache.set(rows, [tf.tensor(data.x.subarray(0, rows * data.width), [rows, ...m.inputShape]),
            tf.tensor(data.y.subarray(0, rows * data.y.length / data.samples), [rows, ...targetShape(m)])]);
        }
        return cache.get(rows);
      };
      return {
        async fitEpoch(rows) {
          const [x, y] = firstRows(rows);
          try {
            await model.fit(x, y, { epochs: 1, batchSize: m.batchSize, shuffle: true, verbose: 0 });
          } catch (error) {
            throw asUnsupported(error);
          }
        },
        predict(rows) {
          const out = model.predict(firstRows(rows)[0], { batchSize: m.batchSize });
          out.dataSync();
          out.dispose();
        },
        dispose() {
          tf.dispose([...cache.values()].flat());
          model.dispose();
        },
      };
    },

    // The Keras GAN idiom written out in TF.js: D's trainOnBatch on real and fake images
    // together, then the combined model's through the frozen D -- what the engine's GAN
    // trainer does in one call. TF.js reads `trainable` when it trains, not when it compiles
    // (Keras), so D is unfrozen around its own step.
    buildGan(data) {
      const m = MODELS.gan;
      const L = tfl.layers;
      const generator = tfl.sequential({ layers: [
        L.dense({ units: m.generatorUnits[0], activation: 'selu', inputShape: [m.latentDim] }),
        L.dense({ units: m.generatorUnits[1], activation: 'selu' }),
        L.dense({ units: 784, activation: 'sigmoid' }),
      ] });
      const discriminator = tfl.sequential({ layers: [
        L.dense({ units: m.discriminatorUnits[0], activation: 'selu', inputShape: [784] }),
        L.dense({ units: m.discriminatorUnits[1], activation: 'selu' }),
        L.dense({ units: 1, activation: 'sigmoid' }),
      ] });
      discriminator.compile({ optimizer: tf.train.rmsprop(m.learningRate), loss: 'binaryCrossentropy' });
      discriminator.trainable = false;
      const gan = tfl.sequential({ layers: [generator, discriminator] });
      gan.compile({ optimizer: tf.train.rmsprop(m.learningRate), loss: 'binaryCrossentropy' });
      const n = m.batchSize;
      const batches = Array.from({ length: data.samples / n },
        (_, i) => tf.tensor2d(data.x.subarray(i * n * 784, (i + 1) * n * 784), [n, 784]));
      const labelsD = tf.concat([tf.ones([n, 1]), tf.zeros([n, 1])]);
      const labelsG = tf.ones([n, 1]);
      return {
        async step(i) {
          const [x, noise] = tf.tidy(() => {
            const fake = generator.predict(tf.randomNormal([n, m.latentDim]));
            return [tf.concat([batches[i], fake]), tf.randomNormal([n, m.latentDim])];
          });
          discriminator.trainable = true;
          const dLoss = await discriminator.trainOnBatch(x, labelsD);
          discriminator.trainable = false;
          const gLoss = await gan.trainOnBatch(noise, labelsG);
          tf.dispose([x, noise]);
          return [dLoss, gLoss];
        },
        dispose() {
          tf.dispose([...batches, labelsD, labelsG]);
          gan.dispose();
        },
      };
    },
  };
}

const library = `tfjs-${backend}${patch ? '+patch' : ''}`;
runWorker(library, process.argv.slice(2), async (options) => {
  const { tf, info } = await loadTfjs();
  const tfl = options.spec.kind === 'gemm' ? null : await import('@tensorflow/tfjs-layers');
  const outcome = await measureCase(options, tfjsLibrary(tf, tfl));
  return { ...outcome, info };
});
