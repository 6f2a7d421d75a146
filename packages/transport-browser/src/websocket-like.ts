/**
 * The part of the WHATWG `WebSocket` the client uses. The browser's `WebSocket`, Node 22+'s global
 * `WebSocket` and the `ws` package's `WebSocket` all satisfy it. Declared here rather than taken
 * from the DOM library so that the package type-checks in projects compiled without `lib: DOM`.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  /** The subprotocol the server selected ('' for none). */
  readonly protocol?: string;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
}

/** A constructor compatible with the WHATWG `WebSocket` (browser, Node 22+, `ws`). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** `readyState` values of the WHATWG WebSocket. */
export const WS_CONNECTING = 0;
/** `readyState` when messages can be sent. */
export const WS_OPEN = 1;
/** `readyState` while the closing handshake runs. */
export const WS_CLOSING = 2;
/** `readyState` after the connection closed. */
export const WS_CLOSED = 3;

/** Finds the runtime's `WebSocket` (browsers, Deno, Bun, Node 22+); undefined on Node 20. */
export function globalWebSocket(): WebSocketConstructor | undefined {
  const candidate = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof candidate === 'function' ? (candidate as WebSocketConstructor) : undefined;
}
