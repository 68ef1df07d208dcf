// A page's own records in IndexedDB (structured clone: typed arrays stay typed), for state that
// is not a model file: a GAN checkpoint's step, histories and filmstrip. Works in a page and in
// its workers. Model files go through nn.io (indexeddb://) instead.
const DB_NAME = 'simdnn-demos';
const STORE = 'records';

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, body) {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await done(open);
  try {
    const tx = db.transaction(STORE, mode);
    const committed = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error(`${DB_NAME}: transaction aborted`));
    });
    const result = await done(body(tx.objectStore(STORE)));
    await committed;
    return result;
  } finally {
    db.close();
  }
}

export const pageStore = {
  async get(key) { return (await withStore('readonly', (store) => store.get(key))) ?? null; },
  put(key, value) { return withStore('readwrite', (store) => store.put(value, key)); },
  remove(key) { return withStore('readwrite', (store) => store.delete(key)); },
};
