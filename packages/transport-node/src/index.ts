// The declarations use Node types (net, tls, http); keep the reference in the emitted index.d.ts.
/// <reference types="node" preserve="true" />
export { backoffDelay, type ReconnectOptions } from './backoff.js';
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
export { FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL } from './websocket-flow-control.js';
