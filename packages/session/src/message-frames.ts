import { writeFrameHeader, writeU32 } from './control-frames.js';
import { FRAME_HEADER_SIZE, FrameKind, MAX_FRAME_BODY } from './frame-kind.js';
import { MessageTable } from './message-table.js';
import type { SessionProtocol } from './protocol-types.js';

function typedFrame(
  protocol: SessionProtocol,
  kind: number,
  id: number,
  type: number,
  value: unknown,
): Uint8Array {
  const idSize = kind === FrameKind.MESSAGE ? 0 : 4;
  const direct = directFrame(protocol, kind, id, idSize, type, value);
  if (direct !== undefined) return direct;
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
 * The frame as a session writes it (frame-writer.ts): the type header and the payload codec's
 * bytes. A `ProtocolConfig`'s `encodeMessageInto` writes the Python binary_protocol wire, which
 * adds a `>I` length for variable MessageStructures and a checksum when enabled; neither belongs
 * in bp's frames. Undefined when the protocol has no direct codec access or no codec for `type`,
 * or the value does not encode (the generic path then throws the protocol's labelled error).
 */
function directFrame(
  protocol: SessionProtocol,
  kind: number,
  id: number,
  idSize: number,
  type: number,
  value: unknown,
): Uint8Array | undefined {
  const table = MessageTable.of(protocol);
  const codec = table?.codec(type);
  if (table === undefined || codec === undefined) return undefined;
  let size: number;
  try {
    size = table.headerSize + codec.byteLength(value);
  } catch {
    return undefined;
  }
  if (idSize + size > MAX_FRAME_BODY)
    throw new RangeError(`frame body of ${idSize + size} bytes is too large`);
  const frame = new Uint8Array(FRAME_HEADER_SIZE + idSize + size);
  const typeAt = FRAME_HEADER_SIZE + idSize;
  table.writeType(frame, typeAt, type);
  let body: number;
  try {
    body = idSize + table.headerSize + codec.encodeInto(value, frame, typeAt + table.headerSize);
  } catch {
    return undefined;
  }
  writeFrameHeader(frame, 0, kind, body);
  if (idSize !== 0) writeU32(frame, FRAME_HEADER_SIZE, id);
  return frame.subarray(0, FRAME_HEADER_SIZE + body);
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
