import type { WireErrorName } from './error-codes.js';
import type { MessageTable } from './message-table.js';
import type { SessionCodec, SessionProtocol } from './protocol-types.js';

/** Told when a payload does not decode: the session closes with the code (section 10). */
export interface DecodeFailureHost {
  fail(code: WireErrorName, message: string, cause?: unknown): void;
}

/**
 * What {@link PayloadDecoder.decode} returns for a payload that did not decode. An object, not a
 * symbol: compared with a decoded struct (an object too) `===` is one pointer comparison, where a
 * symbol on one side made V8 call its generic equality.
 */
export const DECODE_FAILED: { readonly failed: true } = Object.freeze({ failed: true });

/**
 * Decodes the type header and payload of received MESSAGE, REQUEST and RESPONSE frames. The value
 * is returned and the type left in {@link PayloadDecoder.type}: nothing allocated per message
 * beyond the decoded value, and the value is not stored in this long-lived object (each such store
 * of a new value is a GC write barrier: 16% of a small message's receive time when it was a field).
 */
export class PayloadDecoder {
  /** The type of the message decoded last (a small integer: storing it costs no barrier). */
  type = 0;
  readonly #protocol: SessionProtocol;
  /** Direct codec access for the hot paths; undefined when the protocol only offers the generic API. */
  #table: MessageTable | undefined;
  readonly #host: DecodeFailureHost;

  constructor(protocol: SessionProtocol, table: MessageTable | undefined, host: DecodeFailureHost) {
    this.#protocol = protocol;
    this.#table = table;
    this.#host = host;
  }

  /** Decodes with `table` from now on (one resolved for this connection's peer, protocol version 2). */
  useTable(table: MessageTable): void {
    this.#table = table;
  }

  /** Decodes `source[start, end)`; on failure it closes the connection and returns {@link DECODE_FAILED}. */
  decode(source: Uint8Array, start: number, end: number): unknown {
    // Only the common path is written out here: the rest is in methods of their own, because V8
    // inlines this (and the codec's decodeFrom into it) only while the whole stays small.
    const table = this.#table;
    if (table === undefined) return this.#decodeMessage(source, start, end);
    // The frame minimums guarantee the type header is there.
    const type = table.readType(source, start);
    const codec = table.codec(type);
    if (codec === undefined) return this.#unknownType(type);
    const payload = start + table.headerSize;
    try {
      if (end - payload === table.fixedPayload(type)) {
        // Exactly its fixed size (anything else takes decodeFrom, and its errors): `decode`
        // returns the value alone, where decodeFrom's result object is an allocation a message.
        const value = (codec as Required<SessionCodec>).decode(source, payload, table.decodeLimits);
        this.type = type;
        return value;
      }
      const result = codec.decodeFrom(source, payload, end, table.decodeLimits);
      if (result.offset !== end) return this.#bytesLeft(type, end - result.offset);
      this.type = type;
      return result.value;
    } catch (error) {
      this.#failed(error);
      return DECODE_FAILED;
    }
  }

  #decodeMessage(source: Uint8Array, start: number, end: number): unknown {
    try {
      const message = this.#protocol.decodeMessage(source, start, end);
      this.type = message.type;
      return message.value;
    } catch (error) {
      this.#failed(error);
      return DECODE_FAILED;
    }
  }

  #unknownType(type: number): typeof DECODE_FAILED {
    this.#host.fail('unknown-type', `message type ${type} is not part of the protocol`);
    return DECODE_FAILED;
  }

  #bytesLeft(type: number, left: number): typeof DECODE_FAILED {
    this.#host.fail('decode-error', `${left} bytes left after the payload of type ${type}`);
    return DECODE_FAILED;
  }

  #failed(error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : 'payload does not decode';
    if (code === 'unknown-type') this.#host.fail('unknown-type', message);
    else if (code === 'payload-too-large') this.#host.fail('payload-too-large', message);
    else if (typeof code === 'string') this.#host.fail('decode-error', message);
    else this.#host.fail('internal-error', 'internal error while decoding', error);
  }
}
