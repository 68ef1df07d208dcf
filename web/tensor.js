// Tensors: float32 data in the wasm heap. Created from typed arrays, plain arrays or nested
// arrays plus a shape; read back with dataSync()/data()/array().
import { NativeHandle, describe } from './native.js';

export class Tensor extends NativeHandle {
  constructor(handle) {
    super(handle, 'Tensor');
    this._shape = null;
  }

  get shape() {
    if (!this._shape) this._shape = this.native.shape();
    return this._shape.slice();
  }

  get rank() { return this.shape.length; }
  get size() { return this.native.size(); }

  // A copy of the values as a Float32Array (safe to keep after dispose).
  dataSync() { return this.native.toArray(); }
  async data() { return this.dataSync(); }

  // Nested JS arrays, like tf.Tensor.arraySync().
  arraySync() {
    const flat = this.dataSync();
    const shape = this.shape;
    if (shape.length === 0) return flat[0];
    let offset = 0;
    const build = (axis) => {
      const out = new Array(shape[axis]);
      for (let i = 0; i < shape[axis]; i++) {
        out[i] = axis === shape.length - 1 ? flat[offset++] : build(axis + 1);
      }
      return out;
    };
    return build(0);
  }

  toString() { return `Tensor(shape=[${this.shape.join(', ')}])`; }
}

function inferShape(values, where) {
  const shape = [];
  let level = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flatten(values, shape, where) {
  const out = [];
  const walk = (v, axis) => {
    if (axis === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new Error(`${where}: values must be numbers, got ${describe(v)}`);
      }
      out.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new Error(`${where}: ragged nested array: expected length ${shape[axis]} at depth ${axis}, got ${describe(v)}`);
    }
    for (const item of v) walk(item, axis + 1);
  };
  walk(values, 0);
  return out;
}

export function makeTensorFactory(native, call) {
  return function tensor(values, shape) {
    const where = 'tensor';
    let data = values;
    if (values instanceof Tensor) throw new Error(`${where}: already a Tensor; use it directly`);
    if (Array.isArray(values)) {
      const inferred = inferShape(values, where);
      data = inferred.length > 1 ? flatten(values, inferred, where) : values;
      if (shape === undefined) shape = inferred;
      for (const v of data) {
        if (typeof v !== 'number') throw new Error(`${where}: values must be numbers, got ${describe(v)}`);
      }
    } else if (!ArrayBuffer.isView(values) || values instanceof DataView) {
      throw new Error(`${where}: values must be a typed array or an array of numbers, got ${describe(values)}`);
    }
    if (shape === undefined) shape = [data.length];
    if (!Array.isArray(shape)) throw new Error(`${where}: shape must be an array, got ${describe(shape)}`);
    return new Tensor(call(() => native.tensorFromArray(data, shape)));
  };
}

// Accepts a Tensor or an array of Tensors; returns the native handles.
export function nativeTensorList(value, where) {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new Error(`${where}: expected at least one tensor`);
  return list.map((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new Error(`${where}${list.length > 1 ? `[${i}]` : ''}: expected a Tensor (see nn.tensor), got ${describe(t)}`);
    }
    return t.native;
  });
}

// Wraps a JS array of native tensors; a single output is returned unwrapped, as in TF.js.
export function wrapTensors(array, single) {
  const out = [];
  for (let i = 0; i < array.length; i++) out.push(new Tensor(array[i]));
  return single && out.length === 1 ? out[0] : out;
}
