// Acceptance: the package trains real small models to stated targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNN, seededRandom, gaussian, twoSpirals, accuracyBinary } from './helpers.js';

test('XOR classifier reaches 100% accuracy', async () => {
  const nn = await loadNN();
  nn.setSeed(1);
  const model = nn.sequential({ layers: [
    nn.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
    nn.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  model.compile({ optimizer: nn.optimizers.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const x = nn.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = nn.tensor([[0], [1], [1], [0]]);
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4 });
  assert.equal(history.history.loss.length, 300);
  const p = model.predict(x);
  assert.equal(accuracyBinary(p.dataSync(), [0, 1, 1, 0]), 1);
  assert.ok(history.history.accuracy.at(-1) >= 0.99);
  for (const t of [x, y, p]) t.dispose();
  model.dispose();
});

test('two-spirals classifier reaches >= 0.99 accuracy', async () => {
  const nn = await loadNN();
  nn.setSeed(2);
  const { x, y, count } = twoSpirals(200, seededRandom(7));
  const model = nn.sequential({ layers: [
    nn.layers.dense({ units: 64, activation: 'relu', inputShape: [2] }),
    nn.layers.dense({ units: 64, activation: 'relu' }),
    nn.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  model.compile({ optimizer: nn.optimizers.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const xt = nn.tensor(x, [count, 2]);
  const yt = nn.tensor(y, [count, 1]);
  const started = Date.now();
  await model.fit(xt, yt, { epochs: 200, batchSize: 32 });
  const acc = accuracyBinary(model.predict(xt).dataSync(), y);
  console.log(`two spirals: accuracy ${acc.toFixed(4)} after 200 epochs in ${Date.now() - started} ms`);
  assert.ok(acc >= 0.99, `accuracy ${acc}`);
  model.dispose();
  xt.dispose();
  yt.dispose();
});

test('regression net (Dense 16 relu, 8 relu, 1; MSE; Adam) fits a smooth function', async () => {
  const nn = await loadNN();
  nn.setSeed(3);
  const rand = seededRandom(11);
  const n = 512;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rand() * 2 - 1, b = rand() * 2 - 1;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = Math.sin(2 * a) + b * b - 0.5 * a * b;  // known target function
  }
  const model = nn.sequential({ layers: [
    nn.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }),
    nn.layers.dense({ units: 8, activation: 'relu' }),
    nn.layers.dense({ units: 1 }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
  const xt = nn.tensor(x, [n, 2]);
  const yt = nn.tensor(y, [n, 1]);
  const history = await model.fit(xt, yt, { epochs: 150, batchSize: 32, validationSplit: 0.2 });
  const final = history.history.val_loss.at(-1);
  console.log(`regression: val MSE ${final.toFixed(5)} (target variance ~0.3)`);
  assert.ok(final < 0.01, `validation MSE ${final}`);
  model.dispose();
  xt.dispose();
  yt.dispose();
});

// Géron's 3-D point cloud; PCA's 2-component reconstruction error is the optimum a linear
// autoencoder can reach.
function pointCloud(m, rand) {
  const data = new Float64Array(m * 3);
  for (let i = 0; i < m; i++) {
    const angle = rand() * 3 * Math.PI / 2 - 0.5;
    const a = Math.cos(angle) + Math.sin(angle) / 2 + 0.1 * gaussian(rand) / 2;
    const b = Math.sin(angle) * 0.7 + 0.1 * gaussian(rand) / 2;
    data[3 * i] = a;
    data[3 * i + 1] = b;
    data[3 * i + 2] = a * 0.1 + b * 0.3 + 0.1 * gaussian(rand);
  }
  for (let j = 0; j < 3; j++) {  // standardise each feature
    let mean = 0, sq = 0;
    for (let i = 0; i < m; i++) mean += data[3 * i + j] / m;
    for (let i = 0; i < m; i++) sq += (data[3 * i + j] - mean) ** 2 / m;
    for (let i = 0; i < m; i++) data[3 * i + j] = (data[3 * i + j] - mean) / Math.sqrt(sq);
  }
  return data;
}

function smallestEigenvalue3(c) {
  // Jacobi rotations on a symmetric 3x3 matrix.
  const a = [[c[0], c[1], c[2]], [c[3], c[4], c[5]], [c[6], c[7], c[8]]];
  for (let sweep = 0; sweep < 50; sweep++) {
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) {
      if (Math.abs(a[p][q]) < 1e-15) continue;
      const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
      for (let k = 0; k < 3; k++) {
        const akp = a[k][p], akq = a[k][q];
        a[k][p] = cs * akp - sn * akq;
        a[k][q] = sn * akp + cs * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p][k], aqk = a[q][k];
        a[p][k] = cs * apk - sn * aqk;
        a[q][k] = sn * apk + cs * aqk;
      }
    }
  }
  return Math.min(a[0][0], a[1][1], a[2][2]);
}

test('linear autoencoder 3-D -> 2-D matches the PCA optimum within 5%', async () => {
  const nn = await loadNN();
  nn.setSeed(4);
  const m = 200;
  const data = pointCloud(m, seededRandom(42));
  const cov = new Array(9).fill(0);
  for (let i = 0; i < m; i++)
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) cov[3 * r + c] += data[3 * i + r] * data[3 * i + c] / m;
  const pcaMse = smallestEigenvalue3(cov) / 3;  // mean over the 3 features of the dropped variance
  const encoder = nn.sequential({ layers: [nn.layers.dense({ units: 2, inputShape: [3] })] });
  const decoder = nn.sequential({ layers: [nn.layers.dense({ units: 3, inputShape: [2] })] });
  const autoencoder = nn.sequential({ layers: [encoder, decoder] });
  autoencoder.compile({ optimizer: nn.optimizers.sgd(0.1), loss: 'mse' });
  const x = nn.tensor(Float32Array.from(data), [m, 3]);
  await autoencoder.fit(x, x, { epochs: 200, batchSize: 32 });
  const mse = autoencoder.evaluate(x, x).loss;
  console.log(`linear AE: reconstruction MSE ${mse.toFixed(5)}, PCA optimum ${pcaMse.toFixed(5)}`);
  assert.ok(mse <= pcaMse * 1.05, `AE ${mse} vs PCA ${pcaMse}`);
  assert.ok(mse >= pcaMse * 0.999, 'a linear AE cannot beat PCA: the test would be wrong');
  const codes = encoder.predict(x);
  assert.deepEqual(codes.shape, [m, 2]);
  codes.dispose();
  x.dispose();
  autoencoder.dispose();
});
