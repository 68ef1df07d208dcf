// Names and order: unknown optimizer/loss/metric/activation names (generated misspellings of
// the real ones), optimizers with bad hyper-parameters, calls before compile or build,
// disposed objects reused, and fit/trainOnBatch/dispose while a fit is running.
import assert from 'node:assert/strict';
import { disposeAll, literal } from './runner.js';

const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'adamw'];
const LOSSES = ['meanSquaredError', 'mse', 'categoricalCrossentropy', 'binaryCrossentropy',
  'sparseCategoricalCrossentropy', 'huber', 'hinge', 'poisson', 'logCosh', 'meanAbsoluteError'];
const METRICS = ['accuracy', 'mae', 'mse', 'categoricalAccuracy', 'binaryAccuracy'];
const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'linear', 'swish', 'gelu'];

// Misspellings a user makes: a dropped, doubled or swapped letter, a stray suffix, a space.
const KNOWN = new Set([...OPTIMIZERS, ...LOSSES, ...METRICS, ...ACTIVATIONS, 'momentum', 'mae', 'acc']);
function misspell(name) {
  const out = new Set([name.slice(1), `${name}x`, `${name}${name.at(-1)}`, ` ${name}`, `${name}_`,
    name.length > 3 ? name.slice(0, 2) + name[3] + name[2] + name.slice(4) : `${name}z`]);
  return [...out].filter((n) => !KNOWN.has(n.trim()));
}

function tinyModel(nn, name = 'tiny') {
  return nn.sequential({ name, layers: [nn.layers.dense({ units: 2, inputShape: [3] })] });
}

export function lifecycleCases(nn) {
  const cases = [];
  const add = (name, run, expect, cleanup) => cases.push({ name, run, expect, cleanup });
  const xy = () => [nn.tensor(new Float32Array(12), [4, 3]), nn.tensor(new Float32Array(8), [4, 2])];

  const withModel = (body) => async () => {
    const model = tinyModel(nn);
    const [x, y] = xy();
    try { return await body(model, x, y); } finally { disposeAll([x, y]); if (!model._fitting) model.dispose(); }
  };

  for (const name of OPTIMIZERS) {
    for (const typo of misspell(name)) {
      add(`compile: optimizer '${typo}'`, withModel((m) => m.compile({ optimizer: typo, loss: 'mse' })),
        { error: [/optimizer/i, new RegExp(literal(typo.trim()))] });
    }
  }
  for (const name of LOSSES) {
    for (const typo of misspell(name)) {
      add(`compile: loss '${typo}'`, withModel((m) => m.compile({ optimizer: 'sgd', loss: typo })),
        { error: [/loss/i, new RegExp(literal(typo.trim()))] });
    }
  }
  for (const name of METRICS) {
    for (const typo of misspell(name)) {
      add(`compile: metric '${typo}'`, withModel((m) => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [typo] })),
        { error: [/metric/i, new RegExp(literal(typo.trim()))] });
    }
  }
  for (const name of ACTIVATIONS) {
    for (const typo of misspell(name)) {
      add(`dense: activation '${typo}'`, () => nn.layers.dense({ units: 2, activation: typo }),
        { error: [/Dense/, /activation/, new RegExp(literal(typo.trim()))] }, disposeAll);
    }
  }
  for (const [what, value] of [['a number', 3], ['null', null], ['an object', {}], ['a function', () => 1], ['a list', ['adam']]]) {
    add(`compile: optimizer ${what}`, withModel((m) => m.compile({ optimizer: value, loss: 'mse' })),
      { error: [/^tiny\.compile: optimizer must be a name/, /got/] });
    add(`compile: loss ${what}`, withModel((m) => m.compile({ optimizer: 'sgd', loss: value })),
      { error: [/tiny/, /loss/] });
    add(`compile: metric ${what}`, withModel((m) => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [value] })),
      { error: [/tiny/, /metric/] });
  }
  for (const [what, value] of [['a string', 'heavy'], ['a list with a string', ['x']], ['a list with NaN', [NaN]], ['an object', { a: 1 }]]) {
    add(`compile: lossWeights ${what}`, withModel((m) => m.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: value })),
      { error: [/tiny/, /lossWeights must be/, /got/] });
  }
  add('compile: no loss', withModel((m) => m.compile({ optimizer: 'sgd' })), { error: [/tiny/, /loss/] });
  add('compile: empty loss list', withModel((m) => m.compile({ optimizer: 'sgd', loss: [] })), { error: [/^tiny\.compile: a loss is required/] });

  // Optimizer hyper-parameters.
  const badHyper = [['-1', -1], ['NaN', NaN], ['Infinity', Infinity], ['a string', '0.1'], ['an object', {}], ['true', true]];
  const hyper = { sgd: ['learningRate'], adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
    rmsprop: ['learningRate', 'rho', 'momentum', 'epsilon'], adagrad: ['learningRate', 'initialAccumulatorValue'],
    adadelta: ['learningRate', 'rho', 'epsilon'], momentum: ['learningRate', 'momentum'] };
  for (const [kind, keys] of Object.entries(hyper)) {
    for (const key of keys) {
      for (const [what, value] of badHyper) {
        const base = kind === 'momentum' ? { learningRate: 0.1, momentum: 0.9 } : {};
        const snake = { beta1: 'beta_1', beta2: 'beta_2' }[key] ?? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        add(`optimizers.${kind}: ${key} ${what}`, () => nn.optimizers[kind]({ ...base, [key]: value }), {
          error: [new RegExp(literal(snake)), /(got|must)/],
        }, disposeAll);
      }
    }
  }
  for (const [what, value] of badHyper) {
    add(`optimizer.learningRate = ${what}`, () => {
      const opt = nn.optimizers.sgd(0.1);
      try { opt.learningRate = value; return opt.learningRate; } finally { opt.dispose(); }
    }, { error: [/SGD/i, /learning.?rate/i, /(got|must)/] });
  }

  // Calls in the wrong order.
  for (const method of ['fit', 'evaluate', 'trainOnBatch']) {
    add(`${method} before compile`, withModel((m, x, y) => m[method](x, y)), { error: [new RegExp(`^tiny: call compile\\(\\) before ${method}\\(\\)`)] });
  }
  const unbuilt = () => nn.sequential({ name: 'unbuilt', layers: [nn.layers.dense({ units: 2 })] });
  const unbuiltCalls = {
    predict: (m, x) => m.predict(x), summary: (m) => m.summary(72, undefined, null), getWeights: (m) => m.getWeights(),
    save: (m) => m.save(), countParams: (m) => m.countParams(), outputs: (m) => m.outputs,
  };
  for (const [what, call] of Object.entries(unbuiltCalls)) {
    add(`${what} on an unbuilt model`, async () => {
      const m = unbuilt();
      const [x] = xy();
      try { return await call(m, x); } finally { disposeAll(x); m.dispose(); }
    }, { either: { error: [/unbuilt/, /(build|built|input shape)/], valid: () => {} } }, disposeAll);
  }

  // Disposed objects reused.
  const disposedTensorUses = {
    'predict': (m, t) => m.predict(t), 'fit x': (m, t, y) => m.fit(t, y), 'fit y': (m, x, t) => m.fit(x, t),
    'evaluate': (m, t, y) => m.evaluate(t, y), 'trainOnBatch': (m, t, y) => m.trainOnBatch(t, y),
    'setWeights': (m, t) => m.setWeights([t]), 'dataSync': (m, t) => t.dataSync(), 'shape': (m, t) => t.shape,
  };
  for (const [what, use] of Object.entries(disposedTensorUses)) {
    add(`disposed tensor: ${what}`, withModel((m, x, y) => {
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const victim = what === 'fit y' ? y : x;
      victim.dispose();
      return use(m, x, y);
    }), { error: [/Tensor has been disposed/] });
  }
  const disposedModelUses = {
    predict: (m, x) => m.predict(x), compile: (m) => m.compile({ optimizer: 'sgd', loss: 'mse' }),
    fit: (m, x, y) => m.fit(x, y), evaluate: (m, x, y) => m.evaluate(x, y), summary: (m) => m.summary(),
    getWeights: (m) => m.getWeights(), save: (m) => m.save(), layers: (m) => m.layers, add: (m) => m.add(nn.layers.dense({ units: 1 })),
  };
  for (const [what, use] of Object.entries(disposedModelUses)) {
    add(`disposed model: ${what}`, async () => {
      const m = tinyModel(nn);
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const [x, y] = xy();
      m.dispose();
      try { return await use(m, x, y); } finally { disposeAll([x, y]); }
    }, { error: [/Model has been disposed/] });
  }
  add('disposed layer: apply', () => {
    const l = nn.layers.dense({ units: 2 });
    l.dispose();
    const i = nn.input({ shape: [3] });
    try { return l.apply(i); } finally { i.dispose(); }
  }, { error: [/Layer has been disposed/] });
  add('disposed layer: in sequential', () => {
    const l = nn.layers.dense({ units: 2, inputShape: [3] });
    l.dispose();
    return nn.sequential({ layers: [l] });
  }, { error: [/Layer has been disposed/] });
  add('disposed optimizer: compile', withModel((m) => {
    const opt = nn.optimizers.adam(0.01);
    opt.dispose();
    return m.compile({ optimizer: opt, loss: 'mse' });
  }), { error: [/Optimizer has been disposed/] });
  add('disposed symbolic tensor: apply', () => {
    const i = nn.input({ shape: [3] });
    i.dispose();
    const l = nn.layers.dense({ units: 2 });
    try { return l.apply(i); } finally { l.dispose(); }
  }, { error: [/SymbolicTensor has been disposed/] });
  add('dispose twice', () => { const t = nn.tensor([1], [1]); t.dispose(); t.dispose(); return 'ok'; },
    { valid: (r) => assert.equal(r, 'ok') });

  // A second fit, a trainOnBatch or a dispose while a fit runs: refused, and the running fit ends well.
  const duringFit = {
    'second fit': (m, x, y) => m.fit(x, y),
    'trainOnBatch': (m, x, y) => m.trainOnBatch(x, y),
    'dispose': (m) => m.dispose(),
  };
  for (let round = 0; round < 3; round++) {
    for (const [what, call] of Object.entries(duringFit)) {
      add(`${what} during fit (round ${round})`, async () => {
        const m = tinyModel(nn);
        m.compile({ optimizer: 'sgd', loss: 'mse' });
        const x = nn.tensor(new Float32Array(300), [100, 3]);
        const y = nn.tensor(new Float32Array(200), [100, 2]);
        const running = m.fit(x, y, { epochs: 2, batchSize: 5, yieldEvery: 0 });
        try {
          return await call(m, x, y);
        } finally {
          const history = await running;
          assert.equal(history.epoch.length, 2, 'the running fit finished both epochs');
          disposeAll([x, y]);
          m.dispose();
        }
      }, { error: [/tiny/, /(already training|training in fit|while fit\(\) is running)/] });
    }
  }
  return cases;
}
