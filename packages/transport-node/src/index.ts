// The declarations use Node types (net, tls, http); keep the reference in the emitted index.d.ts.
/// <reference types="node" preserve="true" />

// Wrong calls (listen after close, attach twice, a file path as `ca`) are @bp/session's UsageError.
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
// The WebSocket binding's subprotocol names, re-exported from @bp/session/wire where they live.
// Pre-encoded messages, for rooms adapters (they travel between servers as frames).
export {
  type EncodedMessage,
  type EncodedWriteResult,
  FLOW_SUBPROTOCOL,
  PLAIN_SUBPROTOCOL,
  readEncodedMessage,
} from '@bp/session/wire';
export {
  BinaryClient,
  type BinaryClientOptions,
  type ReceivedMessage,
  SingleUseClient,
} from './binary-protocol/binary-client.js';
// The Python binary_protocol package's wire and API (docs/binary-protocol-compat.md).
export type { BinaryHandler, BinaryPeer, BinaryReply } from './binary-protocol/binary-handler.js';
export {
  BinaryProtocolError,
  type BinaryProtocolErrorCode,
} from './binary-protocol/binary-protocol-error.js';
export {
  BinaryServer,
  type BinaryServerLimits,
  type BinaryServerOptions,
  type BinaryServerStats,
} from './binary-protocol/binary-server.js';
export { type DatagramStats, MAX_DATAGRAM_SIZE } from './binary-protocol/datagram-endpoint.js';
export type { CloseReason as BinaryCloseReason } from './binary-protocol/stream-connection.js';
export {
  Client,
  type ClientState,
  type ConnectOptions,
  connect,
  createClient,
  type ReconnectOptions,
} from './client.js';
export type { ConnectionInfo, TlsConnectionInfo } from './connection-info.js';
export type { ConnectionTraffic } from './connection-traffic.js';
export { type AttemptOutcome, FailureThrottle, type FailureThrottleOptions } from './failure-throttle.js';
export {
  type BroadcastOptions,
  type BroadcastResult,
  type BroadcastTarget,
  Rooms,
  type RoomsAdapter,
  type RoomsOptions,
  type RoomsStats,
} from './rooms.js';
export {
  createServer,
  type ExternalConnectionInfo,
  type ListenOptions,
  Server,
  type ServerAddress,
  type ServerLimits,
  type ServerOptions,
  type ServerStats,
  type ServerWebSocketOptions,
} from './server.js';
export type { Authenticate, HelloCredentials, ServerAuthOptions, TokenPrincipal } from './server-auth.js';
export { isServerError, ServerError, type ServerErrorCode, type ServerErrorOptions } from './server-error.js';
export { socketCeiling } from './socket-ceiling.js';
export { SocketTransport, type SocketTransportOptions, type TransportSink } from './socket-transport.js';
export type { TcpDialOptions } from './tcp-dialer.js';
export type { TlsKeyLog } from './tls-keylog.js';
export {
  type ClientCertificatePolicy,
  type ClientTlsOptions,
  DEFAULT_ALPN_ID,
  type ServerTlsOptions,
} from './tls-options.js';
export { isTransportError, TransportError, type TransportErrorCode } from './transport-error.js';
export {
  type AllowedOrigins,
  attachWebSocket,
  createWebSocketEndpoint,
  listenWebSocket,
  type WebSocketAccept,
  type WebSocketEndpoint,
  type WebSocketEndpointOptions,
  type WebSocketListener,
  type WebSocketListenOptions,
} from './websocket-endpoint.js';
