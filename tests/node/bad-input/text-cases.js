// nn.text: Tokenizer options and inputs, vocabulary JSON, padSequences options and sequences.
import assert from 'node:assert/strict';
import { disposeAll } from './runner.js';

const BAD_SCALARS = [['a string', 'ten'], ['NaN', NaN], ['Infinity', Infinity], ['-1', -1], ['0', 0], ['2.5', 2.5],
  ['1e12', 1e12], ['null', null], ['true', true], ['an object', {}], ['a list', [3]]];

export function textCases(nn) {
  const cases = [];
  const add = (name, run, expect) => cases.push({ name: `text: ${name}`, run, expect, cleanup: disposeAll });
  for (const [what, value] of BAD_SCALARS) {
    add(`Tokenizer numWords ${what}`, () => nn.text.tokenizer({ numWords: value }),
      { error: [/^Tokenizer: (numWords|num_words)/, /(must|got|required)/] });
  }
  for (const [what, value] of [['a string', 'abc'], ['a number', 5], ['null', null], ['a list of numbers', [1, 2]], ['a list with null', ['a', null]], ['an object', {}]]) {
    add(`fitOnTexts(${what})`, () => {
      const t = nn.text.tokenizer({ numWords: 10 });
      try { return t.fitOnTexts(value).numWords; } finally { t.dispose(); }
    }, { error: [/^Tokenizer\.fitOnTexts: /, /(must|got|expected)/] });
    add(`textsToSequences(${what})`, () => {
      const t = nn.text.tokenizer({ numWords: 10 });
      try { return t.textsToSequences(value); } finally { t.dispose(); }
    }, { error: [/^Tokenizer\.textsToSequences: /, /(must|got|expected)/] });
  }
  for (const [what, json] of [['empty text', ''], ['not JSON', '{words'], ['a number', '5'], ['no words', '{"format":"simdnn-tokenizer"}'],
    ['words not strings', '{"format":"simdnn-tokenizer","version":1,"padding":0,"oov":1,"num_words":5,"words":[1,2]}'],
    ['deep nesting', '['.repeat(5000) + ']'.repeat(5000)]]) {
    add(`Tokenizer.fromJSON(${what})`, () => nn.text.Tokenizer.fromJSON(json), { error: [/^Tokenizer\.(fromJSON|from_json): /, /(expected|must|invalid|nested)/] });
  }
  for (const [what, value] of BAD_SCALARS) {
    if (what === 'null') continue;  // maxlen: null is the documented "longest sequence"
    add(`padSequences maxlen ${what}`, () => nn.text.padSequences([[1, 2, 3]], { maxlen: value }),
      (value === 0 || value === 1e12)
        ? { either: { error: [/^(padSequences|pad_sequences): maxlen/], valid: (r) => assert.equal(r.shape[0], 1) } }
        : { error: [/^(padSequences|pad_sequences): maxlen/, /must be .*, got/] });
    add(`padSequences value ${what}`, () => nn.text.padSequences([[1, 2, 3]], { value }),
      Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? { valid: (r) => assert.deepEqual(r.shape, [1, 3]) } : { error: [/^(padSequences|pad_sequences): value/, /must be .*, got/] });
  }
  for (const key of ['padding', 'truncating']) {
    for (const value of ['middle', '', 3, null, 'PRE']) {
      add(`padSequences ${key} ${JSON.stringify(value)}`, () => nn.text.padSequences([[1, 2, 3]], { maxlen: 2, [key]: value }),
        { error: [new RegExp(`^(padSequences|pad_sequences): ${key}`), /must be .*, got/] });
    }
  }
  for (const [what, value] of [['a string', 'abc'], ['a list of strings', ['a']], ['a ragged mix', [[1], 'x']], ['floats', [[1.5]]], ['a Float32Array', [new Float32Array(2)]]]) {
    add(`padSequences(${what})`, () => nn.text.padSequences(value), { error: [/^padSequences: sequences/, /must be/] });
  }
  add('padSequences of nothing', () => nn.text.padSequences([]), { valid: (r) => assert.equal(r.shape[0], 0) });
  return cases;
}
