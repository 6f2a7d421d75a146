/**
 * Receive-window flow control of the bp WebSocket binding (docs/PROTOCOL.md, "WebSocket binding").
 *
 * A browser cannot stop reading a WebSocket: whatever the server sends is read into the page's
 * memory and queued as message events, however slowly the page handles them. So when both sides
 * agree on the subprotocol {@link FLOW_SUBPROTOCOL}, the client grants the server a byte budget
 * with `CREDIT` frames as it consumes messages, and the server stops sending once the budget is
 * spent; its session then sees backpressure (`send()` returns false) instead of the page drowning.
 */

/** Subprotocol a client offers to ask for credit-based flow control. */
export const FLOW_SUBPROTOCOL = 'bp-flow.v1';

/**
 * Plain bp, selected when a client offers it with {@link FLOW_SUBPROTOCOL} but flow control is
 * off: some clients (`ws`) fail a connection whose server selects none of the offered ones.
 */
export const PLAIN_SUBPROTOCOL = 'bp.v1';

/** Bytes the server may send before the client's first `CREDIT`. */
export const INITIAL_CREDIT = 65_536;

/** A `CREDIT` frame: `f0 00 00 04` then a u32 of granted bytes; always alone in its message. */
export const CREDIT_FRAME_SIZE = 8;

/** The credit granted by a WebSocket message, or -1 if the message is not a `CREDIT` frame. */
export function readCredit(message: Uint8Array): number {
  if (
    message.length !== CREDIT_FRAME_SIZE ||
    message[0] !== 0xf0 ||
    message[1] !== 0 ||
    message[2] !== 0 ||
    message[3] !== 4
  ) {
    return -1;
  }
  return ((message[4]! << 24) | (message[5]! << 16) | (message[6]! << 8) | message[7]!) >>> 0;
}
