// The declarations use Node types (net, tls, http); keep the reference in the emitted index.d.ts.
/// <reference types="node" preserve="true" />
export { backoffDelay, type ReconnectOptions } from './backoff.js';
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
export { Client, type ClientState, type ConnectOptions, connect } from './client.js';
export type { ConnectionInfo, TlsConnectionInfo } from './connection-info.js';
export type { ConnectionTraffic } from './connection-traffic.js';
export type { FailureThrottleOptions } from './failure-throttle.js';
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
export { SocketTransport, type SocketTransportOptions, type TransportSink } from './socket-transport.js';
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
export { FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL } from './websocket-flow-control.js';
