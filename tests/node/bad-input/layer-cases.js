// Layer factories and apply(): every option of every layer given wrong types, non-finite,
// negative, zero, fractional and huge values; unknown option names; wrong option-object
// types; inputs of the wrong rank, count or kind.
import assert from 'node:assert/strict';
import { LAYER_SPECS, factory, makeLayer } from './layer-specs.js';
import { disposeAll, literal } from './runner.js';

// Builds a one-layer model around `layer` on the spec's input shape and predicts a zero batch
// of 2: an accepted option must also give a layer that builds and runs. Returns the output shape.
export function runLayer(nn, spec, layer, inputShape = spec.input) {
  const made = [];
  try {
    const inputs = Array.from({ length: spec.inputs ?? 1 }, () => nn.input({ shape: inputShape }));
    made.push(...inputs);
    const out = layer.apply(inputs.length > 1 ? inputs : inputs[0]);
    const model = nn.model({ inputs, outputs: out });
    made.push(model);
    const xs = inputs.map(() => nn.tensor(new Float32Array(2 * inputShape.reduce((a, b) => a * b, 1)), [2, ...inputShape]));
    made.push(...xs);
    const y = model.predict(xs.length > 1 ? xs : xs[0]);
    made.push(y);
    const values = (Array.isArray(y) ? y : [y]).flatMap((t) => Array.from(t.dataSync()));
    if (values.some((v) => Number.isNaN(v))) throw new Error(`${spec.cls}: NaN output from a zero input`);
    return Array.isArray(y) ? y.map((t) => t.shape) : y.shape;
  } finally {
    disposeAll(made.reverse());
    disposeAll(layer);
  }
}

// Keys every layer config has that are bookkeeping, not options to mutate.
const SKIP_KEYS = new Set(['name', 'trainable', 'dtype', 'batch_input_shape', 'layer', 'backward_layer']);

const BAD_VALUES = [
  ['a string', 'seven'], ['true', true], ['an object', { a: 1 }], ['an empty list', []],
  ['a list of strings', ['a', 'b']], ['-1', -1], ['0', 0], ['2.5', 2.5], ['-0.5', -0.5],
  ['1e12', 1e12], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
  ['a function', () => 1], ['a huge list', [1e9, 1e9]],
];

function expectationFor(cls, key, valid, bad) {
  const named = [new RegExp(literal(cls), 'i'), new RegExp(`option '${literal(key)}'`), /(got|unknown .*; known)/];
  if (typeof bad === 'number' && !Number.isFinite(bad)) {
    return { error: [new RegExp(`^${literal(cls)}: option '${literal(key)}' must be a finite number, got -?Infinity|NaN`)] };
  }
  if (typeof bad === 'function') return { error: [new RegExp(`option '${literal(key)}' must be plain data`)] };
  const wrongType = (typeof valid === 'number' && typeof bad !== 'number') ||
    (typeof valid === 'boolean' && typeof bad !== 'boolean') ||
    (typeof valid === 'string' && (typeof bad === 'number' || typeof bad === 'boolean'));
  if (wrongType) return { error: named };
  // A legal value after all (a rate of 0, an axis of -1): the layer must then build and run;
  // an Error from building it must name the layer.
  const buildError = [new RegExp(literal(cls), 'i'),
    /(must|expected|got|needs|too large|out of memory|smaller than|leaves nothing|cannot|is supported|batch axis)/];
  return {
    either: {
      error: [{ test: (m) => named.every((r) => r.test(m)) || buildError.every((r) => r.test(m)) }],
      valid: (shape) => assert.ok(Array.isArray(shape)),
    },
  };
}

export function layerCases(nn) {
  const cases = [];
  for (const spec of LAYER_SPECS) {
    const cls = spec.cls;
    const probe = makeLayer(nn, spec);
    const config = probe.getConfig();
    probe.dispose();
    for (const [key, valid] of Object.entries(config)) {
      if (SKIP_KEYS.has(key)) continue;
      for (const [what, bad] of BAD_VALUES) {
        cases.push({
          name: `${cls}: option ${key} = ${what}`,
          run: () => runLayer(nn, spec, makeLayer(nn, spec, { [key]: bad })),
          expect: expectationFor(cls, key, valid, bad),
        });
      }
    }
    for (const typo of ['unit', 'activaton', 'fooBar', 'kernel_sise', 'inputshape']) {
      const snake = typo.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
      cases.push({
        name: `${cls}: unknown option ${typo}`,
        run: () => runLayer(nn, spec, makeLayer(nn, spec, { [typo]: 1 })),
        expect: { error: [new RegExp(literal(cls)), new RegExp(`unknown option '${literal(snake)}'`)] },
      });
    }
    for (const options of ['x', 5, [], null, true]) {
      cases.push({
        name: `${cls}: options = ${JSON.stringify(options)}`,
        run: () => factory(nn, cls)(options),
        expect: { error: [/^layers\.\w+: expected an options object, got/] },
        cleanup: disposeAll,
      });
    }
    // Inputs of every rank from 1 to 5 (batch excluded) other than the one the layer takes.
    for (let rank = 1; rank <= 5; rank++) {
      if (rank === spec.input.length) continue;
      const shape = Array.from({ length: rank }, (_, i) => 3 + i);
      cases.push({
        name: `${cls}: input of rank ${rank} ${JSON.stringify(shape)}`,
        run: () => runLayer(nn, spec, makeLayer(nn, spec), shape),
        expect: {
          either: {
            error: [new RegExp(literal(cls), 'i'), /(expected|got|needs|must|cannot reshape input \[.*\] .* to target_shape)/],
            valid: (out) => assert.ok(Array.isArray(out)),
          },
        },
      });
    }
    // Not a symbolic tensor.
    for (const [what, value] of [['a number', 3], ['a string', 'input'], ['null', null], ['a Tensor', 'tensor'], ['an object', {}]]) {
      cases.push({
        name: `${cls}: apply(${what})`,
        run: () => {
          const layer = makeLayer(nn, spec);
          const arg = value === 'tensor' ? nn.tensor([1, 2], [1, 2]) : value;
          try {
            return layer.apply(arg);
          } finally {
            disposeAll(layer);
            if (value === 'tensor') arg.dispose();
          }
        },
        expect: { error: [/\.apply: input 0 must be a symbolic tensor/, /got/] },
      });
    }
    // The wrong number of inputs: two for a one-input layer, one for a merge layer.
    const count = spec.inputs ?? 1;
    const wrongCount = count === 1 ? 2 : 1;
    // Concatenate of one input is the identity (Keras 3 accepts a list of one).
    const oneInputOk = cls === 'Concatenate';
    cases.push({
      name: `${cls}: apply to ${wrongCount} inputs`,
      run: () => {
        const layer = makeLayer(nn, spec);
        const ins = Array.from({ length: wrongCount }, () => nn.input({ shape: spec.input }));
        try {
          return layer.apply(ins.length > 1 ? ins : ins[0]);
        } finally {
          disposeAll(ins);
          disposeAll(layer);
        }
      },
      expect: oneInputOk
        ? { either: { error: [new RegExp(literal(cls))], valid: (t) => assert.deepEqual(t.shape, [null, ...spec.input]) } }
        : { error: [new RegExp(literal(cls), 'i'), /(input|expects|expected)/, new RegExp(`${wrongCount}`)] },
    });
  }
  return cases;
}
