// Model file IO by URL: 'file://dir' (Node), http(s)/relative URLs (read, via fetch), the
// browser schemes of browser-io.js (indexeddb://, localstorage://, downloads://), or an IO
// handler object (TF.js style: save(artifacts), load(), and for backups remove()). load()
// may also give TF.js's own artifacts ({modelTopology, weightSpecs, weightData}), so TF.js
// handlers such as tf.io.fromMemory load directly.
// A model is dir/model.json (TF.js layers-model format) + the weight files it lists.
// Text files (CSVLogger) are Node paths or file:// URLs.
import { browserFiles, handlerForUrl } from './browser-io.js';

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

async function nodeModules() {
  const fs = await import(/* webpackIgnore: true */ 'node:fs/promises');
  const path = await import(/* webpackIgnore: true */ 'node:path');
  const url = await import(/* webpackIgnore: true */ 'node:url');
  return { fs, path, url };
}

function concat(chunks) {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(new Uint8Array(c.buffer ?? c, c.byteOffset ?? 0, c.byteLength), offset);
    offset += c.byteLength;
  }
  return out;
}

function weightPaths(modelJson) {
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error('model.json: weightsManifest must be a list');
  return manifest.flatMap((group) => {
    if (!Array.isArray(group.paths)) throw new Error('model.json: each weightsManifest group needs paths');
    return group.paths;
  });
}

// {modelJson, weights} from our artifacts or TF.js's ModelArtifacts (weightData is an
// ArrayBuffer or, since TF.js 4.x, a list of them).
export function toModelFiles(artifacts, where = 'loadModel') {
  if (artifacts === null || typeof artifacts !== 'object') throw new Error(`${where}: expected model artifacts, got ${artifacts === null ? 'null' : typeof artifacts}`);
  if (!('modelTopology' in artifacts) || 'modelJson' in artifacts) return artifacts;
  if (!Array.isArray(artifacts.weightSpecs)) throw new Error(`${where}: TF.js artifacts without weightSpecs (weights-less models cannot load)`);
  const data = artifacts.weightData;
  const weights = Array.isArray(data) ? concat(data) : new Uint8Array(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength);
  const modelJson = { format: artifacts.format ?? 'layers-model', generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy,
    modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
  if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  return { modelJson, weights };
}

const isHandler = (target, method) => target !== null && typeof target === 'object' && typeof target[method] === 'function';

async function nodeDir(target, what) {
  if (!isNode) throw new Error(`${what}: file:// URLs work in Node only`);
  const mods = await nodeModules();
  return { ...mods, dir: mods.url.fileURLToPath(target) };
}

export function makeIO() {
  async function write(url, artifacts) {
    const target = handlerForUrl(url) ?? url;
    if (isHandler(target, 'save')) return target.save(artifacts);
    if (typeof target !== 'string' || !target.startsWith('file://')) {
      throw new Error(`save: unsupported destination '${target}'; use 'file://<directory>' in Node, indexeddb://, localstorage:// or downloads:// in a browser, or a handler with save()`);
    }
    const { fs, path, dir } = await nodeDir(target, 'save');
    const modelJson = structuredClone(artifacts.modelJson);
    modelJson.weightsManifest[0].paths = ['weights.bin'];
    // Each file is written under a temporary name and renamed into place, weights first, so a
    // crash during a checkpoint leaves whole files (other files in the directory are kept).
    await fs.mkdir(dir, { recursive: true });
    const files = [['weights.bin', artifacts.weights], ['model.json', JSON.stringify(modelJson)]];
    for (const [name, contents] of files) {
      const partial = path.join(dir, `${name}.partial`);
      await fs.writeFile(partial, contents);
      await fs.rename(partial, path.join(dir, name));
    }
    return undefined;
  }

  async function read(url) {
    const source = handlerForUrl(url) ?? url;
    if (isHandler(source, 'load')) {
      const loaded = await source.load();
      if (loaded == null) throw new Error(`loadModel: nothing is stored at ${source.url ?? 'this handler'}`);
      return toModelFiles(loaded);
    }
    if (typeof source !== 'string') throw new Error(`loadModel: expected a URL or a handler with load(), got ${typeof source}`);
    if (source.startsWith('file://')) {
      if (!isNode) throw new Error('loadModel: file:// URLs work in Node only');
      const { fs, path, url } = await nodeModules();
      let file = url.fileURLToPath(source);
      if (!file.endsWith('.json')) file = path.join(file, 'model.json');
      const modelJson = JSON.parse(await fs.readFile(file, 'utf8'));
      const chunks = [];
      for (const p of weightPaths(modelJson)) chunks.push(await fs.readFile(path.join(path.dirname(file), p)));
      return { modelJson, weights: concat(chunks) };
    }
    const base = typeof location !== 'undefined' ? location.href : undefined;
    const modelUrl = new URL(source, base);
    const response = await fetch(modelUrl);
    if (!response.ok) throw new Error(`loadModel: ${modelUrl} answered ${response.status}`);
    const modelJson = await response.json();
    const chunks = [];
    for (const p of weightPaths(modelJson)) {
      const r = await fetch(new URL(p, modelUrl));
      if (!r.ok) throw new Error(`loadModel: ${new URL(p, modelUrl)} answered ${r.status}`);
      chunks.push(new Uint8Array(await r.arrayBuffer()));
    }
    return { modelJson, weights: concat(chunks) };
  }

  // A backup's model files, or null when there is none yet.
  async function readIfPresent(url) {
    const source = handlerForUrl(url) ?? url;
    if (isHandler(source, 'load')) {
      const loaded = await source.load();
      return loaded == null ? null : toModelFiles(loaded, 'backup');
    }
    if (typeof source === 'string' && source.startsWith('file://')) {
      const { fs, path, dir } = await nodeDir(source, 'backup');
      try {
        await fs.access(path.join(dir, 'model.json'));
      } catch {
        return null;
      }
    }
    return read(source);
  }

  async function remove(url) {
    const target = handlerForUrl(url) ?? url;
    if (isHandler(target, 'remove')) return target.remove();
    if (typeof target === 'string' && target.startsWith('file://')) {
      // Only the files a save writes, then the directory if that left it empty: a backupDir
      // pointed at a directory holding other things must not lose them.
      const { fs, path, dir } = await nodeDir(target, 'remove');
      for (const name of ['model.json', 'weights.bin']) await fs.rm(path.join(dir, name), { force: true });
      await fs.rmdir(dir).catch(() => {});
    }
    return undefined;
  }

  // CSVLogger output: a Node path or file:// URL.
  async function writeText(target, text, { append = false, onlyIfEmpty = false } = {}) {
    if (!isNode) throw new Error(`CSVLogger: writing '${target}' needs Node (file paths)`);
    const { fs, path, url } = await nodeModules();
    const file = target.startsWith('file://') ? url.fileURLToPath(target) : target;
    if (onlyIfEmpty) {
      const size = await fs.stat(file).then((s) => s.size, () => 0);
      if (size > 0) return;
    }
    await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await (append ? fs.appendFile(file, text) : fs.writeFile(file, text));
  }

  return { read, readIfPresent, write, remove, writeText, browserFiles, handlerForUrl };
}
