/**
 * `@bp/session/wire`: the bytes of bp, for transports, tools and tests that work below the
 * session (docs/PROTOCOL.md sections 3-8 and 14): frame encoders and decoders, the frame
 * reader with its per-kind limits, batching of frames into messages, the canonical JSON of
 * schema descriptions, and the WebSocket binding. Applications use the package root instead.
 * @packageDocumentation
 */
export { canonicalJson } from '../canonical-json.js';
export {
  decodeErrorFrame,
  decodeGoodbye,
  decodeHello,
  decodeReject,
  decodeWelcome,
  ERROR_MIN_BODY,
  type ErrorFrame,
  encodeErrorFrame,
  encodeFrame,
  encodeGoodbye,
  encodeHello,
  encodeReject,
  encodeU32Frame,
  encodeWelcome,
  GOODBYE_MIN_BODY,
  type GoodbyeFrame,
  HELLO_MIN_BODY,
  type HelloFrame,
  MismatchStatus,
  REJECT_MIN_BODY,
  type RejectFrame,
  type TypeDigest,
  WELCOME_MIN_BODY,
  type WelcomeFrame,
} from '../control-frames.js';
export {
  acceptsEncodedMessages,
  type EncodedMessage,
  type EncodedWriteResult,
  encodeMessage,
  readEncodedMessage,
  writeEncodedMessage,
} from '../encoded-message.js';
export { forEachBatch, MAX_BATCH_BYTES } from '../frame-batches.js';
export {
  CONTROL_FRAME_LIMIT,
  FRAME_HEADER_SIZE,
  FrameKind,
  HANDSHAKE_FRAME_LIMIT,
  MAGIC,
  MAX_FRAME_BODY,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
} from '../frame-kind.js';
export {
  createFrameLimits,
  type FrameLimits,
  FrameReader,
  type FrameReaderOptions,
  type FrameSink,
  NOT_NOW,
} from '../frame-reader.js';
export { encodeRefusal } from '../handshake.js';
export { encodeMessageFrame, encodeRequestFrame, encodeResponseFrame } from '../message-frames.js';
export {
  decodeMetadataFrame,
  encodeMetadataFrame,
  METADATA_MIN_BODY,
  type MetadataFrame,
  type MetadataLimits,
} from '../metadata.js';
export {
  appendAbsentTypes,
  appendSchemaIssues,
  appendToFrame,
  decodeAbsentTypes,
  decodeHelloExtensions,
  decodeSchemaFrame,
  decodeSchemaIssues,
  decodeSchemaRequest,
  encodeHelloExtensions,
  encodeSchemaDescriptors,
  encodeSchemaRequest,
  MAX_ISSUE_PATH_BYTES,
  MAX_SCHEMA_ISSUES,
  SCHEMA_MIN_BODY,
  SCHEMA_RESOLUTION_TAG,
  type SchemaDescriptorEntry,
  type SchemaFrame,
  SchemaPhase,
  type WireSchemaIssue,
} from '../schema-frames.js';
export {
  CREDIT_FRAME_SIZE,
  clientCloseCode,
  closeReason,
  DEFAULT_RECEIVE_WINDOW,
  encodeCredit,
  FLOW_SUBPROTOCOL,
  INITIAL_CREDIT,
  isOrderlyClose,
  PLAIN_SUBPROTOCOL,
  ReceiveWindow,
  readCredit,
  serverCloseCode,
  WebSocketCloseCode,
} from '../websocket-binding.js';
