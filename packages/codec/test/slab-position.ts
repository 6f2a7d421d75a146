import { bytes, u8 } from '../src/index.node.js';

const filler = bytes();
/** Values larger than this get an array of their own instead of a place in the slab. */
const SLAB_VALUE_LIMIT = 16 * 1024;

/** Free room left in the slab after one more byte is taken from it. */
function freeAfterOneByte(): number {
  const b = u8.encode(0);
  return b.buffer.byteLength - (b.byteOffset + 1);
}

/** Takes exactly `size` (5..SLAB_VALUE_LIMIT) bytes from the slab, or starts a new one with them. */
function take(size: number): void {
  filler.encode(new Uint8Array(size - 4));
}

/**
 * Encodes filler until the slab that `encode()` results share has exactly `left` bytes free (its
 * free room shows in the byteOffset of each result), so that a test can put the next value at the
 * slab's end.
 */
export function leaveInSlab(left: number): void {
  for (let i = 0; i < 64; i++) {
    const free = freeAfterOneByte();
    if (free === left) return;
    const excess = free - left;
    // Too little room: a value that does not fit starts a new slab.
    if (excess < 0) take(Math.min(free + 5, SLAB_VALUE_LIMIT));
    else if (excess > 5) take(Math.min(excess - 1, SLAB_VALUE_LIMIT));
  }
  throw new Error(`the encode slab never had ${left} bytes free`);
}
