import type { ProtocolConfig } from '@bp/codec';
import { BinaryProtocolError } from './binary-protocol-error.js';

/** What the binary-protocol wire needs from a `ProtocolConfig` of `@bp/codec`. */
export type WireProtocol = ProtocolConfig<any, any>;

/** The largest message the wire accepts: header, length, `maxPayloadSize` bytes and checksum. */
export function maxMessageSize(protocol: WireProtocol): number {
  return (
    protocol.headerSize + 4 + protocol.maxPayloadSize + (protocol.checksumEnabled ? protocol.checksumSize : 0)
  );
}

/**
 * Refuses, when a server or client is built, a protocol the binary_protocol wire cannot carry:
 * one whose declared type is the NOT_FOUND number (the default all-ones header: fine on bp's own
 * frames, ambiguous on this wire, where NOT_FOUND is the header alone), and on a stream one with a
 * type that cannot be framed (a bp DSL codec of variable size: the wire carries a length only for
 * MessageStructures).
 */
export function checkWireProtocol(protocol: WireProtocol): void {
  // A `Protocol` types as a session protocol but lacks this wire's parts; from plain JS it gets here.
  if (typeof (protocol as Partial<WireProtocol>).hasDistinctNotFound !== 'function') {
    throw new BinaryProtocolError(
      'invalid-argument',
      "the binary_protocol wire needs a ProtocolConfig of @bp/codec (payload lengths, checksums, NOT_FOUND); a Protocol carries only bp's own frames: build the schema with new ProtocolConfig({...})",
    );
  }
  if (!protocol.hasDistinctNotFound()) {
    const type = protocol.notFoundType as number;
    throw new BinaryProtocolError(
      'invalid-argument',
      `message type ${protocol.typeName(type) ?? type} is the NOT_FOUND type of the binary_protocol wire (every bit of the ${protocol.headerFormat} header set): give the ProtocolConfig a notFoundType that is not a declared type`,
    );
  }
  if (protocol.transportType !== 'tcp') return;
  for (const type of protocol.messageTypes() as number[]) {
    if (protocol.codecFor(type).fixedSize === undefined && !protocol.isLengthPrefixed(type)) {
      throw new BinaryProtocolError(
        'invalid-argument',
        `message type ${protocol.typeName(type) ?? type} has a variable-size bp codec, which the binary_protocol wire cannot frame on a stream: declare it as a MessageStructure`,
      );
    }
  }
}
