// The autoencoder page as a person uses it: the latent scatter has one point per test image,
// moving the pointer over the plane decodes different images, training in the worker redraws
// the scatter without blocking the page, the VAE charts its two loss terms, and the linear
// 3-D autoencoder trains beside PCA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser } from './harness.js';

async function hover(page, fx, fy) {
  await page.locator('#scatter').scrollIntoViewIfNeeded();
  const box = await page.locator('#scatter').boundingBox();
  await page.evaluate(() => { window.aeDemo.lastDecode = null; });
  await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height, { steps: 4 });
  await page.waitForFunction(() => window.aeDemo.lastDecode, null, { timeout: 10000 });
  return page.evaluate(() => window.aeDemo.lastDecode);
}

test('autoencoder demo: latent scatter, hover decoding, training, VAE terms, linear AE vs PCA', { timeout: 300000 }, async (t) => {
  const browser = await startBrowser();
  t.after(() => browser.close());
  const page = await browser.open('demos/autoencoder/index.html');
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask', buffered: true });
  });
  await page.waitForFunction(() => window.aeDemo.ready, null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => window.aeDemo.scatterPoints), 2000, 'one point per MNIST test image');

  await page.fill('#epochs', '2');
  await page.evaluate(() => { window.longTasks = []; });
  const updatesBefore = await page.evaluate(() => window.aeDemo.scatterUpdates);
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Trained 2 epochs'), null, { timeout: 180000 });
  const trained = await page.evaluate(() => ({ updates: window.aeDemo.scatterUpdates, points: window.aeDemo.scatterPoints,
    longTasks: window.longTasks, status: document.querySelector('#status').textContent }));
  assert.ok(trained.updates >= updatesBefore + 4, `scatter redrawn ${trained.updates - updatesBefore} times while training`);
  assert.equal(trained.points, 2000);
  assert.ok(trained.longTasks.every((d) => d <= 50), `main-thread tasks over 50 ms while training: ${trained.longTasks.map(Math.round)}`);

  const a = await hover(page, 0.25, 0.3);
  const b = await hover(page, 0.75, 0.7);
  assert.notDeepEqual(a.point, b.point);
  const diff = a.pixels.reduce((sum, v, i) => sum + Math.abs(v - b.pixels[i]), 0) / a.pixels.length;
  assert.ok(diff > 0.02, `decodings of two far-apart points differ by only ${diff}`);
  t.diagnostic(`${trained.status}; decodings at ${a.point.map((v) => v.toFixed(2))} and ${b.point.map((v) => v.toFixed(2))} differ by ${diff.toFixed(3)}`);
  await browser.screenshot(page, 'autoencoder-trained');

  // The VAE: its KL and reconstruction terms are charted while it trains.
  await page.selectOption('#architecture', 'vae-dense');
  await page.waitForFunction(() => window.aeDemo.ready && document.querySelector('#status').textContent.startsWith('Ready'), null, { timeout: 60000 });
  await page.fill('#epochs', '1');
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Trained 1 epochs'), null, { timeout: 180000 });
  assert.equal(await page.evaluate(() => document.querySelector('#terms-chart').hidden), false);
  assert.ok(await page.evaluate(() => window.aeDemo.lastKl > 0), 'the KL term was reported');

  await page.click('#linear-run');
  await page.waitForFunction(() => window.aeDemo.linearEpoch === 40, null, { timeout: 60000 });
  await browser.screenshot(page, 'autoencoder-vae-linear');
  browser.assertNoErrors();
});
