/**
 * Frame kinds and wire constants of protocol versions 1 and 2 (docs/PROTOCOL.md section 3). A frame is a
 * 4-byte big-endian header, `kind << 28 | bodyLength`, followed by the body.
 */
export const FrameKind = {
  HELLO: 0x1,
  WELCOME: 0x2,
  REJECT: 0x3,
  MESSAGE: 0x4,
  REQUEST: 0x5,
  RESPONSE: 0x6,
  ERROR: 0x7,
  PING: 0x8,
  PONG: 0x9,
  GOODBYE: 0xa,
  CANCEL: 0xb,
  /** Version 2, during the handshake only: the schema descriptor exchange (section 4.11). */
  SCHEMA: 0xd,
} as const;

/** A frame kind number (0x1..0xB, and 0xD in version 2). */
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Names of the frame kinds, indexed by kind number (for error messages and logs). */
export const frameKindNames: readonly (string | undefined)[] = [
  undefined,
  'HELLO',
  'WELCOME',
  'REJECT',
  'MESSAGE',
  'REQUEST',
  'RESPONSE',
  'ERROR',
  'PING',
  'PONG',
  'GOODBYE',
  'CANCEL',
  undefined,
  'SCHEMA',
];

/** Size of the frame header in bytes. */
export const FRAME_HEADER_SIZE = 4;

/** The largest body length the 28-bit length field can express. */
export const MAX_FRAME_BODY = 0x0fffffff;

/** The highest protocol version this implementation speaks (it speaks 1 through this). */
export const PROTOCOL_VERSION = 2;

/** The lowest protocol version this implementation speaks. */
export const MIN_PROTOCOL_VERSION = 1;

/** `BPWP`, the first four bytes of every HELLO, WELCOME and REJECT body. */
export const MAGIC = 0x42505750;

/** Handshake frames may always be this large, whatever the payload limit. */
export const HANDSHAKE_FRAME_LIMIT = 65536;

/** Reason and message texts are cut to this many bytes before they are sent. */
export const MAX_TEXT_BYTES = 1024;

/** Limit of ERROR and GOODBYE bodies. */
export const CONTROL_FRAME_LIMIT = 65536;
