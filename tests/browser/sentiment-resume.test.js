// The sentiment page keeps its work: the training worker backs up every epoch to
// indexeddb://, a reload mid-training restores the run and Resume continues after the last
// backed-up epoch with the history intact; the trained model saved in the browser or exported
// as files loads back (after a reload) and scores exactly as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowser, statusStarts, exportFiles } from './harness.js';

const TEXT = 'a wonderful film with a moving story';

async function scoreWith(page, scorer) {
  await page.selectOption('#scorer', scorer);
  await page.fill('#text', TEXT);
  await page.dispatchEvent('#text', 'input');
  await page.waitForFunction((text) => window.sentimentDemo.text === text && window.sentimentDemo.score !== null, TEXT, { timeout: 20000 });
  // The last answer wins: wait until a fresh score for this text with this scorer is in.
  await page.evaluate(() => { window.sentimentDemo.score = null; });
  await page.dispatchEvent('#text', 'input');
  await page.waitForFunction(() => window.sentimentDemo.score !== null, null, { timeout: 20000 });
  return page.evaluate(() => window.sentimentDemo.score);
}

test('sentiment page: reload mid-training resumes from the backup; save/load and export/import', { timeout: 240000 }, async (t) => {
  const browser = await startBrowser();
  const downloads = await mkdtemp(join(tmpdir(), 'simdnn-downloads-'));
  t.after(async () => {
    await browser.close();
    await rm(downloads, { recursive: true, force: true });
  });
  const page = await browser.open('demos/sentiment-lstm/index.html');
  await page.waitForFunction(() => window.sentimentDemo.ready, null, { timeout: 60000 });
  await page.selectOption('#architecture', 'cnn');
  await page.fill('#reviews', '1200');
  await page.fill('#maxlen', '60');
  await page.fill('#epochs', '3');
  await page.click('#train');
  // The page hears of an epoch after its backup is written: reloading then cannot lose it.
  await page.waitForFunction(() => window.sentimentDemo.epochLogs.length >= 1, null, { timeout: 90000 });
  const before = await page.evaluate(() => window.sentimentDemo.epochLogs);
  await page.reload();

  await statusStarts(page, 'Interrupted training found', 60000);
  const restored = await page.evaluate(() => ({ history: window.sentimentDemo.restoredHistory, epochsDone: window.sentimentDemo.epochsDone,
    architecture: document.querySelector('#architecture').value, reviews: document.querySelector('#reviews').value,
    maxlen: document.querySelector('#maxlen').value, resumeShown: !document.querySelector('#resume-training').hidden }));
  assert.deepEqual([restored.architecture, restored.reviews, restored.maxlen], ['cnn', '1200', '60']);
  assert.equal(restored.resumeShown, true);
  assert.ok(restored.epochsDone >= before.length && restored.epochsDone < 3, `restored ${restored.epochsDone}, saw ${before.length}`);
  assert.deepEqual(restored.history.map((h) => h.epoch), [...Array(restored.epochsDone).keys()]);
  assert.equal(restored.history[0].logs.loss, before[0].logs.loss, 'the backed-up history is the one trained');
  await browser.screenshot(page, 'sentiment-resume-offered');

  await page.click('#resume-training');
  await page.waitForFunction(() => window.sentimentDemo.batches.length > 0, null, { timeout: 60000 });
  await statusStarts(page, 'Trained 3 epoch(s)', 150000);
  const done = await page.evaluate(() => ({ epochs: window.sentimentDemo.historyEpochs, logs: window.sentimentDemo.epochLogs }));
  assert.deepEqual(done.epochs, [0, 1, 2], 'the history holds the epochs from before the reload too');
  assert.equal(done.logs[0].epoch, restored.epochsDone, 'training continued after the backed-up epoch');
  const firstLoss = restored.history[0].logs.loss, lastLoss = done.logs.at(-1).logs.loss;
  assert.ok(lastLoss < firstLoss, `loss went on falling: ${firstLoss} -> ${lastLoss}`);
  assert.equal(await page.evaluate(() => localStorage.getItem('simdnn/sentiment-demo/run')), null);
  const trainedScore = await scoreWith(page, 'trained');
  t.diagnostic(`resumed after epoch ${restored.epochsDone} of 3; loss ${firstLoss.toFixed(3)} -> ${lastLoss.toFixed(3)}; "${TEXT}" scores ${trainedScore.toFixed(4)}`);

  await page.click('#save-model');
  await statusStarts(page, 'Saved the model (3 epochs)', 30000);
  const paths = await exportFiles(page, '#export', 'Exported', ['sentiment-model.json', 'sentiment-model.weights.bin'], downloads);

  await page.reload();
  await page.waitForFunction(() => window.sentimentDemo.ready, null, { timeout: 60000 });
  await page.click('#load-model');
  await statusStarts(page, 'Loaded the model saved in this browser', 60000);
  assert.equal(await scoreWith(page, 'trained'), trainedScore, 'the loaded model scores exactly as the saved one');
  await page.setInputFiles('#import', paths);
  await statusStarts(page, 'Loaded sentiment-model.json', 60000);
  assert.equal(await scoreWith(page, 'trained'), trainedScore, 'the imported files score exactly as the exported model');
  assert.equal(await page.evaluate(() => document.querySelector('#maxlen').value), '60');
  browser.assertNoErrors();
});
