// Reads the prepared 28x28 grayscale image sets (data/mnist/, data/fashion-mnist/, written by
// scripts/prepare-data.mjs) in a page, a worker or Node:
//   const train = await loadImageSplit(imageDataUrl('mnist'), 'train', { limit: 4000 });
//   train.images  Uint8Array [count * 784], 0..255      train.labels  Uint8Array [count]
// imageTensors turns a split into model inputs scaled for a sigmoid output (0..1) or a tanh
// one (-1..1), with one-hot labels when asked.
import { readBytes } from './read-bytes.js';

export const IMAGE_SETS = {
  mnist: { label: 'MNIST digits (8,000 train / 2,000 test)', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  'fashion-mnist': { label: 'Fashion-MNIST (60,000 train / 10,000 test)',
    classes: ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'] },
};

const PIXELS = 28 * 28;

/** The folder of a prepared image set, relative to this file (works from pages and Node). */
export function imageDataUrl(name) {
  if (!IMAGE_SETS[name]) throw new Error(`image data: unknown set '${name}' (expected ${Object.keys(IMAGE_SETS).join(', ')})`);
  return new URL(`../../data/${name}/`, import.meta.url);
}

/** The first `limit` images of a split ('train' or 'test'). */
export async function loadImageSplit(base, split, { limit = Infinity } = {}) {
  if (split !== 'train' && split !== 'test') throw new Error(`loadImageSplit: split must be 'train' or 'test', got ${split}`);
  const [imageBytes, labelBytes] = await Promise.all(
    ['images.u8', 'labels.u8'].map((f) => readBytes(new URL(`${split}-${f}`, base), 'image data')));
  const allLabels = new Uint8Array(labelBytes);
  if (imageBytes.byteLength !== allLabels.length * PIXELS) {
    throw new Error(`image data: ${split} has ${allLabels.length} labels but ${imageBytes.byteLength} image bytes ` +
      `(expected ${allLabels.length * PIXELS}); run npm run prepare-data again`);
  }
  const count = Math.min(limit, allLabels.length);
  return { images: new Uint8Array(imageBytes, 0, count * PIXELS), labels: allLabels.subarray(0, count), count };
}

/**
 * x [count, 28, 28, 1] scaled to `range` ([0, 1] or [-1, 1]); y one-hot [count, 10] when
 * `oneHot`. Dispose both when done.
 */
export function imageTensors(nn, split, { range = [0, 1], oneHot = false, flat = false } = {}) {
  const [lo, hi] = range;
  const scale = (hi - lo) / 255;
  const x = new Float32Array(split.images.length);
  for (let i = 0; i < x.length; i++) x[i] = lo + split.images[i] * scale;
  const shape = flat ? [split.count, PIXELS] : [split.count, 28, 28, 1];
  const result = { x: nn.tensor(x, shape), count: split.count };
  if (oneHot) {
    const y = new Float32Array(split.count * 10);
    split.labels.forEach((label, i) => { y[i * 10 + label] = 1; });
    result.y = nn.tensor(y, [split.count, 10]);
  }
  return result;
}
