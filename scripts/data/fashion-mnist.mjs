// Fashion-MNIST from Debian's dataset-fashion-mnist (IDX .gz files): the full 60,000 training
// and 10,000 test images. Writes data/fashion-mnist/{train,test}-{images,labels}.u8 + meta.json.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { outputsAreFresh, progress, writeFileAtomically } from './common.mjs';
import { parseIdx } from './idx.mjs';

export const sourceDir = process.env.SIMDNN_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
export const classNames = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const sources = {
  'train-images.u8': 'train-images-idx3-ubyte.gz',
  'train-labels.u8': 'train-labels-idx1-ubyte.gz',
  'test-images.u8': 't10k-images-idx3-ubyte.gz',
  'test-labels.u8': 't10k-labels-idx1-ubyte.gz',
};

export async function prepareFashionMnist({ dataDir }) {
  const outDir = join(dataDir, 'fashion-mnist');
  const outputs = [...Object.keys(sources), 'meta.json'].map((name) => join(outDir, name));
  const inputs = [...Object.values(sources).map((f) => join(sourceDir, f)), fileURLToPath(import.meta.url)];
  if (await outputsAreFresh(outputs, inputs)) {
    progress('fashion-mnist', `up to date (${outDir})`);
    return;
  }
  const meta = { name: 'fashion-mnist', source: 'Debian dataset-fashion-mnist (IDX .gz)', dtype: 'uint8',
    imageShape: [28, 28, 1], classes: classNames, files: {} };
  for (const [output, source] of Object.entries(sources)) {
    progress('fashion-mnist', `reading ${source}`);
    const { shape, data } = parseIdx(gunzipSync(await readFile(join(sourceDir, source))), source);
    const isImages = output.includes('images');
    if (isImages && (shape.length !== 3 || shape[1] !== 28 || shape[2] !== 28)) {
      throw new Error(`${source}: expected [N, 28, 28] images, got [${shape.join(', ')}]`);
    }
    if (!isImages && (shape.length !== 1 || data.some((label) => label > 9))) {
      throw new Error(`${source}: expected N labels in 0..9`);
    }
    await writeFileAtomically(join(outDir, output), data);
    meta.files[output] = { shape, from: source };
  }
  await writeFileAtomically(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2));
  progress('fashion-mnist', `wrote ${outDir}`);
}
