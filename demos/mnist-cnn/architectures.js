// The models the page can train, written as plainly as the Keras scripts they come from.

// The seed's LeNet-5. 8,000 digits are few for its 61,706 weights: random shifts of up to
// 2 px while training (Keras' RandomTranslation preprocessing layer; identity at inference)
// are what take it from ~97.8% to over 98.5% on the held-out digits.
export function lenet5(nn, { augment = false } = {}) {
  const input = { inputShape: [28, 28, 1] };
  return nn.sequential({ name: 'lenet5', layers: [
    ...(augment ? [nn.layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'constant', ...input })] : []),
    nn.layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', ...(augment ? {} : input) }),
    nn.layers.maxPooling2d({ poolSize: 2 }),
    nn.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
    nn.layers.maxPooling2d({ poolSize: 2 }),
    nn.layers.flatten(),
    nn.layers.dense({ units: 120, activation: 'relu' }),
    nn.layers.dense({ units: 84, activation: 'relu' }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
}

export const ARCHITECTURES = {
  lenet5: {
    label: 'LeNet-5 (conv 6@5x5 same → pool → conv 16@5x5 → pool → 120 → 84 → 10), ±2 px shifts while training',
    build: (nn) => lenet5(nn, { augment: true }),
  },
  mlp: {
    label: 'MLP (784 → 256 relu → 128 relu → 10)',
    build: (nn) => nn.sequential({ name: 'mlp', layers: [
      nn.layers.flatten({ inputShape: [28, 28, 1] }),
      nn.layers.dense({ units: 256, activation: 'relu' }),
      nn.layers.dense({ units: 128, activation: 'relu' }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ] }),
  },
  bncnn: {
    label: 'CNN with BatchNorm + Dropout (conv 16 → BN → pool → conv 32 → BN → pool → dropout → 10)',
    build: (nn) => nn.sequential({ name: 'bn_cnn', layers: [
      nn.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', inputShape: [28, 28, 1] }),
      nn.layers.batchNormalization(),
      nn.layers.activation({ activation: 'relu' }),
      nn.layers.maxPooling2d({ poolSize: 2 }),
      nn.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same' }),
      nn.layers.batchNormalization(),
      nn.layers.activation({ activation: 'relu' }),
      nn.layers.maxPooling2d({ poolSize: 2 }),
      nn.layers.flatten(),
      nn.layers.dropout({ rate: 0.3 }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ] }),
  },
};
