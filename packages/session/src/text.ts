import { MAX_TEXT_BYTES } from './frame-kind.js';

const encoder = new TextEncoder();
// Not fatal: a peer's bad UTF-8 in a reason text must not turn into a second error.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** UTF-8 bytes of `text`, cut at a character boundary to at most `limit` bytes. */
export function encodeText(text: string, limit = MAX_TEXT_BYTES): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length <= limit) return bytes;
  let end = limit;
  // Step back over continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** Decodes UTF-8, replacing invalid sequences with U+FFFD. */
export function decodeText(source: Uint8Array, start: number, end: number): string {
  return start === end ? '' : decoder.decode(source.subarray(start, end));
}
