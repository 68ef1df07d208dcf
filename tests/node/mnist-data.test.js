// data/mnist/ as written by scripts/prepare-data.mjs (run it first: npm run prepare-data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { classCount, imageSize, splitSeed, stratifiedSplit } from '../../scripts/data/mnist.mjs';

const dir = new URL('../../data/mnist/', import.meta.url);
const read = async (name) => {
  try {
    return new Uint8Array(await readFile(new URL(name, dir)));
  } catch (error) {
    throw new Error(`data/mnist/${name} unreadable (${error.code}): run npm run prepare-data`);
  }
};

const meta = JSON.parse(new TextDecoder().decode(await read('meta.json')));
const all = { images: await read('images.u8'), labels: await read('labels.u8') };
const train = { images: await read('train-images.u8'), labels: await read('train-labels.u8') };
const testSet = { images: await read('test-images.u8'), labels: await read('test-labels.u8') };

const imageKey = (set, i) => `${set.labels[i]}:${Buffer.from(set.images.subarray(i * imageSize, (i + 1) * imageSize)).toString('base64')}`;

test('sizes match meta.json: 10,000 images of 784 bytes split 8,000 / 2,000', () => {
  assert.equal(meta.count, 10000);
  assert.deepEqual(meta.imageShape, [28, 28, 1]);
  assert.equal(all.labels.length, meta.count);
  assert.equal(all.images.length, meta.count * imageSize);
  assert.equal(train.labels.length, 8000);
  assert.equal(train.images.length, 8000 * imageSize);
  assert.equal(testSet.labels.length, 2000);
  assert.equal(testSet.images.length, 2000 * imageSize);
});

test('pixels use the full 0-255 range and look like digits (mostly background)', () => {
  let max = 0;
  let background = 0;
  for (const value of all.images) {
    if (value > max) max = value;
    if (value === 0) background += 1;
  }
  assert.equal(max, 255);
  const backgroundShare = background / all.images.length;
  assert.ok(backgroundShare > 0.7 && backgroundShare < 0.9, `background share ${backgroundShare}`);
});

test('the split is stratified: every digit gives 20% (±1) of its images to the test set', () => {
  const perClass = (labels) => labels.reduce((counts, l) => (counts[l]++, counts), new Array(classCount).fill(0));
  const total = perClass(all.labels);
  const inTest = perClass(testSet.labels);
  assert.deepEqual(perClass(train.labels).map((n, c) => n + inTest[c]), total);
  inTest.forEach((n, c) => assert.ok(Math.abs(n - total[c] * 0.2) < 1, `digit ${c}: ${n} of ${total[c]}`));
  assert.deepEqual(meta.split.test.countPerClass, inTest);
});

test('train and test together are exactly the full set, each image once', () => {
  const fullKeys = Array.from({ length: meta.count }, (_, i) => imageKey(all, i)).sort();
  const splitKeys = [
    ...Array.from({ length: train.labels.length }, (_, i) => imageKey(train, i)),
    ...Array.from({ length: testSet.labels.length }, (_, i) => imageKey(testSet, i)),
  ].sort();
  assert.deepEqual(splitKeys, fullKeys);
});

test('the split is shuffled and reproducible from its seed', () => {
  const first = stratifiedSplit(all.labels, 2000, splitSeed);
  assert.deepEqual(stratifiedSplit(all.labels, 2000, splitSeed), first);
  assert.notDeepEqual(stratifiedSplit(all.labels, 2000, splitSeed + 1).test, first.test);
  assert.deepEqual(Array.from(testSet.labels), first.test.map((i) => all.labels[i]));
  // Shuffled, not grouped by digit: the first 100 training labels cover every digit.
  assert.equal(new Set(train.labels.subarray(0, 100)).size, classCount);
});
