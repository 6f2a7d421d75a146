/**
 * @bp/transport-browser: a bp client over WebSocket for browsers, Node 22+, Deno, Bun, or any
 * WHATWG-compatible WebSocket. No Node built-ins, no dependencies beyond @bp/*.
 * @packageDocumentation
 */

// Wrong calls (attach twice) are @bp/session's UsageError.
export {
  type BackoffOptions,
  backoffDelay,
  ClientError,
  type ClientErrorCode,
  type ConnectionState,
  isClientError,
  isUsageError,
  type ResolvedBackoff,
  resolveBackoff,
  type StateChange,
  type SubscribeOptions,
  UsageError,
  type UsageErrorCode,
} from '@bp/session';
export { type ClientOptions, type ConnectOptions, WebSocketClient } from './client.js';
export { CloseCode, WebSocketCloseCode } from './close-codes.js';
export { connect, createClient } from './connect.js';
export { DEFAULT_RECEIVE_WINDOW, FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL } from './flow-control.js';
export type { WebSocketDialOptions } from './websocket-dialer.js';
export type { WebSocketConstructor, WebSocketLike } from './websocket-like.js';
export {
  type TransportSink,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from './websocket-transport.js';
