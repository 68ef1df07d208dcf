// Text pipeline: Keras-like Tokenizer and padSequences over the engine's src/text (the same code
// that prepares the IMDB data). Token ids come back as Int32Arrays; nothing is computed here.
import { NativeHandle, describe, requirePlainObject } from './native.js';

const fromHandle = Symbol('fromHandle');

// A vocabulary: fitted on texts, or loaded from its JSON ({format, version, padding: 0,
// oov: 1, num_words, words}; words[i] has id i + 2). Dispose it when done.
export class Tokenizer extends NativeHandle {
  constructor(api, handle) {
    super(handle, 'Tokenizer');
    this._api = api;
  }

  // Counts the words of `texts` (repeated calls accumulate) and re-ranks the vocabulary.
  fitOnTexts(texts) {
    this._api.call(() => this.native.fitOnTexts(texts));
    return this;
  }

  // One Int32Array of ids per text (views onto one buffer: a single copy out of wasm).
  textsToSequences(texts) {
    const { ids, offsets } = this._api.call(() => this.native.textsToSequences(texts));
    const out = new Array(offsets.length - 1);
    for (let i = 0; i < out.length; i++) out[i] = ids.subarray(offsets[i], offsets[i + 1]);
    return out;
  }

  textToSequence(text) { return this.textsToSequences([text])[0]; }

  // The id of an already standardised word (1 = out of vocabulary).
  wordId(word) {
    if (typeof word !== 'string') throw new Error(`Tokenizer.wordId: word must be a string, got ${describe(word)}`);
    return this.native.wordId(word);
  }

  get numWords() { return this.native.numWords(); }
  get documentCount() { return this.native.documentCount(); }
  // Distinct words counted by fitOnTexts, kept or not (0 for a loaded vocabulary).
  get countedWords() { return this.native.countedWords(); }

  // The kept words by rank: words()[i] has id i + 2.
  words() { return this.native.words(); }

  // Keras' word_index for the kept words, as a Map (words like "constructor" are safe keys).
  wordIndex() { return new Map(this.words().map((word, i) => [word, i + 2])); }

  toJSON() { return JSON.parse(this.native.toJSON()); }
}

const PAD_DEFAULTS = { maxlen: null, padding: 'pre', truncating: 'pre', value: 0 };

// Packs ragged sequences into the flat ids + offsets layout the engine reads.
function packSequences(sequences, where) {
  if (!Array.isArray(sequences)) {
    throw new Error(`${where}: sequences must be an array of Int32Arrays or integer arrays, got ${describe(sequences)}`);
  }
  const offsets = new Int32Array(sequences.length + 1);
  sequences.forEach((s, i) => {
    const ok = s instanceof Int32Array || (Array.isArray(s) && s.every(Number.isInteger));
    if (!ok) throw new Error(`${where}: sequences[${i}] must be an Int32Array or an array of integers, got ${describe(s)}`);
    offsets[i + 1] = offsets[i] + s.length;
  });
  const ids = new Int32Array(offsets[sequences.length]);
  sequences.forEach((s, i) => ids.set(s, offsets[i]));
  return { ids, offsets };
}

export function makeText(api) {
  const { native, call } = api;
  const create = (options) => {
    const o = requirePlainObject(options, 'Tokenizer');
    if (o.numWords === undefined) throw new Error('Tokenizer: numWords is required (ids are < numWords; 0 = padding, 1 = OOV)');
    const unknown = Object.keys(o).filter((k) => k !== 'numWords');
    if (unknown.length) throw new Error(`Tokenizer: unknown option(s) ${unknown.join(', ')}; known: numWords`);
    return call(() => native.makeTokenizer(o.numWords));
  };

  // `new nn.text.Tokenizer({numWords})`, bound to this module instance.
  class BoundTokenizer extends Tokenizer {
    constructor(options) {
      super(api, options?.[fromHandle] ?? create(options));
    }

    // From a vocabulary object or its JSON text (what toJSON() / JSON.stringify produce).
    static fromJSON(json) {
      const text = typeof json === 'string' ? json : JSON.stringify(json);
      if (typeof text !== 'string') throw new Error(`Tokenizer.fromJSON: expected a vocabulary object or JSON text, got ${describe(json)}`);
      return new BoundTokenizer({ [fromHandle]: call(() => native.tokenizerFromJSON(text)) });
    }
  }

  return {
    Tokenizer: BoundTokenizer,
    tokenizer: (options) => new BoundTokenizer(options),
    // The standardised words of a text, as the Tokenizer sees them.
    splitWords(text) {
      if (typeof text !== 'string') throw new Error(`splitWords: text must be a string, got ${describe(text)}`);
      return call(() => native.splitWords(text));
    },
    // Keras pad_sequences: {values: Int32Array (row-major), shape: [sequences, maxlen]}.
    padSequences(sequences, options) {
      const o = { ...PAD_DEFAULTS };
      for (const [k, v] of Object.entries(requirePlainObject(options, 'padSequences'))) if (v !== undefined) o[k] = v;
      const unknown = Object.keys(o).filter((k) => !(k in PAD_DEFAULTS));
      if (unknown.length) throw new Error(`padSequences: unknown option(s) ${unknown.join(', ')}; known: ${Object.keys(PAD_DEFAULTS).join(', ')}`);
      const { ids, offsets } = packSequences(sequences, 'padSequences');
      const { values, rows, cols } = call(() => native.padSequences(ids, offsets, o));
      return { values, shape: [rows, cols] };
    },
  };
}
