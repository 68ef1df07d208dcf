// The seed's first autoencoder: a linear 3-D -> 2-D encoder and 2-D -> 3-D decoder trained
// with MSE on a point cloud lying near a tilted plane. A linear AE with MSE learns the same
// plane as PCA (up to rotation and scale within it), which the page shows side by side.

// Points near a plane, as in the seed: a curve of angles in (x0, x1), x2 a tilted mix of both
// plus noise; centred. The random numbers come from the engine's seeded Rng.
export function pointCloud(nn, { count = 200, seed = 7, noise = 0.1 } = {}) {
  const anglesT = nn.randomUniform([count], { minval: -0.5, maxval: 3 * Math.PI / 2 - 0.5, seed });
  const noiseT = nn.randomNormal([count, 3], { seed: seed + 1 });
  const angles = anglesT.dataSync(), n = noiseT.dataSync();
  anglesT.dispose();
  noiseT.dispose();
  const points = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const a = angles[i];
    const x0 = Math.cos(a) + Math.sin(a) / 2 + noise * n[i * 3] / 2;
    const x1 = Math.sin(a) * 0.7 + noise * n[i * 3 + 1] / 2;
    points.set([x0, x1, x0 * 0.1 + x1 * 0.3 + noise * n[i * 3 + 2]], i * 3);
  }
  for (let axis = 0; axis < 3; axis++) {
    let mean = 0;
    for (let i = 0; i < count; i++) mean += points[i * 3 + axis] / count;
    for (let i = 0; i < count; i++) points[i * 3 + axis] -= mean;
  }
  return { points, count, angles: Array.from(angles) };
}

export function linearAutoencoder(nn, { learningRate = 0.1 } = {}) {
  const input = nn.input({ shape: [3] });
  const encoderLayer = nn.layers.dense({ units: 2, name: 'encoder' });
  const code = encoderLayer.apply(input);
  const output = nn.layers.dense({ units: 3, name: 'decoder' }).apply(code);
  const model = nn.model({ inputs: input, outputs: output, name: 'linear_ae' });
  model.compile({ optimizer: nn.optimizers.sgd({ learningRate }), loss: 'mse' });
  return { model, encoder: nn.model({ inputs: input, outputs: code, name: 'linear_encoder' }) };
}

// PCA of centred 3-D points for the comparison panel: the 3 x 3 covariance's two leading
// eigenvectors by power iteration with deflation (demo-side analysis of 3 numbers per point,
// not model math), and each point's coordinates along them.
export function pcaProjection(points, count) {
  const cov = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) cov[r * 3 + c] += points[i * 3 + r] * points[i * 3 + c] / count;
  }
  const components = [];
  for (let k = 0; k < 2; k++) {
    let v = [1, 0.5, 0.25];
    let lambda = 0;
    for (let iter = 0; iter < 200; iter++) {
      const w = [0, 1, 2].map((r) => cov[r * 3] * v[0] + cov[r * 3 + 1] * v[1] + cov[r * 3 + 2] * v[2]);
      lambda = Math.hypot(...w);
      v = w.map((x) => x / lambda);
    }
    components.push(v);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) cov[r * 3 + c] -= lambda * v[r] * v[c];
  }
  const projected = [];
  for (let i = 0; i < count; i++) {
    for (const v of components) projected.push(points[i * 3] * v[0] + points[i * 3 + 1] * v[1] + points[i * 3 + 2] * v[2]);
  }
  return { components, projected };
}
