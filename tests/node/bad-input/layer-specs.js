// One valid configuration per registered layer class, with an input shape it accepts: the
// starting points the generated layer cases mutate. Wrappers get their inner layer from make().
export const LAYER_SPECS = [
  { cls: 'Dense', options: { units: 3 }, input: [4] },
  { cls: 'Conv2D', options: { filters: 2, kernelSize: 3 }, input: [6, 6, 1] },
  { cls: 'Conv1D', options: { filters: 2, kernelSize: 2 }, input: [6, 3] },
  { cls: 'MaxPooling2D', options: { poolSize: 2 }, input: [4, 4, 1] },
  { cls: 'AveragePooling2D', options: { poolSize: 2 }, input: [4, 4, 1] },
  { cls: 'MaxPooling1D', options: { poolSize: 2 }, input: [4, 2] },
  { cls: 'AveragePooling1D', options: { poolSize: 2 }, input: [4, 2] },
  { cls: 'GlobalMaxPooling2D', options: {}, input: [4, 4, 1] },
  { cls: 'GlobalAveragePooling2D', options: {}, input: [4, 4, 1] },
  { cls: 'GlobalMaxPooling1D', options: {}, input: [4, 2] },
  { cls: 'GlobalAveragePooling1D', options: {}, input: [4, 2] },
  { cls: 'Dropout', options: { rate: 0.5 }, input: [4] },
  { cls: 'SpatialDropout1D', options: { rate: 0.5 }, input: [4, 2] },
  { cls: 'SpatialDropout2D', options: { rate: 0.5 }, input: [4, 4, 1] },
  { cls: 'GaussianNoise', options: { stddev: 0.1 }, input: [4] },
  { cls: 'BatchNormalization', options: {}, input: [4] },
  { cls: 'Flatten', options: {}, input: [2, 2] },
  { cls: 'Reshape', options: { targetShape: [2, 2] }, input: [4] },
  { cls: 'RepeatVector', options: { n: 2 }, input: [4] },
  { cls: 'Embedding', options: { inputDim: 10, outputDim: 3 }, input: [5] },
  { cls: 'LSTM', options: { units: 2 }, input: [3, 2] },
  { cls: 'GRU', options: { units: 2 }, input: [3, 2] },
  { cls: 'SimpleRNN', options: { units: 2 }, input: [3, 2] },
  { cls: 'LeakyReLU', options: {}, input: [4] },
  { cls: 'ELU', options: {}, input: [4] },
  { cls: 'ReLU', options: {}, input: [4] },
  { cls: 'PReLU', options: {}, input: [4] },
  { cls: 'Softmax', options: {}, input: [4] },
  { cls: 'Masking', options: {}, input: [3, 2] },
  { cls: 'ZeroPadding2D', options: { padding: 1 }, input: [4, 4, 1] },
  { cls: 'Cropping2D', options: { cropping: 1 }, input: [4, 4, 1] },
  { cls: 'RandomTranslation', options: { heightFactor: 0.1, widthFactor: 0.1 }, input: [4, 4, 1] },
  { cls: 'TimeDistributed', options: {}, wrap: { cls: 'Dense', options: { units: 2 } }, input: [3, 4] },
  { cls: 'Bidirectional', options: {}, wrap: { cls: 'LSTM', options: { units: 2 } }, input: [3, 2] },
  { cls: 'Add', options: {}, input: [4], inputs: 2 },
  { cls: 'Concatenate', options: {}, input: [4], inputs: 2 },
];

export function factory(nn, cls) {
  const f = nn.layers[cls.toLowerCase()];
  if (!f) throw new Error(`no nn.layers factory for ${cls}`);
  return f;
}

// Creates the layer of a spec with `overrides` merged into its options.
export function makeLayer(nn, spec, overrides = {}) {
  const options = { ...spec.options, ...overrides };
  if (spec.wrap && !('layer' in overrides)) options.layer = factory(nn, spec.wrap.cls)(spec.wrap.options);
  return factory(nn, spec.cls)(options);
}
