// The GAN page as a person uses it: the fixed-noise grid is drawn at once, changes while the
// GAN trains in the worker and its ink moves towards the training images'; the latent walk
// animates; the main thread never blocks for more than 50 ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser } from './harness.js';

test('GAN demo: samples change and move towards MNIST while training in the worker', { timeout: 240000 }, async (t) => {
  const browser = await startBrowser();
  t.after(() => browser.close());
  const page = await browser.open('demos/gan/index.html');
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask', buffered: true });
  });
  await page.waitForFunction(() => window.ganDemo.ready, null, { timeout: 60000 });
  const before = await page.evaluate(() => window.ganDemo.samples);
  const dataInk = await page.evaluate(() => Number(document.querySelector('#sample-info').textContent.match(/images: ([\d.]+)/)[1]));
  assert.ok(dataInk > 0.05 && dataInk < 0.3, `MNIST mean ink ${dataInk}`);
  await browser.screenshot(page, 'gan-untrained');

  await page.evaluate(() => { window.longTasks = []; });
  await page.click('#start');
  await page.waitForFunction(() => window.ganDemo.step >= 300 && window.ganDemo.samples.step >= 300, null, { timeout: 180000 });
  await page.click('#pause');
  await page.waitForFunction(() => window.ganDemo.paused, null, { timeout: 10000 });
  const after = await page.evaluate(() => ({ samples: window.ganDemo.samples, history: window.ganDemo.sampleHistory,
    walkFrames: window.ganDemo.walkFrames, longTasks: window.longTasks, speed: document.querySelector('#speed').textContent }));

  const changed = after.samples.first.reduce((sum, v, i) => sum + Math.abs(v - before.first[i]), 0) / before.first.length;
  assert.ok(changed > 0.05, `the first sample barely changed (mean |diff| ${changed})`);
  const gapBefore = Math.abs(before.meanInk - dataInk), gapAfter = Math.abs(after.samples.meanInk - dataInk);
  assert.ok(gapAfter < gapBefore / 2, `mean ink ${before.meanInk.toFixed(3)} -> ${after.samples.meanInk.toFixed(3)}, data ${dataInk.toFixed(3)}`);
  assert.ok(after.history.length >= 12, `sample grid redrawn ${after.history.length} times`);
  assert.ok(after.walkFrames > 10, `latent walk drew ${after.walkFrames} frames`);
  assert.ok(after.longTasks.every((d) => d <= 50), `main-thread tasks over 50 ms while training: ${after.longTasks.map(Math.round)}`);
  t.diagnostic(`after ${after.samples.step} steps: mean ink ${before.meanInk.toFixed(3)} -> ${after.samples.meanInk.toFixed(3)} ` +
    `(MNIST ${dataInk.toFixed(3)}); ${after.speed}; long tasks: ${after.longTasks.length}`);
  await browser.screenshot(page, 'gan-trained');
  browser.assertNoErrors();
});
