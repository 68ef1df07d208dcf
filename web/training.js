// Optimizers, losses and callbacks as the JS API names them (TF.js spellings), mapped to the
// engine's Keras names and configs.
import { NativeHandle, describe, requirePlainObject, toSnakeConfig } from './native.js';

export class Optimizer extends NativeHandle {
  constructor(api, handle) {
    super(handle, 'Optimizer');
    this._api = api;
  }

  getClassName() { return this.native.name(); }
  get learningRate() { return this.native.learningRate(); }
  set learningRate(value) {
    if (typeof value !== 'number') throw new Error(`${this.getClassName()}: learningRate must be a number, got ${describe(value)}`);
    this._api.call(() => this.native.setLearningRate(value));
  }

  get iterations() { return this.native.iterations(); }
  getConfig() { return JSON.parse(this._api.call(() => this.native.configJson())); }
}

// An engine callback (web/callbacks.js makes them). Those that write files queue actions
// that Model.fit performs (see performAction in model.js).
export class NativeCallback extends NativeHandle {}

// TF.js positional signatures, plus a single options object (Keras names in camelCase).
const POSITIONAL = {
  sgd: ['learningRate'],
  momentum: ['learningRate', 'momentum', 'nesterov'],
  rmsprop: ['learningRate', 'rho', 'momentum', 'epsilon', 'centered'],
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  adamw: ['learningRate', 'weightDecay', 'beta1', 'beta2', 'epsilon'],
  adagrad: ['learningRate', 'initialAccumulatorValue'],
  adadelta: ['learningRate', 'rho', 'epsilon'],
};

// nn.schedules.* (web/callbacks.js), recognised by shape to keep the modules independent.
const isSchedule = (v) => v !== null && typeof v === 'object' && typeof v.toJSON === 'function' && typeof v.value === 'function';

export function makeOptimizers(api) {
  const create = (engineName, kind) => (...args) => {
    let options;
    if (args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !isSchedule(args[0])) {
      options = requirePlainObject(args[0], `optimizers.${kind}`);
    } else {
      options = {};
      args.forEach((v, i) => {
        if (i >= POSITIONAL[kind].length) throw new Error(`optimizers.${kind}: too many arguments (${args.length})`);
        if (v !== undefined) options[POSITIONAL[kind][i]] = v;
      });
    }
    // A schedule travels as its Keras {class_name, config}, as in a Keras optimizer config.
    if (isSchedule(options.learningRate)) options = { ...options, learningRate: options.learningRate.toJSON() };
    const config = toSnakeConfig(options, `optimizers.${kind}`);
    if (kind === 'momentum' && config.momentum === undefined) {
      throw new Error('optimizers.momentum: momentum is required');
    }
    return new Optimizer(api, api.call(() => api.native.makeOptimizer(engineName, JSON.stringify(config))));
  };
  const optimizers = {
    sgd: create('SGD', 'sgd'),
    momentum: create('SGD', 'momentum'),
    rmsprop: create('RMSprop', 'rmsprop'),
    adam: create('Adam', 'adam'),
    adamw: create('AdamW', 'adamw'),
    adagrad: create('Adagrad', 'adagrad'),
    adadelta: create('Adadelta', 'adadelta'),
  };
  // compile({optimizer: 'adam'}) uses the engine's defaults for that name.
  Object.defineProperty(optimizers, 'byName', {
    enumerable: false,
    value: (name) => new Optimizer(api, api.call(() => api.native.makeOptimizer(name, '{}'))),
  });
  return optimizers;
}

// A loss is a name ('categoricalCrossentropy', 'mse', ...) or nn.losses.*(options).
export function makeLosses() {
  const names = ['meanSquaredError', 'meanAbsoluteError', 'huber', 'logCosh', 'binaryCrossentropy',
    'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'kullbackLeiblerDivergence',
    'hinge', 'squaredHinge', 'poisson', 'cosineSimilarity'];
  const losses = {};
  for (const name of names) {
    losses[name] = (options = {}) => ({ name, config: toSnakeConfig(requirePlainObject(options, `losses.${name}`), name) });
  }
  return losses;
}

export function lossSpecs(loss, modelName) {
  const list = Array.isArray(loss) ? loss : [loss];
  if (list.length === 0) throw new Error(`${modelName}.compile: a loss is required`);
  return list.map((l) => {
    if (typeof l === 'string') return { name: l, config: {} };
    if (l && typeof l === 'object' && typeof l.name === 'string') return { name: l.name, config: l.config ?? {} };
    throw new Error(`${modelName}.compile: loss must be a name ('categoricalCrossentropy', 'mse', ...) or nn.losses.*(), got ${describe(l)}`);
  });
}
