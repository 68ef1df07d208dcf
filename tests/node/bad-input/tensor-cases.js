// nn.tensor(): bad shapes, lengths and values; empty, huge, NaN/Infinity tensors.
import assert from 'node:assert/strict';
import { disposeAll, literal } from './runner.js';

const tensorCleanup = (t) => disposeAll(t);

export function tensorCases(nn, rand) {
  const cases = [];
  const add = (name, run, expect) => cases.push({ name: `tensor: ${name}`, run, expect, cleanup: tensorCleanup });

  // Shape entries that are not non-negative integers.
  const badEntries = [-1, -7, 2.5, 0.1, NaN, Infinity, -Infinity, 1e10, '2', null, true, [2], {}];
  for (const bad of badEntries) {
    for (const position of [0, 1]) {
      const shape = position === 0 ? [bad, 2] : [2, bad];
      add(`shape entry ${String(bad)} at ${position}`, () => nn.tensor(new Float32Array(4), shape),
        { error: [/^tensor: shape/, /(integers|entries)/] });
    }
  }
  // Shapes that are not arrays.
  for (const shape of ['2,2', 4, { 0: 2 }, null, new Int32Array([2, 2])]) {
    add(`shape ${String(shape)}`, () => nn.tensor(new Float32Array(4), shape),
      { error: [/^tensor: shape must be an array/, /got/] });
  }
  // More dimensions than supported.
  for (let rank = 9; rank <= 12; rank++) {
    add(`rank ${rank}`, () => nn.tensor(new Float32Array(1), new Array(rank).fill(1)),
      { error: [/^tensor: shape has \d+ dimensions; at most 8/] });
  }
  // Length mismatches, generated over random shapes of rank 1..4.
  for (let i = 0; i < 80; i++) {
    const rank = 1 + Math.floor(rand() * 4);
    const shape = Array.from({ length: rank }, () => 1 + Math.floor(rand() * 5));
    const size = shape.reduce((a, b) => a * b, 1);
    const delta = (rand() < 0.5 ? -1 : 1) * (1 + Math.floor(rand() * 3));
    const length = Math.max(0, size + delta);
    if (length === size) continue;
    const plain = i % 2 === 1;
    const values = plain ? new Array(length).fill(1) : new Float32Array(length);
    add(`shape [${shape}] with ${length} values (${plain ? 'array' : 'Float32Array'})`,
      () => nn.tensor(values, shape),
      { error: [new RegExp(`^tensor: shape ${literal(`[${shape.join(', ')}]`)} needs ${size} values, got ${length}$`)] });
  }
  // Values that are not numbers.
  const badValues = [['a string', 'abc'], ['a number', 5], ['null', null], ['an object', {}],
    ['a DataView', new DataView(new ArrayBuffer(8))], ['a Tensor-like', { shape: [1], data: [1] }]];
  for (const [what, values] of badValues) {
    add(`values ${what}`, () => nn.tensor(values, [1]), { error: [/^tensor: values must be a typed array or an array of numbers, got/] });
  }
  for (const [what, item] of [['string', 'x'], ['null', null], ['undefined', undefined], ['object', {}], ['bigint', 1n]]) {
    add(`array holding a ${what}`, () => nn.tensor([1, item, 3]), { error: [/^tensor: values must be numbers, got/] });
    add(`nested array holding a ${what}`, () => nn.tensor([[1, 2], [item, 3]]), { error: [/^tensor: values must be numbers, got/] });
  }
  // Ragged nested arrays.
  for (const ragged of [[[1, 2], [3]], [[1], [2, 3]], [[[1, 2]], [[3]]], [[1, 2], 3], [1, [2, 3]]]) {
    add(`ragged ${JSON.stringify(ragged)}`, () => nn.tensor(ragged),
      { error: [/^tensor: (ragged nested array: expected length \d+ at depth \d+|values must be numbers), got/] });
  }
  // Empty tensors are valid: a zero extent anywhere means no values.
  for (const shape of [[0], [0, 3], [3, 0], [2, 0, 4], [0, 0]]) {
    add(`empty ${JSON.stringify(shape)}`, () => nn.tensor(new Float32Array(0), shape), {
      valid: (t) => {
        assert.deepEqual(t.shape, shape);
        assert.equal(t.size, 0);
        assert.equal(t.dataSync().length, 0);
      },
    });
  }
  // Huge tensors: a clear size or out-of-memory Error, never an abort.
  const huge = [[1e9, 1e9], [65536, 65536], [65536, 65536, 2], [1 << 20, 1 << 20, 1 << 20],
    [40000, 40000], [2, 1e9], [600000000], [3, 300000000]];
  for (const shape of huge) {
    add(`huge ${JSON.stringify(shape)}`, () => nn.tensor(new Float32Array(4), shape),
      { error: [/(too large to allocate|more elements than this platform can address|out of memory)/] });
  }
  // NaN and Infinity are valid float32 values: stored and read back as given.
  for (const special of [NaN, Infinity, -Infinity, -0, 3.4e38, 1e-45]) {
    add(`value ${special}`, () => nn.tensor([1, special, 3], [1, 3]), {
      valid: (t) => assert.ok(Object.is(t.dataSync()[1], Math.fround(special))),
    });
  }
  return cases;
}
