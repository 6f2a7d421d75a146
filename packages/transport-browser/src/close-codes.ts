/**
 * WebSocket close codes used by bp (documented in docs/PROTOCOL.md, "WebSocket binding").
 * Browsers may only send 1000 and 3000-4999, so the client's own codes are the private-use
 * `4000 + (standard code - 1000)` twins of the standard codes the server sends.
 */
export const CloseCode = {
  /** Graceful end after the bp goodbye, either side. */
  NORMAL: 1000,
  /** The page is going away (sent by browsers on navigation). */
  GOING_AWAY: 1001,
  /** The WebSocket dropped without a close frame (reported, never sent). */
  ABNORMAL: 1006,
  /** Client: the server sent a text message. */
  CLIENT_UNSUPPORTED_DATA: 4003,
  /** Client: nothing arrived from the server within the read timeout (heartbeats included): a dead peer. */
  CLIENT_READ_TIMEOUT: 4008,
  /** Client: any other failure on the client (the reason carries the error code). */
  CLIENT_ERROR: 4011,
} as const;

/** Close reasons are limited to 123 UTF-8 bytes by RFC 6455; codes are short ASCII anyway. */
export function closeReason(text: string): string {
  return text.length <= 123 ? text : text.slice(0, 123);
}
