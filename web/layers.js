// Layers and symbolic tensors. Layer factories are generated from the engine's one layer
// registry (nn.layers.dense -> "Dense"), so there is no second list of names here.
import { NativeHandle, describe, requirePlainObject, toSnakeConfig } from './native.js';
import { Tensor, nativeTensorList, wrapTensors } from './tensor.js';

export class SymbolicTensor extends NativeHandle {
  constructor(handle, producer, inputs) {
    super(handle, 'SymbolicTensor');
    this.shape = [null, ...handle.shape()];
    this._producer = producer;  // the Layer wrapper that made it (null for nn.input)
    this._inputs = inputs;      // the SymbolicTensors it was computed from
  }
}

export class Layer extends NativeHandle {
  constructor(api, handle, kind = 'Layer') {
    super(handle, kind);
    this._api = api;
  }

  get name() { return this.native.name(); }
  getClassName() { return this.native.className(); }
  get trainable() { return this.native.trainable(); }
  set trainable(value) {
    if (typeof value !== 'boolean') throw new Error(`${this.name}: trainable must be true or false, got ${describe(value)}`);
    this.native.setTrainable(value);
  }

  get built() { return this.native.built(); }
  getConfig() { return JSON.parse(this._api.call(() => this.native.configJson())).config; }
  countParams() { return this.native.countParams(); }

  // Calls the layer on symbolic tensors (functional API); returns one or a list.
  apply(inputs) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    list.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor)) {
        throw new Error(`${this.name}.apply: input ${i} must be a symbolic tensor from nn.input() or another layer's apply(), got ${describe(t)}`);
      }
    });
    const handles = list.map((t) => t.native);
    const out = this._api.call(() => this._api.native.apply(this.native, handles));
    const wrapped = [];
    for (let i = 0; i < out.length; i++) wrapped.push(new SymbolicTensor(out[i], this, list));
    this._lastOutput = wrapped.length === 1 ? wrapped[0] : wrapped;
    return this._lastOutput;
  }

  // The layer's output in the model it was taken from (model.getLayer / model.layers) or of
  // its latest apply(): a symbolic tensor for building sub-models.
  get output() {
    if (this._lastOutput && !this._lastOutput.isDisposed) return this._lastOutput;
    if (!this._model) throw new Error(`${this.name}: layer has no output yet; apply() it or take it from a model`);
    const handles = this._api.call(() => this._model.native.layerOutputs(this.name));
    const out = this._model._symbolic(handles);
    return out.length === 1 ? out[0] : out;
  }

  getWeights() {
    const entries = this._api.call(() => this.native.weights());
    return entries.map((e) => new Tensor(e.tensor));
  }

  setWeights(weights) {
    const handles = nativeTensorList(weights, `${this.name}.setWeights`);
    this._api.call(() => this.native.setWeights(handles));
  }
}

function factoryNames(className) {
  const lower = className[0].toLowerCase() + className.slice(1);
  const acronym = className.match(/^[A-Z]+(?=[A-Z][a-z]|$)/);
  const names = new Set([lower, lower.replace(/([0-9])D(?=[A-Z]|$)/g, '$1d'), className.toLowerCase()]);
  if (acronym) names.add(acronym[0].toLowerCase() + className.slice(acronym[0].length));
  return [...names];
}

function wrappedSpec(api, layer, where) {
  if (!(layer instanceof Layer)) throw new Error(`${where} must be a layer from nn.layers, got ${describe(layer)}`);
  return JSON.parse(api.call(() => layer.native.configJson()));
}

export function makeLayerFactories(api) {
  const layers = {};
  for (const className of api.native.layerClassNames()) {
    if (className === 'Sequential' || className === 'Functional' || className === 'Model') continue;
    const create = (options) => {
      const where = `layers.${factoryNames(className)[0]}`;
      const { layer, backwardLayer, ...rest } = requirePlainObject(options, where);
      const config = toSnakeConfig(rest, className);
      // Wrappers (Bidirectional, TimeDistributed) take a layer, as in Keras: its spec is copied.
      if (layer !== undefined) config.layer = wrappedSpec(api, layer, `${where}: option 'layer'`);
      if (backwardLayer !== undefined) config.backward_layer = wrappedSpec(api, backwardLayer, `${where}: option 'backwardLayer'`);
      const handle = api.call(() => api.native.createLayer(className, JSON.stringify(config)));
      return new Layer(api, handle);
    };
    for (const name of factoryNames(className)) layers[name] = create;
  }
  return layers;
}

export function makeInput(api) {
  return function input(options) {
    const { shape, name = '' } = requirePlainObject(options, 'input');
    if (!Array.isArray(shape)) throw new Error(`input: shape must be an array of positive integers, got ${describe(shape)}`);
    const handle = api.call(() => api.native.input(shape, String(name)));
    return new SymbolicTensor(handle, null, []);
  };
}
