/**
 * `@bp/session`: the transport-agnostic bp session (handshake, typed messages and requests,
 * heartbeats, limits, graceful close), its errors and an in-memory transport. The bytes below it
 * (frame encoders, the frame reader, the WebSocket binding) are in `@bp/session/wire`.
 * @packageDocumentation
 */
export { type BackoffOptions, backoffDelay, type ResolvedBackoff, resolveBackoff } from './client/backoff.js';
export {
  ClientError,
  type ClientErrorCode,
  type ClientErrorOptions,
  isClientError,
} from './client/client-error.js';
export type {
  ConnectionState,
  ReconnectingClientOptions,
  StateChange,
  SubscribeOptions,
} from './client/client-options.js';
export type { DialedConnection, DialedTransport, Dialer } from './client/dialer.js';
export { type FirstConnection, ReconnectingClient } from './client/reconnecting-client.js';
export { createClientSession, createServerSession } from './create-session.js';
export * from './deprecated-wire-exports.js';
export {
  ErrorCode,
  errorCodeName,
  FIRST_APPLICATION_CODE,
  type LocalErrorName,
  type SessionErrorCode,
  type WireErrorName,
} from './error-codes.js';
export { type ProtocolDescription, type SchemaFingerprint, schemaFingerprint } from './fingerprint.js';
export {
  type BroadcastCallOf,
  type BroadcastResult,
  type Call,
  type CallHandler,
  type CallOf,
  type CallResult,
  composeInterceptors,
  type Interceptor,
} from './interceptor.js';
export { type LimitDefaults, type RateLimit, resolveLimits, type SessionLimits } from './limits.js';
export {
  createMemoryTransportPair,
  MemoryTransport,
  type MemoryTransportOptions,
} from './memory-transport.js';
export { METADATA_VERSION, type Metadata } from './metadata.js';
export type {
  MessageTypes,
  MessageValue,
  ReplyValue,
  RequestTypes,
  SessionProtocol,
} from './protocol-types.js';
export type { ConnectionData, Principal, Register } from './register.js';
export {
  DEFAULT_RESOLVED_CODEC_CACHE_SIZE,
  RESOLVED_VERSIONS_PER_TYPE,
  ResolvedCodecCache,
  type ResolvedCodecCacheOptions,
} from './resolved-codec-cache.js';
export {
  ApplicationError,
  isApplicationError,
  isSessionError,
  type SchemaIssue,
  type SchemaMismatch,
  SessionError,
  type SessionErrorOptions,
} from './session-error.js';
export { createTokenCheck, type TokenCheck, tokenMatches } from './token-check.js';
export type {
  ClientSessionOptions,
  CloseOptions,
  HandlerContext,
  Handlers,
  PeerInfo,
  RequestOptions,
  SchemaPolicy,
  SendOptions,
  ServerSessionOptions,
  Session,
  SessionAuth,
  SessionOptions,
  SessionState,
  SessionTransport,
  TransportSink,
} from './types.js';
export { isUsageError, UsageError, type UsageErrorCode } from './usage-error.js';
