import { writeFrameHeader, writeU32 } from './control-frames.js';
import { FRAME_HEADER_SIZE, FrameKind } from './frame-kind.js';
import { SessionError } from './session-error.js';
import { UsageError } from './usage-error.js';

/**
 * Per-call metadata (docs/PROTOCOL.md section 20): a small map of lower-case keys to string values
 * carried in a `METADATA` frame before the `REQUEST`, `RESPONSE`, `ERROR` or `MESSAGE` it belongs
 * to. Absent metadata is no frame at all.
 *
 * ```ts
 * const reply = await session.request(Type.GET, { key: 1 }, { metadata: { tenant: 'acme' } });
 * ```
 */
export type Metadata = Readonly<Record<string, string>>;

/** The protocol version that introduced `METADATA` frames. */
export const METADATA_VERSION = 3;

/** `METADATA` body bytes before the entries: the request id and the count. */
export const METADATA_HEAD_SIZE = 5;

/** The smallest `METADATA` body: the head and one entry with a 1-byte key and an empty value. */
export const METADATA_MIN_BODY = METADATA_HEAD_SIZE + 1 + 1 + 2;

/** The most entries one `METADATA` frame can carry (its count is a `u8`). */
export const METADATA_MAX_ENTRIES = 255;

/** The longest key (its length is a `u8`). */
export const METADATA_MAX_KEY_BYTES = 255;

/** The longest value (its length is a `u16`). */
export const METADATA_MAX_VALUE_BYTES = 0xffff;

/** Metadata with no entries (what a call without metadata sees). */
export const EMPTY_METADATA: Metadata = Object.freeze(Object.create(null));

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** True for the key bytes section 20.2 allows: `a-z`, `0-9`, `-`, `_`, `.`. */
function isKeyByte(byte: number): boolean {
  return (
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x5f ||
    byte === 0x2e
  );
}

/** True when `metadata` is undefined or has no entries (nothing goes on the wire). */
export function isEmptyMetadata(metadata: Metadata | undefined): boolean {
  if (metadata === undefined) return true;
  for (const _ in metadata) return false;
  return true;
}

/** The limits metadata is checked against (from `SessionLimits`). */
export interface MetadataLimits {
  readonly maxMetadataEntries: number;
  readonly maxMetadataSize: number;
}

/**
 * One complete `METADATA` frame for `requestId` (0: the `MESSAGE` that follows). Throws
 * `UsageError('invalid-metadata')` for a key or value the protocol cannot carry, and
 * `SessionError('metadata-too-large')` when the metadata is over `limits` (this side's own
 * configuration: the peer enforces its own, section 20.4).
 */
export function encodeMetadataFrame(
  requestId: number,
  metadata: Metadata,
  limits: MetadataLimits,
): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = METADATA_HEAD_SIZE;
  for (const key in metadata) {
    const value = metadata[key];
    if (typeof value !== 'string') {
      throw new UsageError(
        'invalid-metadata',
        `metadata value of "${key}" must be a string, got ${typeof value}`,
      );
    }
    const keyBytes = encoder.encode(key);
    if (keyBytes.length === 0 || keyBytes.length > METADATA_MAX_KEY_BYTES || !keyBytes.every(isKeyByte)) {
      throw new UsageError(
        'invalid-metadata',
        `metadata key "${key}" is not 1..${METADATA_MAX_KEY_BYTES} characters of a-z, 0-9, '-', '_', '.'`,
      );
    }
    const valueBytes = encoder.encode(value);
    if (valueBytes.length > METADATA_MAX_VALUE_BYTES) {
      throw new UsageError(
        'invalid-metadata',
        `metadata value of "${key}" is over ${METADATA_MAX_VALUE_BYTES} bytes`,
      );
    }
    parts.push(keyBytes, valueBytes);
    size += 1 + keyBytes.length + 2 + valueBytes.length;
  }
  const count = parts.length / 2;
  const maxEntries = Math.min(limits.maxMetadataEntries, METADATA_MAX_ENTRIES);
  if (count > maxEntries) {
    throw new SessionError(
      'metadata-too-large',
      `metadata has ${count} entries, the limit is ${maxEntries} (limits.maxMetadataEntries)`,
    );
  }
  if (size > limits.maxMetadataSize) {
    throw new SessionError(
      'metadata-too-large',
      `metadata of ${size} bytes exceeds the limit of ${limits.maxMetadataSize} (limits.maxMetadataSize)`,
    );
  }
  const frame = new Uint8Array(FRAME_HEADER_SIZE + size);
  writeFrameHeader(frame, 0, FrameKind.METADATA, size);
  writeU32(frame, FRAME_HEADER_SIZE, requestId);
  frame[FRAME_HEADER_SIZE + 4] = count;
  let at = FRAME_HEADER_SIZE + METADATA_HEAD_SIZE;
  for (let i = 0; i < parts.length; i += 2) {
    const key = parts[i];
    const value = parts[i + 1];
    frame[at++] = key.length;
    frame.set(key, at);
    at += key.length;
    frame[at++] = value.length >>> 8;
    frame[at++] = value.length & 0xff;
    frame.set(value, at);
    at += value.length;
  }
  return frame;
}

/** A decoded `METADATA` body. */
export interface MetadataFrame {
  readonly requestId: number;
  readonly metadata: Metadata;
}

/**
 * Decodes a `METADATA` body `source[start, end)` (its length already passed the frame limits).
 * Throws `SessionError` `payload-too-large` for a count over `maxEntries`, `malformed-frame` for a
 * count of 0, an overrun, trailing bytes, a bad or duplicate key (section 20.2). Never allocates
 * more than the body's size: every length is checked against the bytes that are there.
 */
export function decodeMetadataFrame(
  source: Uint8Array,
  start: number,
  end: number,
  maxEntries: number,
): MetadataFrame {
  if (end - start < METADATA_MIN_BODY) throw malformed(`METADATA body of ${end - start} bytes is too short`);
  const requestId =
    ((source[start] << 24) | (source[start + 1] << 16) | (source[start + 2] << 8) | source[start + 3]) >>> 0;
  const count = source[start + 4];
  if (count === 0) throw malformed('METADATA with 0 entries');
  if (count > maxEntries) {
    throw new SessionError(
      'payload-too-large',
      `METADATA with ${count} entries exceeds the limit of ${maxEntries}`,
    );
  }
  const metadata: Record<string, string> = Object.create(null);
  let at = start + METADATA_HEAD_SIZE;
  for (let i = 0; i < count; i++) {
    if (at >= end) throw malformed(`METADATA entry ${i} overruns the body`);
    const keyLength = source[at++];
    if (keyLength === 0 || at + keyLength + 2 > end)
      throw malformed(`METADATA key ${i} overruns the body or is empty`);
    let key = '';
    for (let k = at; k < at + keyLength; k++) {
      const byte = source[k];
      if (!isKeyByte(byte))
        throw malformed(`METADATA key ${i} has the byte 0x${byte.toString(16)}, outside a-z 0-9 - _ .`);
      key += String.fromCharCode(byte);
    }
    at += keyLength;
    const valueLength = (source[at] << 8) | source[at + 1];
    at += 2;
    if (at + valueLength > end) throw malformed(`METADATA value of "${key}" overruns the body`);
    if (key in metadata) throw malformed(`METADATA key "${key}" appears twice`);
    metadata[key] = valueLength === 0 ? '' : decoder.decode(source.subarray(at, at + valueLength));
    at += valueLength;
  }
  if (at !== end) throw malformed(`METADATA has ${end - at} bytes after its last entry`);
  return { requestId, metadata };
}

function malformed(message: string): SessionError {
  return new SessionError('malformed-frame', message);
}
