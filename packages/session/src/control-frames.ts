import { FRAME_HEADER_SIZE, FrameKind, MAGIC, MAX_FRAME_BODY } from './frame-kind.js';
import { SessionError } from './session-error.js';
import { decodeText, encodeText } from './text.js';

/** One `(type, digest)` entry of a HELLO (docs/PROTOCOL.md section 7.3). */
export interface TypeDigest {
  readonly type: number;
  /** First 8 bytes of the type's SHA-256. */
  readonly digest: Uint8Array;
}

/** The fields of a HELLO frame (section 4.1). */
export interface HelloFrame {
  readonly magic: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly maxPayloadSize: number;
  readonly fingerprint: Uint8Array;
  /** The credentials, `undefined` when `tokenLength` is 0. */
  readonly token: string | undefined;
  readonly digests: readonly TypeDigest[];
}

/** The fields of a WELCOME frame (section 4.2). */
export interface WelcomeFrame {
  readonly magic: number;
  readonly version: number;
  readonly maxPayloadSize: number;
  readonly heartbeatInterval: number;
  readonly maxInFlight: number;
}

/** Status values of REJECT details: 1 differs, 2 only the client has it, 3 only the server. */
export const MismatchStatus = { differs: 1, 'client-only': 2, 'server-only': 3 } as const;

/** The fields of a REJECT frame (section 4.3). */
export interface RejectFrame {
  readonly magic: number;
  readonly code: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly reason: string;
  readonly details: readonly { readonly type: number; readonly status: number }[];
}

/** The fields of an ERROR frame (section 4.7). */
export interface ErrorFrame {
  readonly requestId: number;
  readonly code: number;
  readonly message: string;
}

/** The fields of a GOODBYE frame (section 4.9). */
export interface GoodbyeFrame {
  readonly code: number;
  readonly deadline: number;
  readonly reason: string;
}

/**
 * Minimum body sizes of the control frames (docs/PROTOCOL.md table 3.2). A HELLO's is its fixed
 * fields, an empty token and the 4-byte `typeCount`: 46 + 4.
 */
export const HELLO_MIN_BODY = 50;
export const WELCOME_MIN_BODY = 18;
export const REJECT_MIN_BODY = 16;
export const ERROR_MIN_BODY = 6;
export const GOODBYE_MIN_BODY = 6;

/** Writes a frame header at `at`. */
export function writeFrameHeader(target: Uint8Array, at: number, kind: number, bodyLength: number): void {
  target[at] = (kind << 4) | (bodyLength >>> 24);
  target[at + 1] = bodyLength >>> 16;
  target[at + 2] = bodyLength >>> 8;
  target[at + 3] = bodyLength;
}

/** Writes a big-endian u32. */
export function writeU32(target: Uint8Array, at: number, value: number): void {
  target[at] = value >>> 24;
  target[at + 1] = value >>> 16;
  target[at + 2] = value >>> 8;
  target[at + 3] = value;
}

/** Reads a big-endian u32. */
export function readU32(source: Uint8Array, at: number): number {
  return ((source[at] << 24) | (source[at + 1] << 16) | (source[at + 2] << 8) | source[at + 3]) >>> 0;
}

function writeU16(target: Uint8Array, at: number, value: number): void {
  target[at] = value >>> 8;
  target[at + 1] = value;
}

function readU16(source: Uint8Array, at: number): number {
  return (source[at] << 8) | source[at + 1];
}

/** A complete frame (header + `body`). */
export function encodeFrame(kind: number, body: Uint8Array): Uint8Array {
  if (body.length > MAX_FRAME_BODY) throw new RangeError(`frame body of ${body.length} bytes is too large`);
  const frame = new Uint8Array(FRAME_HEADER_SIZE + body.length);
  writeFrameHeader(frame, 0, kind, body.length);
  frame.set(body, FRAME_HEADER_SIZE);
  return frame;
}

function malformed(message: string): never {
  throw new SessionError('malformed-frame', message);
}

/** Encodes a complete HELLO frame. */
export function encodeHello(hello: Omit<HelloFrame, 'magic'> & { magic?: number }): Uint8Array {
  const token = hello.token === undefined ? new Uint8Array(0) : encodeText(hello.token, 0xffff);
  if (hello.fingerprint.length !== 32) throw new RangeError('a fingerprint is 32 bytes');
  const bodyLength = HELLO_MIN_BODY + token.length + 12 * hello.digests.length;
  const frame = new Uint8Array(FRAME_HEADER_SIZE + bodyLength);
  writeFrameHeader(frame, 0, FrameKind.HELLO, bodyLength);
  const b = FRAME_HEADER_SIZE;
  writeU32(frame, b, hello.magic ?? MAGIC);
  writeU16(frame, b + 4, hello.minVersion);
  writeU16(frame, b + 6, hello.maxVersion);
  writeU32(frame, b + 8, hello.maxPayloadSize);
  frame.set(hello.fingerprint, b + 12);
  writeU16(frame, b + 44, token.length);
  frame.set(token, b + 46);
  let at = b + 46 + token.length;
  writeU32(frame, at, hello.digests.length);
  at += 4;
  for (const { type, digest } of hello.digests) {
    writeU32(frame, at, type);
    frame.set(digest.subarray(0, 8), at + 4);
    at += 12;
  }
  return frame;
}

/** Decodes a HELLO body; throws `malformed-frame` when its fields overrun it. */
export function decodeHello(source: Uint8Array, start: number, end: number): HelloFrame {
  if (end - start < HELLO_MIN_BODY) malformed('HELLO body is too short');
  const tokenLength = readU16(source, start + 44);
  let at = start + 46 + tokenLength;
  if (at + 4 > end) malformed('HELLO token overruns the frame');
  const count = readU32(source, at);
  at += 4;
  if (count > (end - at) / 12) malformed('HELLO type digests overrun the frame');
  const digests: TypeDigest[] = new Array(count);
  for (let i = 0; i < count; i++) {
    digests[i] = { type: readU32(source, at), digest: source.slice(at + 4, at + 12) };
    at += 12;
  }
  return {
    magic: readU32(source, start),
    minVersion: readU16(source, start + 4),
    maxVersion: readU16(source, start + 6),
    maxPayloadSize: readU32(source, start + 8),
    fingerprint: source.slice(start + 12, start + 44),
    token: tokenLength === 0 ? undefined : decodeText(source, start + 46, start + 46 + tokenLength),
    digests,
  };
}

/** Encodes a complete WELCOME frame. */
export function encodeWelcome(welcome: Omit<WelcomeFrame, 'magic'> & { magic?: number }): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_SIZE + WELCOME_MIN_BODY);
  writeFrameHeader(frame, 0, FrameKind.WELCOME, WELCOME_MIN_BODY);
  writeU32(frame, 4, welcome.magic ?? MAGIC);
  writeU16(frame, 8, welcome.version);
  writeU32(frame, 10, welcome.maxPayloadSize);
  writeU32(frame, 14, welcome.heartbeatInterval);
  writeU32(frame, 18, welcome.maxInFlight);
  return frame;
}

/** Decodes a WELCOME body (bytes after offset 18 are ignored, per section 4.2). */
export function decodeWelcome(source: Uint8Array, start: number, end: number): WelcomeFrame {
  if (end - start < WELCOME_MIN_BODY) malformed('WELCOME body is too short');
  return {
    magic: readU32(source, start),
    version: readU16(source, start + 4),
    maxPayloadSize: readU32(source, start + 6),
    heartbeatInterval: readU32(source, start + 10),
    maxInFlight: readU32(source, start + 14),
  };
}

/** Encodes a complete REJECT frame. */
export function encodeReject(reject: Omit<RejectFrame, 'magic'> & { magic?: number }): Uint8Array {
  const reason = encodeText(reject.reason);
  const bodyLength = REJECT_MIN_BODY + reason.length + 5 * reject.details.length;
  const frame = new Uint8Array(FRAME_HEADER_SIZE + bodyLength);
  writeFrameHeader(frame, 0, FrameKind.REJECT, bodyLength);
  const b = FRAME_HEADER_SIZE;
  writeU32(frame, b, reject.magic ?? MAGIC);
  writeU16(frame, b + 4, reject.code);
  writeU16(frame, b + 6, reject.minVersion);
  writeU16(frame, b + 8, reject.maxVersion);
  writeU16(frame, b + 10, reason.length);
  frame.set(reason, b + 12);
  let at = b + 12 + reason.length;
  writeU32(frame, at, reject.details.length);
  at += 4;
  for (const { type, status } of reject.details) {
    writeU32(frame, at, type);
    frame[at + 4] = status;
    at += 5;
  }
  return frame;
}

/** Decodes a REJECT body. */
export function decodeReject(source: Uint8Array, start: number, end: number): RejectFrame {
  if (end - start < REJECT_MIN_BODY) malformed('REJECT body is too short');
  const reasonLength = readU16(source, start + 10);
  let at = start + 12 + reasonLength;
  if (at + 4 > end) malformed('REJECT reason overruns the frame');
  const count = readU32(source, at);
  at += 4;
  if (count > (end - at) / 5) malformed('REJECT details overrun the frame');
  const details: { type: number; status: number }[] = new Array(count);
  for (let i = 0; i < count; i++) {
    details[i] = { type: readU32(source, at), status: source[at + 4] };
    at += 5;
  }
  return {
    magic: readU32(source, start),
    code: readU16(source, start + 4),
    minVersion: readU16(source, start + 6),
    maxVersion: readU16(source, start + 8),
    reason: decodeText(source, start + 12, start + 12 + reasonLength),
    details,
  };
}

/** Size of a complete ERROR frame whose message is `messageLength` UTF-8 bytes. */
export function errorFrameSize(messageLength: number): number {
  return FRAME_HEADER_SIZE + ERROR_MIN_BODY + messageLength;
}

/**
 * Writes a complete ERROR frame at `at` (room for {@link errorFrameSize} bytes must be there) and
 * returns the offset after it. `message` is UTF-8, already cut to the text limit.
 */
export function writeErrorInto(
  target: Uint8Array,
  at: number,
  requestId: number,
  code: number,
  message: Uint8Array,
): number {
  writeFrameHeader(target, at, FrameKind.ERROR, ERROR_MIN_BODY + message.length);
  writeU32(target, at + 4, requestId);
  writeU16(target, at + 8, code);
  target.set(message, at + 10);
  return at + FRAME_HEADER_SIZE + ERROR_MIN_BODY + message.length;
}

/** Encodes a complete ERROR frame. */
export function encodeErrorFrame(error: ErrorFrame): Uint8Array {
  const message = encodeText(error.message);
  const frame = new Uint8Array(errorFrameSize(message.length));
  writeErrorInto(frame, 0, error.requestId, error.code, message);
  return frame;
}

/** Decodes an ERROR body. */
export function decodeErrorFrame(source: Uint8Array, start: number, end: number): ErrorFrame {
  if (end - start < ERROR_MIN_BODY) malformed('ERROR body is too short');
  return {
    requestId: readU32(source, start),
    code: readU16(source, start + 4),
    message: decodeText(source, start + 6, end),
  };
}

/** Size of a complete GOODBYE frame whose reason is `reasonLength` UTF-8 bytes. */
export function goodbyeFrameSize(reasonLength: number): number {
  return FRAME_HEADER_SIZE + GOODBYE_MIN_BODY + reasonLength;
}

/**
 * Writes a complete GOODBYE frame at `at` (room for {@link goodbyeFrameSize} bytes must be there)
 * and returns the offset after it. `reason` is UTF-8, already cut to the text limit.
 */
export function writeGoodbyeInto(
  target: Uint8Array,
  at: number,
  code: number,
  deadline: number,
  reason: Uint8Array,
): number {
  writeFrameHeader(target, at, FrameKind.GOODBYE, GOODBYE_MIN_BODY + reason.length);
  writeU16(target, at + 4, code);
  writeU32(target, at + 6, deadline);
  target.set(reason, at + 10);
  return at + FRAME_HEADER_SIZE + GOODBYE_MIN_BODY + reason.length;
}

/** Encodes a complete GOODBYE frame. */
export function encodeGoodbye(goodbye: GoodbyeFrame): Uint8Array {
  const reason = encodeText(goodbye.reason);
  const frame = new Uint8Array(goodbyeFrameSize(reason.length));
  writeGoodbyeInto(frame, 0, goodbye.code, goodbye.deadline, reason);
  return frame;
}

/** Decodes a GOODBYE body. */
export function decodeGoodbye(source: Uint8Array, start: number, end: number): GoodbyeFrame {
  if (end - start < GOODBYE_MIN_BODY) malformed('GOODBYE body is too short');
  return {
    code: readU16(source, start),
    deadline: readU32(source, start + 2),
    reason: decodeText(source, start + 6, end),
  };
}

/** Writes a PING, PONG or CANCEL frame (8 bytes) at `at` and returns the offset after it. */
export function writeU32FrameInto(target: Uint8Array, at: number, kind: number, value: number): number {
  writeFrameHeader(target, at, kind, 4);
  writeU32(target, at + 4, value);
  return at + 8;
}

/** Encodes a PING, PONG or CANCEL frame: a 4-byte body holding one u32. */
export function encodeU32Frame(kind: number, value: number): Uint8Array {
  const frame = new Uint8Array(8);
  writeU32FrameInto(frame, 0, kind, value);
  return frame;
}
