// Shared by every library's worker: the case definitions (so all libraries run exactly the
// same sizes), the timing loop, the synthetic data and the one-line result protocol.

// Each worker prints exactly one line starting with this marker; anything a library itself
// prints to stdout is ignored by the orchestrator.
export const RESULT_MARKER = '@@simdnn-bench ';

export const MLP = {
  inputSize: 784,
  hiddenUnits: [128, 64],
  classes: 10,
  batchSize: 64,
  learningRate: 1e-3,
};

// Budgets keep a full run under ~3 minutes on 2 cores even with the slow tfjs-cpu backend:
// each timing loop stops at `reps` samples or after `seconds`, whichever comes first (but never
// with fewer than MIN_TIMED_SAMPLES). Warm-up likewise stops at `calls` or `seconds`.
const MIN_TIMED_SAMPLES = 3;
const MIN_WARMUP_CALLS = 2;

const PROFILES = {
  full: {
    gemm: { warmup: { calls: 10, seconds: 1.5 }, timed: { reps: 50, seconds: 3 } },
    // Training: one timed sample = one epoch over trainSamples. Warm-up is one epoch over the
    // first warmupSamples (16 batches = 16 calls: plenty for V8 to tier up, and it keeps the
    // slow tfjs-cpu backend inside the time budget).
    train: { trainSamples: 4096, warmupSamples: 1024, timed: { reps: 5, seconds: 15, minReps: 2 } },
    predict: {
      warmup: { calls: 30, seconds: 1 },
      batch: { reps: 100, seconds: 2 },
      single: { reps: 300, seconds: 1.5 },
    },
  },
  quick: {
    gemm: { warmup: { calls: 5, seconds: 0.5 }, timed: { reps: 10, seconds: 0.6 } },
    train: { trainSamples: 512, warmupSamples: 512, timed: { reps: 2, seconds: 1, minReps: 2 } },
    predict: {
      warmup: { calls: 10, seconds: 0.3 },
      batch: { reps: 20, seconds: 0.4 },
      single: { reps: 50, seconds: 0.3 },
    },
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
};

export const CASES = {
  'gemm-256': { kind: 'gemm', n: 256, metrics: ['gemm-256'] },
  'gemm-512': { kind: 'gemm', n: 512, metrics: ['gemm-512'] },
  'mlp-train': { kind: 'train', metrics: ['mlp-train'] },
  'mlp-predict': { kind: 'predict', metrics: ['mlp-predict-64', 'mlp-predict-1'] },
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
  for (let i = 0; i < Math.max(warmup.calls, minWarmup); ++i) {
    await fn();
    if (i + 1 >= minWarmup && performance.now() - start > warmup.seconds * 1000) break;
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

// MNIST-shaped synthetic data: uniform [0,1) "pixels" and random one-hot labels. Dense-layer
// training speed does not depend on the data values, so real MNIST would measure the same thing
// while adding a data dependency to the benchmark.
export function syntheticMnist(samples, seed = 1) {
  const random = seededRandom(seed);
  const x = new Float32Array(samples * MLP.inputSize);
  for (let i = 0; i < x.length; ++i) x[i] = random();
  const y = new Float32Array(samples * MLP.classes);
  for (let s = 0; s < samples; ++s) y[s * MLP.classes + Math.floor(random() * MLP.classes)] = 1;
  return { x, y, samples };
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

export function trainMetric(samples, epochMs) {
  return metric('mlp-train', median(epochMs.map((ms) => samples / (ms / 1000))), epochMs);
}

export function predictMetrics(batchMs, singleMs) {
  return [metric('mlp-predict-64', median(batchMs), batchMs), metric('mlp-predict-1', median(singleMs), singleMs)];
}

export function report(result) {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

// Runs the case described by `options` against one library. The library adapter provides:
//   prepareGemm(n) -> { run(), entry(row, col), release() }   (run() = exactly one GEMM)
//   buildMlp(data) -> { fitEpoch(rows), predict(rows), dispose() }  (compiled, seeded)
//     fitEpoch(rows): one epoch over the first `rows` samples, rows in {data.samples, data.warmupSamples}
//     predict(rows): one predict call on the first `rows` samples, rows in {64, 1}
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
  const samples = spec.kind === 'train' ? profile.trainSamples : MLP.batchSize;
  const data = syntheticMnist(samples);
  data.warmupSamples = spec.kind === 'train' ? profile.warmupSamples : samples;
  const mlp = await library.buildMlp(data);
  try {
    if (spec.kind === 'train') {
      await mlp.fitEpoch(data.warmupSamples);
      const epochMs = await timeCalls(() => mlp.fitEpoch(samples),
        { calls: 0, minCalls: 0, seconds: 0 }, profile.timed);
      return { metrics: [trainMetric(samples, epochMs)] };
    }
    const batchMs = await timeCalls(() => mlp.predict(MLP.batchSize), profile.warmup, profile.batch);
    const singleMs = await timeCalls(() => mlp.predict(1), profile.warmup, profile.single);
    return { metrics: predictMetrics(batchMs, singleMs) };
  } finally {
    mlp.dispose();
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
    const reason = unavailableReason(error);
    report({
      library,
      case: options?.caseName ?? null,
      status: reason ? 'unavailable' : 'error',
      reason: reason ?? String(error?.stack ?? error),
      detail: reason ? String(error?.message ?? error).split('\n')[0] : undefined,
    });
    if (!reason) process.exitCode = 1;
  }
}
