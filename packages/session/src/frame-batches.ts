/**
 * Largest WebSocket message that holds more than one bp frame. A single larger frame travels
 * alone, so a receiver can cap messages at its largest legal frame (PROTOCOL.md, WebSocket binding).
 */
export const MAX_BATCH_BYTES = 65_536;

/**
 * Calls `emit` with consecutive runs of whole frames from `chunk`, each run at most
 * {@link MAX_BATCH_BYTES} unless it is a single bigger frame. The runs are views of `chunk`, not copies.
 */
export function forEachBatch(chunk: Uint8Array, emit: (batch: Uint8Array) => void): void {
  if (chunk.length <= MAX_BATCH_BYTES) {
    emit(chunk);
    return;
  }
  const end = chunk.length;
  let start = 0;
  let at = 0;
  while (at < end) {
    if (end - at < 4) break;
    const size =
      4 + (((chunk[at]! & 0x0f) << 24) | (chunk[at + 1]! << 16) | (chunk[at + 2]! << 8) | chunk[at + 3]!);
    if (at > start && at + size - start > MAX_BATCH_BYTES) {
      emit(chunk.subarray(start, at));
      start = at;
    }
    at += size;
  }
  // A torn last frame would be a session bug; pass it on and let the peer's frame reader judge.
  if (start < end) emit(chunk.subarray(start, end));
}
