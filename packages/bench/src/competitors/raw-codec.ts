import type { BlobValue, Fixed4Value, MessageName, Messages, SensorValue } from '../workload/messages.js';

/**
 * The hand-written reference's wire format: after the u32 length prefix, one byte of frame type
 * and a payload laid out by hand with Buffer's typed reads and writes, as a developer writing
 * the fastest possible protocol for these messages would.
 */
export const RawType = {
  requestSensor: 1,
  requestFixed4: 2,
  requestBlob: 3,
  sendSensor: 0x11,
  sendFixed4: 0x12,
  sendBlob: 0x13,
  report: 0x20,
  subscribe: 0x30,
  push: 0x31,
} as const;

const REQUEST: Record<MessageName, number> = { sensor: 1, fixed4: 2, blob: 3 };
const SEND: Record<MessageName, number> = { sensor: 0x11, fixed4: 0x12, blob: 0x13 };

/** Frame type of a request (`one-way` false) or a one-way message of `name`. */
export function rawTypeOf(name: MessageName, oneWay: boolean): number {
  return oneWay ? SEND[name] : REQUEST[name];
}

/** Message name carried by a request or one-way frame type. */
export function rawNameOf(type: number): MessageName {
  const low = type & 0x0f;
  return low === 1 ? 'sensor' : low === 2 ? 'fixed4' : 'blob';
}

/** Payload length of a value. */
export function rawPayloadLength(name: MessageName, value: Messages[MessageName]): number {
  if (name === 'sensor') return 16;
  if (name === 'fixed4') return 4;
  return 8 + (value as BlobValue).data.length;
}

/** Writes a value at `offset`. */
export function writeRaw(
  name: MessageName,
  value: Messages[MessageName],
  buffer: Buffer,
  offset: number,
): void {
  if (name === 'sensor') {
    const v = value as SensorValue;
    buffer.writeFloatBE(v.x, offset);
    buffer.writeFloatBE(v.y, offset + 4);
    buffer.writeFloatBE(v.z, offset + 8);
    buffer.writeFloatBE(v.w, offset + 12);
  } else if (name === 'fixed4') {
    buffer.writeUInt32BE((value as Fixed4Value).value, offset);
  } else {
    const v = value as BlobValue;
    buffer.writeUInt32BE(v.seq, offset);
    buffer.writeUInt32BE(v.data.length, offset + 4);
    buffer.set(v.data, offset + 8);
  }
}

/** Reads a value from [offset, end); blob bytes are a view of `buffer`. */
export function readRaw(
  name: MessageName,
  buffer: Buffer,
  offset: number,
  end: number,
): Messages[MessageName] {
  if (name === 'sensor') {
    if (end - offset < 16) throw new RangeError('sensor frame too short');
    return {
      x: buffer.readFloatBE(offset),
      y: buffer.readFloatBE(offset + 4),
      z: buffer.readFloatBE(offset + 8),
      w: buffer.readFloatBE(offset + 12),
    };
  }
  if (name === 'fixed4') return { value: buffer.readUInt32BE(offset) };
  const seq = buffer.readUInt32BE(offset);
  const length = buffer.readUInt32BE(offset + 4);
  if (offset + 8 + length > end) throw new RangeError('blob frame too short');
  return { seq, data: buffer.subarray(offset + 8, offset + 8 + length) };
}
