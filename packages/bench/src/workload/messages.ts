/**
 * The messages every alternative carries, and the rules that make each message checkable at the
 * receiver: message i of a stream has a value computed from i, so the receiver recomputes it
 * and counts every difference, and a blob's bytes follow a pattern seeded by its sequence number.
 */

/** The SENSOR structure: four 32-bit floats (16 bytes of payload). */
export interface SensorValue {
  x: number;
  y: number;
  z: number;
  w: number;
}

/** The FIXED_BENCHMARK structure: one unsigned 32-bit integer (4 bytes of payload). */
export interface Fixed4Value {
  value: number;
}

/** A variable-size message: a sequence number and bytes that follow a pattern seeded by it. */
export interface BlobValue {
  seq: number;
  data: Uint8Array;
}

/** The messages a benchmark client sends, by name. */
export interface Messages {
  sensor: SensorValue;
  fixed4: Fixed4Value;
  blob: BlobValue;
}

/** One of the benchmark's message names. */
export type MessageName = keyof Messages;

/** What a server counted on one connection's one-way stream since the last report. */
export interface StreamReport {
  received: number;
  errors: number;
  bytes: number;
}

/** A client's request for server pushes: `count` blobs of `size` bytes, one every `intervalMs`. */
export interface SubscribeSpec {
  intervalMs: number;
  size: number;
  count: number;
}

/** Payload bytes of one message as the bp schema and the hand-written framing lay it out. */
export function payloadSize(name: MessageName, value: Messages[MessageName]): number {
  if (name === 'sensor') return 16;
  if (name === 'fixed4') return 4;
  return 8 + (value as BlobValue).data.length; // u32 seq + u32 length prefix + bytes
}

/** Stream message i of the SENSOR kind; every field is exact in a 32-bit float and in JSON. */
export function sensorValue(i: number): SensorValue {
  return { x: i & 0xffff, y: (i >>> 16) & 0xffff, z: (i % 100) * 0.25, w: -(i % 1000) };
}

/** Stream message i of the FIXED_BENCHMARK kind: i scrambled over the whole u32 range. */
export function fixed4Value(i: number): Fixed4Value {
  return { value: Math.imul(i, 2654435761) >>> 0 };
}

/** A blob of `size` bytes for sequence number `seq`. */
export function blobValue(seq: number, size: number): BlobValue {
  const data = new Uint8Array(size);
  for (let k = 0; k < size; k++) data[k] = (seq + k) & 255;
  return { seq: seq >>> 0, data };
}

/** Stream message i of any kind (blobs of `size` bytes). */
export function streamValue(name: MessageName, i: number, size = 16): Messages[MessageName] {
  if (name === 'sensor') return sensorValue(i);
  if (name === 'fixed4') return fixed4Value(i);
  return blobValue(i, size);
}

/** Whether `v` is stream message i of the SENSOR kind. */
export function isSensorValue(v: SensorValue, i: number): boolean {
  return (
    v !== null &&
    typeof v === 'object' &&
    v.x === (i & 0xffff) &&
    v.y === ((i >>> 16) & 0xffff) &&
    v.z === (i % 100) * 0.25 &&
    v.w === -(i % 1000)
  );
}

/** Whether `v` is stream message i of the FIXED_BENCHMARK kind. */
export function isFixed4Value(v: Fixed4Value, i: number): boolean {
  return v !== null && typeof v === 'object' && v.value === Math.imul(i, 2654435761) >>> 0;
}

/** Whether a blob's bytes follow the pattern of its own sequence number (first, middle, last byte). */
export function isBlobValue(v: BlobValue): boolean {
  if (v === null || typeof v !== 'object' || !(v.data instanceof Uint8Array)) return false;
  const n = v.data.length;
  if (n === 0) return true;
  const mid = n >>> 1;
  return (
    v.data[0] === (v.seq & 255) &&
    v.data[mid] === ((v.seq + mid) & 255) &&
    v.data[n - 1] === ((v.seq + n - 1) & 255)
  );
}

/** Whether `reply` equals `sent` (an echo), field by field. */
export function isEcho(name: MessageName, sent: Messages[MessageName], reply: unknown): boolean {
  if (reply === null || typeof reply !== 'object') return false;
  if (name === 'sensor') {
    const a = sent as SensorValue;
    const b = reply as SensorValue;
    return a.x === b.x && a.y === b.y && a.z === b.z && a.w === b.w;
  }
  if (name === 'fixed4') return (sent as Fixed4Value).value === (reply as Fixed4Value).value;
  const a = sent as BlobValue;
  const b = reply as BlobValue;
  return a.seq === b.seq && b.data instanceof Uint8Array && b.data.length === a.data.length && isBlobValue(b);
}
