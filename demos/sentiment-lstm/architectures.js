// The sentiment models, defined once for the Node training script (the shipped model) and the
// page's training worker. Token ids: 0 = padding, 1 = out of vocabulary, 2.. = words by frequency.
// Recurrent models mask the padding (maskZero), so pre- or post-padding reads the same.

// Embedding(maskZero) -> one recurrent layer -> Dense sigmoid; `recurrent` makes the middle layer.
function recurrentModel(recurrent) {
  return (nn, { maxlen, vocabSize, embedding = 32, units = 32, dropout = 0.2 }) => nn.sequential({ layers: [
    nn.layers.embedding({ inputDim: vocabSize, outputDim: embedding, maskZero: true, inputShape: [maxlen] }),
    recurrent(nn, { units, dropout }),
    nn.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
}

export const ARCHITECTURES = {
  bilstm: {
    label: 'Bidirectional LSTM',
    build: recurrentModel((nn, options) => nn.layers.bidirectional({ layer: nn.layers.lstm(options) })),
  },
  lstm: { label: 'LSTM', build: recurrentModel((nn, options) => nn.layers.lstm(options)) },
  gru: { label: 'GRU', build: recurrentModel((nn, options) => nn.layers.gru(options)) },
  cnn: {
    label: 'Text CNN (Conv1D + global max pooling)',
    build: (nn, { maxlen, vocabSize, embedding = 32, filters = 64 }) => nn.sequential({ layers: [
      nn.layers.embedding({ inputDim: vocabSize, outputDim: embedding, inputShape: [maxlen] }),
      nn.layers.dropout({ rate: 0.2 }),
      nn.layers.conv1d({ filters, kernelSize: 5, activation: 'relu' }),
      nn.layers.globalMaxPooling1d(),
      nn.layers.dense({ units: 1, activation: 'sigmoid' }),
    ] }),
  },
};
