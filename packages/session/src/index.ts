export { canonicalJson } from './canonical-json.js';
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
export type { TypeDigest } from './control-frames.js';
export {
  decodeErrorFrame,
  decodeGoodbye,
  decodeHello,
  decodeReject,
  decodeWelcome,
  type ErrorFrame,
  encodeErrorFrame,
  encodeFrame,
  encodeGoodbye,
  encodeHello,
  encodeReject,
  encodeU32Frame,
  encodeWelcome,
  type GoodbyeFrame,
  type HelloFrame,
  MismatchStatus,
  type RejectFrame,
  type WelcomeFrame,
} from './control-frames.js';
export { createClientSession, createServerSession } from './create-session.js';
export {
  ErrorCode,
  errorCodeName,
  FIRST_APPLICATION_CODE,
  type LocalErrorName,
  type SessionErrorCode,
  type WireErrorName,
} from './error-codes.js';
export { type ProtocolDescription, type SchemaFingerprint, schemaFingerprint } from './fingerprint.js';
export { forEachBatch, MAX_BATCH_BYTES } from './frame-batches.js';
export {
  FRAME_HEADER_SIZE,
  FrameKind,
  MAGIC,
  MAX_FRAME_BODY,
  PROTOCOL_VERSION,
} from './frame-kind.js';
export {
  createFrameLimits,
  type FrameLimits,
  FrameReader,
  type FrameReaderOptions,
  type FrameSink,
  NOT_NOW,
} from './frame-reader.js';
export { encodeRefusal } from './handshake.js';
export type { RateLimit, SessionLimits } from './limits.js';
export {
  createMemoryTransportPair,
  MemoryTransport,
  type MemoryTransportOptions,
  type TransportSink,
} from './memory-transport.js';
export { encodeMessageFrame, encodeRequestFrame, encodeResponseFrame } from './message-frames.js';
export type {
  MessageTypes,
  MessageValue,
  ReplyValue,
  RequestTypes,
  SessionProtocol,
} from './protocol-types.js';
export {
  ApplicationError,
  isApplicationError,
  isSessionError,
  type SchemaMismatch,
  SessionError,
  type SessionErrorOptions,
} from './session-error.js';
export { sha256 } from './sha256.js';
export type {
  ClientSessionOptions,
  CloseOptions,
  HandlerContext,
  Handlers,
  PeerInfo,
  RequestOptions,
  ServerSessionOptions,
  Session,
  SessionAuth,
  SessionOptions,
  SessionState,
  SessionTransport,
} from './types.js';
