import { ClientError, type DialedConnection, type Dialer } from '@bp/session';
import { DEFAULT_RECEIVE_WINDOW, FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL } from './flow-control.js';
import { globalWebSocket, type WebSocketConstructor, type WebSocketLike } from './websocket-like.js';
import { WebSocketTransport } from './websocket-transport.js';

/** How the WebSocket client reaches its server: the options only WebSocket has. */
export interface WebSocketDialOptions {
  /** The endpoint URL (`ws://` or `wss://`). Never put credentials in it: use `token`. */
  url: string;
  /**
   * The WebSocket constructor: default the global one (browsers, Deno, Bun, Node 22+). On Node 20
   * pass `WebSocket` from the `ws` package.
   */
  WebSocket?: WebSocketConstructor;
  /** `send` returns false above this WebSocket `bufferedAmount`. Default 256 KiB. */
  highWaterMark?: number;
  /** Backpressure ends at this `bufferedAmount`. Default 64 KiB. */
  lowWaterMark?: number;
  /**
   * How far, in bytes, the server may run ahead of the messages this client has handled (receive
   * flow control, subprotocol `bp-flow.v1`); 0 turns it off. Default 256 KiB.
   */
  receiveWindow?: number;
}

/** One WebSocket connection of a client. */
export interface WebSocketConnection extends DialedConnection {
  readonly transport: WebSocketTransport;
  readonly socket: WebSocketLike;
}

/**
 * The dialer of `@bp/transport-browser`'s client: a WebSocket offering the flow-control
 * subprotocol, wrapped in a `WebSocketTransport`. Throws a `TypeError` at once when there is no
 * WebSocket constructor.
 */
export function webSocketDialer(options: WebSocketDialOptions): Dialer<WebSocketConnection> {
  const WebSocketImpl = options.WebSocket ?? globalWebSocket();
  if (WebSocketImpl === undefined) {
    throw new TypeError(
      'no WebSocket constructor: pass one as the `WebSocket` option (on Node 20: `import { WebSocket } from "ws"`)',
    );
  }
  const { url } = options;
  return {
    target: url,
    async dial(signal) {
      const receiveWindow = options.receiveWindow ?? DEFAULT_RECEIVE_WINDOW;
      let socket: WebSocketLike;
      try {
        socket =
          receiveWindow > 0
            ? new WebSocketImpl(url, [FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL])
            : new WebSocketImpl(url);
      } catch (error) {
        // A malformed URL or a blocked port throws from the constructor.
        throw new ClientError('connect-failed', `cannot open a WebSocket to ${url}: ${String(error)}`, {
          cause: error,
        });
      }
      const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
      // Created before the socket opens, so that it keeps whatever arrives with the upgrade.
      const transport = new WebSocketTransport(socket, {
        highWaterMark: options.highWaterMark,
        lowWaterMark: options.lowWaterMark,
        receiveWindow,
      });
      await waitForOpen(socket, url, signal);
      return { transport, socket, closed };
    },
  };
}

function closeQuietly(socket: WebSocketLike): void {
  try {
    socket.close(1000);
  } catch {
    // Already closed.
  }
}

/** Waits for the WebSocket's `open` event; rejects with `connect-failed`, or `signal.reason` on abort. */
function waitForOpen(socket: WebSocketLike, url: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onOpen = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (event: { code?: number; reason?: string }): void => {
      cleanup();
      reject(
        new ClientError(
          'connect-failed',
          `could not open a WebSocket to ${url} (close code ${event.code ?? 1006}); check the URL and ` +
            "that the server's WebSocket endpoint runs there and allows this page's origin",
          { closeCode: event.code, closeReason: event.reason },
        ),
      );
    };
    const onAbort = (): void => {
      cleanup();
      closeQuietly(socket);
      reject(signal.reason);
    };
    socket.addEventListener('open', onOpen);
    socket.addEventListener('close', onClose);
    // `ws` throws on an 'error' event without a listener; the 'close' that follows says enough.
    socket.addEventListener('error', () => {});
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
  });
}
