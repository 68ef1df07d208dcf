// Model storage by URL scheme in Chromium: indexeddb:// and localstorage:// round trips that
// survive a page reload, the localStorage size limit, checkpoints and backups to those URLs,
// downloads:// and browserFiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser } from './harness.js';

test('models saved to indexeddb:// and localstorage:// load back, also after a reload', { timeout: 120000 }, async (t) => {
  const browser = await startBrowser();
  t.after(() => browser.close());
  const page = await browser.open('tests/browser/pages/model-storage.html');
  await page.waitForSelector('#result[data-status]', { timeout: 90000 });
  const r = await page.evaluate(() => window.storageReport);
  assert.equal(r.ok, true, r.error);
  assert.equal(r.indexedDbDiff, 0);
  assert.equal(r.indexedDbCompiled, true, 'saved with includeOptimizer, loads compiled');
  assert.equal(r.localStorageDiff, 0);
  assert.deepEqual(r.localStorageKeys, ['simdnn/checkpoint/model.json', 'simdnn/checkpoint/weights',
    'simdnn/storage-test/model.json', 'simdnn/storage-test/weights']);
  assert.match(r.bigLocalStorageError, /localstorage:\/\/too-big: the model takes [\d.]+ MB .* use indexeddb:\/\/too-big/);
  assert.equal(r.bigLeftNothing, true);
  assert.match(r.missingError, /nothing is stored at indexeddb:\/\/never-saved/);
  assert.equal(r.checkpointDiff, 0);
  assert.equal(r.backupHasOptimizer, true);
  assert.deepEqual(r.downloads, ['my-model.json', 'my-model.weights.bin']);
  assert.equal(r.browserFilesDiff, 0);
  assert.match(r.browserFilesMissing, /needs \.\/my-model\.weights\.bin/);

  await page.goto(new URL('tests/browser/pages/model-storage.html?phase=load', browser.url).href);
  await page.waitForSelector('#result[data-status]', { timeout: 60000 });
  const after = await page.evaluate(() => window.storageReport);
  assert.equal(after.ok, true, after.error);
  assert.deepEqual(after.afterReload.indexedDb, r.expected);
  assert.deepEqual(after.afterReload.localStorage, r.expected);
  assert.match(after.removedError, /nothing is stored/);
  assert.equal(after.localStorageKeysAfterRemove, 0);
  browser.assertNoErrors();
});
