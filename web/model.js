// Models: construction (sequential / functional), compile, fit (a JS-driven loop over the
// engine's per-batch FitLoop, so callbacks can be async and the page stays responsive),
// evaluate, predict, weights, summary, save/load.
import { describe, NativeHandle, requirePlainObject, toSnakeConfig, yieldToEventLoop } from './native.js';
import { Layer, SymbolicTensor } from './layers.js';
import { Tensor, nativeTensorList, wrapTensors } from './tensor.js';
import { Optimizer, NativeCallback, lossSpecs } from './training.js';
import { toModelFiles } from './io.js';

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];

export class History {
  constructor(native) {
    this.epoch = native.epoch;
    this.history = native.history;
  }
}

export class Model extends Layer {
  constructor(api, handle, owned) {
    super(api, handle, 'Model');
    this._owned = owned;  // wrappers this model disposes with itself (TF.js disposes a model's layers)
    this._optimizer = null;
    this._fitting = false;
  }

  get layers() {
    const handles = this._api.call(() => this.native.layers());
    return handles.map((h) => this._wrapLayer(h));
  }

  getLayer(name) {
    return this._wrapLayer(this._api.call(() => this.native.getLayer(String(name))));
  }

  // One wrapper per layer, reused across calls and disposed with the model.
  _wrapLayer(handle) {
    this._wrappers ??= new Map();
    const name = handle.name();
    const cached = this._wrappers.get(name);
    if (cached && !cached.isDisposed) {
      handle.delete();
      return cached;
    }
    const wrapper = this._newWrapper(handle);
    wrapper._model = this;
    this._wrappers.set(name, wrapper);
    this._owned.push(wrapper);
    return wrapper;
  }

  _newWrapper(handle) {
    const asModel = this._api.native.asModel(handle);
    if (asModel) {
      handle.delete();
      return new Model(this._api, asModel, []);
    }
    return new Layer(this._api, handle);
  }

  // Symbolic tensors, as in TF.js: nn.model({inputs: model.inputs, outputs: layer.output}).
  get inputs() { return this._symbolic(this.native.inputTensors()); }
  get outputs() { return this._symbolic(this.native.outputTensors()); }

  _symbolic(handles) {
    const out = [];
    for (let i = 0; i < handles.length; i++) out.push(new SymbolicTensor(handles[i], null, []));
    this._owned.push(...out);
    return out;
  }
  get optimizer() { return this._optimizer; }
  get stopTraining() { return false; }
  set stopTraining(value) { this._api.native.setStopTraining(this.native, Boolean(value)); }

  add(layer) {
    if (!(layer instanceof Layer)) throw new Error(`${this.name}.add: expected a layer, got ${describe(layer)}`);
    this._api.call(() => this.native.add(layer.native));
    this._owned.push(layer);
  }

  summary(lineLength = 72, positions, printFn = console.log) {
    const text = this._api.call(() => this.native.summary(lineLength));
    if (printFn) printFn(text.trimEnd());
    return text;
  }

  compile(options) {
    const { optimizer, loss, metrics = [], lossWeights } = requirePlainObject(options, `${this.name}.compile`);
    let opt = optimizer;
    let owns = false;
    if (typeof optimizer === 'string') {
      opt = this._api.optimizers.byName(optimizer);
      owns = true;
    } else if (!(optimizer instanceof Optimizer)) {
      throw new Error(`${this.name}.compile: optimizer must be a name ('adam', 'sgd', ...) or nn.optimizers.*(), got ${describe(optimizer)}`);
    }
    const metricList = Array.isArray(metrics) ? metrics : [metrics];
    for (const m of metricList) {
      if (typeof m !== 'string') throw new Error(`${this.name}.compile: metrics must be names, got ${describe(m)}`);
    }
    const spec = { losses: lossSpecs(loss, this.name), metrics: metricList };
    if (lossWeights !== undefined) spec.loss_weights = lossWeights;
    try {
      this._api.call(() => this._api.native.compile(this.native, opt.native, JSON.stringify(spec)));
    } catch (e) {
      if (owns) opt.dispose();
      throw e;
    }
    if (this._optimizer && this._optimizer !== opt) this._optimizer.dispose();
    this._optimizer = opt;
  }

  _requireCompiled(what) {
    if (!this._api.native.compiled(this.native)) throw new Error(`${this.name}: call compile() before ${what}()`);
  }

  async fit(x, y, options = {}) {
    const where = `${this.name}.fit`;
    this._requireCompiled('fit');
    if (this._fitting) throw new Error(`${where}: this model is already training; await the running fit() first`);
    const opts = requirePlainObject(options, where);
    const {
      epochs = 1, batchSize = 32, shuffle = true, validationSplit = 0, validationData,
      callbacks = [], initialEpoch = 0, yieldEvery = 'auto', verbose,
    } = opts;
    const known = new Set(['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData',
      'callbacks', 'initialEpoch', 'yieldEvery', 'verbose']);
    for (const key of Object.keys(opts)) {
      if (!known.has(key)) throw new Error(`${where}: unknown option '${key}'`);
    }
    for (const [name, v] of [['epochs', epochs], ['batchSize', batchSize], ['initialEpoch', initialEpoch]]) {
      if (!Number.isInteger(v)) throw new Error(`${where}: ${name} must be an integer, got ${describe(v)}`);
    }
    if (typeof validationSplit !== 'number') throw new Error(`${where}: validationSplit must be a number, got ${describe(validationSplit)}`);
    const xs = nativeTensorList(x, `${where} x`);
    const ys = nativeTensorList(y, `${where} y`);
    let vx = null, vy = null;
    if (validationData !== undefined) {
      if (!Array.isArray(validationData) || validationData.length !== 2) {
        throw new Error(`${where}: validationData must be [x, y], got ${describe(validationData)}`);
      }
      vx = nativeTensorList(validationData[0], `${where} validationData x`);
      vy = nativeTensorList(validationData[1], `${where} validationData y`);
    }
    const { jsCallbacks, nativeCallbacks } = splitCallbacks(callbacks, where);
    const config = toSnakeConfig({ epochs, batchSize, shuffle: Boolean(shuffle), validationSplit, initialEpoch }, where);
    this._fitting = true;
    let loop = null;
    try {
      // BackupAndRestore: a backup left by an interrupted fit is loaded before the loop starts,
      // and the engine's loop then resumes after its epoch.
      for (const cb of nativeCallbacks) {
        if (cb._backup === undefined) continue;
        const backup = await this._api.io.readIfPresent(cb._backup);
        if (!backup) continue;
        const text = typeof backup.modelJson === 'string' ? backup.modelJson : JSON.stringify(backup.modelJson);
        this._api.call(() => this._api.native.restoreBackup(cb.native, this.native, text, backup.weights));
      }
      loop = this._api.call(() => this._api.native.startFit(this.native, xs, ys, JSON.stringify(config), vx, vy,
        nativeCallbacks.map((cb) => cb.native)));
      for (const cb of jsCallbacks) if (typeof cb.setModel === 'function') cb.setModel(this);
      const fire = async (hook, ...args) => {
        for (const cb of jsCallbacks) if (typeof cb[hook] === 'function') await cb[hook](...args);
      };
      // The engine's callbacks queue their IO; it runs here, in order, before the JS callbacks
      // of the same step (so a backup is on disk before a later callback can fail).
      const perform = async () => {
        for (const cb of nativeCallbacks) {
          const actions = this._api.native.callbackActions(cb.native);
          if (actions === '[]') continue;
          for (const action of JSON.parse(actions)) await this._performAction(action, cb);
        }
      };
      const yieldMs = yieldEvery === 'never' ? Infinity : (typeof yieldEvery === 'number' ? yieldEvery : 25);
      let lastYield = Date.now();
      let logs = {};
      await perform();
      await fire('onTrainBegin', {});
      while (this._api.call(() => loop.beginEpoch())) {
        const epoch = loop.epoch();
        await perform();
        await fire('onEpochBegin', epoch, {});
        const batches = loop.batchesPerEpoch();
        for (let b = 0; b < batches; b++) {
          await fire('onBatchBegin', b, { batch: b, size: Math.min(batchSize, loop.samples() - b * batchSize) });
          logs = this._api.call(() => loop.runBatch(b));
          await perform();
          await fire('onBatchEnd', b, logs);
          if (loop.stopped()) break;
          if (Date.now() - lastYield >= yieldMs) {
            await yieldToEventLoop();
            lastYield = Date.now();
          }
        }
        logs = this._api.call(() => loop.endEpoch());
        await perform();
        await fire('onEpochEnd', epoch, logs);
        if (loop.stopped()) break;
      }
      this._api.call(() => loop.end());
      await perform();
      await fire('onTrainEnd', logs);
      return new History(loop.history());
    } finally {
      if (loop) loop.delete();
      this._fitting = false;
    }
  }

  async _performAction(action, cb) {
    const io = this._api.io;
    switch (action.kind) {
      case 'save':
        return io.write(cb._handler ?? action.url, this._artifacts(action.include_optimizer, {}));
      case 'backup':
        return io.write(cb._backup, this._artifacts(true, action.metadata));
      case 'delete':
        return io.remove(cb._backup);
      case 'write':
      case 'append':
        return io.writeText(action.path, action.text, { append: action.kind === 'append', onlyIfEmpty: Boolean(action.only_if_empty) });
      case 'progress':
        return cb._print?.(action);
      default:
        throw new Error(`${this.name}.fit: unknown callback action '${action.kind}'`);
    }
  }

  _artifacts(includeOptimizer, metadata) {
    const saved = this._api.call(() => this._api.native.saveModelFiles(this.native, Boolean(includeOptimizer), JSON.stringify(metadata)));
    return { modelJson: JSON.parse(saved.modelJson), weights: saved.weights };
  }

  evaluate(x, y, options = {}) {
    this._requireCompiled('evaluate');
    const { batchSize = 32 } = requirePlainObject(options, `${this.name}.evaluate`);
    const xs = nativeTensorList(x, `${this.name}.evaluate x`);
    const ys = nativeTensorList(y, `${this.name}.evaluate y`);
    return this._api.call(() => this._api.native.evaluate(this.native, xs, ys, checkBatchSize(batchSize, this.name)));
  }

  predict(x, options = {}) {
    const { batchSize = 32 } = requirePlainObject(options, `${this.name}.predict`);
    const xs = nativeTensorList(x, `${this.name}.predict x`);
    const out = this._api.call(() => this._api.native.predict(this.native, xs, checkBatchSize(batchSize, this.name)));
    return wrapTensors(out, true);
  }

  predictOnBatch(x) {
    const xs = nativeTensorList(x, `${this.name}.predictOnBatch x`);
    return wrapTensors(this._api.call(() => this._api.native.predictOnBatch(this.native, xs)), true);
  }

  trainOnBatch(x, y) {
    this._requireCompiled('trainOnBatch');
    if (this._fitting) throw new Error(`${this.name}.trainOnBatch: this model is training in fit()`);
    const xs = nativeTensorList(x, `${this.name}.trainOnBatch x`);
    const ys = nativeTensorList(y, `${this.name}.trainOnBatch y`);
    return this._api.call(() => this._api.native.trainOnBatch(this.native, xs, ys));
  }

  // The last train/test batch's loss by part: {loss} or, when layers add losses (a VAE's
  // Sampling), {loss, reconstruction, kl_loss, ...}.
  lastLosses() {
    return this._api.call(() => this._api.native.lastLosses(this.native));
  }

  getWeights() {
    return wrapTensors(this._api.call(() => this._api.native.getModelWeights(this.native)), false);
  }

  setWeights(weights) {
    const list = nativeTensorList(weights, `${this.name}.setWeights`);
    this._api.call(() => this._api.native.setModelWeights(this.native, list));
  }

  toJSON() { return JSON.parse(this._api.call(() => this.native.topologyJson())); }

  // Returns {modelJson, weights} in the TF.js layers-model format; with a 'file://dir' URL
  // in Node, or an IO handler with save(), also writes them. includeOptimizer (TF.js option,
  // default false) adds the training config, the optimizer's state and the random state, so
  // loadModel gives a compiled model that continues training exactly where this one stopped.
  async save(url, options = {}) {
    const { includeOptimizer = false } = requirePlainObject(options, `${this.name}.save`);
    const artifacts = this._artifacts(includeOptimizer, {});
    if (url !== undefined) await this._api.io.write(url, artifacts);
    return artifacts;
  }

  // Keras load_weights: model files (a URL, an IO handler or {modelJson, weights}) written by
  // a model of the same architecture go into this one, matched by position with shapes
  // checked. If this model is compiled, the optimizer state and random state in the files come
  // too, so training continues exactly; models sharing layers with this one (a GAN's
  // generator inside the combined model, an autoencoder's encoder) see the weights at once.
  async loadWeights(source) {
    const where = `${this.name}.loadWeights`;
    if (this._fitting) throw new Error(`${where}: this model is training in fit()`);
    const fromIO = typeof source === 'string' || (source !== null && typeof source?.load === 'function');
    const { modelJson, weights } = fromIO ? await this._api.io.read(source) : toModelFiles(requirePlainObject(source, where), where);
    if (!(weights instanceof Uint8Array)) throw new Error(`${where}: weights must be a Uint8Array, got ${describe(weights)}`);
    const text = typeof modelJson === 'string' ? modelJson : JSON.stringify(modelJson);
    if (typeof text !== 'string') throw new Error(`${where}: modelJson must be an object or JSON text, got ${describe(modelJson)}`);
    this._api.call(() => this._api.native.restoreModelFiles(this.native, text, weights));
  }

  dispose() {
    if (this._fitting) throw new Error(`${this.name}: cannot dispose a model while fit() is running`);
    if (this.isDisposed) return;
    for (const owned of this._owned) owned.dispose();
    this._owned = [];
    // The optimizer's state is bound to this model's weights, so it goes with the model.
    if (this._optimizer) this._optimizer.dispose();
    this._optimizer = null;
    super.dispose();
  }
}

function checkBatchSize(batchSize, name) {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`${name}: batchSize must be a positive integer, got ${describe(batchSize)}`);
  }
  return batchSize;
}

function splitCallbacks(callbacks, where) {
  const list = Array.isArray(callbacks) ? callbacks : [callbacks];
  const jsCallbacks = [];
  const nativeCallbacks = [];
  for (const cb of list) {
    if (cb instanceof NativeCallback) nativeCallbacks.push(cb);
    else if (cb && typeof cb === 'object' && HOOKS.some((h) => typeof cb[h] === 'function')) jsCallbacks.push(cb);
    else throw new Error(`${where}: callbacks must be nn.callbacks.* objects or objects with ${HOOKS.join('/')} functions, got ${describe(cb)}`);
  }
  return { jsCallbacks, nativeCallbacks };
}

// Collects the wrappers a functional model is made of, so dispose() frees them with it.
function graphWrappers(outputs) {
  const seen = new Set();
  const stack = [...outputs];
  while (stack.length) {
    const t = stack.pop();
    if (seen.has(t)) continue;
    seen.add(t);
    if (t._producer) seen.add(t._producer);
    for (const i of t._inputs) stack.push(i);
  }
  return [...seen];
}

export function makeModelFactories(api) {
  function sequential(options = {}) {
    const { layers = [], name = '' } = requirePlainObject(options, 'sequential');
    if (!Array.isArray(layers)) throw new Error(`sequential: layers must be an array, got ${describe(layers)}`);
    layers.forEach((l, i) => {
      if (!(l instanceof Layer)) throw new Error(`sequential: layers[${i}] must be a layer, got ${describe(l)}`);
    });
    const handle = api.call(() => api.native.sequential(layers.map((l) => l.native), String(name)));
    return new Model(api, handle, [...layers]);
  }

  function model(options) {
    const { inputs, outputs, name = '' } = requirePlainObject(options, 'model');
    const ins = Array.isArray(inputs) ? inputs : [inputs];
    const outs = Array.isArray(outputs) ? outputs : [outputs];
    for (const [what, list] of [['inputs', ins], ['outputs', outs]]) {
      list.forEach((t, i) => {
        if (!(t instanceof SymbolicTensor)) throw new Error(`model: ${what}[${i}] must be a symbolic tensor, got ${describe(t)}`);
      });
    }
    const handle = api.call(() => api.native.functional(ins.map((t) => t.native), outs.map((t) => t.native), String(name)));
    return new Model(api, handle, graphWrappers([...outs, ...ins]));
  }

  async function loadModel(source) {
    const fromIO = typeof source === 'string' || (source !== null && typeof source?.load === 'function');
    const artifacts = fromIO ? await api.io.read(source) : toModelFiles(requirePlainObject(source, 'loadModel'));
    const { modelJson, weights } = requirePlainObject(artifacts, 'loadModel');
    if (!(weights instanceof Uint8Array)) throw new Error(`loadModel: weights must be a Uint8Array, got ${describe(weights)}`);
    let text = modelJson;
    if (typeof modelJson !== 'string') {
      try {
        text = JSON.stringify(modelJson);
      } catch (e) {
        // Cycles, BigInts or nesting deeper than the JS stack: not a model file either way.
        throw new Error(`loadModel: modelJson cannot be serialised as JSON: ${e.message}`);
      }
    }
    if (typeof text !== 'string') throw new Error(`loadModel: modelJson must be an object or JSON text, got ${describe(modelJson)}`);
    const handle = api.call(() => api.native.loadModel(text, weights));
    const loaded = new Model(api, handle, []);
    // Files with a training config load compiled (as in TF.js), with their optimizer state.
    const optimizer = api.native.modelOptimizer(handle);
    if (optimizer) loaded._optimizer = new Optimizer(api, optimizer);
    return loaded;
  }

  return { sequential, model, loadModel };
}

export { Tensor };
