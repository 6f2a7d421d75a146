import type { Codec } from './codec.js';
import type { Protocol } from './protocol.js';
import type { ProtocolConfig } from './protocol-config.js';
import { NO_ROOM_SIGNAL, probe } from './range-errors.js';

/**
 * Encodes many values one after another into one growing, reused buffer: batch encoding with no
 * per-message allocation once the buffer has grown to the batch size.
 *
 * @example
 * const w = new Writer();
 * for (const s of samples) w.write(SensorData, s);
 * socket.write(w.bytes()); w.reset();
 */
export class Writer {
  private buffer: Uint8Array;
  /** Bytes written since the last reset. */
  length = 0;

  constructor(initialCapacity = 4096) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Appends one value. */
  write<T>(codec: Codec<T>, value: T): this {
    this.length += this.attempt(
      () => codec.encodeInto(value, this.buffer, this.length),
      () => codec.byteLength(value),
    );
    return this;
  }

  /** Appends one message (header and payload) of a protocol. */
  writeMessage<P extends Protocol<any, any> | ProtocolConfig<any, any>>(
    config: P,
    type: Parameters<P['encodeMessageInto']>[0],
    value: Parameters<P['encodeMessageInto']>[1],
  ): this {
    this.length += this.attempt(
      () => config.encodeMessageInto(type, value, this.buffer, this.length),
      () => config.messageByteLength(type, value),
    );
    return this;
  }

  /** The bytes written so far: a view into the internal buffer, valid until the next write or reset. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** Starts over, keeping the buffer. */
  reset(): this {
    this.length = 0;
    return this;
  }

  private attempt(encode: () => number, size: () => number): number {
    // Running out of room is expected now and then: probe without building an EncodeError.
    probe.on = true;
    try {
      return encode();
    } catch (e) {
      if (e !== NO_ROOM_SIGNAL) throw e;
    } finally {
      probe.on = false;
    }
    const need = this.length + size();
    let capacity = this.buffer.length * 2;
    while (capacity < need) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    return encode();
  }
}
