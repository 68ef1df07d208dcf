// IDX files (the MNIST family's format): a big-endian header — two zero bytes, a type code,
// the number of dimensions, then one uint32 extent per dimension — followed by the data.
// Only unsigned bytes (type 0x08) are used by the data sets here.
export function parseIdx(bytes, name = 'IDX file') {
  if (bytes.length < 4) throw new Error(`${name}: ${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${name}: bad magic (first two bytes must be 0)`);
  if (bytes[2] !== 0x08) throw new Error(`${name}: type 0x${bytes[2].toString(16)} is not unsigned byte (0x08)`);
  const rank = bytes[3];
  if (rank < 1 || rank > 4) throw new Error(`${name}: ${rank} dimensions; expected 1 to 4`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new Error(`${name}: truncated header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const extent = view.getUint32(4 + 4 * i, false);
    shape.push(extent);
    count *= extent;
  }
  if (bytes.length !== headerLength + count) {
    throw new Error(`${name}: shape [${shape.join(', ')}] needs ${count} data bytes, the file has ${bytes.length - headerLength}`);
  }
  return { shape, data: bytes.subarray(headerLength) };
}

export function makeIdx(shape, data) {
  const header = new Uint8Array(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  const view = new DataView(header.buffer);
  shape.forEach((extent, i) => view.setUint32(4 + 4 * i, extent, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}
