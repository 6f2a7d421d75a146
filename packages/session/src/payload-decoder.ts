import type { WireErrorName } from './error-codes.js';
import type { MessageTable } from './message-table.js';
import type { SessionProtocol } from './protocol-types.js';

/** Told when a payload does not decode: the session closes with the code (section 10). */
export interface DecodeFailureHost {
  decodeFailed(code: WireErrorName, message: string, cause?: unknown): void;
}

/**
 * Decodes the type header and payload of received MESSAGE, REQUEST and RESPONSE frames. The result
 * is left in {@link PayloadDecoder.type} and {@link PayloadDecoder.value} (fields, not an object:
 * nothing allocated per message beyond the decoded value).
 */
export class PayloadDecoder {
  /** The type of the message decoded last. */
  type = 0;
  /** The value of the message decoded last. */
  value: unknown;
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

  /** Decodes `source[start, end)`; on failure it closes the connection and returns false. */
  decode(source: Uint8Array, start: number, end: number): boolean {
    const table = this.#table;
    if (table === undefined) {
      try {
        const message = this.#protocol.decodeMessage(source, start, end);
        this.type = message.type;
        this.value = message.value;
        return true;
      } catch (error) {
        this.#failed(error);
        return false;
      }
    }
    // The frame minimums guarantee the type header is there.
    const type = table.readType(source, start);
    const codec = table.codec(type);
    if (codec === undefined) {
      this.#host.decodeFailed('unknown-type', `message type ${type} is not part of the protocol`);
      return false;
    }
    try {
      const result = codec.decodeFrom(source, start + table.headerSize, end, table.decodeLimits);
      if (result.offset !== end) {
        this.#host.decodeFailed(
          'decode-error',
          `${end - result.offset} bytes left after the payload of type ${type}`,
        );
        return false;
      }
      this.type = type;
      this.value = result.value;
      return true;
    } catch (error) {
      this.#failed(error);
      return false;
    }
  }

  #failed(error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : 'payload does not decode';
    if (code === 'unknown-type') this.#host.decodeFailed('unknown-type', message);
    else if (code === 'payload-too-large') this.#host.decodeFailed('payload-too-large', message);
    else if (typeof code === 'string') this.#host.decodeFailed('decode-error', message);
    else this.#host.decodeFailed('internal-error', 'internal error while decoding', error);
  }
}
