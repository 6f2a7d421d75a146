import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { tokenMatches } from '@bp/session';
import type { FailureThrottle } from '@bp/transport-node';
import { type ConnectionCapLimits, capConnections } from './connection-cap.js';
import type { Logger } from './logger.js';
import type { DemoMetrics } from './metrics.js';

/** What GET /healthz reports. */
export interface Health {
  status: 'ok' | 'draining';
  store: string;
  fanOut: string;
  connections: number;
  uptimeSeconds: number;
}

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  token: string;
  /** Folder holding the built dashboard: index.html, dashboard.js, dashboard.css. */
  assetsDir: string;
  /** Path of the bp WebSocket endpoint, written into the page. */
  wsPath: string;
  metrics: DemoMetrics;
  health: () => Health;
  logger: Logger;
  /**
   * The failed-login slowdown the bp listeners use: a token presented to /metrics or the page is
   * one more attempt of that address, held to the same rate.
   */
  throttle: FailureThrottle;
  /** Sockets on this port, in total and per address (WebSocket connections included). */
  connections: ConnectionCapLimits;
  /**
   * Ms a socket may stay without a complete request (headers) or without traffic before it is
   * closed. Keep-alive sockets close after the smaller of this and 5 s without a request.
   */
  idleTimeout: number;
}

/** A request the client got wrong: answered with its status, logged without a stack. */
class ClientError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Static files anyone may fetch: code and styles, no data. */
const PUBLIC_ASSETS = new Set(['/dashboard.js', '/dashboard.js.map', '/dashboard.css', '/favicon.svg']);

/**
 * The HTTP side of the demo: the dashboard page (token required), its static assets, /healthz
 * (open, for load balancers) and /metrics (token required, as `Authorization: Bearer` or
 * `?token=`). The WebSocket endpoint is attached to the same server by the caller.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { logger, idleTimeout } = options;
  // A slow or idle HTTP client must not hold a socket for long (WebSocket upgrades are unaffected:
  // the endpoint clears the socket's timeout). Node checks headersTimeout and requestTimeout only
  // every connectionsCheckingInterval (30 s by default), which let idle sockets live ~28 s.
  const server = createServer(
    {
      headersTimeout: idleTimeout,
      requestTimeout: idleTimeout * 3,
      keepAliveTimeout: Math.min(5_000, idleTimeout),
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(idleTimeout / 4))),
    },
    (request, response) => {
      handle(request, response, options).catch((error: unknown) => {
        if (error instanceof ClientError) {
          send(response, error.status, 'text/plain; charset=utf-8', `${error.message}\n`);
          return;
        }
        logger.error({ err: error, url: request.url }, 'http handler failed');
        options.metrics.errors.inc({ code: 'http-internal' });
        if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
        else response.destroy();
      });
    },
  );
  // No traffic for idleTimeout: the socket is destroyed (no 'timeout' listener on the server).
  server.timeout = idleTimeout;
  capConnections(server, options.connections, (limit) =>
    options.metrics.errors.inc({ code: `http-refused-${limit}` }),
  );
  return server;
}

/** The request's URL, or a ClientError (400) for a target that is not a path. */
function requestUrl(request: IncomingMessage): URL {
  const target = request.url ?? '/';
  // `new URL('//', base)` reads '//' as the start of a host: parse paths only, as paths.
  if (!target.startsWith('/')) throw new ClientError(400, 'bad request target: expected a path');
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    throw new ClientError(400, 'bad request target');
  }
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: HttpServerOptions,
): Promise<void> {
  const url = requestUrl(request);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  const path = url.pathname;
  if (path === '/healthz') {
    const health = options.health();
    send(response, health.status === 'ok' ? 200 : 503, 'application/json', `${JSON.stringify(health)}\n`);
    return;
  }
  if (path === '/metrics') {
    const allowed = await admit(request, response, url, options, () => {
      response.setHeader('www-authenticate', 'Bearer realm="bp-demo"');
      send(response, 401, 'text/plain; charset=utf-8', 'token required: Authorization: Bearer <token>\n');
    });
    if (!allowed) return;
    const { contentType, body } = await options.metrics.render();
    send(response, 200, contentType, body);
    return;
  }
  if (path === '/' || path === '/index.html') {
    const allowed = await admit(request, response, url, options, () =>
      send(response, 401, 'text/html; charset=utf-8', TOKEN_PAGE),
    );
    if (!allowed) return;
    const html = (await readFile(join(options.assetsDir, 'index.html'), 'utf8')).replace(
      '{{WS_PATH}}',
      escapeAttribute(options.wsPath),
    );
    // The page carries the token in its address; keep it out of caches and referrers.
    response.setHeader('cache-control', 'no-store');
    response.setHeader('referrer-policy', 'no-referrer');
    send(response, 200, CONTENT_TYPES['.html']!, html);
    return;
  }
  if (PUBLIC_ASSETS.has(path)) {
    let body: Buffer;
    try {
      body = await readFile(join(options.assetsDir, path.slice(1)));
    } catch {
      send(response, 404, 'text/plain; charset=utf-8', 'not found (is the dashboard built?)\n');
      return;
    }
    send(response, 200, CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', body);
    return;
  }
  send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * Checks the token a request presents, as one more authentication attempt of its address under
 * the shared slowdown: while the address is in backoff the answer waits, right or wrong. A request
 * that presents no token is not an attempt. True when the request may proceed; otherwise it has
 * been answered (`unauthorized` for a missing or wrong token, 429 for too many attempts at once)
 * or its client has gone.
 */
async function admit(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  options: HttpServerOptions,
  unauthorized: () => void,
): Promise<boolean> {
  const header = request.headers.authorization;
  const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : url.searchParams.get('token');
  if (presented === null || presented === undefined) {
    unauthorized();
    return false;
  }
  const left = new AbortController();
  const onClose = () => left.abort();
  response.once('close', onClose);
  let outcome: Awaited<ReturnType<FailureThrottle['attempt']>>;
  try {
    outcome = await options.throttle.attempt(
      request.socket.remoteAddress ?? 'unknown',
      () => tokenMatches(options.token, presented),
      left.signal,
    );
  } finally {
    response.off('close', onClose);
  }
  if (outcome.status === 'accepted') return true;
  if (outcome.status === 'rejected') {
    options.metrics.errors.inc({ code: 'http-unauthorized' });
    unauthorized();
  } else if (outcome.status === 'busy') {
    response.setHeader('retry-after', '3');
    send(response, 429, 'text/plain; charset=utf-8', 'too many token checks at once from your address\n');
  }
  return false;
}

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  response.statusCode = status;
  response.setHeader('content-type', contentType);
  response.setHeader('content-length', Buffer.byteLength(body));
  response.setHeader('x-content-type-options', 'nosniff');
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

const TOKEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bp demo: token required</title><link rel="icon" href="/favicon.svg"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Token required</h1>
<p>Open the address the demo server printed at start, which ends in <code>?token=…</code>.
The token is also in the file <code>token</code> of the server's data folder
(default <code>.bp-demo-data/token</code>).</p>
</body></html>
`;
