/** A reply: the message type (any type of the protocol, or its NOT_FOUND type) and its value. */
export type BinaryReply = readonly [type: number, data: any];

/**
 * Where a message came from: one object per TCP connection (the same object for every message of
 * it, so it can key a `WeakMap` of per-connection state), one per datagram over UDP. The package
 * has no such context; its handlers take only `(type, data)`.
 */
export interface BinaryPeer {
  readonly transport: 'tcp' | 'tls' | 'udp';
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/**
 * A message handler, as in the package: `async (type, data) => [replyType, replyData]`, or
 * `undefined` (nothing is sent back). Called one message at a time per connection, in order.
 */
export type BinaryHandler = (
  type: number,
  data: any,
  peer: BinaryPeer,
) => BinaryReply | undefined | Promise<BinaryReply | undefined>;
