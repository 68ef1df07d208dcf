// simdnn: Emscripten 3.1.6's ES6 glue still calls CommonJS `require` and reads `__dirname` when it
// runs under Node, and an ES module has neither. Define both for Node only; browsers and workers
// never reach the glue's Node branch, so they get nothing here.
const simdnnRunsInNode = typeof process === 'object' && typeof process.versions?.node === 'string';
const require = simdnnRunsInNode ? (await import('node:module')).createRequire(import.meta.url) : undefined;
const __dirname = simdnnRunsInNode ? require('node:path').dirname(require('node:url').fileURLToPath(import.meta.url)) : undefined;
