// The wasm module loads in Node, reports its version, and turns engine errors into JS Errors
// without leaking and without becoming unusable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadModule } from '../../web/load.js';
import { load } from '../../web/index.js';

const packageJson = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
const nn = await load();

test('version reports the version in package.json', () => {
  assert.equal(nn.version, packageJson.version);
});

test('an engine error arrives as a JS Error carrying its message', () => {
  assert.throws(() => nn.tensor(new Float32Array(5), [2, 3]), {
    name: 'Error', message: 'tensor: shape [2, 3] needs 6 values, got 5',
  });
});

test('2000 errors leave the module usable and the wasm heap where it was', () => {
  // One bad call first: the first Dense ever made registers its name prefix (a one-time entry).
  assert.throws(() => nn.layers.dense({ units: 0 }));
  const before = nn.memory().wasmBytesInUse;
  for (let i = 0; i < 2000; i++) {
    assert.throws(() => nn.layers.dense({ units: -i - 1 }), /'units' must be a positive integer/);
  }
  const after = nn.memory().wasmBytesInUse;
  assert.equal(after, before, `heap in use went from ${before} to ${after} bytes`);
  const t = nn.tensor([1, 2, 3], [3]);
  assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3]);
  t.dispose();
});

test('each loadModule() call gives an independent instance with its own memory', async () => {
  const a = await loadModule();
  const b = await loadModule();
  assert.notEqual(a.HEAPF32.buffer, b.HEAPF32.buffer);
  assert.equal(b.version(), packageJson.version);
});
