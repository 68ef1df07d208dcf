// The MNIST demo as a person uses it: pretrained weights, drawing a digit, training in the
// worker with live charts, and a main thread that never blocks for more than 50 ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser } from './harness.js';

async function drawStroke(page, points) {
  await page.locator('#draw').scrollIntoViewIfNeeded();
  const box = await page.locator('#draw').boundingBox();
  const at = ([x, y]) => [box.x + (x / 280) * box.width, box.y + (y / 280) * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

test('MNIST demo: pretrained model classifies a drawn digit; training runs in the worker', { timeout: 240000 }, async (t) => {
  const browser = await startBrowser();
  t.after(() => browser.close());
  const page = await browser.open('demos/mnist-cnn/index.html');
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask', buffered: true });
  });
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Ready'), null, { timeout: 60000 });

  await page.click('#pretrained');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Pretrained'), null, { timeout: 60000 });
  const accuracyText = await page.textContent('#test-accuracy');
  const accuracy = Number(accuracyText.match(/([\d.]+)%/)[1]);
  assert.ok(accuracy > 95, accuracyText);

  // A "1": one vertical stroke.
  await drawStroke(page, [[140, 40], [142, 140], [144, 240]]);
  await page.waitForFunction(() => window.mnistDemo.lastPrediction, null, { timeout: 10000 });
  const one = await page.evaluate(() => window.mnistDemo.lastPrediction);
  assert.equal(one.best, 1, `a vertical stroke was read as ${one.best}: ${one.probabilities.map((p) => p.toFixed(2))}`);
  assert.equal(one.probabilities.length, 10);
  assert.ok(Math.abs(one.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'probabilities sum to 1');
  await browser.screenshot(page, 'mnist-pretrained');

  // Train the MLP for one epoch in the worker; the page keeps drawing charts meanwhile.
  await page.click('#clear');
  await page.selectOption('#architecture', 'mlp');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Ready'), null, { timeout: 60000 });
  await page.fill('#epochs', '1');
  await page.evaluate(() => { window.longTasks = []; });
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Trained 1 epochs'), null, { timeout: 180000 });
  const state = await page.evaluate(() => ({ epochs: window.mnistDemo.epochsDone, acc: window.mnistDemo.testAccuracy, longTasks: window.longTasks }));
  assert.equal(state.epochs, 1);
  assert.ok(state.acc > 0.85, `MLP after one epoch: ${state.acc}`);
  assert.ok(state.longTasks.every((d) => d <= 50), `main-thread tasks over 50 ms while training: ${state.longTasks.map(Math.round)}`);
  t.diagnostic(`test accuracy after 1 MLP epoch ${state.acc}; long tasks during training: ${state.longTasks.length}`);
  await browser.screenshot(page, 'mnist-trained');
  browser.assertNoErrors();
});
