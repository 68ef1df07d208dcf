// Shared helpers for the Node tests: one loaded module per test file, and small synthetic
// datasets with known answers (used where a test needs a known optimum; real data tests
// live with the demos' data).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// SIMDNN_PACKAGE_DIR: a folder where the packed package is installed; the tests then import
// 'simdnn' by name from there instead of the source tree.
async function importSimdnn() {
  const dir = process.env.SIMDNN_PACKAGE_DIR;
  if (!dir) return import('../../web/index.js');
  const resolved = createRequire(`${dir}/package.json`).resolve('simdnn');
  return import(pathToFileURL(resolved).href);
}

let modulePromise = null;
export function loadNN() {
  if (!modulePromise) modulePromise = importSimdnn().then((m) => m.load());
  return modulePromise;
}

// Deterministic uniform [0, 1) stream for test data (mulberry32).
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand) {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// Two interleaved spirals (Lang & Witbrock), n points per class, labels 0/1.
export function twoSpirals(n, rand) {
  const x = new Float32Array(4 * n);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = (i / n) * 3 * Math.PI + 0.3;
    const r = t / (3 * Math.PI);
    const jx = (rand() - 0.5) * 0.02;
    const jy = (rand() - 0.5) * 0.02;
    x[4 * i] = r * Math.cos(t) + jx;
    x[4 * i + 1] = r * Math.sin(t) + jy;
    x[4 * i + 2] = -r * Math.cos(t) - jx;
    x[4 * i + 3] = -r * Math.sin(t) - jy;
    y[2 * i] = 0;
    y[2 * i + 1] = 1;
  }
  return { x, y, count: 2 * n };
}

export function accuracyBinary(pred, truth) {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) hits += (pred[i] > 0.5) === (truth[i] > 0.5) ? 1 : 0;
  return hits / truth.length;
}
