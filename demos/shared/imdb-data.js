// Reads data/imdb/ (written by scripts/prepare-data.mjs) in a page, a worker or Node:
//   const train = await loadImdbSplit(new URL('../../data/imdb/', import.meta.url), 'train');
//   train.ids[i]      Int32Array of token ids of review i (views onto one buffer)
//   train.labels      Uint8Array, 1 = positive
// Pad with nn.text.padSequences(train.ids, {maxlen}); the vocabulary (loadImdbVocabulary) goes
// to nn.text.Tokenizer.fromJSON to tokenise new text the same way.
// `base` is a URL (or URL string) of the folder, ending in '/'. http(s) URLs are fetched;
// file: URLs (Node, whose fetch cannot read files) are read from disk.
import { readBytes as readFileBytes } from './read-bytes.js';

const readBytes = (url) => readFileBytes(url, 'imdb data');

export async function loadImdbJSON(base, name) {
  return JSON.parse(new TextDecoder().decode(await readBytes(new URL(name, base))));
}

export const loadImdbMeta = (base) => loadImdbJSON(base, 'meta.json');
export const loadImdbVocabulary = (base) => loadImdbJSON(base, 'vocabulary.json');

/** One split ('train' or 'test'): {ids: Int32Array[], labels: Uint8Array, count}. */
export async function loadImdbSplit(base, split) {
  if (split !== 'train' && split !== 'test') throw new Error(`loadImdbSplit: split must be 'train' or 'test', got ${split}`);
  const [ids16, offsetBytes, labelBytes] = await Promise.all(
    ['ids.u16', 'offsets.u32', 'labels.u8'].map((f) => readBytes(new URL(`${split}-${f}`, base))));
  const ids = Int32Array.from(new Uint16Array(ids16));
  const offsets = new Uint32Array(offsetBytes);
  const labels = new Uint8Array(labelBytes);
  if (offsets.length !== labels.length + 1 || offsets[labels.length] !== ids.length) {
    throw new Error(`imdb data: ${split} files disagree (${labels.length} labels, ${offsets.length} offsets, ` +
      `${ids.length} ids); run npm run prepare-data again`);
  }
  const perReview = Array.from(labels, (_, i) => ids.subarray(offsets[i], offsets[i + 1]));
  return { ids: perReview, labels, count: labels.length };
}

/**
 * The first `limit` reviews of a split as model inputs: ids padded and truncated to `maxlen`
 * with Keras' defaults (pre padding, pre truncating: the end of a review is kept) as x
 * [count, maxlen], labels as y [count, 1]. Dispose both when done.
 */
export function paddedTensors(nn, split, { maxlen, limit = split.count }) {
  const count = Math.min(limit, split.count);
  const { values, shape } = nn.text.padSequences(split.ids.slice(0, count), { maxlen });
  return { x: nn.tensor(Float32Array.from(values), shape), y: nn.tensor(Float32Array.from(split.labels.subarray(0, count)), [count, 1]), count };
}
