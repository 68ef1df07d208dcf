// nn.callbacks.* and nn.schedules.*: the engine's Keras callbacks and learning-rate schedules.
// The engine decides when to checkpoint, log or stop; callbacks that write (checkpoints,
// backups, CSV, progress) queue actions that model.fit performs through nn's IO (web/io.js).
import { NativeHandle, describe, requirePlainObject, toSnakeConfig } from './native.js';
import { NativeCallback } from './training.js';

// A Keras LearningRateSchedule in the engine: pass it as an optimizer's learningRate, or to
// callbacks.learningRateScheduler. value(step) evaluates it (for plots and tests).
export class Schedule extends NativeHandle {
  constructor(api, handle) {
    super(handle, 'LearningRateSchedule');
    this._api = api;
  }

  getClassName() { return this.native.className(); }
  value(step) { return this._api.call(() => this.native.value(step)); }
  // {class_name, config}: how Keras serialises a schedule inside an optimizer config.
  toJSON() { return JSON.parse(this.native.specJson()); }
}

export function makeSchedules(api) {
  const create = (className, kind) => (options) => {
    const config = toSnakeConfig(requirePlainObject(options, `schedules.${kind}`), `schedules.${kind}`);
    return new Schedule(api, api.call(() => api.native.makeSchedule(className, JSON.stringify(config))));
  };
  return {
    exponentialDecay: create('ExponentialDecay', 'exponentialDecay'),
    piecewiseConstantDecay: create('PiecewiseConstantDecay', 'piecewiseConstantDecay'),
    cosineDecay: create('CosineDecay', 'cosineDecay'),
  };
}

// Prints progress-bar lines: in a Node terminal one line redrawn at most every 100 ms,
// elsewhere only the finished lines.
function progressPrinter() {
  const tty = typeof process !== 'undefined' && process.stdout?.isTTY;
  let last = 0;
  return ({ text, final }) => {
    if (!tty) {
      if (final) console.log(text);
      return;
    }
    const now = Date.now();
    if (!final && now - last < 100) return;
    last = now;
    process.stdout.write(`\r${text}\x1b[K${final ? '\n' : ''}`);
  };
}

export function makeCallbacks(api) {
  const native = (kind, className, options, extra = {}) => {
    const where = `callbacks.${kind}`;
    const config = toSnakeConfig({ ...requirePlainObject(options, where), ...extra }, where);
    const cb = new NativeCallback(api.call(() => api.native[kind](JSON.stringify(config))), className);
    return cb;
  };
  return {
    earlyStopping: (options = {}) => native('earlyStopping', 'EarlyStopping', options),
    reduceLROnPlateau: (options = {}) => native('reduceLROnPlateau', 'ReduceLROnPlateau', options),
    terminateOnNaN: () => new NativeCallback(api.call(() => api.native.terminateOnNaN()), 'TerminateOnNaN'),
    csvLogger(options = {}) {
      const cb = native('csvLogger', 'CSVLogger', options);
      return cb;
    },
    progressBar(options = {}) {
      const cb = native('progressBar', 'ProgressBar', options);
      cb._print = progressPrinter();
      return cb;
    },
    // filepath: a URL such as 'file://ckpt/epoch-{epoch:02d}' (Keras format fields), or an IO
    // handler object with save(artifacts) that receives every checkpoint.
    modelCheckpoint(options = {}) {
      const { filepath, ...rest } = requirePlainObject(options, 'callbacks.modelCheckpoint');
      const handler = filepath !== null && typeof filepath === 'object' ? filepath : null;
      if (handler && typeof handler.save !== 'function') {
        throw new Error(`callbacks.modelCheckpoint: filepath must be a URL string or a handler with save(), got ${describe(filepath)}`);
      }
      if (!handler && typeof filepath !== 'string') {
        throw new Error(`callbacks.modelCheckpoint: filepath must be a URL string or a handler with save(), got ${describe(filepath)}`);
      }
      const cb = native('modelCheckpoint', 'ModelCheckpoint', rest, { filepath: handler ? 'handler' : filepath });
      cb._handler = handler;
      return cb;
    },
    // backupDir: a URL ('file://dir' in Node) or a handler with save(), load() and remove().
    backupAndRestore(options = {}) {
      const { backupDir, ...rest } = requirePlainObject(options, 'callbacks.backupAndRestore');
      const handler = backupDir !== null && typeof backupDir === 'object' ? backupDir : null;
      if (handler && !['save', 'load'].every((m) => typeof handler[m] === 'function')) {
        throw new Error(`callbacks.backupAndRestore: backupDir handler needs save() and load(), got ${describe(backupDir)}`);
      }
      if (!handler && typeof backupDir !== 'string') {
        throw new Error(`callbacks.backupAndRestore: backupDir must be a URL string or a handler, got ${describe(backupDir)}`);
      }
      const cb = native('backupAndRestore', 'BackupAndRestore', rest, { backupDir: handler ? 'handler' : backupDir });
      cb._backup = handler ?? backupDir;
      return cb;
    },
    // schedule: an nn.schedules.* schedule (evaluated by the engine at the epoch number) or a
    // JS function (epoch, lr) => newLr, as in Keras.
    learningRateScheduler(schedule) {
      if (schedule instanceof Schedule) {
        return new NativeCallback(api.call(() => api.native.learningRateScheduler(schedule.native)), 'LearningRateScheduler');
      }
      if (typeof schedule !== 'function') {
        throw new Error(`callbacks.learningRateScheduler: schedule must be a function (epoch, lr) => lr or an nn.schedules.* schedule, got ${describe(schedule)}`);
      }
      let model = null;
      return {
        setModel(m) { model = m; },
        async onEpochBegin(epoch) {
          const lr = await schedule(epoch, model.optimizer.learningRate);
          if (typeof lr !== 'number' || !Number.isFinite(lr)) {
            throw new Error(`callbacks.learningRateScheduler: the schedule returned ${describe(lr)} for epoch ${epoch}; expected a finite number`);
          }
          model.optimizer.learningRate = lr;
        },
      };
    },
  };
}
