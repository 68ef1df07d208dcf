// The generated bad-input suite: over a thousand hostile calls to the public API, each of
// which must end in a JS Error that names the function or layer and says what was expected
// and what was given (or in a documented valid result), with a known-good call still working
// after every one of them. Cases are generated in tests/node/bad-input/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadNN, seededRandom } from './helpers.js';
import { runCases } from './bad-input/runner.js';
import { tensorCases } from './bad-input/tensor-cases.js';
import { layerCases } from './bad-input/layer-cases.js';
import { modelCases } from './bad-input/model-cases.js';
import { lifecycleCases } from './bad-input/lifecycle-cases.js';
import { modelFileCases } from './bad-input/model-file-cases.js';
import { textCases } from './bad-input/text-cases.js';

// Undisposed wrappers of failed calls are freed by the finalizer safety net, which only runs
// after a garbage collection: force some before measuring.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
async function collectGarbage() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('generated bad input: clear Errors, no crash, the module stays usable', async () => {
  const nn = await loadNN();
  nn.setSeed(7);
  // The known-good call: a fixed model's prediction must stay bit-identical after every case.
  const reference = nn.sequential({ name: 'reference', layers: [
    nn.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }), nn.layers.dense({ units: 3, activation: 'softmax' })] });
  const probeX = nn.tensor(new Float32Array(8).map((_, i) => Math.cos(i)), [2, 4]);
  const expected = reference.predict(probeX).dataSync();
  const probe = () => {
    const p = reference.predict(probeX);
    const got = p.dataSync();
    p.dispose();
    assert.deepEqual(got, expected, 'the known-good prediction changed');
  };

  // Two passes over freshly generated cases: the first also makes first-use allocations
  // (name counters, registries); the second must end with the wasm heap where the first
  // ended, so no error path leaks.
  const inUse = [];
  let total = 0;
  const crashes = [];
  for (let pass = 1; pass <= 2; pass++) {
    const rand = seededRandom(2024);
    const models = modelCases(nn, rand);
    const groups = {
      tensors: tensorCases(nn, rand),
      layers: layerCases(nn),
      models: models.cases,
      lifecycle: lifecycleCases(nn),
      'model files': await modelFileCases(nn),
      text: textCases(nn),
    };
    total = 0;
    for (const [group, cases] of Object.entries(groups)) {
      const result = await runCases(cases, probe);
      total += cases.length;
      crashes.push(...result.crashes.map((c) => `pass ${pass}: ${c}`));
      if (pass === 1) console.log(`bad input: ${group}: ${cases.length} cases, ${result.rejected} clear Errors, ${result.valid} valid results, ${result.crashes.length} crashes`);
    }
    for (const f of models.fixtures) f.dispose();
    await collectGarbage();
    inUse.push(nn.memory().wasmBytesInUse);
  }
  console.log(`bad input: ${total} cases per pass, 2 passes, ${crashes.length} crashes; wasm heap in use after each pass: ${inUse.join(' B, ')} B`);
  assert.ok(total >= 1000, `only ${total} cases generated`);
  assert.deepEqual(crashes, [], `${crashes.length} cases crashed or gave a useless message`);
  assert.ok(Math.abs(inUse[1] - inUse[0]) <= inUse[0] * 0.01, `the wasm heap grew from ${inUse[0]} to ${inUse[1]} B over a second pass`);
  probeX.dispose();
  reference.dispose();
});
