import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { tokenMatches } from '@bp/session';
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
  const { logger } = options;
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, 'http handler failed');
      options.metrics.errors.inc({ code: 'http-internal' });
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    });
  });
  // A slow or idle HTTP client must not hold a socket for long (WebSocket upgrades are unaffected).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: HttpServerOptions,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
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
    if (!authorized(request, url, options.token)) {
      response.setHeader('www-authenticate', 'Bearer realm="bp-demo"');
      send(response, 401, 'text/plain; charset=utf-8', 'token required: Authorization: Bearer <token>\n');
      return;
    }
    const { contentType, body } = await options.metrics.render();
    send(response, 200, contentType, body);
    return;
  }
  if (path === '/' || path === '/index.html') {
    if (!authorized(request, url, options.token)) {
      send(response, 401, 'text/html; charset=utf-8', TOKEN_PAGE);
      return;
    }
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

function authorized(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return tokenMatches(token, header.slice(7).trim());
  return tokenMatches(token, url.searchParams.get('token'));
}

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  response.statusCode = status;
  response.setHeader('content-type', contentType);
  response.setHeader('content-length', Buffer.byteLength(body));
  response.setHeader('x-content-type-options', 'nosniff');
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

const TOKEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bp demo: token required</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Token required</h1>
<p>Open the address the demo server printed at start, which ends in <code>?token=…</code>.
The token is also in the file <code>token</code> of the server's data folder
(default <code>.bp-demo-data/token</code>).</p>
</body></html>
`;
