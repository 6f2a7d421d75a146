import {
  ERROR_MIN_BODY,
  GOODBYE_MIN_BODY,
  HELLO_MIN_BODY,
  REJECT_MIN_BODY,
  WELCOME_MIN_BODY,
} from './control-frames.js';
import { CONTROL_FRAME_LIMIT, FrameKind, HANDSHAKE_FRAME_LIMIT, MAX_FRAME_BODY } from './frame-kind.js';
import { type FrameLimits, NOT_NOW } from './frame-reader.js';
import { SCHEMA_MIN_BODY } from './schema-frames.js';

/*
 * Which frames the reader accepts in which phase, and how large (docs/PROTOCOL.md sections 5 and
 * 11). The reader checks every header against these tables before it buffers a body byte, so a
 * frame that is wrong for the phase or too large costs nothing.
 */

/** While handshaking: only HELLO (server) or WELCOME/REJECT (client). */
export function setHandshakeLimits(
  limits: FrameLimits,
  role: 'client' | 'server',
  maxPayloadSize: number,
): void {
  const { min, max } = limits;
  for (let kind = FrameKind.HELLO; kind <= FrameKind.CANCEL; kind++) max[kind] = NOT_NOW;
  max[FrameKind.SCHEMA] = NOT_NOW;
  const handshakeLimit = Math.max(HANDSHAKE_FRAME_LIMIT, maxPayloadSize);
  if (role === 'server') {
    min[FrameKind.HELLO] = HELLO_MIN_BODY;
    max[FrameKind.HELLO] = handshakeLimit;
  } else {
    min[FrameKind.WELCOME] = WELCOME_MIN_BODY;
    max[FrameKind.WELCOME] = HANDSHAKE_FRAME_LIMIT;
    min[FrameKind.REJECT] = REJECT_MIN_BODY;
    max[FrameKind.REJECT] = handshakeLimit;
  }
}

/**
 * After HELLO (or a SCHEMA) arrived: nothing else may arrive until WELCOME is out (section 5.3,
 * rule 3), and no second SCHEMA.
 */
export function closeHandshake(limits: FrameLimits): void {
  limits.max[FrameKind.HELLO] = NOT_NOW;
  limits.max[FrameKind.SCHEMA] = NOT_NOW;
}

/**
 * Version 2 (section 4.11): one SCHEMA frame may arrive, as large as a HELLO: the server's
 * descriptor request at a client that offered resolution, the client's descriptors at a server
 * that asked for them.
 */
export function expectSchema(limits: FrameLimits, maxPayloadSize: number): void {
  limits.min[FrameKind.SCHEMA] = SCHEMA_MIN_BODY;
  limits.max[FrameKind.SCHEMA] = Math.max(HANDSHAKE_FRAME_LIMIT, maxPayloadSize);
}

/** Once open: every frame but the handshake's, typed frames bounded by `maxPayloadSize`. */
export function setOpenLimits(limits: FrameLimits, headerSize: number, maxPayloadSize: number): void {
  const { min, max } = limits;
  const h = headerSize;
  const payload = maxPayloadSize;
  max[FrameKind.HELLO] = NOT_NOW;
  max[FrameKind.WELCOME] = NOT_NOW;
  max[FrameKind.REJECT] = NOT_NOW;
  // Kind 0xD is the handshake's alone: afterwards it is as invalid as a reserved kind.
  max[FrameKind.SCHEMA] = -1;
  min[FrameKind.MESSAGE] = h;
  max[FrameKind.MESSAGE] = Math.min(MAX_FRAME_BODY, h + payload);
  min[FrameKind.REQUEST] = 4 + h;
  max[FrameKind.REQUEST] = Math.min(MAX_FRAME_BODY, 4 + h + payload);
  min[FrameKind.RESPONSE] = 4 + h;
  max[FrameKind.RESPONSE] = Math.min(MAX_FRAME_BODY, 4 + h + payload);
  min[FrameKind.ERROR] = ERROR_MIN_BODY;
  max[FrameKind.ERROR] = CONTROL_FRAME_LIMIT;
  min[FrameKind.GOODBYE] = GOODBYE_MIN_BODY;
  max[FrameKind.GOODBYE] = CONTROL_FRAME_LIMIT;
  for (const kind of [FrameKind.PING, FrameKind.PONG, FrameKind.CANCEL]) {
    min[kind] = 4;
    max[kind] = 4;
  }
}
