import { writeFrameHeader } from './control-frames.js';
import { FRAME_HEADER_SIZE, FrameKind, MAX_FRAME_BODY } from './frame-kind.js';
import type { FrameWriter } from './frame-writer.js';
import type { SessionLimits } from './limits.js';
import { encodeMessageFrame } from './message-frames.js';
import type { MessageTable } from './message-table.js';
import type { SessionProtocol } from './protocol-types.js';
import { SessionError } from './session-error.js';
import type { Session } from './types.js';

/**
 * A MESSAGE frame encoded once, to be written as the same bytes to many sessions (rooms and
 * broadcast in `@bp/transport-node`, the Redis adapter). Build it with {@link encodeMessage}, or
 * check bytes that came from elsewhere with {@link readEncodedMessage}.
 */
export interface EncodedMessage {
  /** The message type number. */
  readonly type: number;
  /** The whole frame: 4-byte frame header, type header, payload. Never modified once built. */
  readonly frame: Uint8Array;
  /** Bytes of the payload (what a peer's `maxPayloadSize` limits). */
  readonly payloadSize: number;
}

/**
 * What {@link writeEncodedMessage} did:
 * - `sent`: queued; the session's queue is below its high-water mark.
 * - `congested`: queued, and the queue is now at or above `maxQueuedBytes` (what `send()` reports
 *   as `false`); the session's slow-consumer policy applies as for any send.
 * - `dropped`: not queued, because `volatile` was asked and the session was congested already.
 * - `too-large`: not queued: the payload is larger than the peer's negotiated `maxPayloadSize`.
 * - `closed`: not queued: the session is closing or closed.
 * - `absent`: not queued: the peer's protocol lacks the type (schema evolution, protocol version
 *   2; `session.send` would throw `peer-lacks-type`).
 *
 * A peer whose connection resolved the type to its own older layout (docs/PROTOCOL.md section
 * 7.6) gets the message re-encoded in that layout: once per layout and message, not per member.
 */
export type EncodedWriteResult = 'sent' | 'congested' | 'dropped' | 'too-large' | 'closed' | 'absent';

/**
 * The key of the internal entry point a session created by `createServerSession` or
 * `createClientSession` carries. `Symbol.for`, so that ESM and CJS copies of this package agree.
 * @internal
 */
export const WRITE_ENCODED: unique symbol = Symbol.for('@bp/session:writeEncodedMessage') as never;

/** A session that accepts pre-encoded frames (every session this package creates). @internal */
export interface EncodedMessageSink {
  [WRITE_ENCODED](message: EncodedMessage, volatile: boolean): EncodedWriteResult;
}

/**
 * Encodes `value` as one MESSAGE frame of `type`, once, for {@link writeEncodedMessage}. Throws
 * what `session.send` throws for a value that does not encode; a payload above `maxPayloadSize`
 * (default: the protocol's) throws `SessionError('payload-too-large')`.
 */
export function encodeMessage(
  protocol: SessionProtocol,
  type: number,
  value: unknown,
  maxPayloadSize: number = protocol.maxPayloadSize,
): EncodedMessage {
  const frame = encodeMessageFrame(protocol, type, value);
  const payloadSize = frame.length - FRAME_HEADER_SIZE - protocol.headerSize;
  if (payloadSize > maxPayloadSize) {
    throw new SessionError(
      'payload-too-large',
      `encodeMessage: payload of ${payloadSize} bytes for type ${protocol.typeName(type) ?? type} exceeds maxPayloadSize ${maxPayloadSize}`,
    );
  }
  return { type, frame, payloadSize };
}

/**
 * Checks bytes that claim to be one MESSAGE frame of `protocol` (from another process, e.g.
 * through Redis) and returns them as an {@link EncodedMessage} (a view, no copy). The frame is
 * decoded once with the protocol's decode limits, so a frame that passes is one every peer of
 * this protocol accepts. Throws a `SessionError`: `malformed-frame` (not one whole MESSAGE
 * frame), `payload-too-large` (above `maxPayloadSize`), `unknown-type` or `decode-error`.
 */
export function readEncodedMessage(
  protocol: SessionProtocol,
  bytes: Uint8Array,
  maxPayloadSize: number = protocol.maxPayloadSize,
): EncodedMessage {
  const headerSize = protocol.headerSize;
  if (bytes.length < FRAME_HEADER_SIZE + headerSize) {
    throw new SessionError(
      'malformed-frame',
      `encoded message of ${bytes.length} bytes is shorter than a MESSAGE frame`,
    );
  }
  const kind = bytes[0]! >>> 4;
  const body = ((bytes[0]! & 0x0f) << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  if (kind !== FrameKind.MESSAGE) {
    throw new SessionError(
      'malformed-frame',
      `encoded message has frame kind ${kind}, not MESSAGE (${FrameKind.MESSAGE})`,
    );
  }
  if (body !== bytes.length - FRAME_HEADER_SIZE || body > MAX_FRAME_BODY) {
    throw new SessionError(
      'malformed-frame',
      `encoded message declares a body of ${body} bytes but carries ${bytes.length - FRAME_HEADER_SIZE}`,
    );
  }
  const payloadSize = body - headerSize;
  if (payloadSize > maxPayloadSize) {
    throw new SessionError(
      'payload-too-large',
      `encoded message payload of ${payloadSize} bytes exceeds maxPayloadSize ${maxPayloadSize}`,
    );
  }
  let type: number;
  try {
    type = protocol.decodeMessage(bytes, FRAME_HEADER_SIZE, bytes.length).type as number;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'unknown-type')
      throw new SessionError('unknown-type', (error as Error).message, { cause: error });
    throw new SessionError('decode-error', `encoded message does not decode: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { type, frame: bytes, payloadSize };
}

/** True when `session` accepts {@link writeEncodedMessage} (sessions of `@bp/session` do). */
export function acceptsEncodedMessages(session: Session<any>): boolean {
  return typeof (session as unknown as Partial<EncodedMessageSink>)[WRITE_ENCODED] === 'function';
}

/**
 * Queues an already-encoded MESSAGE frame on `session`: its bytes are copied into the session's
 * outgoing buffer, behind what was sent before, and leave with the next flush like any `send()`.
 * The same backpressure and slow-consumer rules as `send()` apply (so a member that does not read
 * is closed as a slow consumer, never buffered without bound). With `volatile`, a session whose
 * queue is already over its high-water mark (or whose transport is full) is skipped instead
 * (`dropped`). Never throws for the session's state: see {@link EncodedWriteResult}.
 *
 * This is the one entry point below `session.send` that rooms and broadcast need; applications
 * use `server.rooms` in `@bp/transport-node`.
 */
export function writeEncodedMessage(
  session: Session<any>,
  message: EncodedMessage,
  volatile = false,
): EncodedWriteResult {
  return (session as unknown as EncodedMessageSink)[WRITE_ENCODED](message, volatile);
}

/** The session's half of {@link writeEncodedMessage} (the session checks its own state first). @internal */
export function appendEncoded(
  writer: FrameWriter,
  limits: SessionLimits,
  message: EncodedMessage,
  volatile: boolean,
): EncodedWriteResult {
  if (message.payloadSize > writer.peerMaxPayload) return 'too-large';
  if (volatile && (writer.blocked || writer.out.queued >= limits.maxQueuedBytes)) return 'dropped';
  writer.append(message.frame);
  return writer.afterWrite() ? 'sent' : 'congested';
}

/*
 * Re-encoding for connections on an older schema. A broadcast's frame is in the server's layout;
 * a connection that resolved its type (section 7.6) speaks the client's layout for it. The value
 * is decoded once per message, and the frame encoded once per resolved codec: connections on the
 * same old version share resolved codecs (ResolvedCodecCache), so a thousand old clients cost one
 * decode and one encode. Both caches are weak: they live as long as the message.
 */
const decodedValues = new WeakMap<EncodedMessage, unknown>();
const variants = new WeakMap<EncodedMessage, Map<object, EncodedMessage>>();

/**
 * `message` as the connection whose table is `table` must send it (its own, resolved codec for
 * the type), given the protocol's native table `native`. @internal
 */
export function encodedFor(
  message: EncodedMessage,
  native: MessageTable,
  table: MessageTable,
): EncodedMessage {
  const codec = table.codec(message.type);
  const nativeCodec = native.codec(message.type);
  if (codec === undefined || nativeCodec === undefined || codec === nativeCodec) return message;
  let byCodec = variants.get(message);
  const known = byCodec?.get(codec);
  if (known !== undefined) return known;
  let value = decodedValues.get(message);
  if (value === undefined) {
    const start = FRAME_HEADER_SIZE + native.headerSize;
    value = nativeCodec.decodeFrom(message.frame, start, message.frame.length).value;
    decodedValues.set(message, value);
  }
  const size = table.headerSize + codec.byteLength(value);
  const frame = new Uint8Array(FRAME_HEADER_SIZE + size);
  table.writeType(frame, FRAME_HEADER_SIZE, message.type);
  const body = table.headerSize + codec.encodeInto(value, frame, FRAME_HEADER_SIZE + table.headerSize);
  writeFrameHeader(frame, 0, FrameKind.MESSAGE, body);
  const variant: EncodedMessage = {
    type: message.type,
    frame: frame.subarray(0, FRAME_HEADER_SIZE + body),
    payloadSize: body - table.headerSize,
  };
  if (byCodec === undefined) {
    byCodec = new Map();
    variants.set(message, byCodec);
  }
  byCodec.set(codec, variant);
  return variant;
}
