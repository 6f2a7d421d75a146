import { RedisAdapterError } from './redis-adapter-error.js';

/** Version byte of the envelope format below; a server sees an unknown one as malformed. */
export const ENVELOPE_VERSION = 1;
/** Bytes of the random id of the publishing server. */
export const SENDER_ID_SIZE = 16;
/** Bytes of the protocol's schema fingerprint carried in every envelope (a prefix of the SHA-256). */
export const FINGERPRINT_SIZE = 8;
/** Fixed part: version, sender id, fingerprint, flags, room count. */
export const ENVELOPE_HEADER_SIZE = 1 + SENDER_ID_SIZE + FINGERPRINT_SIZE + 1 + 2;
const FLAG_VOLATILE = 1;
const FLAG_ROOMS = 2;
const FLAG_EXCEPT_ROOMS = 4;

/**
 * One broadcast as it crosses Redis: who sent it, for which protocol, which rooms, and the
 * MESSAGE frame exactly as the sending server encoded it.
 *
 * Layout (all integers big-endian): `u8 version` (1), `16 bytes sender id`, `8 bytes schema
 * fingerprint prefix`, `u8 flags` (bit 0 volatile, bit 1 rooms given; without it every
 * connection; bit 2 except-rooms given), `u16 room count`, per room `u16 byte length` + UTF-8
 * name, then, with bit 2, `u16 except-room count` and the except-rooms the same way, then the
 * frame to the end of the message. (Bit 2 is set only when there are except-rooms, so the
 * envelopes of servers that predate it and of broadcasts without `exceptRooms` are the same
 * bytes; a server that predates it drops an envelope with it as malformed instead of delivering
 * to the members it was to leave out.)
 */
export interface Envelope {
  readonly sender: Uint8Array;
  readonly fingerprint: Uint8Array;
  readonly volatile: boolean;
  readonly rooms: readonly string[] | undefined;
  /** Rooms whose members every server leaves out (absent or empty: none). */
  readonly exceptRooms?: readonly string[] | undefined;
  readonly frame: Uint8Array;
}

/** The bounds an incoming envelope is checked against (from the server's configured limits). */
export interface EnvelopeLimits {
  /** Most rooms in one envelope (and, separately, most except-rooms). */
  readonly maxRooms: number;
  /** Longest room name, in UTF-16 code units (the server's `rooms.maxRoomNameLength`). */
  readonly maxRoomNameLength: number;
  /** Largest frame (frame header + type header + the server's `maxPayloadSize`). */
  readonly maxFrameSize: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Largest envelope that {@link EnvelopeLimits} allow (a UTF-16 unit is at most 3 UTF-8 bytes). */
export function maxEnvelopeSize(limits: EnvelopeLimits): number {
  const roomList = limits.maxRooms * (2 + 3 * limits.maxRoomNameLength);
  return ENVELOPE_HEADER_SIZE + 2 * roomList + 2 + limits.maxFrameSize;
}

/** Builds the envelope: one allocation, the frame copied in once (not once per server). */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const names = envelope.rooms?.map((room) => encoder.encode(room)) ?? [];
  const except = envelope.exceptRooms?.map((room) => encoder.encode(room)) ?? [];
  let size = ENVELOPE_HEADER_SIZE + envelope.frame.length + (except.length > 0 ? 2 : 0);
  for (const name of names) size += 2 + name.length;
  for (const name of except) size += 2 + name.length;
  const out = new Uint8Array(size);
  out[0] = ENVELOPE_VERSION;
  out.set(envelope.sender.subarray(0, SENDER_ID_SIZE), 1);
  out.set(envelope.fingerprint.subarray(0, FINGERPRINT_SIZE), 1 + SENDER_ID_SIZE);
  let at = 1 + SENDER_ID_SIZE + FINGERPRINT_SIZE;
  out[at++] =
    (envelope.volatile ? FLAG_VOLATILE : 0) |
    (envelope.rooms !== undefined ? FLAG_ROOMS : 0) |
    (except.length > 0 ? FLAG_EXCEPT_ROOMS : 0);
  at = writeNames(out, at, names);
  if (except.length > 0) at = writeNames(out, at, except);
  out.set(envelope.frame, at);
  return out;
}

/** A `u16` count, then each name as `u16` byte length + UTF-8; returns the offset after them. */
function writeNames(out: Uint8Array, start: number, names: readonly Uint8Array[]): number {
  let at = start;
  out[at++] = names.length >>> 8;
  out[at++] = names.length & 0xff;
  for (const name of names) {
    out[at++] = name.length >>> 8;
    out[at++] = name.length & 0xff;
    out.set(name, at);
    at += name.length;
  }
  return at;
}

function malformed(message: string): RedisAdapterError {
  return new RedisAdapterError('malformed-envelope', `Redis message: ${message}`);
}

/**
 * Reads an envelope from Redis. Every length is checked against `limits` before anything is
 * allocated; the frame is a view of `bytes` (checked separately, against the protocol). Throws
 * `RedisAdapterError`: `message-too-large` or `malformed-envelope`.
 */
export function decodeEnvelope(bytes: Uint8Array, limits: EnvelopeLimits): Envelope {
  const max = maxEnvelopeSize(limits);
  if (bytes.length > max) {
    throw new RedisAdapterError(
      'message-too-large',
      `Redis message of ${bytes.length} bytes exceeds the ${max} bytes the limits allow (maxPayloadSize, maxRooms, maxRoomNameLength)`,
    );
  }
  if (bytes.length < ENVELOPE_HEADER_SIZE)
    malformedThrow(`${bytes.length} bytes is shorter than the envelope header`);
  if (bytes[0] !== ENVELOPE_VERSION) malformedThrow(`unknown envelope version ${bytes[0]}`);
  const sender = bytes.subarray(1, 1 + SENDER_ID_SIZE);
  const fingerprint = bytes.subarray(1 + SENDER_ID_SIZE, 1 + SENDER_ID_SIZE + FINGERPRINT_SIZE);
  let at = 1 + SENDER_ID_SIZE + FINGERPRINT_SIZE;
  const flags = bytes[at++]!;
  if ((flags & ~(FLAG_VOLATILE | FLAG_ROOMS | FLAG_EXCEPT_ROOMS)) !== 0) {
    malformedThrow(`unknown flags 0x${flags.toString(16)}`);
  }
  const count = (bytes[at]! << 8) | bytes[at + 1]!;
  if ((flags & FLAG_ROOMS) === 0 && count !== 0) malformedThrow(`${count} rooms without the rooms flag`);
  const rooms: string[] = [];
  at = readNames(bytes, at, limits, 'room', rooms);
  let exceptRooms: string[] | undefined;
  if ((flags & FLAG_EXCEPT_ROOMS) !== 0) {
    if (at + 2 > bytes.length) malformedThrow('the except-room count is cut off');
    exceptRooms = [];
    at = readNames(bytes, at, limits, 'except-room', exceptRooms);
    if (exceptRooms.length === 0) malformedThrow('the except-rooms flag with no except-rooms');
  }
  const frame = bytes.subarray(at);
  if (frame.length > limits.maxFrameSize) {
    throw new RedisAdapterError(
      'message-too-large',
      `Redis message carries a frame of ${frame.length} bytes, more than ${limits.maxFrameSize} (maxPayloadSize)`,
    );
  }
  return {
    sender,
    fingerprint,
    volatile: (flags & FLAG_VOLATILE) !== 0,
    rooms: (flags & FLAG_ROOMS) !== 0 ? rooms : undefined,
    ...(exceptRooms === undefined ? {} : { exceptRooms }),
    frame,
  };
}

/** Reads a `u16` count (checked against `maxRooms`) and that many names into `into`; returns the offset after them. */
function readNames(
  bytes: Uint8Array,
  start: number,
  limits: EnvelopeLimits,
  what: string,
  into: string[],
): number {
  let at = start;
  const count = (bytes[at]! << 8) | bytes[at + 1]!;
  at += 2;
  if (count > limits.maxRooms) malformedThrow(`${count} ${what}s, more than maxRooms ${limits.maxRooms}`);
  for (let i = 0; i < count; i++) {
    if (at + 2 > bytes.length) malformedThrow(`${what} ${i} is cut off`);
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    at += 2;
    if (length === 0 || length > 3 * limits.maxRoomNameLength || at + length > bytes.length) {
      malformedThrow(`${what} ${i} has a name of ${length} bytes`);
    }
    let name: string;
    try {
      name = decoder.decode(bytes.subarray(at, at + length));
    } catch {
      throw malformed(`${what} ${i} is not valid UTF-8`);
    }
    if (name.length > limits.maxRoomNameLength) {
      malformedThrow(
        `${what} ${i} is ${name.length} characters, more than maxRoomNameLength ${limits.maxRoomNameLength}`,
      );
    }
    into.push(name);
    at += length;
  }
  return at;
}

function malformedThrow(message: string): never {
  throw malformed(message);
}
