// The sentiment page's text plumbing over the engine's tokenizer (nn.text): the shipped
// vocabulary, a text's words and ids, and slices of the prepared IMDB reviews as tensors.

export async function loadVocabulary(nn, url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return nn.text.Tokenizer.fromJSON(await response.text());
}

// The words the model reads (standardised by the engine) with their ids; oov[i] marks words
// outside the vocabulary.
export function encodeText(nn, tokenizer, text) {
  const words = nn.text.splitWords(text);
  const ids = Array.from(tokenizer.textToSequence(text));
  if (ids.length !== words.length) throw new Error(`tokenizer gave ${ids.length} ids for ${words.length} words`);
  return { words, ids, oov: ids.map((id) => id === 1) };
}
