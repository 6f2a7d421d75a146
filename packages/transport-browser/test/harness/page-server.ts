import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Forbids eval and inline script; sockets only to the page's own origin. */
export const CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'";

/**
 * Bundles `entry` for the browser the way an application would (platform 'browser', so every
 * package resolves through its browser/default export condition, never `node`), from the
 * workspace sources, so the page never runs a stale dist/.
 */
export async function bundlePage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: {
      '@bp/codec': source('../../../codec/src/index.ts'),
      '@bp/session': source('../../../session/src/index.ts'),
      '@bp/transport-browser': source('../../src/index.ts'),
    },
  });
  return result.outputFiles[0]!.text;
}

const HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>bp browser test</title>
<script type="module" src="/app.js"></script></head><body></body></html>`;

/** An http server on 127.0.0.1 serving one page and its script under {@link CSP}. */
export interface PageServer {
  readonly server: Server;
  readonly port: number;
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves the page on `port` (0 picks one). The returned `server` is also where the bp WebSocket
 * endpoint attaches, so the page and its socket share one origin, as in production.
 */
export async function startPageServer(script: string, port = 0): Promise<PageServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
      response.end(HTML);
    } else if (path === '/app.js') {
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'content-security-policy': CSP,
      });
      response.end(script);
    } else {
      response.writeHead(404, { 'content-security-policy': CSP });
      response.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    origin: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
