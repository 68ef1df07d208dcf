// The GANs the page (and the slow test) can train, written as the Keras scripts they come from:
// the discriminator is compiled on its own, frozen, and stacked under the generator into the
// combined model, which is compiled with the frozen discriminator (trainable is read at compile).

function compileGan(nn, generator, discriminator, makeOptimizer) {
  discriminator.compile({ optimizer: makeOptimizer(), loss: 'binaryCrossentropy' });
  discriminator.trainable = false;
  const gan = nn.sequential({ name: 'gan', layers: [generator, discriminator] });
  gan.compile({ optimizer: makeOptimizer(), loss: 'binaryCrossentropy' });
  return { generator, discriminator, gan };
}

export const GAN_ARCHITECTURES = {
  // The seed's dense GAN: 32-d noise, selu hidden layers, a sigmoid image, RMSprop.
  dense: {
    label: 'Dense GAN (32-d noise → 128 → 256 selu → 784 sigmoid; D 784 → 256 → 128 selu → 1)',
    latentDim: 32,
    pixelRange: [0, 1],
    build(nn, { learningRate = 1e-3 } = {}) {
      const generator = nn.sequential({ name: 'generator', layers: [
        nn.layers.dense({ units: 128, activation: 'selu', inputShape: [32] }),
        nn.layers.dense({ units: 256, activation: 'selu' }),
        nn.layers.dense({ units: 784, activation: 'sigmoid' }),
        nn.layers.reshape({ targetShape: [28, 28, 1] }),
      ] });
      const discriminator = nn.sequential({ name: 'discriminator', layers: [
        nn.layers.flatten({ inputShape: [28, 28, 1] }),
        nn.layers.dense({ units: 256, activation: 'selu' }),
        nn.layers.dense({ units: 128, activation: 'selu' }),
        nn.layers.dense({ units: 1, activation: 'sigmoid' }),
      ] });
      return compileGan(nn, generator, discriminator, () => nn.optimizers.rmsprop({ learningRate }));
    },
  },
  // The seed's DCGAN (transposed convolutions with BatchNorm, LeakyReLU in D, a tanh image),
  // at half the seed's widths and 4x4 kernels: the seed's 128/64-channel 5x5 version costs
  // ~17 GFLOP per step of 64, seconds per step on a laptop core; this one ~6x less.
  dcgan: {
    label: 'DCGAN (64-d noise → 7×7×64 → BN → ConvT 32 → BN → ConvT 1 tanh; D conv 32 → conv 64, LeakyReLU)',
    latentDim: 64,
    pixelRange: [-1, 1],
    build(nn, { learningRate = 2e-4 } = {}) {
      const generator = nn.sequential({ name: 'generator', layers: [
        nn.layers.dense({ units: 7 * 7 * 64, inputShape: [64] }),
        nn.layers.reshape({ targetShape: [7, 7, 64] }),
        nn.layers.batchNormalization(),
        nn.layers.conv2dTranspose({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', activation: 'selu' }),
        nn.layers.batchNormalization(),
        nn.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
      ] });
      const discriminator = nn.sequential({ name: 'discriminator', layers: [
        nn.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }),
        nn.layers.leakyReLU({ alpha: 0.2 }),
        nn.layers.dropout({ rate: 0.4 }),
        nn.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same' }),
        nn.layers.leakyReLU({ alpha: 0.2 }),
        nn.layers.dropout({ rate: 0.4 }),
        nn.layers.flatten(),
        nn.layers.dense({ units: 1, activation: 'sigmoid' }),
      ] });
      return compileGan(nn, generator, discriminator,
        () => nn.optimizers.adam({ learningRate, beta1: 0.5 }));
    },
  },
};
