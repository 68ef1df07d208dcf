// The GAN page keeps its work: it checkpoints every 200 steps and on pause (both models with
// their optimizer state, the noise state, batch order, the charts' history and the
// filmstrip); a reloaded tab restores the run and Resume continues from that step, bit for bit
// as the same run without the reload. The trained generator exports as files and imports into
// a new run drawing exactly the same grid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowser, statusStarts, exportFiles } from './harness.js';


test('GAN page: checkpoints on schedule and on pause; a reload resumes bit for bit; export/import the generator', { timeout: 240000 }, async (t) => {
  const browser = await startBrowser();
  const downloads = await mkdtemp(join(tmpdir(), 'simdnn-downloads-'));
  t.after(async () => {
    await browser.close();
    await rm(downloads, { recursive: true, force: true });
  });
  const page = await browser.open('demos/gan/index.html');
  await page.waitForFunction(() => window.ganDemo.ready, null, { timeout: 60000 });
  await page.fill('#batch', '32');
  await page.click('#start');
  // The 'checkpoint' event comes after the checkpoint is written.
  await page.waitForFunction(() => window.ganDemo.checkpointStep >= 200, null, { timeout: 120000 });
  assert.equal(await page.evaluate(() => window.ganDemo.checkpointStep), 200, 'the first scheduled checkpoint');
  await page.waitForFunction(() => window.ganDemo.step >= 230, null, { timeout: 60000 });
  await page.click('#pause');
  // Pausing writes a checkpoint of the step it stopped at, then draws that step's grid.
  await page.waitForFunction(() => window.ganDemo.paused && window.ganDemo.checkpointStep === window.ganDemo.step
    && window.ganDemo.samples.step === window.ganDemo.step, null, { timeout: 30000 });
  const before = await page.evaluate(() => ({ step: window.ganDemo.step, samples: window.ganDemo.samples,
    sampleHistory: window.ganDemo.sampleHistory.length, filmInfo: document.querySelector('#filmstrip-info').textContent }));
  assert.ok(before.step > 200 && before.step % 5 === 0, `paused at step ${before.step}`);
  await page.reload();

  await statusStarts(page, 'Interrupted training found', 60000);
  const restored = await page.evaluate(() => ({ step: window.ganDemo.restoredStep, history: window.ganDemo.restoredHistory,
    samples: window.ganDemo.samples, resumeShown: !document.querySelector('#resume-training').hidden, batch: document.querySelector('#batch').value,
    filmInfo: document.querySelector('#filmstrip-info').textContent, filmEnabled: !document.querySelector('#filmstrip').disabled }));
  assert.equal(restored.step, before.step, 'restored at the paused step');
  assert.equal(restored.resumeShown, true);
  assert.equal(restored.batch, '32');
  assert.deepEqual(restored.history.step, Array.from({ length: before.step / 5 }, (_, i) => 5 * (i + 1)), 'every step report of the run is back');
  for (const key of ['dLoss', 'gLoss', 'dReal', 'dFake']) {
    assert.equal(restored.history[key].length, restored.history.step.length);
    assert.ok(restored.history[key].every(Number.isFinite), key);
  }
  assert.equal(restored.filmInfo, before.filmInfo, 'the filmstrip is back');
  assert.ok(restored.filmEnabled);
  // The grid is drawn by the restored generator: the same samples as before the reload.
  assert.equal(restored.samples.step, before.step);
  const gridDiff = restored.samples.first.reduce((sum, v, i) => sum + Math.abs(v - before.samples.first[i]), 0);
  assert.equal(before.samples.step, before.step, 'pausing draws the grid where training stopped');
  assert.equal(gridDiff, 0, 'the restored generator draws the grid it drew before the reload');
  await browser.screenshot(page, 'gan-resume-offered');

  await page.evaluate(() => { window.stepsAfterResume = []; });
  await page.click('#resume-training');
  await page.waitForFunction((s) => window.ganDemo.step >= s + 100, before.step, { timeout: 120000 });
  await page.click('#pause');
  await page.waitForFunction(() => window.ganDemo.paused && window.ganDemo.checkpointStep === window.ganDemo.step, null, { timeout: 30000 });
  const after = await page.evaluate(() => ({ step: window.ganDemo.step, history: window.ganDemo.sampleHistory }));
  assert.ok(after.step >= before.step + 100, `continued to step ${after.step}`);
  assert.ok(after.history.every((h, i) => i === 0 || h.step > after.history[i - 1].step), 'samples come in step order');
  assert.ok(after.history.at(-1).step > before.step, 'new samples after the resumed step');

  // The same run without the reload: every step report up to there is bitwise the same.
  const resumedLog = await page.evaluate(() => window.ganDemo.stepLog);
  assert.deepEqual(resumedLog.map((r) => r.step), Array.from({ length: after.step / 5 }, (_, i) => 5 * (i + 1)));
  // (A paused run cannot be reset: reload, which offers the checkpoint, and start afresh.)
  await page.reload();
  await statusStarts(page, 'Interrupted training found', 60000);
  assert.equal(await page.evaluate(() => window.ganDemo.restoredStep), after.step, 'the second pause wrote its checkpoint too');
  await page.click('#reset');
  await page.waitForFunction(() => window.ganDemo.ready && window.ganDemo.step === 0, null, { timeout: 60000 });
  await page.click('#start');
  await page.waitForFunction((s) => window.ganDemo.step >= s, after.step, { timeout: 120000 });
  await page.click('#pause');
  await page.waitForFunction(() => window.ganDemo.paused, null, { timeout: 30000 });
  const straightLog = await page.evaluate((s) => window.ganDemo.stepLog.filter((r) => r.step <= s), after.step);
  assert.deepEqual(resumedLog, straightLog, 'checkpoint, reload and resume change nothing in the run');
  t.diagnostic(`checkpoint at 200, paused at ${before.step}, reloaded, resumed to ${after.step}: ` +
    `${resumedLog.length} step reports bitwise equal to an uninterrupted run`);

  // Export the trained generator (paused), import it into a reloaded page: the same grid.
  await page.waitForFunction(() => window.ganDemo.samples.step === window.ganDemo.step, null, { timeout: 30000 });
  const exported = await page.evaluate(() => ({ step: window.ganDemo.step, first: window.ganDemo.samples.first, meanInk: window.ganDemo.samples.meanInk }));
  const paths = await exportFiles(page, '#export', 'Exported the generator', ['gan-generator.json', 'gan-generator.weights.bin'], downloads);
  await page.reload();
  await statusStarts(page, 'Interrupted training found', 60000);
  await page.setInputFiles('#import', paths);
  await statusStarts(page, 'Imported gan-generator.json', 60000);
  const imported = await page.evaluate(() => ({ samples: window.ganDemo.samples, step: window.ganDemo.step,
    resumeShown: !document.querySelector('#resume-training').hidden }));
  assert.deepEqual(imported.samples.first, exported.first, 'the imported generator draws exactly the exported one\'s grid');
  assert.equal(imported.samples.meanInk, exported.meanInk);
  assert.equal(imported.resumeShown, false, 'a new run replaces the checkpointed one');
  assert.equal(await page.evaluate(() => window.ganDemo.sampleHistory.length), 1);
  browser.assertNoErrors();
});
