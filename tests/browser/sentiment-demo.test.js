// The sentiment demo as a person uses it: typing character by character with the score updating
// on every keystroke, word contributions, and a model trained in the page's worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser } from './harness.js';

const POSITIVE = 'This film was wonderful, a beautiful and moving story with brilliant acting. I loved it.';
const NEGATIVE = 'This film was awful, a boring and stupid story with terrible acting. I hated it.';

async function typeAndScore(page, text) {
  await page.fill('#text', '');
  await page.evaluate(() => { window.sentimentDemo.latencies = []; });
  await page.locator('#text').pressSequentially(text, { delay: 15 });
  await page.waitForFunction((expected) => window.sentimentDemo.text === expected && window.sentimentDemo.score !== null,
    text, { timeout: 20000 });
  return page.evaluate(() => ({ score: window.sentimentDemo.score, latencies: window.sentimentDemo.latencies }));
}

test('sentiment demo: scores as you type, explains words, trains in the worker', { timeout: 300000 }, async (t) => {
  const browser = await startBrowser();
  t.after(() => browser.close());
  const page = await browser.open('demos/sentiment-lstm/index.html');
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask', buffered: true });
  });
  await page.waitForFunction(() => window.sentimentDemo.ready, null, { timeout: 60000 });

  const positive = await typeAndScore(page, POSITIVE);
  assert.ok(positive.score > 0.5, `positive review scored ${positive.score}`);
  const engineTimes = positive.latencies.map((l) => l.engine).sort((a, b) => a - b);
  const roundTrips = positive.latencies.map((l) => l.roundTrip).sort((a, b) => a - b);
  assert.ok(positive.latencies.length >= POSITIVE.length * 0.9, `one score per keystroke: ${positive.latencies.length} for ${POSITIVE.length} characters`);
  const median = (values) => values[Math.floor(values.length / 2)];
  t.diagnostic(`per keystroke: engine median ${median(engineTimes).toFixed(2)} ms, max ${engineTimes.at(-1).toFixed(2)} ms; round trip median ${median(roundTrips).toFixed(2)} ms`);
  await page.waitForFunction(() => document.querySelectorAll('#words span').length >= 10, null, { timeout: 10000 });
  const words = await page.$$eval('#words span', (spans) => spans.map((s) => ({ word: s.textContent, title: s.title })));
  assert.ok(words.some((w) => w.word === 'wonderful' && w.title.startsWith('+')), `"wonderful" pushes the score up: ${JSON.stringify(words)}`);
  await browser.screenshot(page, 'sentiment-positive');

  const negative = await typeAndScore(page, NEGATIVE);
  assert.ok(negative.score < 0.5, `negative review scored ${negative.score}`);
  await page.waitForFunction(() => [...document.querySelectorAll('#words span')].some((s) => s.textContent === 'awful'), null, { timeout: 10000 });
  const awful = await page.$eval('#words', (p) => [...p.querySelectorAll('span')].find((s) => s.textContent === 'awful').title);
  assert.ok(awful.startsWith('-'), `"awful" pulls the score down: ${awful}`);
  await browser.screenshot(page, 'sentiment-negative');

  // Out-of-vocabulary words are marked.
  await page.fill('#text', 'zxqwv was great');
  await page.dispatchEvent('#text', 'input');
  await page.waitForFunction(() => [...document.querySelectorAll('#words span')].some((s) => s.textContent === 'zxqwv' && s.classList.contains('oov')), null, { timeout: 10000 });

  // Train the text CNN for one epoch on 3,200 reviews in the worker; typing stays responsive.
  await page.selectOption('#architecture', 'cnn');
  await page.fill('#reviews', '3200');
  await page.fill('#epochs', '1');
  await page.evaluate(() => { window.longTasks = []; });
  await page.click('#train');
  await page.waitForFunction(() => window.sentimentDemo.batches.length >= 20, null, { timeout: 120000 });
  await page.fill('#text', 'a truly great film');
  await page.dispatchEvent('#text', 'input');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Trained 1 epoch'), null, { timeout: 240000 });
  const state = await page.evaluate(() => ({ batches: window.sentimentDemo.batches, epochs: window.sentimentDemo.epochs,
    trained: window.sentimentDemo.trainedModel, longTasks: window.longTasks }));
  assert.ok(state.batches.length >= 20, `${state.batches.length} batches`);
  const firstLoss = state.batches.slice(0, 5).reduce((a, b) => a + b.loss, 0) / 5;
  const lastLoss = state.batches.slice(-5).reduce((a, b) => a + b.loss, 0) / 5;
  assert.ok(lastLoss < firstLoss - 0.02, `running loss should go down: first batches ${firstLoss.toFixed(4)}, last ${lastLoss.toFixed(4)}`);
  assert.ok(state.trained, 'the trained model is offered for typing');
  assert.ok(state.longTasks.every((d) => d <= 50), `main-thread tasks over 50 ms while training: ${state.longTasks.map(Math.round)}`);
  t.diagnostic(`in-page text CNN: ${state.batches.length} batches, running loss ${firstLoss.toFixed(3)} -> ${lastLoss.toFixed(3)}, held-out accuracy ${(state.epochs.at(-1).accuracy * 100).toFixed(1)}%`);
  await browser.screenshot(page, 'sentiment-trained');
  browser.assertNoErrors();
});
