// data/imdb/ as written by scripts/prepare-data.mjs (run it first: npm run prepare-data), read
// through the demos' loader, checked against the source reviews.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadImdbMeta, loadImdbSplit, loadImdbVocabulary } from '../../demos/shared/imdb-data.js';
import { numWords, readReviews, splitReviews } from '../../scripts/data/imdb.mjs';
import { readFile } from 'node:fs/promises';
import { loadNN } from './helpers.js';
import { startServer } from '../../scripts/serve.mjs';

const base = new URL('../../data/imdb/', import.meta.url);
const meta = await loadImdbMeta(base);
const vocabulary = await loadImdbVocabulary(base);
const train = await loadImdbSplit(base, 'train');
const testSet = await loadImdbSplit(base, 'test');
const source = {
  train: new Uint32Array((await readFile(new URL('train-source.u32', base))).buffer.slice(0)),
  test: new Uint32Array((await readFile(new URL('test-source.u32', base))).buffer.slice(0)),
};
const reviews = await readReviews();
const nn = await loadNN();

test('counts: 50,000 reviews, 418 exact duplicates dropped, two halves of 24,791', () => {
  assert.equal(reviews.length, 50000);
  assert.equal(meta.reviews, 50000);
  assert.equal(meta.duplicatesDropped, 418);
  assert.equal(meta.count, 49582);
  assert.equal(train.count, 24791);
  assert.equal(testSet.count, 24791);
  assert.equal(source.train.length, train.count);
  assert.equal(source.test.length, testSet.count);
  assert.equal(meta.split.train.tokens, train.ids.reduce((n, s) => n + s.length, 0));
  assert.equal(meta.split.test.count, testSet.count);
});

test('no text appears twice, within or across the splits; the split is the seeded one', () => {
  const texts = new Set();
  for (const i of [...source.train, ...source.test]) texts.add(reviews[i].t);
  assert.equal(texts.size, train.count + testSet.count);
  const again = splitReviews(reviews);
  assert.deepEqual(Array.from(source.train), again.train);
  assert.deepEqual(Array.from(source.test), again.test);
  // Shuffled: the source is negatives-then-positives, so an unshuffled half would be one class.
  assert.ok(source.train.some((i) => i >= 25000) && source.train.some((i) => i < 25000));
});

test('labels are the source sentiments and balanced within 2% in each split', () => {
  for (const [name, split] of [['train', train], ['test', testSet]]) {
    split.labels.forEach((label, k) => {
      if (label !== reviews[source[name][k]].s) assert.fail(`${name} review ${k}: label ${label}`);
    });
    const share = split.labels.reduce((n, l) => n + l, 0) / split.count;
    assert.ok(Math.abs(share - 0.5) < 0.02, `${name}: ${share} positive`);
  }
});

test('ids are in [1, numWords) and every review has tokens', () => {
  assert.equal(meta.numWords, numWords);
  assert.equal(vocabulary.num_words, numWords);
  assert.equal(vocabulary.words.length, numWords - 2);
  for (const split of [train, testSet]) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of split.ids) {
      assert.ok(s.length > 0);
      for (const id of s) { if (id < min) min = id; if (id > max) max = id; }
    }
    assert.equal(min, 1);
    assert.equal(max, numWords - 1);
  }
});

test('the vocabulary shows the standardisation: no "br" from <br /> tags, contractions kept', () => {
  assert.ok(!vocabulary.words.includes('br'));
  assert.deepEqual(vocabulary.words.slice(0, 3), ['the', 'and', 'a']);
  for (const word of ["don't", "it's", "film's"]) assert.ok(vocabulary.words.includes(word), word);
  assert.ok(!vocabulary.words.some((w) => w.startsWith("'") || w.endsWith("'") || /[A-Z]/.test(w)));
});

test('the vocabulary comes from the train half only, and the files are its tokenisation', () => {
  const trainTexts = Array.from(source.train, (i) => reviews[i].t);
  const refit = new nn.text.Tokenizer({ numWords }).fitOnTexts(trainTexts);
  assert.deepEqual(refit.toJSON(), vocabulary);
  refit.dispose();

  // Words that occur only in test reviews (several times) are OOV in the test ids.
  const trainWords = new Set(trainTexts.flatMap((t) => nn.text.splitWords(t)));
  const testOnly = new Map();
  for (const i of source.test) {
    for (const w of nn.text.splitWords(reviews[i].t)) if (!trainWords.has(w)) testOnly.set(w, (testOnly.get(w) ?? 0) + 1);
  }
  const [word, count] = [...testOnly].sort((a, b) => b[1] - a[1])[0];
  assert.ok(count >= 3, `most frequent test-only word "${word}" occurs ${count} times`);
  assert.ok(!vocabulary.words.includes(word));
  const loaded = nn.text.Tokenizer.fromJSON(vocabulary);
  assert.equal(loaded.wordId(word), 1);
  // A sample of stored test reviews equals tokenising their source text with the vocabulary.
  for (let k = 0; k < testSet.count; k += 250) {
    assert.deepEqual(loaded.textToSequence(reviews[source.test[k]].t), testSet.ids[k], `test review ${k}`);
  }
  loaded.dispose();
});

test('padding the loaded ids gives a [count, maxlen] matrix', () => {
  const padded = nn.text.padSequences(testSet.ids.slice(0, 100), { maxlen: 200 });
  assert.deepEqual(padded.shape, [100, 200]);
  const first = testSet.ids[0];
  const tail = Array.from(first.subarray(Math.max(0, first.length - 200)));
  assert.deepEqual(Array.from(padded.values.subarray(200 - tail.length, 200)), tail);
});

test('a page loads the same data over http (fetch) as Node does from disk', async () => {
  const server = await startServer({ port: 0 });
  try {
    const url = new URL('data/imdb/', server.url);
    const fetched = await loadImdbSplit(url, 'test');
    assert.equal(fetched.count, testSet.count);
    assert.deepEqual(fetched.labels, testSet.labels);
    assert.deepEqual(fetched.ids[123], testSet.ids[123]);
    assert.deepEqual(await loadImdbVocabulary(url), vocabulary);
    await assert.rejects(loadImdbSplit(new URL('data/no-such-set/', server.url), 'test'), /answered 404; run npm run prepare-data/);
  } finally {
    await server.close();
  }
});
