import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import {
  createServer as createHttpsServer,
  type Server as HttpsServer,
  type ServerOptions,
} from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { BpError } from '@bp/codec';
import { createServerSession, type Session, type SessionProtocol } from '@bp/session';
import { FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL, WebSocketCloseCode } from '@bp/session/wire';
import { WebSocketServer } from 'ws';
import { listenFailed } from './server-error.js';
import { SessionListeners } from './session-listeners.js';
import { checkPemOptions, withoutRenegotiation } from './tls-options.js';
import { defaultReadAhead, maxWebSocketPayload } from './websocket-limits.js';
import { WebSocketServerTransport, type WebSocketSessionTransport } from './websocket-server-transport.js';

export { maxWebSocketPayload } from './websocket-limits.js';

type AnyProtocol = SessionProtocol;
type ServerSessionOptions<P extends AnyProtocol> = Parameters<typeof createServerSession<P>>[0];

/**
 * Which pages may open a WebSocket to the endpoint, by their `Origin` header. Same-origin pages
 * (Origin host = Host header) and clients that send no `Origin` (non-browser programs, which could
 * forge one anyway) are always allowed; the setting decides about cross-origin pages:
 * - undefined (default): none, which is what stops cross-site WebSocket hijacking;
 * - a list of serialized origins (`'https://app.example.com'`), compared exactly;
 * - `'*'`: every origin (only for endpoints whose auth does not depend on the browser's cookies);
 * - a function deciding per request.
 */
export type AllowedOrigins =
  | '*'
  | readonly string[]
  | ((origin: string, request: IncomingMessage) => boolean);

/** What the endpoint knows about a connection when it hands it over. */
export interface WebSocketConnectionInfo {
  /** The client's IP address, as seen by the socket. */
  readonly remoteAddress: string | undefined;
  /** The HTTP upgrade request (headers, URL). */
  readonly request: IncomingMessage;
  /** Always `'websocket'`: lets a shared accept function tell transports apart. */
  readonly kind: 'websocket';
}

/**
 * Runs a session over an accepted WebSocket. The default creates one with `createServerSession`
 * and the endpoint's own options; a bp server passes its own so that WebSocket clients share its
 * handlers, auth, limits and shutdown. Return undefined to refuse (after closing the transport).
 */
export type WebSocketAccept<P extends AnyProtocol> = (
  transport: WebSocketSessionTransport,
  info: WebSocketConnectionInfo,
) => Session<P> | undefined;

/** Options of {@link createWebSocketEndpoint}: the session's options plus the WebSocket ones. */
export type WebSocketEndpointOptions<P extends AnyProtocol> = Omit<
  ServerSessionOptions<P>,
  'transport' | 'remoteAddress'
> & {
  /** URL path the endpoint answers (query ignored). Default `'/'`. */
  path?: string;
  /** Cross-origin pages allowed to connect. Default: none (same-origin and non-browser clients only). */
  allowedOrigins?: AllowedOrigins;
  /**
   * `permessage-deflate`, off by default: bp payloads are already compact and each compressed
   * connection keeps zlib state (hundreds of KiB). `true` or `ws`'s option object turns it on.
   */
  perMessageDeflate?: boolean | Record<string, unknown>;
  /**
   * Accept the `bp-flow.v1` subprotocol when a client offers it (credit-based flow control, so a
   * fast server cannot flood a slow page). Default true.
   */
  flowControl?: boolean;
  /** Per-connection send buffer above which the session sees backpressure. Default 1 MiB. */
  highWaterMark?: number;
  /** Per-connection send buffer at which backpressure ends. Default 256 KiB. */
  lowWaterMark?: number;
  /**
   * With `bp-flow.v1`: bytes of client messages one connection reads ahead, not yet given to its
   * session, while replies wait for the client's credit (the credit may be queued behind them, so
   * reading cannot stop). Past it the connection is closed with `slow-consumer` (no close frame:
   * 1006 at the client). Default 32 of the largest accepted messages, 32 x {@link maxWebSocketPayload}
   * (about 32 MiB with `maxPayloadSize` 1 MiB).
   */
  maxReadAhead?: number;
  /** Replaces the default session creation (see {@link WebSocketAccept}). */
  accept?: WebSocketAccept<P>;
};

/** A WebSocket endpoint: routes HTTP upgrades into bp sessions. */
export interface WebSocketEndpoint<P extends AnyProtocol = AnyProtocol> {
  /** The path it answers. */
  readonly path: string;
  /** Largest WebSocket message accepted; bigger ones are closed with 1009. */
  readonly maxPayload: number;
  /** Sessions currently running over this endpoint. */
  readonly sessions: ReadonlySet<Session<P>>;
  /**
   * Calls `listener` for every new session, before its handshake completes (await
   * `session.ready` for the authenticated, open state) and before any of its frames is read, so
   * that per-connection state and `session.on` subscriptions miss nothing. A listener that
   * throws does not affect the connection. Returns the unsubscribe function. (A bp `Server`'s
   * own `onSession` covers its WebSocket clients as well.)
   */
  onSession(listener: (session: Session<P>, info: WebSocketConnectionInfo) => void): () => void;
  /**
   * Handles an HTTP upgrade for this endpoint (call it from your own `'upgrade'` listener).
   * Returns false, without touching the socket, if the request's path is not the endpoint's.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Stops accepting, closes every session gracefully (`GOODBYE` with code `shutdown`, in-flight
   * requests drain until `deadline` ms), then terminates the connections still open. Resolves when all are closed.
   */
  close(options?: { deadline?: number }): Promise<void>;
}

/** A WebSocket endpoint with its own HTTP(S) server, from {@link listenWebSocket}. */
export interface WebSocketListener<P extends AnyProtocol = AnyProtocol> extends WebSocketEndpoint<P> {
  /** The HTTP or HTTPS server it listens with. */
  readonly server: HttpServer | HttpsServer;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** `ws://host:port/path` or `wss://...`. */
  readonly url: string;
}

/** Where {@link listenWebSocket} listens. */
export interface WebSocketListenOptions {
  /** Default `'127.0.0.1'`. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** TLS options (`key`, `cert`, `ca`, ...): the endpoint then speaks `wss`. */
  tls?: ServerOptions;
}

const DEFAULT_CLOSE_DEADLINE = 5_000;
// After the deadline, how long to wait for sessions that still have not closed before terminating.
const TERMINATE_GRACE_MS = 1_000;

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

function originAllowed(allowed: AllowedOrigins | undefined, request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let sameOrigin = false;
  try {
    sameOrigin = origin !== 'null' && new URL(origin).host === request.headers.host;
  } catch {
    sameOrigin = false;
  }
  if (sameOrigin || allowed === '*') return true;
  if (allowed === undefined) return false;
  if (typeof allowed === 'function') return allowed(origin, request);
  return allowed.includes(origin);
}

function refuse(socket: Duplex, status: number, text: string): void {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}

/**
 * Creates a WebSocket endpoint that runs one bp session per connection: binary messages only,
 * messages above {@link maxWebSocketPayload} closed with 1009, compression off, origins checked.
 * It does not listen by itself: use {@link attachWebSocket}, {@link listenWebSocket}, or call
 * `handleUpgrade` from your own server's `'upgrade'` listener.
 */
export function createWebSocketEndpoint<P extends AnyProtocol>(
  options: WebSocketEndpointOptions<P>,
): WebSocketEndpoint<P> {
  const {
    path = '/',
    allowedOrigins,
    perMessageDeflate = false,
    flowControl = true,
    highWaterMark,
    lowWaterMark,
    maxReadAhead,
    accept,
    ...sessionOptions
  } = options;
  const protocol = sessionOptions.protocol;
  const limits = sessionOptions.limits as { maxPayloadSize?: number } | undefined;
  const maxPayload = maxWebSocketPayload(
    limits?.maxPayloadSize ?? protocol.maxPayloadSize,
    protocol.headerSize,
  );
  const sessions = new Set<Session<P>>();
  const sessionListeners = new SessionListeners<Session<P>, WebSocketConnectionInfo>();
  const transports = new Map<Session<P>, WebSocketServerTransport>();
  let closing: Promise<void> | undefined;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload,
    perMessageDeflate: perMessageDeflate as boolean,
    handleProtocols: (offered) =>
      flowControl && offered.has(FLOW_SUBPROTOCOL)
        ? FLOW_SUBPROTOCOL
        : offered.has(PLAIN_SUBPROTOCOL)
          ? PLAIN_SUBPROTOCOL
          : false,
  });

  const start =
    accept ??
    ((transport: WebSocketSessionTransport, info: WebSocketConnectionInfo): Session<P> =>
      createServerSession<P>({
        ...(sessionOptions as ServerSessionOptions<P>),
        transport,
        remoteAddress: info.remoteAddress,
      } as ServerSessionOptions<P>));

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (pathOf(request.url) !== path) return false;
    if (closing !== undefined) {
      refuse(socket, 503, 'Service Unavailable');
      return true;
    }
    if (!originAllowed(allowedOrigins, request)) {
      refuse(socket, 403, 'Forbidden');
      return true;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const transport = new WebSocketServerTransport(ws, {
        flowControl: ws.protocol === FLOW_SUBPROTOCOL,
        highWaterMark,
        lowWaterMark,
        maxReadAhead: maxReadAhead ?? defaultReadAhead(maxPayload),
      });
      const info: WebSocketConnectionInfo = {
        remoteAddress: request.socket.remoteAddress,
        request,
        kind: 'websocket',
      };
      let session: Session<P> | undefined;
      try {
        session = start(transport, info);
      } catch (error) {
        transport.destroy(BpError.from(error, 'internal-error'));
        return;
      }
      if (session === undefined) {
        if (!transport.closed) ws.close(WebSocketCloseCode.TRY_AGAIN_LATER, 'server-busy');
        return;
      }
      sessions.add(session);
      transports.set(session, transport);
      session.onClose(() => {
        sessions.delete(session);
        transports.delete(session);
      });
      sessionListeners.notify(session, info);
      transport.attach(session);
    });
    return true;
  }

  async function closeAll(deadline: number): Promise<void> {
    const open = [...sessions];
    const all = Promise.allSettled(open.map((session) => session.close({ deadline, code: 'shutdown' })));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadline + TERMINATE_GRACE_MS);
    });
    const outcome = await Promise.race([all, late]);
    clearTimeout(timer);
    // Sessions still open past their deadline (a peer that never answers the goodbye): drop them.
    if (outcome === 'late') for (const transport of transports.values()) transport.terminate();
    wss.close();
  }

  return {
    path,
    maxPayload,
    sessions,
    onSession: (listener) => sessionListeners.add(listener),
    handleUpgrade,
    close(closeOptions) {
      closing ??= closeAll(closeOptions?.deadline ?? DEFAULT_CLOSE_DEADLINE);
      return closing;
    },
  };
}

/**
 * Serves bp over WebSocket on an existing `http`/`https` server at `options.path`, so a page and
 * its socket share one origin and one port. Upgrades for other paths are left to the server's
 * other `'upgrade'` listeners (or answered 404 when there are none). `close()` detaches and closes
 * the sessions; it does not close `server`.
 */
export function attachWebSocket<P extends AnyProtocol>(
  server: HttpServer | HttpsServer,
  options: WebSocketEndpointOptions<P>,
): WebSocketEndpoint<P> {
  const endpoint = createWebSocketEndpoint(options);
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (endpoint.handleUpgrade(request, socket, head)) return;
    if (server.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found');
  };
  server.on('upgrade', onUpgrade);
  return {
    ...endpoint,
    close(closeOptions) {
      server.off('upgrade', onUpgrade);
      return endpoint.close(closeOptions);
    },
  };
}

/**
 * Starts an HTTP server (HTTPS, hence `wss`, when `tls` is given) that serves only the bp
 * WebSocket endpoint. `close()` closes the sessions gracefully, then the server.
 */
export async function listenWebSocket<P extends AnyProtocol>(
  options: WebSocketEndpointOptions<P> & WebSocketListenOptions,
): Promise<WebSocketListener<P>> {
  const { host = '127.0.0.1', port, tls, ...endpointOptions } = options;
  if (tls !== undefined) checkPemOptions(tls, 'tls');
  const server: HttpServer | HttpsServer =
    tls === undefined
      ? createHttpServer((_request, response) => {
          response.writeHead(426, { connection: 'close', upgrade: 'websocket' }).end();
        })
      : createHttpsServer(withoutRenegotiation(tls), (_request, response) => {
          response.writeHead(426, { connection: 'close', upgrade: 'websocket' }).end();
        });
  const endpoint = attachWebSocket(server, endpointOptions as WebSocketEndpointOptions<P>);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      endpoint.close({ deadline: 0 }).catch(() => {});
      reject(listenFailed(error, host, port));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    ...endpoint,
    server,
    port: bound,
    url: `${tls === undefined ? 'ws' : 'wss'}://${hostPart}:${bound}${endpoint.path}`,
    async close(closeOptions) {
      await endpoint.close(closeOptions);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type { WebSocketSessionTransport } from './websocket-server-transport.js';
