// Page side of exporting and importing a model as files: downloads of name.json +
// name.weights.bin, and the pair chosen in an <input type=file multiple>.
import { browserFiles, downloadsHandler } from '../../web/browser-io.js';

export async function downloadModelFiles(files, name) {
  await downloadsHandler(name).save(files);
}

// {modelJson, weights (an ArrayBuffer, to transfer to a worker), name}; throws a message for
// the person when the .json or its weights are missing.
export async function readChosenModelFiles(fileList) {
  const files = [...fileList];
  const jsonFile = files.find((f) => f.name.endsWith('.json'));
  const rest = files.filter((f) => f !== jsonFile);
  if (!jsonFile || rest.length === 0) throw new Error('Choose both the model .json and its weights .bin file.');
  const { modelJson, weights } = await browserFiles([jsonFile, ...rest]).load();
  return { modelJson, weights: weights.buffer, name: jsonFile.name };
}
