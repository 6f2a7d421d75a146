import { WebSocketCloseCode } from '@bp/session/wire';

// The close codes are the WebSocket binding's, declared once in @bp/session/wire for both ends.
export { WebSocketCloseCode };

/** @deprecated use {@link WebSocketCloseCode}: the same codes, one table for server and client. */
export const CloseCode = WebSocketCloseCode;
