// Helpers shared by the data set preparers (scripts/data/<name>.mjs).
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Small seeded PRNG (32-bit state, Weyl-sequence increment + integer hash finaliser).
 * Same seed, same sequence on every machine: the data splits must never drift.
 * @param {number} seed
 * @returns {() => number} uniform floats in [0, 1)
 */
export function createRng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle driven by `rng`. */
export function shuffleInPlace(items, rng) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

async function modifiedMs(path) {
  return (await stat(path).catch(() => null))?.mtimeMs;
}

/** True when every output exists and none is older than any input. */
export async function outputsAreFresh(outputs, inputs) {
  const outputTimes = await Promise.all(outputs.map(modifiedMs));
  if (outputTimes.some((t) => t === undefined)) return false;
  const inputTimes = await Promise.all(inputs.map(modifiedMs));
  if (inputTimes.some((t) => t === undefined)) return false; // let the preparer report it
  return Math.min(...outputTimes) >= Math.max(...inputTimes);
}

/** Writes via a temporary file and a rename, so an interrupted run never leaves a
 *  truncated file that looks fresh. */
export async function writeFileAtomically(path, data) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.partial`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

export function progress(dataset, message) {
  console.log(`prepare-data: ${dataset}: ${message}`);
}
