// Browser model storage by URL scheme, as TF.js users know it: indexeddb://name,
// localstorage://name (small models), downloads://name (save only) and browserFiles (load
// only, from <input type=file>). Each is an IO handler object (save/load/remove), so
// model.save, nn.loadModel, modelCheckpoint and backupAndRestore take them alike.
// load() gives null when nothing is stored under the name (backups look for that).

const DB_NAME = 'simdnn-models';
const STORE = 'models';
// localStorage holds about 5 MB per origin in every major browser, as UTF-16 strings; keep
// well under so other keys of the page still fit.
export const LOCAL_STORAGE_LIMIT_BYTES = 4 * 1024 * 1024;

function requireBrowser(what, global) {
  if (typeof globalThis[global] === 'undefined') throw new Error(`${what}: needs a browser (${global} is not available here)`);
}

function asBytes(weights) {
  return weights instanceof Uint8Array ? weights : new Uint8Array(weights);
}

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openDatabase() {
  requireBrowser('indexeddb://', 'indexedDB');
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

async function withStore(mode, body) {
  const db = await openDatabase();
  try {
    const tx = db.transaction(STORE, mode);
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('indexeddb://: transaction aborted'));
    });
    const result = await request(body(tx.objectStore(STORE)));
    await done;
    return result;
  } finally {
    db.close();
  }
}

export function indexedDBHandler(name) {
  const url = `indexeddb://${name}`;
  return {
    url,
    async save({ modelJson, weights }) {
      // The bytes are copied into a fresh buffer: a view into the wasm heap must not be stored.
      const record = { modelJson, weights: asBytes(weights).slice().buffer, dateSaved: new Date().toISOString() };
      await withStore('readwrite', (store) => store.put(record, name));
    },
    async load() {
      const record = await withStore('readonly', (store) => store.get(name));
      if (!record) return null;
      return { modelJson: record.modelJson, weights: new Uint8Array(record.weights) };
    },
    async remove() {
      await withStore('readwrite', (store) => store.delete(name));
    },
  };
}

// base64 in chunks: String.fromCharCode(...bytes) overflows the stack on big arrays.
function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function localStorageHandler(name) {
  const url = `localstorage://${name}`;
  const keys = { json: `simdnn/${name}/model.json`, weights: `simdnn/${name}/weights` };
  return {
    url,
    async save({ modelJson, weights }) {
      requireBrowser(url, 'localStorage');
      const json = JSON.stringify(modelJson);
      const bytes = asBytes(weights);
      const size = json.length + 4 * Math.ceil(bytes.length / 3);  // base64 length, before encoding
      if (size > LOCAL_STORAGE_LIMIT_BYTES) {
        const mb = (n) => (n / (1024 * 1024)).toFixed(1);
        throw new Error(`${url}: the model takes ${mb(size)} MB as text, localStorage keeps at most ${mb(LOCAL_STORAGE_LIMIT_BYTES)} MB; use indexeddb://${name}`);
      }
      const encoded = toBase64(bytes);
      try {
        localStorage.setItem(keys.weights, encoded);
        localStorage.setItem(keys.json, json);
      } catch (error) {
        localStorage.removeItem(keys.weights);
        localStorage.removeItem(keys.json);
        throw new Error(`${url}: the browser refused to store ${size} characters (${error.name}); use indexeddb://${name}`);
      }
    },
    async load() {
      requireBrowser(url, 'localStorage');
      const json = localStorage.getItem(keys.json);
      const encoded = localStorage.getItem(keys.weights);
      if (json === null || encoded === null) return null;
      return { modelJson: JSON.parse(json), weights: fromBase64(encoded) };
    },
    async remove() {
      requireBrowser(url, 'localStorage');
      localStorage.removeItem(keys.json);
      localStorage.removeItem(keys.weights);
    },
  };
}

// TF.js names downloads <name>.json and <name>.weights.bin; model.json points at the latter.
export function downloadsHandler(name) {
  const url = `downloads://${name}`;
  return {
    url,
    async save({ modelJson, weights }) {
      requireBrowser(url, 'document');
      const json = structuredClone(modelJson);
      json.weightsManifest[0].paths = [`./${name}.weights.bin`];
      const files = [[`${name}.json`, new Blob([JSON.stringify(json)], { type: 'application/json' })],
        [`${name}.weights.bin`, new Blob([asBytes(weights)], { type: 'application/octet-stream' })]];
      for (const [fileName, blob] of files) {
        const href = URL.createObjectURL(blob);
        const a = document.createElement('a');
        a.href = href;
        a.download = fileName;
        a.style.display = 'none';
        document.body.append(a);
        a.click();
        a.remove();
        // Revoke later: the download starts asynchronously after the click.
        setTimeout(() => URL.revokeObjectURL(href), 10_000);
      }
    },
    async load() {
      throw new Error(`${url}: downloads can only be saved; load them back with nn.io.browserFiles([jsonFile, weightsFile])`);
    },
  };
}

// Files from <input type=file multiple>: the model.json first, then its weight files.
export function browserFiles(files) {
  const list = Array.from(files ?? []);
  if (list.length < 2 || list.some((f) => typeof f?.arrayBuffer !== 'function' || typeof f.name !== 'string')) {
    throw new Error(`io.browserFiles: expected [model.json File, weights File(s)], got ${list.length} item(s)`);
  }
  const [jsonFile, ...weightFiles] = list;
  return {
    async load() {
      let modelJson;
      try {
        modelJson = JSON.parse(await jsonFile.text());
      } catch (error) {
        throw new Error(`io.browserFiles: '${jsonFile.name}' is not JSON (${error.message})`);
      }
      const paths = (modelJson.weightsManifest ?? []).flatMap((group) => group.paths ?? []);
      const byName = new Map(weightFiles.map((f) => [f.name, f]));
      const missing = paths.filter((p) => !byName.has(p.split('/').pop()));
      if (missing.length) {
        throw new Error(`io.browserFiles: '${jsonFile.name}' needs ${missing.join(', ')}; selected: ${weightFiles.map((f) => f.name).join(', ')}`);
      }
      const chunks = await Promise.all(paths.map((p) => byName.get(p.split('/').pop()).arrayBuffer()));
      const total = chunks.reduce((n, c) => n + c.byteLength, 0);
      const weights = new Uint8Array(total);
      let offset = 0;
      for (const c of chunks) {
        weights.set(new Uint8Array(c), offset);
        offset += c.byteLength;
      }
      return { modelJson, weights };
    },
  };
}

const SCHEMES = {
  'indexeddb://': indexedDBHandler,
  'localstorage://': localStorageHandler,
  'downloads://': downloadsHandler,
};

// The handler for a browser-storage URL, or null for any other string.
export function handlerForUrl(url) {
  if (typeof url !== 'string') return null;
  for (const [scheme, make] of Object.entries(SCHEMES)) {
    if (url.toLowerCase().startsWith(scheme)) {
      const name = url.slice(scheme.length);
      if (!name) throw new Error(`'${url}': the URL needs a model name after ${scheme}`);
      return make(name);
    }
  }
  return null;
}
