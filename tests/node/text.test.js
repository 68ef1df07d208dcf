// nn.text gives exactly the fixture results of the C++ tests (tests/data/text-fixtures.json),
// errors are JS Errors naming function, expected and actual, and Tokenizers do not leak.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadNN } from './helpers.js';

const fixtures = JSON.parse(await readFile(new URL('../data/text-fixtures.json', import.meta.url), 'utf8'));
const nn = await loadNN();
const plain = (sequences) => sequences.map((s) => Array.from(s));

test('splitWords matches the standardisation fixtures', () => {
  for (const c of fixtures.standardize) assert.deepEqual(nn.text.splitWords(c.text), c.words, c.text);
});

test('Tokenizer ranking, OOV and sequences match the fixtures', () => {
  const f = fixtures.tokenizer;
  const t = new nn.text.Tokenizer({ numWords: f.num_words });
  assert.ok(t instanceof nn.text.Tokenizer);
  t.fitOnTexts(f.fit);
  assert.deepEqual(t.words(), f.words);
  assert.equal(t.numWords, f.num_words);
  assert.equal(t.documentCount, f.fit.length);
  assert.equal(t.countedWords, f.counted_words);
  const sequences = t.textsToSequences(f.texts);
  assert.ok(sequences.every((s) => s instanceof Int32Array));
  assert.deepEqual(plain(sequences), f.sequences);
  assert.deepEqual(Array.from(t.textToSequence(f.texts[0])), f.sequences[0]);
  assert.equal(t.wordId('the'), 2);
  assert.equal(t.wordId('mat'), 1);
  assert.equal(t.wordIndex().get('cat'), 3);
  t.dispose();
  assert.ok(t.isDisposed);
  assert.throws(() => t.words(), /Tokenizer has been disposed/);
});

test('the vocabulary JSON round-trips through fromJSON and JSON.stringify', () => {
  const f = fixtures.tokenizer;
  const t = nn.text.tokenizer({ numWords: f.num_words }).fitOnTexts(f.fit);
  const json = t.toJSON();
  assert.deepEqual(json, { format: 'simdnn-vocabulary', version: 1, padding: 0, oov: 1, num_words: f.num_words, words: f.words });
  for (const source of [json, JSON.stringify(t)]) {
    const loaded = nn.text.Tokenizer.fromJSON(source);
    assert.deepEqual(plain(loaded.textsToSequences(f.texts)), f.sequences);
    assert.throws(() => loaded.fitOnTexts(['more']), /Tokenizer.fit_on_texts: this vocabulary was loaded from JSON/);
    loaded.dispose();
  }
  t.dispose();
});

test('padSequences matches the fixtures for every padding/truncating pair', () => {
  const f = fixtures.pad;
  for (const c of f.cases) {
    const out = nn.text.padSequences(f.sequences, c.options);
    assert.ok(out.values instanceof Int32Array);
    assert.deepEqual(out.shape, [c.rows, c.cols], JSON.stringify(c.options));
    assert.deepEqual(Array.from(out.values), c.values.flat(), JSON.stringify(c.options));
  }
  // Int32Array input (what textsToSequences returns) gives the same result.
  const typed = f.sequences.map((s) => Int32Array.from(s));
  assert.deepEqual(Array.from(nn.text.padSequences(typed, { maxlen: 4 }).values), f.cases[0].values.flat());
});

test('bad arguments throw Errors naming function, expected and actual; the module keeps working', () => {
  const f = fixtures.pad;
  for (const c of f.errors) {
    assert.throws(() => nn.text.padSequences(f.sequences, c.options), { message: c.message });
  }
  const cases = [
    [() => nn.text.padSequences(f.sequences, { maxlen: 2.5 }), /pad_sequences: maxlen must be an integer, got 2.5/],
    [() => nn.text.padSequences(f.sequences, { padding: 3 }), /pad_sequences: padding must be 'pre' or 'post', got number/],
    [() => nn.text.padSequences(f.sequences, { maxLen: 3 }), /padSequences: unknown option\(s\) maxLen/],
    [() => nn.text.padSequences([[1, 2.5]]), /padSequences: sequences\[0\] must be an Int32Array or an array of integers/],
    [() => nn.text.padSequences('abc'), /padSequences: sequences must be an array/],
    [() => new nn.text.Tokenizer({ numWords: 2 }), /Tokenizer: num_words must be at least 3 .*got 2/],
    [() => new nn.text.Tokenizer({ numWords: 'many' }), /Tokenizer: numWords must be an integer, got string/],
    [() => new nn.text.Tokenizer(), /Tokenizer: numWords is required/],
    [() => new nn.text.Tokenizer({ numWords: 10, oovToken: '<unk>' }), /Tokenizer: unknown option\(s\) oovToken/],
    [() => nn.text.Tokenizer.fromJSON('{"format": "keras"}'), /Tokenizer.from_json: format must be "simdnn-vocabulary", got "keras"/],
    [() => nn.text.Tokenizer.fromJSON('not json'), /Tokenizer.fromJSON: invalid JSON/],
    [() => nn.text.splitWords(42), /splitWords: text must be a string, got number 42/],
  ];
  const t = new nn.text.Tokenizer({ numWords: 10 });
  cases.push([() => t.fitOnTexts(['ok', 7]), /Tokenizer.fitOnTexts: texts\[1\] must be a string, got number/]);
  cases.push([() => t.textsToSequences('one text'), /Tokenizer.textsToSequences: texts must be an array of strings, got string/]);
  for (const [call, message] of cases) assert.throws(call, message);
  assert.deepEqual(plain(t.fitOnTexts(['b a b']).textsToSequences(['a b c'])), [[3, 2, 1]]);
  t.dispose();
});

test('200 Tokenizer create/fit/tokenise/pad/dispose cycles return the wasm heap to baseline (±1%)', () => {
  const f = fixtures.tokenizer;
  const texts = [...f.fit, ...fixtures.standardize.map((c) => c.text)];
  const cycle = (i) => {
    const t = new nn.text.Tokenizer({ numWords: 5 + (i % 7) });
    t.fitOnTexts(texts);
    const padded = nn.text.padSequences(t.textsToSequences(texts), { maxlen: 6 });
    assert.equal(padded.values.length, texts.length * 6);
    const copy = nn.text.Tokenizer.fromJSON(t.toJSON());
    copy.dispose();
    t.dispose();
    assert.throws(() => nn.text.padSequences([[1]], { padding: 'x' }));  // error paths must not leak either
  };
  for (let i = 0; i < 4; i++) cycle(i);
  const baseline = nn.memory().wasmBytesInUse;
  for (let i = 0; i < 200; i++) cycle(i);
  const after = nn.memory().wasmBytesInUse;
  console.log(`wasm heap in use: baseline ${baseline} B, after 200 tokenizer cycles ${after} B`);
  assert.ok(Math.abs(after - baseline) <= baseline * 0.01, `heap grew from ${baseline} to ${after}`);
});
