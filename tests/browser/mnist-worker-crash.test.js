// The MNIST page survives its training worker dying mid-training (a crash, or the browser
// reclaiming it): the page says what happened, starts a new worker and resumes from the last
// epoch backed up to indexeddb://, with the history intact. Nothing trained before is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, statusStarts } from './harness.js';


test('MNIST page: a worker killed mid-training is replaced and training resumes from the last epoch', { timeout: 300000 }, async (t) => {
  const browser = await startBrowser();
  t.after(() => browser.close());
  const page = await browser.open('demos/mnist-cnn/index.html');
  await statusStarts(page, 'Ready', 60000);
  await page.selectOption('#architecture', 'mlp');
  await statusStarts(page, 'Ready', 60000);
  await page.fill('#epochs', '3');
  await page.click('#train');
  await statusStarts(page, 'Epoch 1:', 120000);
  // Mid-epoch 2: kill the worker as a crash would.
  await page.waitForFunction(() => Number(document.querySelector('#progress').value) > 0.2 && window.mnistDemo.epochsDone === 1,
    null, { timeout: 60000 });
  await page.evaluate(() => window.mnistDemo.host.terminate());

  await statusStarts(page, 'The training worker stopped (training worker terminated). Interrupted training found: 1 of 3', 60000);
  const offered = await page.evaluate(() => ({ restarts: window.mnistDemo.workerRestarts, history: window.mnistDemo.restoredHistory,
    resumeShown: !document.querySelector('#resume-training').hidden }));
  assert.equal(offered.restarts, 1);
  assert.equal(offered.resumeShown, true);
  assert.deepEqual(offered.history.map((h) => h.epoch), [0]);
  await browser.screenshot(page, 'mnist-worker-died');

  await page.click('#resume-training');
  await statusStarts(page, 'Trained 3 epochs', 180000);
  const done = await page.evaluate(() => ({ epochs: window.mnistDemo.historyEpochs, accuracy: window.mnistDemo.testAccuracy }));
  assert.deepEqual(done.epochs, [0, 1, 2], 'the history keeps the epoch trained before the crash');
  assert.ok(done.accuracy > 0.85, `test accuracy ${done.accuracy}`);
  t.diagnostic(`worker killed in epoch 2 of 3, resumed after epoch 1; test accuracy ${done.accuracy}`);
  browser.assertNoErrors();
});
