// The autoencoder page keeps its work: every epoch is backed up to indexeddb://, a reload
// mid-training restores the run (history, charts, the plane from the restored model) and
// Resume continues after the last backed-up epoch; a trained model saved in the browser or
// exported as files loads back with exactly the same codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowser, statusStarts, exportFiles } from './harness.js';


test('autoencoder page: reload mid-training resumes from the backup; save/load and export/import', { timeout: 240000 }, async (t) => {
  const browser = await startBrowser();
  const downloads = await mkdtemp(join(tmpdir(), 'simdnn-downloads-'));
  t.after(async () => {
    await browser.close();
    await rm(downloads, { recursive: true, force: true });
  });
  const page = await browser.open('demos/autoencoder/index.html');
  await statusStarts(page, 'Ready', 60000);
  await page.selectOption('#architecture', 'vae-dense');
  await statusStarts(page, 'Ready', 60000);
  await page.fill('#epochs', '3');
  await page.fill('#batch', '128');
  await page.click('#train');
  // The page hears of an epoch after its backup is written: reloading then cannot lose it.
  await page.waitForFunction(() => window.aeDemo.epochLogs.length >= 1, null, { timeout: 90000 });
  const before = await page.evaluate(() => ({ epochs: window.aeDemo.epochsDone, logs: window.aeDemo.epochLogs }));
  await page.reload();

  await statusStarts(page, 'Interrupted training found', 60000);
  const restored = await page.evaluate(() => ({ history: window.aeDemo.restoredHistory, epochsDone: window.aeDemo.epochsDone,
    architecture: document.querySelector('#architecture').value, resumeShown: !document.querySelector('#resume-training').hidden,
    points: window.aeDemo.scatterPoints, codes: window.aeDemo.codesHead, termsShown: !document.querySelector('#terms-chart').hidden }));
  assert.equal(restored.architecture, 'vae-dense');
  assert.equal(restored.resumeShown, true);
  assert.equal(restored.termsShown, true);
  assert.ok(restored.epochsDone >= before.epochs && restored.epochsDone < 3, `restored ${restored.epochsDone}, saw ${before.epochs}`);
  assert.deepEqual(restored.history.map((h) => h.epoch), [...Array(restored.epochsDone).keys()]);
  assert.equal(restored.history[0].logs.loss, before.logs[0].logs.loss, 'the backed-up history is the one trained');
  for (const { logs } of restored.history) {
    for (const key of ['loss', 'val_loss', 'kl_loss']) assert.ok(Number.isFinite(logs[key]), `${key} in ${JSON.stringify(logs)}`);
  }
  assert.equal(restored.points, 2000, 'the plane is redrawn from the restored model');
  await browser.screenshot(page, 'autoencoder-resume-offered');

  await page.click('#resume-training');
  await statusStarts(page, 'Epoch ', 90000);
  const firstResumed = Number((await page.textContent('#status')).match(/^Epoch (\d+)/)[1]);
  assert.equal(firstResumed, restored.epochsDone + 1, 'training continued after the backed-up epoch');
  await statusStarts(page, 'Trained 3 epochs', 120000);
  const done = await page.evaluate(() => ({ epochs: window.aeDemo.historyEpochs, logs: window.aeDemo.epochLogs, codes: window.aeDemo.codesHead }));
  assert.deepEqual(done.epochs, [0, 1, 2], 'the history holds the epochs from before the reload too');
  const lastLoss = done.logs.at(-1).logs.loss;
  assert.ok(lastLoss < restored.history[0].logs.loss, `loss went on falling: ${restored.history[0].logs.loss} -> ${lastLoss}`);
  t.diagnostic(`resumed after epoch ${restored.epochsDone} of 3; loss ${restored.history[0].logs.loss.toFixed(2)} -> ${lastLoss.toFixed(2)}`);
  // A finished run leaves nothing to resume.
  assert.equal(await page.evaluate(() => localStorage.getItem('simdnn/autoencoder-demo/run')), null);

  // Save in the browser, export as files; a reloaded page (a fresh model) loads either back.
  await page.click('#save-model');
  await statusStarts(page, 'Saved the model (3 epochs)', 30000);
  const paths = await exportFiles(page, '#export', 'Exported', ['autoencoder-model.json', 'autoencoder-model.weights.bin'], downloads);

  await page.reload();
  await statusStarts(page, 'Ready', 60000);
  const fresh = await page.evaluate(() => window.aeDemo.codesHead);
  assert.notDeepEqual(fresh, done.codes);
  await page.click('#load-model');
  await statusStarts(page, 'Loaded the model saved in this browser', 60000);
  const loaded = await page.evaluate(() => ({ codes: window.aeDemo.codesHead, architecture: document.querySelector('#architecture').value,
    epochsDone: window.aeDemo.epochsDone }));
  assert.deepEqual(loaded.codes, done.codes, 'the loaded VAE encodes exactly as the saved one');
  assert.equal(loaded.architecture, 'vae-dense');
  assert.equal(loaded.epochsDone, 3);

  await page.selectOption('#architecture', 'ae-dense');
  await statusStarts(page, 'Ready', 60000);
  await page.setInputFiles('#import', paths);
  await statusStarts(page, 'Loaded autoencoder-model.json', 60000);
  assert.deepEqual(await page.evaluate(() => window.aeDemo.codesHead), done.codes, 'the imported files encode exactly as the exported model');
  assert.equal(await page.evaluate(() => document.querySelector('#architecture').value), 'vae-dense');
  browser.assertNoErrors();
});
