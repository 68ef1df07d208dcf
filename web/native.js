// The seam between the typed facade and the Embind module: every native call goes through
// call(), which turns a recorded engine error into a JS Error (the engine never throws into
// JS, see wasm/guard.hpp), and every wasm-backed object derives from NativeHandle.

const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { if (!handle.isDeleted()) handle.delete(); })
  : null;

export function makeCall(native) {
  return function call(fn) {
    const result = fn();
    const message = native.lastError();
    if (message) {
      if (result && typeof result.delete === 'function' && !result.isDeleted()) result.delete();
      throw new Error(message);
    }
    return result;
  };
}

// A JS object owning one Embind handle. dispose() frees it now; a finalizer frees it if the
// object is garbage-collected undisposed (a safety net, not a substitute for dispose()).
export class NativeHandle {
  constructor(handle, kind) {
    this._handle = handle;
    this._kind = kind;
    if (finalizer) finalizer.register(this, handle, this);
  }

  get native() {
    if (!this._handle) throw new Error(`${this._kind} has been disposed`);
    return this._handle;
  }

  get isDisposed() { return this._handle === null; }

  dispose() {
    if (!this._handle) return;
    if (finalizer) finalizer.unregister(this);
    if (!this._handle.isDeleted()) this._handle.delete();
    this._handle = null;
  }
}

// Keras configs are snake_case; the JS API is camelCase like TF.js. Keys only: values such as
// activation names are understood by the engine in either spelling.
const SPECIAL_KEYS = { beta1: 'beta_1', beta2: 'beta_2', className: 'class_name' };

export function snakeKey(key) {
  if (SPECIAL_KEYS[key]) return SPECIAL_KEYS[key];
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function toSnakeConfig(value, where, key = '') {
  if (Array.isArray(value)) return value.map((v) => toSnakeConfig(v, where, key));
  if (value === null || typeof value !== 'object') {
    const option = key ? `option '${key}'` : 'option values';
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new Error(`${where}: ${option} must be plain data, got a ${typeof value}`);
    }
    // JSON has no NaN/Infinity: they would arrive as null, which means "use the default".
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(`${where}: ${option} must be a finite number, got ${value}`);
    }
    return value;
  }
  if (ArrayBuffer.isView(value)) return Array.from(value);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new Error(`${where}: options must be a plain object, got ${value.constructor?.name ?? 'an object'}`);
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[snakeKey(k)] = toSnakeConfig(v, where, snakeKey(k));
  }
  return out;
}

export function requirePlainObject(value, where) {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: expected an options object, got ${describe(value)}`);
  }
  return value;
}

export function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${value.length}`;
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `${typeof value} ${String(value)}`;
}

export function yieldToEventLoop() {
  return typeof setImmediate === 'function'
    ? new Promise((resolve) => setImmediate(resolve))
    : new Promise((resolve) => setTimeout(resolve, 0));
}
