// Type declarations for the simdnn JS API.

export type Shape = number[];
export type Logs = Record<string, number>;

export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

export declare class Tensor implements Disposable {
  readonly shape: Shape;
  readonly rank: number;
  readonly size: number;
  dataSync(): Float32Array;
  data(): Promise<Float32Array>;
  arraySync(): any;
  dispose(): void;
  readonly isDisposed: boolean;
}

export declare class SymbolicTensor implements Disposable {
  readonly shape: Array<number | null>;
  dispose(): void;
  readonly isDisposed: boolean;
}

export declare class Layer implements Disposable {
  readonly name: string;
  trainable: boolean;
  readonly built: boolean;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  countParams(): number;
  apply(inputs: SymbolicTensor): SymbolicTensor | SymbolicTensor[];
  apply(inputs: SymbolicTensor[]): SymbolicTensor | SymbolicTensor[];
  /** The layer's output in the model it was taken from, or of its latest apply(). */
  readonly output: SymbolicTensor | SymbolicTensor[];
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
  dispose(): void;
  readonly isDisposed: boolean;
}

export interface Callbacks {
  /** Called with the model before training starts (TF.js BaseCallback.setModel). */
  setModel?(model: Model): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export declare class NativeCallback implements Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: [Tensor | Tensor[], Tensor | Tensor[]];
  callbacks?: Callbacks | NativeCallback | Array<Callbacks | NativeCallback>;
  initialEpoch?: number;
  /** Milliseconds between yields to the event loop during fit(), or 'never'. Default 25. */
  yieldEvery?: number | 'auto' | 'never';
  verbose?: number;
}

export declare class History {
  epoch: number[];
  history: Record<string, number[]>;
}

export interface LossSpec { name: string; config: Record<string, unknown> }

export interface CompileArgs {
  optimizer: string | Optimizer;
  loss: string | LossSpec | Array<string | LossSpec>;
  metrics?: string | string[];
  lossWeights?: number[];
}

export interface ModelArtifacts {
  modelJson: Record<string, unknown>;
  weights: Uint8Array;
}

/** A TF.js-style IO handler: where save()/loadModel()/checkpoints go instead of a URL. */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<unknown> | unknown;
  load?(): Promise<ModelArtifacts | TfjsModelArtifacts | null> | ModelArtifacts | TfjsModelArtifacts | null;
  /** BackupAndRestore calls it when a fit completes (deleteCheckpoint). */
  remove?(): Promise<unknown> | unknown;
}

/** TF.js's own artifacts, as tf.io handlers (tf.io.fromMemory, ...) give them; loadModel takes these too. */
export interface TfjsModelArtifacts {
  modelTopology: object;
  weightSpecs: object[];
  weightData: ArrayBuffer | ArrayBuffer[];
  trainingConfig?: object;
  userDefinedMetadata?: object;
}

/** A Keras LearningRateSchedule in the engine (per optimizer step). */
export declare class Schedule implements Disposable {
  getClassName(): string;
  /** The learning rate at a 0-based step. */
  value(step: number): number;
  /** {class_name, config}, as Keras serialises a schedule in an optimizer config. */
  toJSON(): { class_name: string; config: Record<string, unknown> };
  dispose(): void;
  readonly isDisposed: boolean;
}

export declare class Model extends Layer {
  readonly layers: Layer[];
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  readonly optimizer: Optimizer | null;
  stopTraining: boolean;
  add(layer: Layer): void;
  getLayer(name: string): Layer;
  summary(lineLength?: number, positions?: unknown, printFn?: ((text: string) => void) | null): string;
  compile(args: CompileArgs): void;
  fit(x: Tensor | Tensor[], y: Tensor | Tensor[], args?: FitArgs): Promise<History>;
  evaluate(x: Tensor | Tensor[], y: Tensor | Tensor[], args?: { batchSize?: number }): Logs;
  predict(x: Tensor | Tensor[], args?: { batchSize?: number }): Tensor | Tensor[];
  predictOnBatch(x: Tensor | Tensor[]): Tensor | Tensor[];
  /** Logs of this batch; `loss` is the total (compiled losses + added losses such as kl_loss). */
  trainOnBatch(x: Tensor | Tensor[], y: Tensor | Tensor[]): Logs;
  /** The last train/test batch's loss by part: `{loss}`, or with added losses (a Sampling layer)
   *  `{loss, reconstruction, kl_loss}` where reconstruction is the compiled losses' part. */
  lastLosses(): { loss: number; reconstruction?: number; kl_loss?: number; [term: string]: number | undefined };
  toJSON(): Record<string, unknown>;
  /** includeOptimizer (default false, as TF.js) adds trainingConfig, the optimizer's weights and
   * the random state: loadModel then gives a compiled model that resumes training exactly. */
  save(url?: string | IOHandler, options?: { includeOptimizer?: boolean }): Promise<ModelArtifacts>;
  /** Keras load_weights: files of a model with the same architecture, matched by position (shapes
   * checked); a compiled model also takes their optimizer and random state. */
  loadWeights(source: string | IOHandler | ModelArtifacts): Promise<void>;
}

/** One GAN step's figures: losses as train_on_batch reports them, mean D outputs before D's update. */
export interface GanStepResult { dLoss: number; gLoss: number; dReal: number; dFake: number }

export interface GanTrainerArgs {
  generator: Model;
  /** Compiled on its own, output [batch, 1]. */
  discriminator: Model;
  /** sequential([generator, discriminator]) compiled after `discriminator.trainable = false`. */
  gan: Model;
  latentDim: number;
  /** Real labels are 1 - labelSmoothing (default 0). */
  labelSmoothing?: number;
  /** Seed of the trainer's noise stream (default 0). */
  seed?: number;
}

export declare class GanTrainer implements Disposable {
  /** D.trainOnBatch on real (1 - labelSmoothing) + fake (0) samples, then gan.trainOnBatch(noise, ones). */
  step(realBatch: Tensor): GanStepResult;
  /** The noise stream's position: 4 unsigned 32-bit integers, for checkpoints. */
  randomState(): number[];
  setRandomState(state: number[]): void;
  dispose(): void;
  readonly isDisposed: boolean;
}

export declare class Optimizer implements Disposable {
  learningRate: number;
  readonly iterations: number;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  dispose(): void;
  readonly isDisposed: boolean;
}

/** Layer options: Keras/TF.js options in camelCase, e.g. {units: 10, activation: 'relu', inputShape: [4]}. */
/** Vocabulary file: words[i] has id i + 2; ids are < num_words (0 = padding, 1 = OOV). */
export interface VocabularyJSON {
  format: 'simdnn-vocabulary';
  version: 1;
  padding: 0;
  oov: 1;
  num_words: number;
  words: string[];
}

/** Word-level tokenizer (Keras Tokenizer(num_words, oov_token) semantics), wasm-backed.
 *  Create through a loaded module: `new nn.text.Tokenizer({numWords})`; the class exported by
 *  the package is for `instanceof`. */
export declare class Tokenizer implements Disposable {
  constructor(options: { numWords: number });
  static fromJSON(json: VocabularyJSON | string): Tokenizer;
  fitOnTexts(texts: string[]): this;
  /** One Int32Array per text (views onto one shared buffer). */
  textsToSequences(texts: string[]): Int32Array[];
  textToSequence(text: string): Int32Array;
  /** Id of an already standardised word; 1 when out of vocabulary. */
  wordId(word: string): number;
  readonly numWords: number;
  readonly documentCount: number;
  /** Distinct words counted by fitOnTexts, kept or not (0 for a loaded vocabulary). */
  readonly countedWords: number;
  words(): string[];
  wordIndex(): Map<string, number>;
  toJSON(): VocabularyJSON;
  dispose(): void;
  readonly isDisposed: boolean;
}

export interface PadSequencesOptions {
  /** Default: the longest sequence. */
  maxlen?: number | null;
  padding?: 'pre' | 'post';
  truncating?: 'pre' | 'post';
  value?: number;
}

export type LayerArgs = Record<string, unknown>;
type OptimizerFactory = (learningRateOrOptions?: number | Schedule | Record<string, unknown>, ...rest: unknown[]) => Optimizer;
type Mode = 'auto' | 'min' | 'max';

export interface Simdnn {
  version: string;
  tensor(values: ArrayLike<number> | number[] | number[][] | any[], shape?: Shape): Tensor;
  input(args: { shape: Shape; name?: string }): SymbolicTensor;
  layers: {
    dense(args: LayerArgs): Layer;
    activation(args: LayerArgs): Layer;
    dropout(args: LayerArgs): Layer;
    flatten(args?: LayerArgs): Layer;
    reshape(args: LayerArgs): Layer;
    gaussianNoise(args: LayerArgs): Layer;
    add(args?: LayerArgs): Layer;
    concatenate(args?: LayerArgs): Layer;
    inputLayer(args: LayerArgs): Layer;
    embedding(args: { inputDim: number; outputDim: number; maskZero?: boolean } & LayerArgs): Layer;
    lstm(args: { units: number; returnSequences?: boolean; returnState?: boolean; goBackwards?: boolean; dropout?: number; recurrentDropout?: number } & LayerArgs): Layer;
    gru(args: { units: number; resetAfter?: boolean; returnSequences?: boolean; returnState?: boolean; goBackwards?: boolean; dropout?: number } & LayerArgs): Layer;
    simpleRNN(args: { units: number; returnSequences?: boolean; returnState?: boolean; goBackwards?: boolean; dropout?: number; recurrentDropout?: number } & LayerArgs): Layer;
    /** Keras Bidirectional: `layer` is copied (a forward and a backward copy); mergeMode defaults to 'concat'. */
    bidirectional(args: { layer: Layer; mergeMode?: 'concat' | 'sum' | 'ave' | 'mul' | null; backwardLayer?: Layer } & LayerArgs): Layer;
    timeDistributed(args: { layer: Layer } & LayerArgs): Layer;
    masking(args?: { maskValue?: number } & LayerArgs): Layer;
    /** Keras UpSampling2D: size [rows, cols] or one number; bilinear uses TF2 half-pixel centres. */
    upSampling2d(args?: { size?: number | [number, number]; interpolation?: 'nearest' | 'bilinear' } & LayerArgs): Layer;
    /** Keras Conv2DTranspose; kernel layout [kh, kw, filters, inChannels]. */
    conv2dTranspose(args: { filters: number; kernelSize: number | [number, number]; strides?: number | [number, number];
      padding?: 'same' | 'valid'; useBias?: boolean; activation?: string } & LayerArgs): Layer;
    /** VAE reparameterisation: apply to [zMean, zLogVar]; adds klWeight * KL as the add_loss term kl_loss. */
    sampling(args?: { klWeight?: number } & LayerArgs): Layer;
    [factory: string]: (args?: LayerArgs) => Layer;
  };
  sequential(args?: { layers?: Layer[]; name?: string }): Model;
  model(args: { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string }): Model;
  /** Files with a trainingConfig (saved with includeOptimizer) load compiled, optimizer state included. */
  /** URLs: file:// (Node), http(s) or relative, indexeddb://name, localstorage://name. */
  loadModel(source: string | ModelArtifacts | TfjsModelArtifacts | IOHandler): Promise<Model>;
  io: {
    /** The model.json File first, then its weight Files (an <input type=file multiple>). */
    browserFiles(files: ArrayLike<File>): IOHandler;
    /** The handler behind indexeddb://, localstorage:// or downloads:// URLs (null for others). */
    handler(url: string): IOHandler | null;
  };
  optimizers: {
    sgd: OptimizerFactory; momentum: OptimizerFactory; rmsprop: OptimizerFactory; adam: OptimizerFactory;
    adamw: OptimizerFactory; adagrad: OptimizerFactory; adadelta: OptimizerFactory;
  };
  losses: Record<string, (config?: Record<string, unknown>) => LossSpec>;
  callbacks: {
    earlyStopping(args?: { monitor?: string; minDelta?: number; patience?: number; mode?: 'auto' | 'min' | 'max';
      baseline?: number; restoreBestWeights?: boolean; startFromEpoch?: number }): NativeCallback;
    /** Keras defaults: monitor 'val_loss', factor 0.1, patience 10, minDelta 1e-4, cooldown 0, minLr 0. */
    reduceLROnPlateau(args?: { monitor?: string; factor?: number; patience?: number; mode?: Mode; minDelta?: number;
      cooldown?: number; minLr?: number; verbose?: number }): NativeCallback;
    /** Sets the rate at every epoch start: schedule(epoch, lr) => lr (a JS function), or an engine schedule at step = epoch. */
    learningRateScheduler(schedule: ((epoch: number, lr: number) => number | Promise<number>) | Schedule): NativeCallback | Callbacks;
    /** Stops training after the first batch with a NaN or infinite loss. */
    terminateOnNaN(): NativeCallback;
    /** filepath: a URL with Keras format fields ('file://ckpt/e{epoch:02d}-{val_loss:.4f}'), or an IO handler.
     * Full checkpoints include the optimizer state; saveWeightsOnly leaves it out. saveFreq: 'epoch' or N (after every N-th batch, counted across epochs; '{batch}' in filepath). */
    modelCheckpoint(args: { filepath: string | IOHandler; monitor?: string; saveBestOnly?: boolean; saveWeightsOnly?: boolean;
      mode?: Mode; saveFreq?: 'epoch' | number; initialValueThreshold?: number; verbose?: number }): NativeCallback;
    /** Node: appends one row per epoch (columns sorted as Keras does). */
    csvLogger(args: { filename: string; separator?: string; append?: boolean }): NativeCallback;
    /** A Keras-style progress bar on stdout (Node scripts); finished lines only when stdout is not a terminal. */
    progressBar(args?: { width?: number }): NativeCallback;
    /** Backs up model, optimizer state, random state, epoch and history after every epoch; a fit started
     * with a backup present resumes after its epoch; a completed fit deletes it (deleteCheckpoint). */
    backupAndRestore(args: { backupDir: string | IOHandler; deleteCheckpoint?: boolean; saveFreq?: 'epoch' }): NativeCallback;
  };
  schedules: {
    exponentialDecay(args: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): Schedule;
    piecewiseConstantDecay(args: { boundaries: number[]; values: number[] }): Schedule;
    cosineDecay(args: { initialLearningRate: number; decaySteps: number; alpha?: number; warmupTarget?: number | null;
      warmupSteps?: number }): Schedule;
  };
  text: {
    Tokenizer: typeof Tokenizer;
    tokenizer(options: { numWords: number }): Tokenizer;
    /** The standardised words of a text, as the Tokenizer sees them. */
    splitWords(text: string): string[];
    /** Keras pad_sequences; values are row-major [shape[0], shape[1]]. */
    padSequences(sequences: Array<Int32Array | number[]>, options?: PadSequencesOptions): { values: Int32Array; shape: [number, number] };
  };
  /** Tensors from the engine's seeded Rng; without a seed they draw from the global stream (setSeed). */
  randomNormal(shape: Shape, args?: { mean?: number; stddev?: number; seed?: number }): Tensor;
  randomUniform(shape: Shape, args?: { minval?: number; maxval?: number; seed?: number }): Tensor;
  training: {
    ganTrainer(args: GanTrainerArgs): GanTrainer;
  };
  setSeed(seed: number): void;
  memory(): { wasmBytesInUse: number; wasmHeapBytes: number };
  /** Engine threads in use: 1 for the single-threaded build. */
  threads(): number;
  /**
   * Sets the engine thread count, 1 up to what the loaded build has (the single-threaded build:
   * 1; the threaded build: up to 4). Results are bitwise the same for any count.
   */
  setThreads(threads: number): void;
}

export interface LoadOptions {
  /**
   * 1: the single-threaded build; more: the threaded build with that many engine threads
   * (Node, or a cross-origin isolated page/worker). Default: the threaded build with one
   * thread per core when crossOriginIsolated, else the single-threaded build.
   */
  threads?: number;
}

export declare function load(options?: LoadOptions): Promise<Simdnn>;
