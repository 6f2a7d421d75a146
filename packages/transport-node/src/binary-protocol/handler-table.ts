import type { BinaryHandler, BinaryPeer, BinaryReply } from './binary-handler.js';
import { BinaryProtocolError } from './binary-protocol-error.js';
import type { DecodedMessageLike } from './inbound-message.js';
import type { WireProtocol } from './wire-protocol.js';

/**
 * The handlers of a `BinaryServer`, by type, and the default handler for everything else (types
 * outside the protocol, types without a handler), which by default answers NOT_FOUND. Shared by
 * the TCP connections and the UDP endpoint.
 */
export class HandlerTable {
  readonly #protocol: WireProtocol;
  readonly #handlers = new Map<number, BinaryHandler>();
  #fallback: BinaryHandler;

  constructor(protocol: WireProtocol) {
    this.#protocol = protocol;
    const notFound: BinaryReply = [protocol.notFoundType, {}];
    this.#fallback = () => notFound;
  }

  /** Registers the handler of `type`, which must be a message type of the protocol. */
  register(type: number, handler: BinaryHandler): void {
    if (!this.#protocol.hasType(type)) {
      throw new BinaryProtocolError(
        'invalid-argument',
        `registerHandler: message type ${String(type)} is not part of the protocol (its messageStructures)`,
      );
    }
    if (typeof handler !== 'function') {
      throw new BinaryProtocolError(
        'invalid-argument',
        `registerHandler: the handler of type ${type} is not a function`,
      );
    }
    this.#handlers.set(type, handler);
  }

  /** Replaces the default handler (called with `(type, {})` for types it does not know). */
  registerDefault(handler: BinaryHandler): void {
    if (typeof handler !== 'function') {
      throw new BinaryProtocolError(
        'invalid-argument',
        'registerDefaultHandler: the handler is not a function',
      );
    }
    this.#fallback = handler;
  }

  /**
   * Runs the handler of one received message and returns the encoded reply, or undefined when
   * the handler returns nothing. NOT_FOUND received is ignored, as the package does. Throws what
   * the handler throws, or an `EncodeError`/{@link BinaryProtocolError} for a reply that does not
   * encode.
   */
  async reply(message: DecodedMessageLike, peer: BinaryPeer): Promise<Uint8Array | undefined> {
    const protocol = this.#protocol;
    if (message.type === protocol.notFoundType) return undefined;
    const handler = this.#handlers.get(message.type) ?? this.#fallback;
    const result = await handler(message.type, message.value, peer);
    if (result === undefined || result === null) return undefined;
    if (!Array.isArray(result) || result.length !== 2) {
      throw new BinaryProtocolError(
        'invalid-argument',
        `the handler of type ${message.type} returned ${typeof result}, not [replyType, replyData] or undefined`,
      );
    }
    const [type, data] = result;
    if (type === protocol.notFoundType) return protocol.encodeNotFound();
    if (!protocol.hasType(type)) {
      throw new BinaryProtocolError(
        'invalid-argument',
        `the handler of type ${message.type} replied with type ${String(type)}, which is not part of the protocol`,
      );
    }
    // An array of its own (not a slab view): the socket may hold it until it is written.
    const bytes = new Uint8Array(protocol.messageByteLength(type, data ?? {}));
    protocol.encodeMessageInto(type, data ?? {}, bytes, 0);
    return bytes;
  }
}
