import type { WireProtocol } from './wire-protocol.js';

/**
 * Cuts a byte stream into messages of the Python `binary_protocol` wire, framing each by its
 * type's structure (`ProtocolConfig.messageSizeAt`): fixed structures by their size, variable ones
 * by their `>I` length, NOT_FOUND and unknown types as the header alone. A length is checked
 * against `maxPayloadSize` before anything is buffered, so at most one message plus one chunk is
 * held. Bad input throws the codec's `DecodeError`; the caller closes the connection.
 */
export class MessageReader {
  readonly #protocol: WireProtocol;
  #pending: Uint8Array = new Uint8Array(0);
  #start = 0;
  #end = 0;

  constructor(protocol: WireProtocol) {
    this.#protocol = protocol;
  }

  /** Bytes received and not yet part of a complete message. */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  /**
   * Adds a chunk and calls `onMessage` with each complete message in it: views into the chunk or
   * into the reader's buffer, which the reader never writes over afterwards (so decoded `bytes`
   * fields that view them stay valid). Throws `DecodeError` (`payload-too-large`, ...) for a message that
   * cannot be framed.
   */
  push(chunk: Uint8Array, onMessage: (message: Uint8Array) => void): void {
    const protocol = this.#protocol;
    let source: Uint8Array;
    let at: number;
    let end: number;
    if (this.#end === this.#start) {
      // Nothing pending: frame straight from the chunk, copy only its incomplete tail.
      source = chunk;
      at = 0;
      end = chunk.length;
    } else {
      this.#append(chunk);
      source = this.#pending;
      at = this.#start;
      end = this.#end;
    }
    for (;;) {
      const size = protocol.messageSizeAt(source, at, end);
      if (size === undefined || end - at < size) break;
      onMessage(source.subarray(at, at + size));
      at += size;
    }
    if (source === chunk) {
      this.#start = 0;
      this.#end = 0;
      if (at < end) this.#append(chunk.subarray(at));
    } else {
      this.#start = at;
      if (at === end) {
        // Handed-out views may point into this buffer: start the next one elsewhere.
        this.#pending = new Uint8Array(0);
        this.#start = this.#end = 0;
      }
    }
  }

  #append(bytes: Uint8Array): void {
    const used = this.#end - this.#start;
    if (this.#end + bytes.length > this.#pending.length) {
      // Grow to what is needed (the header and length bound a message before it is buffered).
      const next = new Uint8Array(Math.max(used + bytes.length, Math.min(2 * this.#pending.length, 1 << 20)));
      next.set(this.#pending.subarray(this.#start, this.#end));
      this.#pending = next;
      this.#start = 0;
      this.#end = used;
    }
    this.#pending.set(bytes, this.#end);
    this.#end += bytes.length;
  }
}
