// The engine loads in a module Web Worker in headless Chromium, served like the demos are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startBrowser } from './harness.js';

const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

test('a module worker loads the engine, calls it and gets C++ errors as JS Errors', async (t) => {
  const browser = await startBrowser();
  t.after(() => browser.close());

  const page = await browser.open('tests/browser/pages/worker.html');
  await page.waitForSelector('#result[data-status]', { timeout: 20000 });
  const screenshot = await browser.screenshot(page, 'worker');
  t.diagnostic(`screenshot: ${screenshot}`);

  const report = await page.evaluate(() => window.workerReport);
  assert.equal(report.ok, true, report.error);
  assert.equal(report.version, version);
  assert.equal(report.errorName, 'Error');
  assert.equal(report.errorMessage, 'throwForTest: from the worker');
  assert.equal(report.versionAfterError, version);
  // The server's COOP/COEP headers work: the threaded build will need this.
  assert.equal(report.crossOriginIsolated, true);
  assert.match(await page.textContent('#result'), new RegExp(`simdnn ${version.replaceAll('.', '\\.')} loaded`));
  browser.assertNoErrors();
});
