import { writeFrameHeader, writeU32 } from './control-frames.js';
import { FRAME_HEADER_SIZE, FrameKind, MAX_FRAME_BODY } from './frame-kind.js';
import type { SessionProtocol } from './protocol-types.js';

function typedFrame(
  protocol: SessionProtocol,
  kind: number,
  id: number,
  type: number,
  value: unknown,
): Uint8Array {
  const idSize = kind === FrameKind.MESSAGE ? 0 : 4;
  const size = protocol.messageByteLength(type, value);
  if (idSize + size > MAX_FRAME_BODY)
    throw new RangeError(`frame body of ${idSize + size} bytes is too large`);
  const frame = new Uint8Array(FRAME_HEADER_SIZE + idSize + size);
  const written = protocol.encodeMessageInto(type, value, frame, FRAME_HEADER_SIZE + idSize);
  writeFrameHeader(frame, 0, kind, idSize + written);
  if (idSize !== 0) writeU32(frame, FRAME_HEADER_SIZE, id);
  return frame.subarray(0, FRAME_HEADER_SIZE + idSize + written);
}

/**
 * One complete MESSAGE frame. Sessions encode into their batch buffer instead; this is for tools,
 * tests and peers that build frames by hand.
 */
export function encodeMessageFrame(protocol: SessionProtocol, type: number, value: unknown): Uint8Array {
  return typedFrame(protocol, FrameKind.MESSAGE, 0, type, value);
}

/** One complete REQUEST frame. */
export function encodeRequestFrame(
  protocol: SessionProtocol,
  requestId: number,
  type: number,
  value: unknown,
): Uint8Array {
  return typedFrame(protocol, FrameKind.REQUEST, requestId, type, value);
}

/** One complete RESPONSE frame. */
export function encodeResponseFrame(
  protocol: SessionProtocol,
  requestId: number,
  type: number,
  value: unknown,
): Uint8Array {
  return typedFrame(protocol, FrameKind.RESPONSE, requestId, type, value);
}
