/**
 * The one place the CLI reads @bp/session's wire constants from (they are moving to a
 * `@bp/session/wire` subpath: only this file changes then).
 */
export { ErrorCode, FRAME_HEADER_SIZE, FrameKind, MAGIC, MismatchStatus } from '@bp/session';

/** Kind 0xF: a receive-window grant, only inside the WebSocket binding `bp-flow.v1` (PROTOCOL.md 14.4). */
export const CREDIT_KIND = 0xf;

/** Handshake, ERROR and GOODBYE bodies may always be this large (PROTOCOL.md 3.2). */
export const CONTROL_FRAME_LIMIT = 65536;

/** The WebSocket subprotocols bp is carried in (PROTOCOL.md 14.1). */
export const WEBSOCKET_SUBPROTOCOLS = ['bp.v1', 'bp-flow.v1'] as const;
