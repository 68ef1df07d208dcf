// The wasm module loads in Node through web/load.js, reports its version, and turns C++
// exceptions into JS Errors without becoming unusable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadModule } from '../../web/load.js';

const packageJson = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
const engine = await loadModule();

test('version() reports the version in package.json', () => {
  assert.equal(engine.version(), packageJson.version);
});

test('a C++ simdnn::Error arrives as a JS Error carrying its message', () => {
  let caught;
  try {
    engine.throwForTest('expected shape [2, 3], got [3, 2]');
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Error, `expected an Error, got ${typeof caught}: ${caught}`);
  assert.equal(caught.message, 'throwForTest: expected shape [2, 3], got [3, 2]');
});

test('the module stays usable after many errors', () => {
  for (let i = 0; i < 2000; i++) {
    assert.throws(() => engine.throwForTest(`error number ${i}`), { message: `throwForTest: error number ${i}` });
  }
  assert.equal(engine.version(), packageJson.version);
});

test('each loadModule() call gives an independent instance with its own memory', async () => {
  const other = await loadModule();
  assert.notEqual(other, engine);
  assert.notEqual(other.HEAPF32.buffer, engine.HEAPF32.buffer);
  assert.ok(engine.HEAPF32.length > 0);
  assert.equal(other.version(), packageJson.version);
});
