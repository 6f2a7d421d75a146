/**
 * The WebSocket binding of bp (docs/PROTOCOL.md section 14), in one place for both ends: the
 * subprotocol names, the receive window with its `CREDIT` frames, and the close codes. The
 * server (`@bp/transport-node`) and the client (`@bp/transport-browser`) import these, so the
 * two sides cannot drift apart.
 *
 * A browser cannot stop reading a WebSocket: whatever the server sends is read into the page's
 * memory however slowly the page handles it. With {@link FLOW_SUBPROTOCOL} the client grants the
 * server a byte budget with `CREDIT` frames as it handles messages, and the server stops once the
 * budget is spent; its session then sees backpressure instead of the page drowning (14.4).
 */

/** Subprotocol a client offers to ask for credit-based flow control (section 14.1). */
export const FLOW_SUBPROTOCOL = 'bp-flow.v1';

/**
 * Plain bp. A client offers it after {@link FLOW_SUBPROTOCOL} so that a server with flow control
 * off still selects one of the offered subprotocols (`ws` fails a connection whose server selects
 * none; browsers accept it).
 */
export const PLAIN_SUBPROTOCOL = 'bp.v1';

/** Bytes the server may send before the client's first `CREDIT` (section 14.4). */
export const INITIAL_CREDIT = 65_536;

/** The reference client's receive window: how far the server may run ahead of the page. */
export const DEFAULT_RECEIVE_WINDOW = 256 * 1024;

/** A `CREDIT` frame is `f0 00 00 04` then a u32 of granted bytes, always alone in its message. */
export const CREDIT_FRAME_SIZE = 8;

/** A `CREDIT` frame granting `bytes` more (0..2^32-1); send it alone in its WebSocket message. */
export function encodeCredit(bytes: number): Uint8Array {
  const frame = new Uint8Array(CREDIT_FRAME_SIZE);
  frame[0] = 0xf0;
  frame[3] = 4;
  frame[4] = bytes >>> 24;
  frame[5] = (bytes >>> 16) & 0xff;
  frame[6] = (bytes >>> 8) & 0xff;
  frame[7] = bytes & 0xff;
  return frame;
}

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

/**
 * The client's side of the receive window: what the server may still send. The server sends while
 * what it sent is below what was granted (it may overshoot by one message), so granting again once
 * less than half the window is left, counted only after a message was handled, can never deadlock:
 * a server that stopped has used up its grant, and once the page catches up the remainder is below
 * half.
 */
export class ReceiveWindow {
  readonly #window: number;
  #granted = INITIAL_CREDIT;
  #consumed = 0;

  /** A window of `window` bytes (at least {@link INITIAL_CREDIT}). */
  constructor(window: number) {
    this.#window = Math.max(window, INITIAL_CREDIT);
  }

  /** The credit to send right after the connection opens (0 when the initial one suffices). */
  initialGrant(): number {
    return this.#grant();
  }

  /** Records a handled message of `bytes`; returns the credit to send now, or 0. */
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

/**
 * WebSocket close codes of bp (section 14.5). Browsers may only send 1000 and 3000-4999, so the
 * client's own codes are the private-use `4000 + (standard code - 1000)` twins of the server's.
 */
export const WebSocketCloseCode = {
  /** Graceful end after the bp goodbye (or after `REJECT`, or a flushed fatal `ERROR`), either side. */
  NORMAL: 1000,
  /** Going away: a page being left (browsers), or an endpoint shutting down. */
  GOING_AWAY: 1001,
  /** Server: the client's bytes are not a valid bp frame stream (the reason holds the bp code). */
  PROTOCOL_ERROR: 1002,
  /** Server: the client sent a text message. */
  UNSUPPORTED_DATA: 1003,
  /** The WebSocket dropped without a close frame (reported locally, never sent). */
  ABNORMAL: 1006,
  /** Server: a message larger than the endpoint's `maxPayload` (sent by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  /** Server: anything else; the session failed (the reason holds the bp code). */
  INTERNAL_ERROR: 1011,
  /** Server: the connection limit refused the connection; retry later. */
  TRY_AGAIN_LATER: 1013,
  /** Client: the server sent a text message. */
  CLIENT_UNSUPPORTED_DATA: 4003,
  /** Client: nothing arrived from the server within the read timeout (a dead server). */
  CLIENT_READ_TIMEOUT: 4008,
  /** Client: any other failure on the client (the reason holds the error code). */
  CLIENT_ERROR: 4011,
} as const;

/** One of the {@link WebSocketCloseCode} numbers. */
export type WebSocketCloseCode = (typeof WebSocketCloseCode)[keyof typeof WebSocketCloseCode];

// bp codes that mean the peer's byte stream is broken: a server closes for them with 1002.
const PROTOCOL_ERROR_CODES: ReadonlySet<string> = new Set([
  'malformed-frame',
  'unknown-type',
  'decode-error',
  'unexpected-frame',
  'bad-magic',
]);

/** The code a server closes with when its transport is destroyed with an error of bp `code`. */
export function serverCloseCode(code: string | undefined): WebSocketCloseCode {
  if (code === 'payload-too-large') return WebSocketCloseCode.MESSAGE_TOO_BIG;
  if (code !== undefined && PROTOCOL_ERROR_CODES.has(code)) return WebSocketCloseCode.PROTOCOL_ERROR;
  return WebSocketCloseCode.INTERNAL_ERROR;
}

/** The code a client closes with when its transport is destroyed with an error of bp `code`. */
export function clientCloseCode(code: string | undefined): WebSocketCloseCode {
  return code === 'read-timeout' ? WebSocketCloseCode.CLIENT_READ_TIMEOUT : WebSocketCloseCode.CLIENT_ERROR;
}

/** Whether a close with `code` is an orderly end (1000, 1001) rather than a failure. */
export function isOrderlyClose(code: number): boolean {
  return code === WebSocketCloseCode.NORMAL || code === WebSocketCloseCode.GOING_AWAY;
}

const MAX_CLOSE_REASON_BYTES = 123;

/**
 * `text` cut to the 123 UTF-8 bytes RFC 6455 allows a close reason (at a character boundary);
 * `''` for anything that is not a string (the reason is the error's `code`, when it has one).
 */
export function closeReason(text: unknown): string {
  if (typeof text !== 'string') return '';
  if (text.length * 3 <= MAX_CLOSE_REASON_BYTES) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > MAX_CLOSE_REASON_BYTES) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
