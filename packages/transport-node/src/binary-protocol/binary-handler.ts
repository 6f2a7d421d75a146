/** A reply: the message type (any type of the protocol, or its NOT_FOUND type) and its value. */
export type BinaryReply = readonly [type: number, data: any];

/**
 * A message handler, as in the package: `async (type, data) => [replyType, replyData]`, or
 * `undefined` (nothing is sent back). Called one message at a time per connection, in order.
 */
export type BinaryHandler = (
  type: number,
  data: any,
) => BinaryReply | undefined | Promise<BinaryReply | undefined>;
