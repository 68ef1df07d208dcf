// Model file IO by URL: 'file://dir' (Node) and http(s)/relative URLs (read, via fetch).
// A model is dir/model.json (TF.js layers-model format) + the weight files it lists.
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

export function makeIO() {
  async function write(target, artifacts) {
    if (typeof target !== 'string' || !target.startsWith('file://')) {
      throw new Error(`save: unsupported destination '${target}'; use 'file://<directory>' in Node`);
    }
    if (!isNode) throw new Error('save: file:// URLs work in Node only');
    const { fs, path, url } = await nodeModules();
    const dir = url.fileURLToPath(target);
    await fs.mkdir(dir, { recursive: true });
    const modelJson = structuredClone(artifacts.modelJson);
    modelJson.weightsManifest[0].paths = ['weights.bin'];
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
    await fs.writeFile(path.join(dir, 'weights.bin'), artifacts.weights);
  }

  async function read(source) {
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

  return { read, write };
}
