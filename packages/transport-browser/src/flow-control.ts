/**
 * Client side of the WebSocket binding's receive window (docs/PROTOCOL.md, WebSocket binding).
 * A page cannot stop reading a WebSocket, so it tells the server how many more bytes it may send
 * with `CREDIT` frames, granted as messages are actually handled. A busy page grants nothing and
 * the server's session sees backpressure instead of the page's memory filling up.
 */

/** The subprotocol that turns the receive window on. */
export const FLOW_SUBPROTOCOL = 'bp-flow.v1';

/**
 * Plain bp, offered after {@link FLOW_SUBPROTOCOL} so that a server with flow control off still
 * selects one of the offered subprotocols (`ws` fails the connection when none is selected;
 * browsers accept it).
 */
export const PLAIN_SUBPROTOCOL = 'bp.v1';

/** Bytes the server may send before the first `CREDIT` arrives. */
export const INITIAL_CREDIT = 65_536;

/** Default receive window: how far the server may run ahead of the page. */
export const DEFAULT_RECEIVE_WINDOW = 256 * 1024;

/** A `CREDIT` frame (kind 0xF, 4-byte body) granting `bytes` more; always sent alone in its message. */
export function creditFrame(bytes: number): Uint8Array {
  const frame = new Uint8Array(8);
  frame[0] = 0xf0;
  frame[3] = 4;
  frame[4] = bytes >>> 24;
  frame[5] = (bytes >>> 16) & 0xff;
  frame[6] = (bytes >>> 8) & 0xff;
  frame[7] = bytes & 0xff;
  return frame;
}

/**
 * Tracks what the server may still send. The server sends while what it sent is below what was
 * granted (it may overshoot by one message), so granting again once less than half the window is
 * left, counted only after a message was handled, can never deadlock: a server that stopped has
 * used up its grant, and once the page catches up the remainder is below half.
 */
export class ReceiveWindow {
  readonly #window: number;
  #granted = INITIAL_CREDIT;
  #consumed = 0;

  constructor(window: number) {
    this.#window = Math.max(window, INITIAL_CREDIT);
  }

  /** The credit to send right after the connection opens (0 when the initial one suffices). */
  initialGrant(): number {
    return this.#grant();
  }

  /** Records a handled message; returns the credit to send now, or 0. */
  consumed(bytes: number): number {
    this.#consumed += bytes;
    return this.#granted - this.#consumed < this.#window / 2 ? this.#grant() : 0;
  }

  #grant(): number {
    const grant = this.#consumed + this.#window - this.#granted;
    if (grant <= 0) return 0;
    this.#granted += grant;
    return grant;
  }
}
