// The sentiment page's inference worker: scores the text on every keystroke and explains the
// score word by word, so typing never waits for the engine. It holds the shipped model and,
// once the training worker has trained one, that model too (received as model files).
import { load } from '../../web/index.js';
import { serveWorker } from '../../web/worker-serve.js';
import { encodeText, loadVocabulary } from './text.js';

const engine = load();
let nn = null;
let tokenizer = null;
const models = new Map();  // name -> { model, maxlen }

async function ready() {
  nn ??= await engine;
  tokenizer ??= await loadVocabulary(nn, new URL('./model/vocabulary.json', import.meta.url));
  if (!models.has('shipped')) {
    const model = await nn.loadModel(new URL('./model/model.json', import.meta.url).href);
    models.set('shipped', { model, maxlen: model.inputs[0].shape[1] });
  }
}

function entry(name) {
  const found = models.get(name);
  if (!found) throw new Error(`no model named '${name}'`);
  return found;
}

// Scores a batch of token-id sequences (each already cut to maxlen) with one predict call.
function scoreSequences({ model, maxlen }, sequences) {
  // Keras' defaults, as in training: pad and truncate at the front, so the end is always seen.
  const { values, shape } = nn.text.padSequences(sequences, { maxlen });
  const x = nn.tensor(Float32Array.from(values), shape);
  const y = model.predict(x, { batchSize: 64 });
  const scores = Array.from(y.dataSync());
  x.dispose();
  y.dispose();
  return scores;
}

serveWorker({
  async info() {
    await ready();
    const shipped = entry('shipped');
    return { vocabularySize: tokenizer.numWords, maxlen: shipped.maxlen, params: shipped.model.countParams(),
      summary: shipped.model.summary(72, undefined, null) };
  },

  // The positive probability of `text` and the time it took.
  async score({ text, model = 'shipped' }) {
    await ready();
    const started = performance.now();
    const { ids } = encodeText(nn, tokenizer, text);
    const [score] = scoreSequences(entry(model), [ids]);
    return { score, milliseconds: performance.now() - started, tokens: ids.length };
  },

  // Each word's contribution: the score minus the score with that word left out (one batch).
  async explain({ text, model = 'shipped', maxWords = 80 }) {
    await ready();
    const { words, ids, oov } = encodeText(nn, tokenizer, text);
    const first = Math.max(0, words.length - maxWords);  // only the words the model reads at the end
    const variants = [ids];
    for (let i = first; i < words.length; i++) variants.push([...ids.slice(0, i), ...ids.slice(i + 1)]);
    const scores = scoreSequences(entry(model), variants);
    // Log-odds keep the differences visible when the score is near 0 or 1.
    const logit = (p) => Math.log(Math.max(p, 1e-7) / Math.max(1 - p, 1e-7));
    return {
      score: scores[0],
      words: words.map((word, i) => {
        const without = i >= first ? scores[1 + i - first] : scores[0];
        return { word, oov: oov[i], change: scores[0] - without, contribution: logit(scores[0]) - logit(without) };
      }),
    };
  },

  // A model trained in the page (model files from the training worker).
  async useModel({ name, modelJson, weights }) {
    await ready();
    const model = await nn.loadModel({ modelJson, weights: new Uint8Array(weights) });
    models.get(name)?.model.dispose();
    models.set(name, { model, maxlen: model.inputs[0].shape[1] });
    return { params: model.countParams() };
  },
});
