// The generated bad-input suite: over a thousand hostile calls to the public API, each of
// which must end in a JS Error that names the function or layer and says what was expected
// and what was given (or in a documented valid result), with a known-good call still working
// after every one of them. Cases are generated in tests/node/bad-input/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNN, seededRandom } from './helpers.js';
import { runCases } from './bad-input/runner.js';
import { tensorCases } from './bad-input/tensor-cases.js';
import { layerCases } from './bad-input/layer-cases.js';
import { modelCases } from './bad-input/model-cases.js';
import { lifecycleCases } from './bad-input/lifecycle-cases.js';
import { modelFileCases } from './bad-input/model-file-cases.js';
import { textCases } from './bad-input/text-cases.js';

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
  let total = 0;
  const crashes = [];
  const memoryBefore = nn.memory().wasmBytesInUse;
  for (const [group, cases] of Object.entries(groups)) {
    const result = await runCases(cases, probe);
    total += cases.length;
    crashes.push(...result.crashes);
    console.log(`bad input: ${group}: ${cases.length} cases, ${result.rejected} clear Errors, ${result.valid} valid results, ${result.crashes.length} crashes`);
  }
  for (const f of models.fixtures) f.dispose();
  console.log(`bad input: ${total} cases, ${crashes.length} crashes; wasm heap in use ${memoryBefore} B before, ${nn.memory().wasmBytesInUse} B after`);
  assert.ok(total >= 1000, `only ${total} cases generated`);
  assert.deepEqual(crashes, [], `${crashes.length} cases crashed or gave a useless message`);
  probeX.dispose();
  reference.dispose();
});
