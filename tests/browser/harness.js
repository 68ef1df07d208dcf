// Browser test harness: serves the repository on an ephemeral loopback port and drives the
// Debian chromium (headless) through playwright-core. Every page's console errors, uncaught
// exceptions and failed requests are collected so a test can fail on them.
//
//   const browser = await startBrowser();  t.after(() => browser.close());
//   const page = await browser.open('tests/browser/pages/worker.html');
//   ...; await browser.screenshot(page, 'worker'); browser.assertNoErrors();
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const chromiumPath = process.env.SIMDNN_CHROMIUM ?? '/usr/bin/chromium';
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

// Offline, quiet, reproducible: no network side traffic, no first-run UI, no sandbox (root).
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function startBrowser() {
  const server = await startServer({ port: 0 });
  const profileDir = await mkdtemp(join(tmpdir(), 'simdnn-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumFlags,
      viewport: { width: 800, height: 600 },
    });
  } catch (error) {
    await server.close();
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
  const errors = [];

  return {
    url: server.url,
    errors,

    /** Opens `path` (relative to the repository root) and records everything that goes wrong. */
    async open(path) {
      const page = await context.newPage();
      // Includes the console of the page's workers.
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error}`));
      page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
      page.on('response', (response) => {
        if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      await page.goto(new URL(path, server.url).href);
      return page;
    },

    /** Saves test-results/<name>.png for a person (or the file viewer) to look at. */
    async screenshot(page, name) {
      await mkdir(resultsDir, { recursive: true });
      const path = join(resultsDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },

    assertNoErrors() {
      assert.deepEqual(errors, [], `the browser reported errors:\n${errors.join('\n')}`);
    },

    async close() {
      await context.close();
      await server.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

// Waits until the page's #status line starts with prefix.
export const statusStarts = (page, prefix, timeout) => page.waitForFunction(
  (p) => document.querySelector('#status').textContent.startsWith(p), prefix, { timeout });

// Clicks an export button, waits for its status line and its `names` downloads, saves them
// into dir and returns their paths (in the order of `names`).
export async function exportFiles(page, selector, statusPrefix, names, dir) {
  const files = [];
  page.on('download', (d) => files.push(d));
  await page.click(selector);
  await statusStarts(page, statusPrefix, 30000);
  for (let i = 0; i < 200 && files.length < names.length; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(files.map((d) => d.suggestedFilename()).sort(), [...names].sort());
  const paths = [];
  for (const name of names) {
    const path = join(dir, name);
    await files.find((d) => d.suggestedFilename() === name).saveAs(path);
    paths.push(path);
  }
  return paths;
}
