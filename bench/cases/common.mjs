// Shared by every library's worker: the case definitions (so all libraries run exactly the
// same sizes), the timing loop, the synthetic data and the one-line result protocol.

// Each worker prints exactly one line starting with this marker; anything a library itself
// prints to stdout is ignored by the orchestrator.
export const RESULT_MARKER = '@@simdnn-bench ';

// The models every library builds identically. Training uses one epoch per timed call (see
// measureCase); `batchSize` is the training batch and the larger predict batch.
export const MODELS = {
  // Dense 784->128 relu->64 relu->10 softmax.
  mlp: { data: 'mnist', inputShape: [784], hiddenUnits: [128, 64], classes: 10, batchSize: 64,
    learningRate: 1e-3, loss: 'categoricalCrossentropy' },
  // LeNet-5: Conv 6@5x5 same relu, MaxPool 2, Conv 16@5x5 valid relu, MaxPool 2, Flatten,
  // Dense 120 relu, 84 relu, 10 softmax.
  lenet: { data: 'mnist', inputShape: [28, 28, 1], classes: 10, batchSize: 64, learningRate: 1e-3,
    loss: 'categoricalCrossentropy' },
  // Sentiment-style: Embedding(10000, 64) -> LSTM(64) -> Dense(1, sigmoid) over 100 tokens.
  lstm: { data: 'tokens', inputShape: [100], vocabulary: 10000, embeddingSize: 64, units: 64, classes: 1,
    batchSize: 32, learningRate: 1e-3, loss: 'binaryCrossentropy', bidirectional: false },
  // The same with Bidirectional(LSTM(64)), outputs concatenated (the Keras default).
  bilstm: { data: 'tokens', inputShape: [100], vocabulary: 10000, embeddingSize: 64, units: 64, classes: 1,
    batchSize: 32, learningRate: 1e-3, loss: 'binaryCrossentropy', bidirectional: true },
  // The seed's convolutional autoencoder with UpSampling2D, trained on (x, x): Conv 16@3x3 same
  // relu, MaxPool 2, Conv 8@3x3 same relu, MaxPool 2 (7x7x8 code), Conv 8@3x3 same relu,
  // UpSampling 2, Conv 16@3x3 same relu, UpSampling 2, Conv 1@3x3 same sigmoid.
  convae: { data: 'mnist', inputShape: [28, 28, 1], autoencoder: true, batchSize: 64, learningRate: 1e-3,
    loss: 'binaryCrossentropy' },
  // The seed's dense GAN (demos/gan): G 32-d noise -> 128 selu -> 256 selu -> 784 sigmoid,
  // D 784 -> 256 selu -> 128 selu -> 1 sigmoid, RMSprop for both. One step = D on a batch of
  // real and a batch of fake images (one trainOnBatch), then G through the frozen D.
  gan: { data: 'mnist', inputShape: [784], latentDim: 32, generatorUnits: [128, 256], discriminatorUnits: [256, 128],
    batchSize: 128, learningRate: 1e-3 },
};

// The training target's shape per sample: the input itself for an autoencoder.
export function targetShape(model) {
  return model.autoencoder ? model.inputShape : [model.classes];
}

// Budgets keep a full run under ~15 minutes and a quick one under ~3 on 2 cores even with the
// slow tfjs-cpu backend: each timing loop stops at `reps` samples or after `seconds`, whichever
// comes first (but never with fewer than MIN_TIMED_SAMPLES). Warm-up likewise stops at `calls`
// or `seconds`, but not before `minSeconds`: V8 compiles the optimised code of a hot function in
// the background and swaps it in at a later call, so a handful of fast calls (10 GEMMs of 256 are
// 15 ms) would time the baseline code of the functions that tier up last. The samples of such a
// run fall steadily from the first to the last.
const MIN_TIMED_SAMPLES = 3;
const MIN_WARMUP_CALLS = 2;

const PROFILES = {
  full: {
    gemm: { warmup: { calls: 10, minSeconds: 1, seconds: 1.5 }, timed: { reps: 50, seconds: 3 } },
    // Training: one timed sample = one epoch over trainSamples. Warm-up is warmupSamples worth
    // of single-batch epochs (for the MLP 16 calls: plenty for V8 to tier up), cut short after
    // epochSeconds. A library so slow that one epoch would exceed epochSeconds (estimated from
    // the warm-up) times fewer whole batches per epoch instead, down to one batch and a single
    // timed epoch; the JSON records samplesPerEpoch and every sample.
    train: {
      sizes: { mlp: [4096, 1024], lenet: [1024, 256], lstm: [256, 64], bilstm: [256, 64], convae: [1024, 256] },
      // Warm-up also lasts at least this long: V8 compiles the optimised wasm on a background
      // thread, which in a 2-thread run competes with the engine's own two threads for the two
      // cores; after 4 warm-up batches the threaded build's LeNet-5 epochs were still getting
      // faster over the 5 timed ones (140 -> 117 ms), single-threaded ones were flat.
      warmupSeconds: 2,
      epochSeconds: 8,
      slowBatchSeconds: 30,
      timed: { reps: 5, seconds: 15, minReps: 2 },
    },
    predict: {
      warmup: { calls: 30, minSeconds: 0.5, seconds: 1 },
      batch: { reps: 100, seconds: 2 },
      single: { reps: 300, seconds: 1.5 },
    },
    // One timed sample = one GAN step on a fresh real batch.
    gan: { warmup: { calls: 10, minSeconds: 0.5, seconds: 2 }, timed: { reps: 40, seconds: 6 } },
  },
  quick: {
    gemm: { warmup: { calls: 5, minSeconds: 0.3, seconds: 0.5 }, timed: { reps: 10, seconds: 0.6 } },
    train: {
      sizes: { mlp: [512, 512], lenet: [128, 64], lstm: [32, 32], bilstm: [32, 32], convae: [128, 64] },
      warmupSeconds: 0.2,
      epochSeconds: 1,
      slowBatchSeconds: 30,
      timed: { reps: 2, seconds: 1, minReps: 2 },
    },
    predict: {
      warmup: { calls: 10, minSeconds: 0.2, seconds: 0.3 },
      batch: { reps: 20, seconds: 0.4 },
      single: { reps: 50, seconds: 0.3 },
    },
    gan: { warmup: { calls: 3, seconds: 0.5 }, timed: { reps: 5, seconds: 1 } },
  },
};

// Table rows. `better` says which direction wins, so ratios can always be printed as "how many
// times faster simdnn is" (> 1 means simdnn wins).
export const METRICS = {
  'gemm-256': { label: 'SGEMM n=256', unit: 'GFLOP/s', better: 'higher' },
  'gemm-512': { label: 'SGEMM n=512', unit: 'GFLOP/s', better: 'higher' },
  'mlp-train': { label: 'MLP fit, batch 64', unit: 'samples/s', better: 'higher' },
  'mlp-predict-64': { label: 'MLP predict, batch 64', unit: 'ms/call', better: 'lower' },
  'mlp-predict-1': { label: 'MLP predict, batch 1', unit: 'ms/call', better: 'lower' },
  'lenet-train': { label: 'LeNet-5 fit, batch 64', unit: 'samples/s', better: 'higher' },
  'lenet-predict-64': { label: 'LeNet-5 predict, batch 64', unit: 'ms/call', better: 'lower' },
  'lenet-predict-1': { label: 'LeNet-5 predict, batch 1', unit: 'ms/call', better: 'lower' },
  'lstm-train': { label: 'LSTM(64) fit, batch 32', unit: 'samples/s', better: 'higher' },
  'lstm-predict-1': { label: 'LSTM(64) predict, 1 sequence', unit: 'ms/call', better: 'lower' },
  'bilstm-train': { label: 'BiLSTM(64) fit, batch 32', unit: 'samples/s', better: 'higher' },
  'bilstm-predict-1': { label: 'BiLSTM(64) predict, 1 sequence', unit: 'ms/call', better: 'lower' },
  'convae-train': { label: 'Conv autoencoder fit, batch 64', unit: 'samples/s', better: 'higher' },
  'gan-step': { label: 'Dense GAN step, batch 128', unit: 'ms/step', better: 'lower' },
};

// Which libraries a case runs on (run.mjs): the patched TF.js WASM column only differs from the
// shipped one where a kernel is missing (training convolutions and embeddings), and ConvNetJS
// is only compared on the model it can build (it has neither embeddings nor recurrent layers,
// which its worker reports as unsupported).
// tfjs-cpu did not finish one LSTM training batch of 32 within 300 s: its UnsortedSegmentSum (the
// embedding gradient) makes five full-size tensor ops for each of the 10,000 vocabulary rows.
// Every run skips it and says so; `node bench/cases/tfjs.mjs lstm-train --backend=cpu` still
// measures it by hand (expect many minutes).
const TOO_SLOW = 'not timed: one batch > 300 s (UnsortedSegmentSum loops over 10,000 rows)';
const CORE = ['simdnn', 'tfjs-wasm', 'tfjs-cpu'];
const WITH_PATCH = ['simdnn', 'tfjs-wasm', 'tfjs-wasm+patch', 'tfjs-cpu'];
// The threaded build with 2 threads (simdnn-2t) where the issue sets a threads target.
const THREADED = 'simdnn-2t';
export const CASES = {
  'gemm-256': { kind: 'gemm', n: 256, metrics: ['gemm-256'], libraries: CORE },
  'gemm-512': { kind: 'gemm', n: 512, metrics: ['gemm-512'], libraries: [...CORE, THREADED] },
  'mlp-train': { kind: 'train', model: 'mlp', metrics: ['mlp-train'], libraries: CORE },
  'mlp-predict': { kind: 'predict', model: 'mlp', rows: [64, 1], metrics: ['mlp-predict-64', 'mlp-predict-1'], libraries: CORE },
  'lenet-train': { kind: 'train', model: 'lenet', metrics: ['lenet-train'], libraries: [...WITH_PATCH, 'convnetjs', THREADED] },
  'lenet-predict': { kind: 'predict', model: 'lenet', rows: [64, 1], metrics: ['lenet-predict-64', 'lenet-predict-1'],
    libraries: [...CORE, 'convnetjs', THREADED] },
  'lstm-train': { kind: 'train', model: 'lstm', metrics: ['lstm-train'], libraries: [...WITH_PATCH, 'convnetjs'],
    skip: { 'tfjs-cpu': TOO_SLOW } },
  'lstm-predict': { kind: 'predict', model: 'lstm', rows: [1], metrics: ['lstm-predict-1'], libraries: CORE },
  'bilstm-train': { kind: 'train', model: 'bilstm', metrics: ['bilstm-train'], libraries: WITH_PATCH,
    skip: { 'tfjs-cpu': TOO_SLOW } },
  'bilstm-predict': { kind: 'predict', model: 'bilstm', rows: [1], metrics: ['bilstm-predict-1'], libraries: CORE },
  'convae-train': { kind: 'train', model: 'convae', metrics: ['convae-train'], libraries: WITH_PATCH },
  'gan-step': { kind: 'gan', model: 'gan', metrics: ['gan-step'], libraries: CORE },
};

export function parseWorkerArgs(argv) {
  const caseName = argv.find((a) => !a.startsWith('--'));
  if (!caseName || !CASES[caseName]) {
    throw new Error(`bench worker: expected a case name (${Object.keys(CASES).join(', ')}), got ${caseName}`);
  }
  const options = { caseName, spec: CASES[caseName], quick: argv.includes('--quick') };
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (m) options[m[1]] = m[2];
  }
  options.profile = PROFILES[options.quick ? 'quick' : 'full'][options.spec.kind];
  return options;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Runs `fn` (sync or async; one unit of work per call) for warm-up, then times single calls.
// V8 only swaps in optimised wasm code between calls, so warm-up must be several calls, and
// each timed sample is exactly one call. Returns the per-call times in milliseconds.
export async function timeCalls(fn, warmup, timed) {
  let start = performance.now();
  const minWarmup = warmup.minCalls ?? MIN_WARMUP_CALLS;
  for (let i = 0; ; ++i) {
    const elapsed = performance.now() - start;
    if (i >= minWarmup && elapsed > warmup.seconds * 1000) break;
    if (i >= warmup.calls && elapsed >= (warmup.minSeconds ?? 0) * 1000) break;
    await fn();
  }
  const samples = [];
  start = performance.now();
  while (samples.length < timed.reps) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
    if (samples.length >= (timed.minReps ?? MIN_TIMED_SAMPLES) && performance.now() - start > timed.seconds * 1000) break;
  }
  return samples;
}

export function metric(key, value, samples) {
  if (!METRICS[key]) throw new Error(`bench: unknown metric ${key}`);
  return { key, ...METRICS[key], value, samples };
}

// Deterministic pseudo-random numbers (mulberry32): every library gets identical inputs.
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Synthetic data, identical for every library (seeded). MNIST-shaped: uniform [0,1) "pixels"
// and random one-hot labels; tokens: uniform ids in [0, vocabulary) and random 0/1 labels. The
// speed of these layers does not depend on the values, and synthetic data keeps the benchmark
// free of data files. `x` is flat (row-major, samples first); each library reshapes it to
// model.inputShape.
export function syntheticData(model, samples, seed = 1) {
  const random = seededRandom(seed);
  const width = model.inputShape.reduce((p, d) => p * d, 1);
  const x = new Float32Array(samples * width);
  if (model.data === 'tokens') {
    for (let i = 0; i < x.length; ++i) x[i] = Math.floor(random() * model.vocabulary);
  } else {
    for (let i = 0; i < x.length; ++i) x[i] = random();
  }
  if (model.autoencoder) return { x, y: x, samples, width };
  const y = new Float32Array(samples * model.classes);
  for (let s = 0; s < samples; ++s) {
    if (model.classes === 1) y[s] = random() < 0.5 ? 0 : 1;
    else y[s * model.classes + Math.floor(random() * model.classes)] = 1;
  }
  return { x, y, samples, width };
}

export function syntheticMnist(samples, seed = 1) {
  return syntheticData(MODELS.mlp, samples, seed);
}

// GEMM inputs, shared with wasm/api_bench.cpp (which fills A and B by the same formulas) so the
// workers can check one element of C before trusting the timings of a build.
export function gemmValueA(row, col) { return (((row * 7 + col * 3) % 17) - 8) / 8; }
export function gemmValueB(row, col) { return (((row * 5 + col * 11) % 13) - 6) / 8; }

export function fillGemmInputs(n) {
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  for (let r = 0; r < n; ++r) {
    for (let c = 0; c < n; ++c) {
      a[r * n + c] = gemmValueA(r, c);
      b[r * n + c] = gemmValueB(r, c);
    }
  }
  return { a, b };
}

export function expectedGemmEntry(n, row, col) {
  let sum = 0;
  for (let k = 0; k < n; ++k) sum += gemmValueA(row, k) * gemmValueB(k, col);
  return sum;
}

export function checkClose(what, actual, expected) {
  const tolerance = 1e-4 * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
  }
}

// Each metric keeps its raw per-call (or per-epoch) times in milliseconds as `samples`.
export function gemmMetric(n, samplesMs) {
  const flops = 2 * n ** 3;
  return metric(`gemm-${n}`, median(samplesMs.map((ms) => flops / (ms * 1e6))), samplesMs);
}

export function report(result) {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

// Runs the case described by `options` against one library. The library adapter provides:
//   prepareGemm(n) -> { run(), entry(row, col), release() }   (run() = exactly one GEMM)
//   buildModel(name, data) -> { fitEpoch(rows), predict(rows), dispose() }  (compiled, seeded)
//     name: a key of MODELS; data: syntheticData(MODELS[name], ...)
//     fitEpoch(rows): one shuffled epoch over the first `rows` samples (a multiple of the batch)
//     predict(rows): one predict call on the first `rows` samples, output read back
//   buildGan(data) -> { step(i), dispose() }  (MODELS.gan, the Keras GAN idiom; step(i) = one
//     GAN step with real batch i of data (batchSize rows each) and fresh noise)
// An adapter that cannot build or train a model throws Unsupported(reason).
export async function measureCase(options, library) {
  const { spec, profile } = options;
  if (spec.kind === 'gemm') {
    const n = spec.n;
    const gemm = await library.prepareGemm(n);
    try {
      gemm.run();
      checkClose(`${options.caseName}: C[${n - 1}][${n - 2}]`, gemm.entry(n - 1, n - 2),
        expectedGemmEntry(n, n - 1, n - 2));
      const samples = await timeCalls(gemm.run, profile.warmup, profile.timed);
      return { metrics: [gemmMetric(n, samples)] };
    } finally {
      gemm.release();
    }
  }
  const model = MODELS[spec.model];
  if (spec.kind === 'gan') {
    const data = syntheticData(model, model.batchSize * 8);
    const gan = await library.buildGan(data);
    try {
      let step = 0;
      const samples = await timeCalls(() => gan.step(step++ % 8), profile.warmup, profile.timed);
      return { metrics: [metric('gan-step', median(samples), samples)] };
    } finally {
      gan.dispose();
    }
  }
  if (spec.kind === 'train') {
    const [trainSamples, warmupSamples] = profile.sizes[spec.model];
    const data = syntheticData(model, trainSamples);
    const built = await library.buildModel(spec.model, data);
    try {
      // Warm-up: one batch per call (V8 tiers wasm up between calls), for warmupSamples and at
      // least warmupSeconds, stopping early for a library whose batches are slow.
      const t0 = performance.now();
      let warmed = 0;
      do {
        await built.fitEpoch(model.batchSize);
        warmed += model.batchSize;
      } while ((warmed < warmupSamples || performance.now() - t0 < profile.warmupSeconds * 1000) &&
               performance.now() - t0 < profile.epochSeconds * 1000);
      const perSampleMs = (performance.now() - t0) / warmed;
      // A first batch slower than slowBatchSeconds (tfjs-cpu on the LSTMs: ~100 s) is its own
      // measurement: one-time setup is well under 1 % of it, and a second batch would blow the
      // run's time budget.
      if (warmed === model.batchSize && perSampleMs * warmed > profile.slowBatchSeconds * 1000) {
        const ms = perSampleMs * warmed;
        const m = metric(`${spec.model}-train`, model.batchSize / (ms / 1000), [ms]);
        return { metrics: [{ ...m, samplesPerEpoch: model.batchSize, firstBatchOnly: true }] };
      }
      // Whole batches only, at least one, so every library sees the same batch shapes. When even
      // one batch is over the epoch budget, a single timed epoch has to do.
      const fitting = Math.floor(profile.epochSeconds * 1000 / perSampleMs / model.batchSize) * model.batchSize;
      const rows = Math.max(model.batchSize, Math.min(trainSamples, fitting));
      const timed = fitting < model.batchSize ? { ...profile.timed, minReps: 1 } : profile.timed;
      const epochMs = await timeCalls(() => built.fitEpoch(rows), { calls: 0, minCalls: 0, seconds: 0 }, timed);
      const m = metric(`${spec.model}-train`, median(epochMs.map((ms) => rows / (ms / 1000))), epochMs);
      return { metrics: [{ ...m, samplesPerEpoch: rows }] };
    } finally {
      built.dispose();
    }
  }
  const data = syntheticData(model, Math.max(...spec.rows));
  const built = await library.buildModel(spec.model, data);
  try {
    const metrics = [];
    for (const rows of spec.rows) {
      const ms = await timeCalls(() => built.predict(rows), profile.warmup, rows === 1 ? profile.single : profile.batch);
      metrics.push(metric(`${spec.model}-predict-${rows}`, median(ms), ms));
    }
    return { metrics };
  } finally {
    built.dispose();
  }
}

// A library whose package or build is absent is reported as "n/a (<reason>)", not treated as
// a failure. `reason` is short (it goes into a table cell); `detail` says what to do.
export class Unavailable extends Error {
  constructor(reason, detail = reason) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
  }
}

// A library that is installed but cannot run a case (a missing kernel or layer) is reported as
// "n/a (<reason>)": it is a finding of the benchmark, not a failure of it.
export class Unsupported extends Error {
  constructor(reason, detail = reason) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
  }
}

function unavailableReason(error) {
  if (error instanceof Unavailable) return error.reason;
  if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') return 'not installed';
  return null;
}

// Runs one worker body and always prints one result line: ok, unavailable, or error.
export async function runWorker(library, argv, body) {
  let options;
  try {
    options = parseWorkerArgs(argv);
    const outcome = await body(options);
    report({ library, case: options.caseName, status: 'ok', ...outcome });
  } catch (error) {
    const reason = error instanceof Unsupported ? error.reason : unavailableReason(error);
    report({
      library,
      case: options?.caseName ?? null,
      status: error instanceof Unsupported ? 'unsupported' : reason ? 'unavailable' : 'error',
      reason: reason ?? String(error?.stack ?? error),
      detail: reason ? String(error?.message ?? error).split('\n')[0] : undefined,
    });
    if (!reason) process.exitCode = 1;
  }
}
