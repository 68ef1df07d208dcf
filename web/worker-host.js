// Page side of a training worker: starts a module Web Worker, calls the functions it serves
// (promises) and receives the events it emits (progress, metrics, samples). Pages never run
// the engine on the main thread, so they stay responsive while a model trains.
// Calls pending when the worker crashes or is terminated reject with this: `workerDied` tells
// a page to start a new worker (and resume from a backup) rather than report a bad call.
function workerDeath(message) {
  const error = new Error(message);
  error.workerDied = true;
  return error;
}

export class WorkerHost {
  constructor(scriptUrl) {
    this.worker = new Worker(scriptUrl, { type: 'module' });
    this.pending = new Map();
    this.listeners = new Map();
    this.nextId = 1;
    this.worker.onmessage = ({ data }) => this._receive(data);
    this.worker.onerror = (event) => {
      const error = workerDeath(`training worker failed: ${event.message}`);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
      this._emit('error', { message: error.message });
    };
  }

  // Calls `method` in the worker; resolves with its return value, rejects with its Error.
  call(method, args = {}, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args }, transfer);
    });
  }

  on(event, listener) {
    if (!this.listeners.has(event)) this.listeners.set(event, []);
    this.listeners.get(event).push(listener);
    return this;
  }

  terminate() {
    this.worker.terminate();
    for (const { reject } of this.pending.values()) reject(workerDeath('training worker terminated'));
    this.pending.clear();
  }

  _emit(event, data) {
    for (const listener of this.listeners.get(event) ?? []) listener(data);
  }

  _receive(message) {
    if (message.event) {
      this._emit(message.event, message.data);
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) return;
    this.pending.delete(message.id);
    if (message.error) entry.reject(new Error(message.error));
    else entry.resolve(message.result);
  }
}
