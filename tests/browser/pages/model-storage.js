// Saves and loads models through the browser URL schemes and reports what came back;
// tests/browser/model-storage.test.js checks the report. Phase 'save' (default) writes, then
// the test reloads the page with ?phase=load to prove the stores outlive the page.
import { load } from '../../../web/index.js';

const phase = new URLSearchParams(location.search).get('phase') ?? 'save';
const log = document.querySelector('#log');
const note = (line) => { log.textContent += `${line}\n`; };

const nn = await load();
nn.setSeed(7);
const inputs = nn.tensor(Float32Array.from({ length: 4 * 6 }, (_, i) => Math.sin(i)), [4, 6]);
const labels = nn.tensor(Float32Array.from({ length: 4 * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [4, 3]);

function smallModel(hidden = 8) {
  const model = nn.sequential({ layers: [
    nn.layers.dense({ units: hidden, activation: 'relu', inputShape: [6] }),
    nn.layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: nn.optimizers.adam(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

const predict = (model) => Array.from(model.predict(inputs).dataSync());
const maxDiff = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

async function errorOf(promise) {
  try {
    await promise;
    return null;
  } catch (error) {
    return error.message;
  }
}

async function savePhase() {
  const report = {};
  const model = smallModel();
  await model.fit(inputs, labels, { epochs: 3, batchSize: 2 });
  report.expected = predict(model);
  await model.save('indexeddb://storage-test', { includeOptimizer: true });
  await model.save('localstorage://storage-test');
  const fromDb = await nn.loadModel('indexeddb://storage-test');
  const fromLocal = await nn.loadModel('localstorage://storage-test');
  report.indexedDbDiff = maxDiff(predict(fromDb), report.expected);
  report.indexedDbCompiled = Boolean(fromDb.optimizer);
  report.localStorageDiff = maxDiff(predict(fromLocal), report.expected);

  // About 10 MB of weights: more than localStorage keeps.
  const big = smallModel(262144);
  report.bigLocalStorageError = await errorOf(big.save('localstorage://too-big'));
  report.bigLeftNothing = localStorage.getItem('simdnn/too-big/model.json') === null;
  big.dispose();
  report.missingError = await errorOf(nn.loadModel('indexeddb://never-saved'));

  // Checkpoints and backups take the same URLs.
  const trained = smallModel();
  await trained.fit(inputs, labels, { epochs: 2, batchSize: 2, callbacks: [
    nn.callbacks.modelCheckpoint({ filepath: 'localstorage://checkpoint', monitor: 'loss' }),
    nn.callbacks.backupAndRestore({ backupDir: 'indexeddb://backup-test', deleteCheckpoint: false }),
  ] });
  report.checkpointDiff = maxDiff(predict(await nn.loadModel('localstorage://checkpoint')), predict(trained));
  report.backupHasOptimizer = Boolean((await nn.io.handler('indexeddb://backup-test').load())?.modelJson.trainingConfig);

  // downloads:// clicks anchors for <name>.json and <name>.weights.bin.
  const clicked = [];
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function recordDownload() { clicked.push(this.download); };
  await model.save('downloads://my-model');
  HTMLAnchorElement.prototype.click = click;
  report.downloads = clicked;

  // browserFiles: the same two files, as an <input type=file> gives them.
  const { modelJson, weights } = await model.save();
  modelJson.weightsManifest[0].paths = ['./my-model.weights.bin'];
  const files = [new File([JSON.stringify(modelJson)], 'my-model.json'), new File([weights], 'my-model.weights.bin')];
  report.browserFilesDiff = maxDiff(predict(await nn.loadModel(nn.io.browserFiles(files))), report.expected);
  report.browserFilesMissing = await errorOf(nn.loadModel(nn.io.browserFiles([files[0], new File([weights], 'other.bin')])));
  report.localStorageKeys = Object.keys(localStorage).filter((k) => k.startsWith('simdnn/')).sort();
  return report;
}

async function loadPhase() {
  const fromDb = await nn.loadModel('indexeddb://storage-test');
  const fromLocal = await nn.loadModel('localstorage://storage-test');
  const report = { afterReload: { indexedDb: predict(fromDb), localStorage: predict(fromLocal) } };
  await nn.io.handler('indexeddb://storage-test').remove();
  await nn.io.handler('localstorage://storage-test').remove();
  report.removedError = await errorOf(nn.loadModel('indexeddb://storage-test'));
  report.localStorageKeysAfterRemove = Object.keys(localStorage).filter((k) => k.startsWith('simdnn/storage-test')).length;
  return report;
}

const result = document.querySelector('#result');
try {
  window.storageReport = { ok: true, ...(phase === 'save' ? await savePhase() : await loadPhase()) };
  result.textContent = 'done';
} catch (error) {
  window.storageReport = { ok: false, error: error.stack ?? String(error) };
  result.textContent = String(error);
}
note(JSON.stringify(window.storageReport, null, 1));
result.dataset.status = window.storageReport.ok ? 'ok' : 'error';
