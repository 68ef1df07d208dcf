// FNV-1a over the bytes of a model's weights: the checksum the determinism fixture
// (tests/data/determinism.json) records, shared by the Node and browser tests.
export function fnv1a(floats) {
  const bytes = new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

export function weightsHash(model) {
  const ws = model.getWeights();
  const parts = ws.map((w) => w.dataSync());
  ws.forEach((w) => w.dispose());
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return fnv1a(all);
}
