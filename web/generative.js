// Generative models: random tensors drawn by the engine's seeded Rng, and the GAN trainer (one
// engine call per step, so a page can redraw samples between steps). No math here.
import { NativeHandle, describe, requirePlainObject, toSnakeConfig } from './native.js';
import { Tensor } from './tensor.js';
import { Model } from './model.js';

const RANDOM_OPTIONS = {
  randomNormal: ['mean', 'stddev', 'seed'],
  randomUniform: ['minval', 'maxval', 'seed'],
};

function checkKnown(options, known, where) {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`${where}: unknown option '${key}' (expected ${known.join(', ')})`);
  }
}

export class GanTrainer extends NativeHandle {
  constructor(api, handle, models) {
    super(handle, 'GanTrainer');
    this._api = api;
    this._models = models;  // kept so the models outlive the trainer on the JS side too
  }

  // One step: D on real + fake, then G through the frozen D. Returns {dLoss, gLoss, dReal, dFake}.
  step(realBatch) {
    if (!(realBatch instanceof Tensor)) {
      throw new Error(`ganTrainer.step: realBatch must be an nn.Tensor, got ${describe(realBatch)}`);
    }
    return this._api.call(() => this.native.step(realBatch.native));
  }

  // The noise stream's position (4 unsigned 32-bit integers): with the three models' files
  // (saved with includeOptimizer) it is all a checkpoint needs to continue bit for bit.
  randomState() {
    return this._api.call(() => this.native.randomState());
  }

  setRandomState(state) {
    this._api.call(() => this.native.setRandomState(state));
  }
}

export function makeGenerative(api) {
  const random = (kind) => (shape, options = {}) => {
    if (!Array.isArray(shape)) throw new Error(`${kind}: shape must be an array, got ${describe(shape)}`);
    const opts = requirePlainObject(options, kind);
    checkKnown(opts, RANDOM_OPTIONS[kind], kind);
    const config = toSnakeConfig(opts, kind);
    return new Tensor(api.call(() => api.native[kind](shape, JSON.stringify(config))));
  };

  function ganTrainer(options) {
    const where = 'ganTrainer';
    const opts = requirePlainObject(options, where);
    checkKnown(opts, ['generator', 'discriminator', 'gan', 'latentDim', 'labelSmoothing', 'seed'], where);
    const { generator, discriminator, gan, latentDim, labelSmoothing = 0, seed = 0 } = opts;
    for (const [name, m] of [['generator', generator], ['discriminator', discriminator], ['gan', gan]]) {
      if (!(m instanceof Model)) throw new Error(`${where}: ${name} must be a model (nn.sequential / nn.model), got ${describe(m)}`);
    }
    const config = toSnakeConfig({ latentDim, labelSmoothing, seed }, where);
    const handle = api.call(() => api.native.makeGanTrainer(generator.native, discriminator.native, gan.native,
      JSON.stringify(config)));
    return new GanTrainer(api, handle, [generator, discriminator, gan]);
  }

  return {
    randomNormal: random('randomNormal'),
    randomUniform: random('randomUniform'),
    training: { ganTrainer },
  };
}
