// A page trains a small model in a module Web Worker in headless Chromium, charting the loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startBrowser } from './harness.js';

const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

test('a module worker trains a classifier and the page charts its progress', async (t) => {
  const browser = await startBrowser();
  t.after(() => browser.close());

  const page = await browser.open('tests/browser/pages/train-worker.html');
  await page.waitForSelector('#result[data-status]', { timeout: 60000 });
  const screenshot = await browser.screenshot(page, 'train-worker');
  t.diagnostic(`screenshot: ${screenshot}`);

  const report = await page.evaluate(() => window.workerReport);
  assert.equal(report.ok, true, report.error);
  assert.equal(report.version, version);
  assert.equal(report.epochsSeen, 60, 'progress arrives per epoch');
  assert.ok(report.finalAccuracy >= 0.95, `accuracy ${report.finalAccuracy}`);
  // Same seed, same weights: the browser matches the native and Node builds bit for bit.
  assert.equal(report.goldenHash, report.expectedGoldenHash);
  assert.match(report.summary, /Total params: 65/);
  // The server's COOP/COEP headers work, so load() took the threaded build, one thread per
  // core (at most 4), and it trained to the same golden weights.
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(report.threads, Math.min(report.cores, 4), `threads ${report.threads} on ${report.cores} cores`);
  browser.assertNoErrors();
});
