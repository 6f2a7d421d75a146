import { type BlobValue, blobValue, type SubscribeSpec } from './messages.js';

/** Largest push count one subscription may ask for, so a bad request cannot push forever. */
const MAX_PUSHES = 1_000_000;

/**
 * Server pushes for one subscription: a blob every `intervalMs` until `count` were pushed or
 * the returned stop function is called (call it when the connection closes).
 */
export function startPushes(spec: SubscribeSpec, push: (value: BlobValue) => void): () => void {
  const count = Math.min(MAX_PUSHES, Math.max(0, Math.floor(spec.count)));
  const size = Math.max(1, Math.floor(spec.size));
  let seq = 0;
  const timer = setInterval(
    () => {
      if (seq >= count) {
        clearInterval(timer);
        return;
      }
      push(blobValue(seq++, size));
    },
    Math.max(1, spec.intervalMs),
  );
  return () => clearInterval(timer);
}
