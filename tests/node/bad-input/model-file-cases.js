// Hostile model files through nn.loadModel: a real saved model, mutated field by field —
// every field removed or given a wrong type, weight shapes and byte counts wrong, huge declared
// shapes, unknown layer classes and fields, deep nesting, non-UTF-8 and truncated text.
import assert from 'node:assert/strict';
import { disposeAll } from './runner.js';

// Every path to a value in a JSON tree, as key lists.
function paths(value, prefix = [], out = []) {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = [...prefix, Array.isArray(value) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

function mutate(json, path, change) {
  const copy = structuredClone(json);
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path.at(-1);
  if (change === 'delete') {
    if (Array.isArray(parent)) parent.splice(last, 1);
    else delete parent[last];
  } else {
    parent[last] = change;
  }
  return copy;
}

// A loaded model must be a working model; a refusal must say it is about the model file (or
// name the layer, or the loader's own argument check).
const REFUSAL = [/(^model file: |^model\.json: |^loadModel: |^[A-Z]\w*( '[^']+')?: |^unknown layer class '[^']*'; known layers: )/,
  /(must|expected|missing|invalid|unknown|unsupported|got|has|needs|too large|nested|not|cannot|duplicate|only|no inputs)/];
const loadedModelWorks = (model) => {
  assert.ok(model.layers.length > 0);
};

export async function modelFileCases(nn) {
  const a = nn.input({ shape: [4] });
  const h = nn.layers.dense({ units: 3, activation: 'relu', name: 'h' }).apply(a);
  const out = nn.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(nn.layers.batchNormalization({ name: 'bn' }).apply(h));
  const source = nn.model({ inputs: a, outputs: out, name: 'source' });
  const { modelJson, weights } = await source.save();
  source.dispose();

  const cases = [];
  const add = (name, artifacts, expect = { either: { error: REFUSAL, valid: loadedModelWorks } }) => cases.push({
    name: `loadModel: ${name}`,
    run: () => nn.loadModel(artifacts()),
    expect,
    cleanup: disposeAll,
  });
  const refuse = { error: REFUSAL };

  // Every field removed, and given each wrong type. Removing optional fields may load.
  for (const path of paths(modelJson)) {
    const where = path.join('.');
    add(`remove ${where}`, () => ({ modelJson: mutate(modelJson, path, 'delete'), weights }));
    for (const [what, value] of [['null', null], ['a number', 12345], ['a string', 'zz'], ['a list', [1, [2]]], ['an object', { q: 1 }], ['-1', -1], ['1e9', 1e9]]) {
      add(`${where} = ${what}`, () => ({ modelJson: mutate(modelJson, path, value), weights }));
    }
  }
  // Weight bytes of the wrong length.
  for (const delta of [-weights.length, -5, -4, -1, 1, 3, 4, 400]) {
    const bytes = new Uint8Array(Math.max(0, weights.length + delta));
    bytes.set(weights.subarray(0, Math.min(weights.length, bytes.length)));
    add(`weights ${delta > 0 ? '+' : ''}${delta} bytes`, () => ({ modelJson, weights: bytes }), { error: [/model file: the manifest describes \d+ bytes of weights, the weight data has \d+/] });
  }
  // Huge declared weight shapes and layer sizes.
  const manifestWeights = modelJson.weightsManifest[0].weights;
  manifestWeights.forEach((w, i) => {
    for (const shape of [[1e9, 1e9], [1 << 28, 16], [65536, 65536], [0], [-3, 2], [2.5], Array(12).fill(1)]) {
      add(`weight ${w.name} shape ${JSON.stringify(shape)}`,
        () => ({ modelJson: mutate(modelJson, ['weightsManifest', 0, 'weights', i, 'shape'], shape), weights }), refuse);
    }
    for (const dtype of ['int32', 'float16', 'uint8', 7]) {
      add(`weight ${w.name} dtype ${dtype}`,
        () => ({ modelJson: mutate(modelJson, ['weightsManifest', 0, 'weights', i, 'dtype'], dtype), weights }), refuse);
    }
  });
  const layerCount = modelJson.modelTopology.config.layers.length;
  for (let i = 0; i < layerCount; i++) {
    // Layer 0 is the InputLayer, which reads only its shape, as Keras does.
    const strict = modelJson.modelTopology.config.layers[i].class_name === 'InputLayer' ? undefined : refuse;
    for (const units of [1e9, 1 << 30, 2 ** 31, 0, -5]) {
      add(`layer ${i} units ${units}`, () => ({
        modelJson: mutate(modelJson, ['modelTopology', 'config', 'layers', i, 'config', 'units'], units), weights }), strict);
    }
    for (const cls of ['Nope', '', 'Sequential', 'Functional', '__proto__', 'constructor']) {
      add(`layer ${i} class '${cls}'`, () => ({
        modelJson: mutate(modelJson, ['modelTopology', 'config', 'layers', i, 'class_name'], cls), weights }), refuse);
    }
    add(`layer ${i} unknown field`, () => ({
      modelJson: mutate(modelJson, ['modelTopology', 'config', 'layers', i, 'config', 'surprise'], 1), weights }), strict);
  }
  // Deep nesting: a Sequential inside a Sequential, many levels down; and deeply nested JSON.
  for (const depth of [10, 100, 1000, 10000]) {
    add(`Sequential nested ${depth} deep`, () => {
      let topology = { class_name: 'Dense', config: { units: 1 } };
      for (let d = 0; d < depth; d++) topology = { class_name: 'Sequential', config: { layers: [topology] } };
      return { modelJson: { modelTopology: topology, weightsManifest: [] }, weights: new Uint8Array(0) };
    }, depth < 30 ? undefined : refuse);
    add(`JSON nested ${depth} deep`, () => ({
      modelJson: `{"modelTopology": ${'['.repeat(depth)}${']'.repeat(depth)}, "weightsManifest": []}`,
      weights: new Uint8Array(0),
    }), refuse);
  }
  // Text that is not JSON, or not UTF-8.
  const text = JSON.stringify(modelJson);
  for (const cut of [0, 1, 10, Math.floor(text.length / 2), text.length - 1]) {
    add(`model.json cut at ${cut}`, () => ({ modelJson: text.slice(0, cut), weights }), refuse);
  }
  for (const [what, s] of [['a lone surrogate', '\ud800'], ['a NUL', '\u0000'], ['Latin-1 bytes', '\u00ff\u00fe'], ['an emoji', '\u{1F600}']]) {
    add(`layer name with ${what}`, () => ({ modelJson: text.replace('"out"', JSON.stringify(`o${s}ut`)), weights }));
  }
  add('weights not bytes', () => ({ modelJson, weights: [1, 2, 3] }), { error: [/^loadModel: weights must be a Uint8Array/] });
  add('no artifacts', () => undefined, { error: [/^loadModel: weights must be a Uint8Array, got undefined$/] });
  cases.push(...loadWeightsCases(nn, modelJson, weights));
  return cases;
}

// The same hostile files through model.loadWeights into an existing model of the source's
// architecture: each loads or is refused naming the model, and a refusal leaves the weights
// as they were (everything is checked before anything is written).
function loadWeightsCases(nn, modelJson, weights) {
  const target = () => {
    const a = nn.input({ shape: [4] });
    const h = nn.layers.dense({ units: 3, activation: 'relu' }).apply(a);
    const out = nn.layers.dense({ units: 2, activation: 'softmax' }).apply(nn.layers.batchNormalization().apply(h));
    const m = nn.model({ inputs: a, outputs: out, name: 'target' });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    return m;
  };
  const values = (m) => m.getWeights().map((w) => { const d = Array.from(w.dataSync()); w.dispose(); return d; });
  const cases = [];
  const add = (name, artifacts, expect = { either: { error: LOAD_WEIGHTS_REFUSAL, valid: () => {} } }) => cases.push({
    name: `loadWeights: ${name}`,
    run: async () => {
      const m = target();
      const before = values(m);
      try {
        await m.loadWeights(artifacts());
      } catch (error) {
        assert.deepEqual(values(m), before, `a refused load changed the weights (${error.message})`);
        throw error;
      } finally {
        m.dispose();
      }
    },
    expect,
    cleanup: disposeAll,
  });
  const refuse = { error: LOAD_WEIGHTS_REFUSAL };
  add('the source files', () => ({ modelJson, weights }), { valid: () => {} });
  for (const path of paths(modelJson.weightsManifest).map((p) => ['weightsManifest', ...p])) {
    const where = path.join('.');
    add(`remove ${where}`, () => ({ modelJson: mutate(modelJson, path, 'delete'), weights }));
    for (const [what, value] of [['null', null], ['a number', 12345], ['a string', 'zz'], ['a list', [1, [2]]], ['an object', { q: 1 }]]) {
      add(`${where} = ${what}`, () => ({ modelJson: mutate(modelJson, path, value), weights }));
    }
  }
  for (const delta of [-weights.length, -4, 4]) {
    const bytes = new Uint8Array(Math.max(0, weights.length + delta));
    bytes.set(weights.subarray(0, Math.min(weights.length, bytes.length)));
    add(`weights ${delta > 0 ? '+' : ''}${delta} bytes`, () => ({ modelJson, weights: bytes }), refuse);
  }
  add('one weight fewer', () => ({ modelJson: mutate(modelJson, ['weightsManifest', 0, 'weights', 0], 'delete'), weights }), refuse);
  add('no weightsManifest', () => ({ modelJson: { modelTopology: modelJson.modelTopology }, weights }), refuse);
  add('model.json not JSON', () => ({ modelJson: '{"weightsManifest": [', weights }), refuse);
  add('weights not bytes', () => ({ modelJson, weights: [1, 2, 3] }), { error: [/^target\.loadWeights: weights must be a Uint8Array/] });
  add('nothing', () => null, { error: [/^target\.loadWeights: expected an .*, got null$/] });
  return cases;
}

const LOAD_WEIGHTS_REFUSAL = [/^target\.loadWeights: /,
  /(must|expected|missing|invalid|unknown|unsupported|got|has|holds|needs|not|cannot|duplicate|only)/];
