import { inflateSync } from 'node:zlib';

/**
 * Decodes a PNG far enough to prove it is a whole image: signature, IHDR size, and the
 * inflated IDAT stream holding exactly one filter byte plus one row of pixels per line.
 */
export function decodePng(bytes: Uint8Array): { width: number; height: number } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    throw new Error('not a PNG signature');
  }
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  let depth = 0;
  const data: Buffer[] = [];
  let ended = false;
  while (offset + 8 <= buffer.length && !ended) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      depth = body[8]!;
      channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[body[9]!] ?? 0;
    } else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!ended || width === 0 || height === 0 || channels === 0) throw new Error('incomplete PNG');
  const raw = inflateSync(Buffer.concat(data));
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  if (raw.length !== height * (1 + rowBytes)) {
    throw new Error(`pixel data is ${raw.length} bytes, expected ${height * (1 + rowBytes)}`);
  }
  return { width, height };
}
