// Loads and instantiates the wasm engine (dist/simdnn.{mjs,wasm}) in Node, a page or a module
// Web Worker. web/index.js builds the public API on top of the raw Embind module returned here.

const runsInNode = typeof process === 'object' && typeof process.versions?.node === 'string';
const wasmUrl = new URL('../dist/simdnn.wasm', import.meta.url);

/**
 * Instantiates a fresh engine module. Each call returns an independent instance.
 * @returns {Promise<object>} the Embind module (version(), ..., HEAPF32)
 */
export async function loadModule() {
  const { default: createSimdnnModule } = await import('../dist/simdnn.mjs');
  if (runsInNode) {
    // The glue's own Node loading path fails under Node 20 for ES modules (it tries to fetch a
    // file URL), so hand it the bytes; the glue then skips fetching entirely.
    const { readFile } = await import('node:fs/promises');
    return createSimdnnModule({ wasmBinary: await readFile(wasmUrl) });
  }
  // Pages and workers: the glue fetches simdnn.wasm next to simdnn.mjs (via import.meta.url)
  // and streams its compilation.
  return createSimdnnModule();
}
