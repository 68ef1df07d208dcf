// scripts/serve.mjs: MIME types and isolation headers the wasm module and pages depend on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';

let root; // holds site/ (served) and secret.txt (outside what is served)
let site;
let server;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'simdnn-serve-'));
  site = join(root, 'site');
  await mkdir(join(site, 'dist'), { recursive: true });
  await mkdir(join(site, 'demos', 'mnist'), { recursive: true });
  await writeFile(join(site, 'dist', 'simdnn.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  await writeFile(join(site, 'dist', 'simdnn.mjs'), 'export default 1;\n');
  await writeFile(join(site, 'demos', 'mnist', 'index.html'), '<!doctype html><title>mnist</title>');
  await writeFile(join(root, 'secret.txt'), 'outside the served folder\n');
  server = await startServer({ port: 0, root: site });
});

after(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const get = (path, init) => fetch(new URL(path, server.url), { redirect: 'manual', ...init });

test('serves .wasm as application/wasm and .mjs as JavaScript, with isolation headers', async () => {
  const wasm = await get('dist/simdnn.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.deepEqual(new Uint8Array(await wasm.arrayBuffer()), new Uint8Array([0, 0x61, 0x73, 0x6d]));
  assert.equal(wasm.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(wasm.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(wasm.headers.get('cross-origin-resource-policy'), 'same-origin');
  const glue = await get('dist/simdnn.mjs');
  assert.match(glue.headers.get('content-type'), /^text\/javascript/);
});

test('directories redirect to a trailing slash and serve their index.html', async () => {
  const redirect = await get('demos/mnist');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/demos/mnist/');
  const page = await get('demos/mnist/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(await page.text(), /<title>mnist<\/title>/);
});

test('/ lists the demos when there is no demos/index.html', async () => {
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.match(await index.text(), /href="\/demos\/mnist\/"/);
});

test('missing files are 404, paths escaping the root are refused, only GET/HEAD allowed', async () => {
  assert.equal((await get('dist/missing.wasm')).status, 404);
  // %2f survives URL normalisation, so the server itself must refuse the decoded '..'.
  const escaping = await get('/..%2fsecret.txt');
  assert.equal(escaping.status, 403);
  assert.doesNotMatch(await escaping.text(), /outside the served folder/);
  assert.equal((await get('dist/simdnn.mjs', { method: 'POST', body: 'x' })).status, 405);
  const head = await get('dist/simdnn.mjs', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String('export default 1;\n'.length));
});
