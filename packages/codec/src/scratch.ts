/**
 * The scratch buffer behind `encode()` and `encodeMessage()`: encoding into a fresh small array
 * would make V8 move it off-heap to give it a DataView, so values are written here and their bytes
 * copied out (`slice`), which is several times faster. Encoding is synchronous and never
 * re-entered, so one buffer per bundle is enough.
 */
import { isEncodeError } from './errors.js';

const MAX_SCRATCH = 1 << 20;
let scratch: Uint8Array | undefined;

/**
 * Encodes with `write(target)` into the scratch buffer and returns an exact-size copy. When the
 * value does not fit, `size()` says how much it needs: the scratch grows (up to 1 MiB) or the
 * value gets an array of its own.
 */
export function encodeToNewArray(write: (target: Uint8Array) => number, size: () => number): Uint8Array {
  scratch ??= new Uint8Array(1024);
  try {
    return scratch.slice(0, write(scratch));
  } catch (e) {
    if (!isEncodeError(e) || e.code !== 'buffer-too-small') throw e;
  }
  const n = size();
  if (n > MAX_SCRATCH) {
    const out = new Uint8Array(n);
    write(out);
    return out;
  }
  scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  return scratch.slice(0, write(scratch));
}
