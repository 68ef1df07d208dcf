// Loads and instantiates the wasm engine in Node, a page or a module Web Worker: the
// single-threaded build (dist/simdnn.{mjs,wasm}) or the threaded one
// (dist/simdnn-threads.{mjs,wasm,worker.js}, a fixed pool of pthread workers). web/index.js
// builds the public API on top of the raw Embind module returned here.

const runsInNode = typeof process === 'object' && typeof process.versions?.node === 'string';
const builds = {
  single: { glue: () => import('../dist/simdnn.mjs'), wasm: new URL('../dist/simdnn.wasm', import.meta.url) },
  threads: { glue: () => import('../dist/simdnn-threads.mjs'), wasm: new URL('../dist/simdnn-threads.wasm', import.meta.url) },
};

// Threads when none are asked for: a cross-origin isolated page or worker (SharedArrayBuffer
// available) gets the threaded build with one thread per core (the build caps it, see
// maxThreads); Node and non-isolated pages get the single-threaded build.
function defaultThreads() {
  if (runsInNode || !globalThis.crossOriginIsolated) return 1;
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
}

function checkThreads(threads) {
  if (threads === undefined) return undefined;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`load: threads must be a positive integer, got ${typeof threads === 'number' ? threads : typeof threads}`);
  }
  if (threads > 1 && !runsInNode && !globalThis.crossOriginIsolated) {
    throw new Error(`load: threads: ${threads} needs a cross-origin isolated page or worker ` +
      '(serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)');
  }
  return threads;
}

async function instantiate(build) {
  const { default: createSimdnnModule } = await build.glue();
  if (runsInNode) {
    // The glue's own Node loading path fails under Node 20 for ES modules (it tries to fetch a
    // file URL), so hand it the bytes; the glue then skips fetching entirely.
    const { readFile } = await import('node:fs/promises');
    return createSimdnnModule({ wasmBinary: await readFile(build.wasm) });
  }
  // Pages and workers: the glue fetches its .wasm next to its .mjs (via import.meta.url)
  // and streams its compilation.
  return createSimdnnModule();
}

/**
 * Instantiates a fresh engine module. Each call returns an independent instance.
 * @param {{threads?: number}} [options] threads: 1 for the single-threaded build, more for
 *   the threaded one (Node, or a cross-origin isolated page); by default see defaultThreads.
 * @returns {Promise<object>} the Embind module (version(), ..., HEAPF32)
 */
export async function loadModule(options = {}) {
  const asked = checkThreads(options.threads);
  const wanted = asked ?? defaultThreads();
  if (wanted === 1) return instantiate(builds.single);
  const native = await instantiate(builds.threads);
  // Idle pool workers must not keep a Node process alive (the pool is fixed, so these are
  // all the workers there will ever be).
  if (runsInNode) for (const worker of native.pthreadWorkers()) worker.unref();
  // An explicit count beyond the pool is an error (from setThreads); the default is capped.
  const threads = asked ?? Math.min(wanted, native.maxThreads());
  native.setThreads(threads);
  const error = native.lastError();
  if (error) throw new Error(error);
  return native;
}
