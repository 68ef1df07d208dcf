// The MNIST page keeps training across a tab reload: every epoch is backed up to
// indexeddb://, the reloaded page redraws the finished epochs and resumes after the last one
// with the history intact. Export (downloads) and re-import (file input) of the trained model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowser, statusStarts } from './harness.js';


test('MNIST page: a reload mid-training resumes from the last backed-up epoch; export and import', { timeout: 300000 }, async (t) => {
  const browser = await startBrowser();
  const downloads = await mkdtemp(join(tmpdir(), 'simdnn-downloads-'));
  t.after(async () => {
    await browser.close();
    await rm(downloads, { recursive: true, force: true });
  });
  const page = await browser.open('demos/mnist-cnn/index.html');
  await statusStarts(page, 'Ready', 60000);
  await page.selectOption('#architecture', 'mlp');
  await statusStarts(page, 'Ready', 60000);
  await page.fill('#epochs', '4');
  await page.click('#train');
  await statusStarts(page, 'Epoch 1:', 120000);
  // Reload once the next epoch is under way: epoch 1's backup is written before its batches
  // start (a reload at the very end of epoch 1 can come before the backup is in indexeddb).
  await page.waitForFunction(() => window.mnistDemo.epochsDone >= 2
    || (window.mnistDemo.epochsDone === 1 && Number(document.querySelector('#progress').value) > 0.1), null, { timeout: 120000 });
  const before = await page.evaluate(() => window.mnistDemo.epochsDone);
  await page.reload();

  await statusStarts(page, 'Interrupted training found', 60000);
  const restored = await page.evaluate(() => ({ history: window.mnistDemo.restoredHistory, epochsDone: window.mnistDemo.epochsDone,
    architecture: document.querySelector('#architecture').value, resumeShown: !document.querySelector('#resume-training').hidden }));
  assert.equal(restored.architecture, 'mlp');
  assert.equal(restored.resumeShown, true);
  // At least the epochs seen before the reload (one more may have finished meanwhile).
  assert.ok(restored.epochsDone >= before && restored.epochsDone < 4, `restored ${restored.epochsDone}, saw ${before}`);
  assert.deepEqual(restored.history.map((h) => h.epoch), [...Array(restored.epochsDone).keys()]);
  for (const { logs } of restored.history) {
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) assert.ok(Number.isFinite(logs[key]), `${key} in ${JSON.stringify(logs)}`);
  }
  await browser.screenshot(page, 'mnist-resume-offered');

  await page.click('#resume-training');
  await statusStarts(page, 'Epoch ', 120000);
  const firstResumed = Number((await page.textContent('#status')).match(/^Epoch (\d+)/)[1]);
  assert.equal(firstResumed, restored.epochsDone + 1, 'training continued after the backed-up epoch');
  await statusStarts(page, 'Trained 4 epochs', 180000);
  const done = await page.evaluate(() => ({ epochs: window.mnistDemo.historyEpochs, accuracy: window.mnistDemo.testAccuracy }));
  assert.deepEqual(done.epochs, [0, 1, 2, 3], 'the history holds the epochs from before the reload too');
  assert.ok(done.accuracy > 0.85, `test accuracy ${done.accuracy}`);
  t.diagnostic(`resumed after epoch ${restored.epochsDone} of 4; test accuracy ${done.accuracy}`);
  // A finished run leaves no backup: the next visit starts fresh.
  assert.equal(await page.evaluate(() => localStorage.getItem('simdnn/mnist-demo/run')), null);

  const files = [];
  page.on('download', (d) => files.push(d));
  await page.click('#export');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Exported'));
  await new Promise((resolve) => { const wait = () => (files.length >= 2 ? resolve() : setTimeout(wait, 50)); wait(); });
  const paths = [];
  for (const d of files) {
    const path = join(downloads, d.suggestedFilename());
    await d.saveAs(path);
    paths.push(path);
  }
  assert.deepEqual(files.map((d) => d.suggestedFilename()).sort(), ['mnist-model.json', 'mnist-model.weights.bin']);
  await page.selectOption('#architecture', 'lenet5');
  await statusStarts(page, 'Ready', 60000);
  await page.setInputFiles('#import', paths);
  await statusStarts(page, 'Imported', 60000);
  const imported = await page.evaluate(() => window.mnistDemo.testAccuracy);
  assert.equal(imported, done.accuracy, 'the re-imported model scores exactly as the exported one');
  browser.assertNoErrors();
});
