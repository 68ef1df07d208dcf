// The autoencoders the page (and the slow tests) can train, written as the Keras scripts they
// come from. Every one is built from an encoder (image -> 2-d code) and a decoder (code ->
// image) that are models of their own, so the page can encode the test set and decode any
// point of the latent plane with the weights being trained.

const IMAGE = [28, 28, 1];

function denseBody(nn, layers, input) {
  let x = nn.layers.flatten().apply(input);
  for (const units of layers) x = nn.layers.dense({ units, activation: 'relu' }).apply(x);
  return x;
}

function convBody(nn, input) {
  let x = nn.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input);
  x = nn.layers.maxPooling2d({ poolSize: 2 }).apply(x);
  x = nn.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  x = nn.layers.maxPooling2d({ poolSize: 2 }).apply(x);
  x = nn.layers.flatten().apply(x);
  return nn.layers.dense({ units: 64, activation: 'relu' }).apply(x);
}

function denseDecoder(nn, latentDim, layers) {
  return nn.sequential({ name: 'decoder', layers: [
    nn.layers.dense({ units: layers[0], activation: 'relu', inputShape: [latentDim] }),
    ...layers.slice(1).map((units) => nn.layers.dense({ units, activation: 'relu' })),
    nn.layers.dense({ units: 784, activation: 'sigmoid' }),
    nn.layers.reshape({ targetShape: IMAGE }),
  ] });
}

// The seed's convolutional decoder: upsampling and convolutions back to 28 x 28.
function convDecoder(nn, latentDim) {
  return nn.sequential({ name: 'decoder', layers: [
    nn.layers.dense({ units: 7 * 7 * 32, activation: 'relu', inputShape: [latentDim] }),
    nn.layers.reshape({ targetShape: [7, 7, 32] }),
    nn.layers.upSampling2d({ size: 2 }),
    nn.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
    nn.layers.upSampling2d({ size: 2 }),
    nn.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
    nn.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
  ] });
}

/**
 * Builds {autoencoder, encoder, decoder} compiled for training on (x, x).
 *   kind: 'ae' (deterministic code) or 'vae' (z_mean, z_log_var and a Sampling layer that adds
 *         the KL term, weighted 1/784 because the reconstruction loss is a per-pixel mean, as
 *         in the seed's VAE)
 *   body: 'dense' or 'conv'
 *   denoise: a GaussianNoise layer on the input, active only while training: noise in, clean out
 * The encoder model maps an image to its code (z_mean for a VAE).
 */
export function buildAutoencoder(nn, { kind = 'ae', body = 'dense', latentDim = 2, denoise = false, learningRate = 1e-3 } = {}) {
  const input = nn.input({ shape: IMAGE, name: 'image' });
  const noisy = denoise ? nn.layers.gaussianNoise({ stddev: 0.4 }).apply(input) : input;
  const features = body === 'conv' ? convBody(nn, noisy) : denseBody(nn, [512, 128], noisy);
  const decoder = body === 'conv' ? convDecoder(nn, latentDim) : denseDecoder(nn, latentDim, [128, 512]);
  let code, z;
  if (kind === 'vae') {
    code = nn.layers.dense({ units: latentDim, name: 'z_mean' }).apply(features);
    const logVar = nn.layers.dense({ units: latentDim, name: 'z_log_var' }).apply(features);
    z = nn.layers.sampling({ klWeight: 1 / 784, name: 'sampling' }).apply([code, logVar]);
  } else {
    code = nn.layers.dense({ units: latentDim, name: 'code' }).apply(features);
    z = code;
  }
  const autoencoder = nn.model({ inputs: input, outputs: decoder.apply(z), name: `${kind}_${body}` });
  const encoder = nn.model({ inputs: input, outputs: code, name: 'encoder' });
  autoencoder.compile({ optimizer: nn.optimizers.adam({ learningRate }), loss: 'binaryCrossentropy' });
  return { autoencoder, encoder, decoder };
}

export const AUTOENCODERS = {
  'ae-dense': { label: 'Autoencoder, dense (784 → 512 → 128 → 2 → 128 → 512 → 784)', kind: 'ae', body: 'dense' },
  'ae-conv': { label: 'Autoencoder, convolutional (conv 16 → pool → conv 32 → pool → 2; upsampling decoder)', kind: 'ae', body: 'conv' },
  'vae-dense': { label: 'Variational autoencoder, dense (2-d Gaussian latent, KL term)', kind: 'vae', body: 'dense' },
  'vae-conv': { label: 'Variational autoencoder, convolutional', kind: 'vae', body: 'conv' },
};

// The seed's stacked autoencoder on Fashion-MNIST: 784-128-64-32-64-128-784.
export function stackedAutoencoder(nn, { learningRate = 1e-3 } = {}) {
  const model = nn.sequential({ name: 'stacked_ae', layers: [
    nn.layers.flatten({ inputShape: IMAGE }),
    nn.layers.dense({ units: 128, activation: 'relu' }),
    nn.layers.dense({ units: 64, activation: 'relu' }),
    nn.layers.dense({ units: 32, activation: 'relu' }),
    nn.layers.dense({ units: 64, activation: 'relu' }),
    nn.layers.dense({ units: 128, activation: 'relu' }),
    nn.layers.dense({ units: 784, activation: 'sigmoid' }),
    nn.layers.reshape({ targetShape: IMAGE }),
  ] });
  model.compile({ optimizer: nn.optimizers.adam({ learningRate }), loss: 'binaryCrossentropy' });
  return model;
}
