/** The one place the CLI reads @bp/session's wire constants from. */
import { FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL } from '@bp/session/wire';

export { ErrorCode } from '@bp/session';
export {
  CONTROL_FRAME_LIMIT,
  ERROR_MIN_BODY,
  FRAME_HEADER_SIZE,
  FrameKind,
  GOODBYE_MIN_BODY,
  HELLO_MIN_BODY,
  MAGIC,
  METADATA_MIN_BODY,
  MismatchStatus,
  REJECT_MIN_BODY,
  SCHEMA_MIN_BODY,
  SCHEMA_RESOLUTION_TAG,
  SchemaPhase,
  WELCOME_MIN_BODY,
} from '@bp/session/wire';

/** Kind 0xF: a receive-window grant, only inside the WebSocket binding `bp-flow.v1` (PROTOCOL.md 14.4). */
export const CREDIT_KIND = 0xf;

/** The WebSocket subprotocols bp is carried in (PROTOCOL.md 14.1). */
export const WEBSOCKET_SUBPROTOCOLS = [PLAIN_SUBPROTOCOL, FLOW_SUBPROTOCOL] as const;
