/**
 * Where `encode()` and `encodeMessage()` put their results: exact-size views carved one after
 * another out of a shared 64 KiB slab, the way Node's Buffer pool works. A fresh small
 * Uint8Array per message would be slower twice over: V8 moves it off-heap to give it a DataView,
 * and copying out of a scratch buffer costs a second pass. Slab regions are never reused, so a
 * returned array stays valid; only its `.buffer` is shared (and kept alive by it).
 */
import { NO_ROOM_SIGNAL, probe } from './range-errors.js';

const SLAB_SIZE = 64 * 1024;
/** Values larger than this get an array of their own rather than most of a slab. */
const OWN_ARRAY = SLAB_SIZE / 4;

/** Set on an encoder whose last value was too large for the slab: measure first next time. */
export const LARGE: unique symbol = Symbol('large');

/** What can be encoded into the slab: a codec, or a protocol's per-type message encoder. */
export interface SlabEncoder<V> {
  encodeInto(value: V, target: Uint8Array, offset: number): number;
  byteLength(value: V): number;
  [LARGE]?: boolean;
}

let slab: Uint8Array | undefined;
let used = 0;

/** Encodes `value` and returns its bytes as an exact-size array (a slab view, or its own array when large). */
export function encodeToSlab<V>(encoder: SlabEncoder<V>, value: V): Uint8Array {
  // Called while another value is being written into the slab (a checksumFunc that encodes its
  // checksum with a codec): that value's bytes start at `used` and are not carved yet, so this one
  // gets an array of its own, and the probe is left on for the value it belongs to.
  if (probe.on) return encodeOwn(encoder, value);
  // A slab whose buffer was transferred (postMessage) is detached: start a new one.
  if (slab === undefined || slab.length === 0) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  // Large values (by the last one's size) are measured first instead of probing the slab.
  if (encoder[LARGE] === true) return encodeLarge(encoder, value);
  const start = used;
  let n = -1;
  // Probing: running out of room throws a plain signal, not an EncodeError with a stack trace.
  probe.on = true;
  try {
    n = encoder.encodeInto(value, slab, start);
  } catch (e) {
    if (e !== NO_ROOM_SIGNAL) throw e;
  } finally {
    probe.on = false;
  }
  if (n >= 0) {
    used = start + n;
    return slab.subarray(start, start + n);
  }
  return encodeLarge(encoder, value);
}

function encodeLarge<V>(encoder: SlabEncoder<V>, value: V): Uint8Array {
  const size = encoder.byteLength(value);
  encoder[LARGE] = size > OWN_ARRAY;
  if (size > OWN_ARRAY) return encodeOwn(encoder, value, size);
  if (slab === undefined || slab.length === 0 || used + size > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const start = used;
  used += size;
  encoder.encodeInto(value, slab, start);
  return slab.subarray(start, start + size);
}

function encodeOwn<V>(encoder: SlabEncoder<V>, value: V, size = encoder.byteLength(value)): Uint8Array {
  const out = new Uint8Array(size);
  encoder.encodeInto(value, out, 0);
  return out;
}
