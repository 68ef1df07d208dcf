// Models: fit/predict/evaluate/trainOnBatch/predictOnBatch with wrong ranks, shapes, kinds and
// options; compile with unknown or mistyped names; optimizers with bad hyper-parameters;
// calls in the wrong order; disposed objects reused; a second fit while one runs.
import assert from 'node:assert/strict';
import { disposeAll, literal } from './runner.js';

// Small models over each input kind: flat vectors, images, sequences.
const MODEL_SPECS = [
  { name: 'mlp', input: [3], output: [2], layers: (nn) => [
    nn.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), nn.layers.dense({ units: 2 })] },
  { name: 'cnn', input: [6, 6, 1], output: [2], layers: (nn) => [
    nn.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1] }), nn.layers.flatten(), nn.layers.dense({ units: 2 })] },
  { name: 'rnn', input: [4, 3], output: [2], layers: (nn) => [
    nn.layers.lstm({ units: 3, inputShape: [4, 3] }), nn.layers.dense({ units: 2 })] },
];

const zeros = (nn, shape) => nn.tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
const shapeText = (shape) => literal(`[${shape.join(', ')}]`);
const sampleText = (shape) => literal(`[?, ${shape.join(', ')}]`);

function buildModel(nn, spec) {
  const model = nn.sequential({ name: spec.name, layers: spec.layers(nn) });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

export function modelCases(nn, rand) {
  const cases = [];
  const fixtures = [];
  for (const spec of MODEL_SPECS) {
    const model = buildModel(nn, spec);
    fixtures.push(model);
    const x = zeros(nn, [4, ...spec.input]);
    const y = zeros(nn, [4, ...spec.output]);
    fixtures.push(x, y);
    const methods = {
      predict: (a) => model.predict(a),
      predictOnBatch: (a) => model.predictOnBatch(a),
      evaluate: (a, b) => model.evaluate(a, b),
      trainOnBatch: (a, b) => model.trainOnBatch(a, b),
      fit: (a, b) => model.fit(a, b, { epochs: 1, batchSize: 2 }),
    };
    const where = (method) => new RegExp(`${spec.name}(\\.${method})?`);
    // x of a wrong shape: random ranks 1..5 and extents, never the model's own.
    for (let i = 0; i < 30; i++) {
      const rank = 1 + Math.floor(rand() * 5);
      const shape = [1 + Math.floor(rand() * 4), ...Array.from({ length: rank - 1 }, () => 1 + Math.floor(rand() * 7))];
      if (shape.length === spec.input.length + 1 && shape.slice(1).every((d, k) => d === spec.input[k])) continue;
      for (const [method, call] of Object.entries(methods)) {
        cases.push({
          name: `${spec.name}.${method}: x of shape [${shape}]`,
          run: async () => {
            const bad = zeros(nn, shape);
            try {
              return await call(bad, method === 'predict' || method === 'predictOnBatch' ? undefined : zeros(nn, [shape[0], ...spec.output]));
            } finally { bad.dispose(); }
          },
          // fit slices batches, so the reported batch extent may differ; the sample shape may not.
          expect: { error: [where(method), new RegExp(sampleText(spec.input)),
            new RegExp(`got \\[\\d+${shape.slice(1).map((d) => `, ${d}`).join('')}\\]`)] },
          cleanup: disposeAll,
        });
      }
    }
    // y of a wrong shape or batch.
    for (let i = 0; i < 12; i++) {
      const batch = i % 3 === 0 ? 3 : 4;
      const tail = i % 3 === 0 ? spec.output : [1 + ((spec.output[0] + i) % 5) + (i % 2 ? 4 : 0)];
      const shape = [batch, ...tail];
      if (batch === 4 && tail[0] === spec.output[0]) continue;
      for (const method of ['evaluate', 'trainOnBatch', 'fit']) {
        cases.push({
          name: `${spec.name}.${method}: y of shape [${shape}]`,
          run: async () => {
            const bad = zeros(nn, shape);
            try { return await methods[method](x, bad); } finally { bad.dispose(); }
          },
          expect: { error: [where(method), /(expected .* got|targets have \d+ samples, inputs have \d+|inputs have \d+ samples, targets have \d+)/,
            new RegExp(`(, ${tail.join(', ')}\\]|targets have ${batch}|${batch} samples)`)] },
        });
      }
    }
    // Not tensors at all.
    const notTensors = [['a number', 1], ['a string', 'x'], ['null', null], ['undefined', undefined],
      ['an array of numbers', [1, 2, 3]], ['a Float32Array', new Float32Array(3)], ['an object', {}], ['an empty list', []]];
    for (const [what, value] of notTensors) {
      for (const [method, call] of Object.entries(methods)) {
        cases.push({
          name: `${spec.name}.${method}: x is ${what}`,
          run: () => call(value, y),
          expect: { error: [new RegExp(`^${spec.name}\\.${method} x`), /(expected a Tensor|expected at least one tensor)/] },
        });
        if (['evaluate', 'trainOnBatch', 'fit'].includes(method)) {
          cases.push({
            name: `${spec.name}.${method}: y is ${what}`,
            run: () => call(x, value),
            expect: { error: [new RegExp(`^${spec.name}\\.${method} y`), /(expected a Tensor|expected at least one tensor)/] },
          });
        }
      }
    }
    // Options of the wrong type or range.
    const badNumbers = [['0', 0], ['-1', -1], ['2.5', 2.5], ['NaN', NaN], ['Infinity', Infinity], ['a string', '8'], ['null', null], ['true', true]];
    for (const [what, value] of badNumbers) {
      for (const method of ['predict', 'evaluate']) {
        cases.push({
          name: `${spec.name}.${method}: batchSize ${what}`,
          run: () => (method === 'predict' ? model.predict(x, { batchSize: value }) : model.evaluate(x, y, { batchSize: value })),
          expect: { error: [new RegExp(`^${spec.name}: batchSize must be a positive integer, got`)] },
        });
      }
      for (const option of ['epochs', 'batchSize', 'initialEpoch']) {
        const integerOk = Number.isInteger(value);
        cases.push({
          name: `${spec.name}.fit: ${option} ${what}`,
          run: () => model.fit(x, y, { epochs: 1, batchSize: 2, [option]: value }),
          expect: integerOk
            ? { either: { error: [new RegExp(`${spec.name}`), new RegExp(`${literal(option.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))}|${option}`), /got/], valid: (h) => assert.ok(h.history) } }
            : { error: [new RegExp(`^${spec.name}\\.fit: ${option} must be an integer, got`)] },
        });
      }
      cases.push({
        name: `${spec.name}.fit: validationSplit ${what}`,
        run: () => model.fit(x, y, { epochs: 1, batchSize: 2, validationSplit: value }),
        expect: typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1
          ? { valid: (h) => assert.ok(h.history) }
          : { error: [new RegExp(spec.name), /validation_?[sS]plit/, /(got|must)/] },
      });
    }
    for (const options of ['x', 5, [], null, true]) {
      for (const method of ['predict', 'evaluate', 'fit', 'compile']) {
        cases.push({
          name: `${spec.name}.${method}: options ${JSON.stringify(options)}`,
          run: () => {
            if (method === 'predict') return model.predict(x, options);
            if (method === 'evaluate') return model.evaluate(x, y, options);
            if (method === 'fit') return model.fit(x, y, options);
            return model.compile(options);
          },
          expect: { error: [new RegExp(`^${spec.name}\\.${method}: expected an options object, got`)] },
        });
      }
    }
    for (const key of ['epoch', 'batch_size', 'validation', 'callback']) {
      cases.push({
        name: `${spec.name}.fit: unknown option ${key}`,
        run: () => model.fit(x, y, { [key]: 1 }),
        expect: { error: [new RegExp(`^${spec.name}\\.fit: unknown option '${key}'`)] },
      });
    }
    // NaN/Infinity in the data.
    for (const special of [NaN, Infinity, -Infinity]) {
      for (const method of ['predict', 'evaluate', 'trainOnBatch', 'fit']) {
        cases.push({
          name: `${spec.name}.${method}: x holding ${special}`,
          run: async () => {
            const values = new Float32Array(4 * spec.input.reduce((a, b) => a * b, 1));
            values[1] = special;
            const bad = nn.tensor(values, [4, ...spec.input]);
            try { return await methods[method](bad, y); } finally { bad.dispose(); }
          },
          expect: { error: [where(method), /(NaN|Inf|non-finite)/] },
        });
      }
    }
    // An empty batch.
    for (const method of ['predict', 'evaluate', 'trainOnBatch', 'fit']) {
      cases.push({
        name: `${spec.name}.${method}: empty batch`,
        run: async () => {
          const ex = zeros(nn, [0, ...spec.input]);
          const ey = zeros(nn, [0, ...spec.output]);
          try { return await methods[method](ex, ey); } finally { ex.dispose(); ey.dispose(); }
        },
        expect: {
          either: {
            error: [where(method), /(empty|no (training )?samples|0 samples|at least one)/],
            valid: (out) => { if (method === 'predict') assert.deepEqual(out.shape, [0, ...spec.output]); },
          },
        },
        cleanup: disposeAll,
      });
    }
  }
  return { cases, fixtures };
}
