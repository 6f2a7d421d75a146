/**
 * Where `encode()` and `encodeMessage()` put their results: exact-size views carved one after
 * another out of a shared 64 KiB slab, the way Node's Buffer pool works. A fresh small
 * Uint8Array per message would be slower twice over: V8 moves it off-heap to give it a DataView,
 * and a copy out of a scratch buffer costs a second pass. Slab regions are never reused, so a
 * returned array stays valid; only its `.buffer` is shared (and kept alive by it).
 */
import { isEncodeError } from './errors.js';

const SLAB_SIZE = 64 * 1024;
/** Values larger than this get an array of their own rather than most of a slab. */
const OWN_ARRAY = SLAB_SIZE / 4;

let slab: Uint8Array | undefined;
let used = 0;

/**
 * Encodes with `write(target, offset)` and returns the written bytes as an exact-size array. When
 * the value does not fit in what is left of the slab, `size()` says how much it needs: a new slab
 * is started, or a large value gets an array of its own.
 */
export function encodeToNewArray(
  write: (target: Uint8Array, offset: number) => number,
  size: () => number,
): Uint8Array {
  // A slab whose buffer was transferred (postMessage) is detached: start a new one.
  if (slab === undefined || slab.length === 0) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const start = used;
  try {
    const n = write(slab, start);
    used = start + n;
    return slab.subarray(start, start + n);
  } catch (e) {
    if (!isEncodeError(e) || e.code !== 'buffer-too-small') throw e;
  }
  const n = size();
  if (n > OWN_ARRAY) {
    const out = new Uint8Array(n);
    write(out, 0);
    return out;
  }
  slab = new Uint8Array(SLAB_SIZE);
  used = n;
  write(slab, 0);
  return slab.subarray(0, n);
}
