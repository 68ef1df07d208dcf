// Reads the prepared image sets (data/<name>/, uint8) into tensors for the slow accuracy tests,
// with the loader the demo pages use.
import { imageDataUrl, imageTensors, loadImageSplit } from '../../demos/shared/image-data.js';

export async function imageSet(nn, name, split) {
  return imageTensors(nn, await loadImageSplit(imageDataUrl(name), split), { oneHot: true });
}
