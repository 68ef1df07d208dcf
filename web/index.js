// simdnn: the public JS API. `const nn = await load();` in Node, a page or a module worker.
import { loadModule } from './load.js';
import { makeCall } from './native.js';
import { makeTensorFactory, Tensor } from './tensor.js';
import { Layer, SymbolicTensor, makeInput, makeLayerFactories } from './layers.js';
import { Model, History, makeModelFactories } from './model.js';
import { Optimizer, makeLosses, makeOptimizers } from './training.js';
import { Schedule, makeCallbacks, makeSchedules } from './callbacks.js';
import { makeIO } from './io.js';
import { Tokenizer, makeText } from './text.js';
import { GanTrainer, makeGenerative } from './generative.js';

export { Tensor, Layer, SymbolicTensor, Model, History, Optimizer, Schedule, Tokenizer, GanTrainer };

export async function load(options = {}) {
  const native = await loadModule(options);
  const api = { native, call: makeCall(native), io: makeIO() };
  api.optimizers = makeOptimizers(api);
  const models = makeModelFactories(api);
  const generative = makeGenerative(api);
  return {
    version: native.version(),
    tensor: makeTensorFactory(native, api.call),
    input: makeInput(api),
    layers: makeLayerFactories(api),
    sequential: models.sequential,
    model: models.model,
    loadModel: models.loadModel,
    // Handlers for the URL schemes (indexeddb://, localstorage://, downloads://) and file inputs.
    io: { browserFiles: api.io.browserFiles, handler: api.io.handlerForUrl },
    optimizers: api.optimizers,
    losses: makeLosses(),
    callbacks: makeCallbacks(api),
    schedules: makeSchedules(api),
    text: makeText(api),
    randomNormal: generative.randomNormal,
    randomUniform: generative.randomUniform,
    training: generative.training,
    setSeed(seed) {
      if (typeof seed !== 'number') throw new Error(`setSeed: seed must be a non-negative integer, got ${typeof seed}`);
      api.call(() => native.setSeed(seed));
    },
    // Bytes of wasm heap in use: for leak checks and memory displays.
    memory() {
      const stats = native.heapStats();
      return { wasmBytesInUse: stats.inUse, wasmHeapBytes: native.HEAPU8.length };
    },
    // Engine threads in use (load({ threads }) chooses the build and the count).
    threads() {
      return native.threads();
    },
    // Changes the count within what the loaded build has (the threaded build: up to 4; e.g. to
    // leave a core to a page's UI). Results are bitwise the same for any count.
    setThreads(threads) {
      if (typeof threads !== 'number') throw new Error(`setThreads: threads must be an integer, got ${typeof threads}`);
      api.call(() => native.setThreads(threads));
    },
  };
}
