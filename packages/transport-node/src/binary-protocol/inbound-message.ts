import type { WireProtocol } from './wire-protocol.js';

/** A received message: its type and decoded value (`{}` for NOT_FOUND and unknown types). */
export interface DecodedMessageLike {
  readonly type: number;
  readonly value: unknown;
}

/**
 * Decodes one framed message. A type outside the protocol is the header alone with the value
 * `{}`, as the package reads it (its body, if the peer sent one, is read as the next messages).
 * Throws the codec's `DecodeError` for anything else that is wrong.
 */
export function decodeInbound(protocol: WireProtocol, message: Uint8Array): DecodedMessageLike {
  const type = protocol.readType(message, 0);
  if (type !== protocol.notFoundType && !protocol.hasType(type)) {
    if (message.length !== protocol.headerSize) protocol.decodeMessage(message); // throws unknown-type
    return { type, value: {} };
  }
  return protocol.decodeMessage(message);
}
