// The IDX reader used for Fashion-MNIST, on small fixtures built here (known answers), and the
// prepared Fashion-MNIST files themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { makeIdx, parseIdx } from '../../scripts/data/idx.mjs';

test('parseIdx reads shape and data of a small fixture', () => {
  const data = Uint8Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 7);
  const parsed = parseIdx(makeIdx([2, 3, 2], data));
  assert.deepEqual(parsed.shape, [2, 3, 2]);
  assert.deepEqual(Array.from(parsed.data), Array.from(data));
});

test('parseIdx rejects corrupt and truncated files with clear errors', () => {
  const good = makeIdx([4], Uint8Array.of(1, 2, 3, 4));
  assert.throws(() => parseIdx(good.subarray(0, 3)), /too short/);
  assert.throws(() => parseIdx(good.subarray(0, good.length - 1)), /needs 4 data bytes, the file has 3/);
  const badMagic = good.slice(); badMagic[0] = 1;
  assert.throws(() => parseIdx(badMagic), /bad magic/);
  const badType = good.slice(); badType[2] = 0x0d;
  assert.throws(() => parseIdx(badType), /type 0xd/);
  const badRank = good.slice(); badRank[3] = 9;
  assert.throws(() => parseIdx(badRank), /9 dimensions/);
});

test('prepared Fashion-MNIST has the full 60,000 + 10,000 images with labels in 0..9', async () => {
  const dir = new URL('../../data/fashion-mnist/', import.meta.url);
  assert.equal((await stat(new URL('train-images.u8', dir))).size, 60000 * 784);
  assert.equal((await stat(new URL('test-images.u8', dir))).size, 10000 * 784);
  const labels = await readFile(new URL('test-labels.u8', dir));
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(1000));  // Fashion-MNIST's test set is balanced
});
