// Reads the prepared image sets (data/<name>/, uint8) into tensors for the slow accuracy tests.
import { readFile } from 'node:fs/promises';

export async function imageSet(nn, name, split) {
  const dir = new URL(`../../data/${name}/`, import.meta.url);
  const images = await readFile(new URL(`${split}-images.u8`, dir));
  const labels = await readFile(new URL(`${split}-labels.u8`, dir));
  const x = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) x[i] = images[i] / 255;
  const y = new Float32Array(labels.length * 10);
  labels.forEach((label, i) => { y[i * 10 + label] = 1; });
  return { x: nn.tensor(x, [labels.length, 28, 28, 1]), y: nn.tensor(y, [labels.length, 10]), count: labels.length };
}
