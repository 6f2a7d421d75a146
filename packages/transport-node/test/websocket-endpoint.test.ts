import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProtocolConfig, string, struct, u32 } from '@bp/codec';
import { createClientSession, type Session } from '@bp/session';
import { FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL } from '@bp/session/wire';
import { generateTestPki } from '@bp/test-kit/pki';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import {
  attachWebSocket,
  listenWebSocket,
  maxWebSocketPayload,
  type WebSocketEndpoint,
  type WebSocketEndpointOptions,
  type WebSocketListener,
} from '../src/websocket-endpoint.js';

enum Type {
  GET = 1,
  VALUE = 2,
  NOTE = 3,
}
const protocol = new ProtocolConfig({
  messageTypeEnum: Type,
  messageStructures: {
    [Type.GET]: struct({ key: string() }),
    [Type.VALUE]: struct({ key: string(), length: u32 }),
    [Type.NOTE]: struct({ text: string() }),
  },
  responses: { [Type.GET]: Type.VALUE },
  maxPayloadSize: 4096,
});
type P = typeof protocol;
const TOKEN = 'endpoint-token';

const options: WebSocketEndpointOptions<P> = {
  protocol,
  path: '/bp',
  auth: { token: TOKEN },
  handlers: { [Type.GET]: ({ key }) => ({ key, length: key.length }) },
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(extra: Partial<WebSocketEndpointOptions<P>> = {}): Promise<WebSocketListener<P>> {
  const listener = await listenWebSocket({ ...options, ...extra, port: 0 });
  cleanups.push(() => listener.close({ deadline: 100 }));
  return listener;
}

/** Opens a raw `ws` client; resolves with it once open, or with the HTTP status that refused it. */
function open(
  url: string,
  wsOptions: ConstructorParameters<typeof WebSocket>[2] = {},
  protocols?: string[],
): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, wsOptions);
    ws.once('open', () => {
      cleanups.push(() => ws.terminate());
      resolve({ ws });
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (ws.readyState !== ws.OPEN) reject(error);
    });
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

/** A client session over a raw `ws` client (what the browser package does, in a few lines). */
function clientSession(ws: WebSocket, token = TOKEN): Session<P> {
  ws.binaryType = 'nodebuffer';
  const session = createClientSession({
    protocol,
    token,
    transport: {
      write: (chunk) => {
        ws.send(chunk);
        return true;
      },
      end: () => ws.close(1000),
      destroy: () => ws.terminate(),
    },
  });
  ws.on('message', (data: Buffer) => session.receive(data));
  ws.on('close', () => session.transportClosed());
  return session;
}

async function connectedSession(url: string, token = TOKEN): Promise<Session<P>> {
  const opened = await open(url);
  if (!('ws' in opened)) throw new Error(`refused with ${opened.status}`);
  const session = clientSession(opened.ws, token);
  cleanups.push(() => session.close({ deadline: 50 }).catch(() => {}));
  return session;
}

describe('WebSocket endpoint', () => {
  test('runs a bp session per connection: handshake, auth, requests', async () => {
    const listener = await listen();
    expect(listener.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/bp$/);
    const session = await connectedSession(listener.url);
    await session.ready;
    const replies = await Promise.all(['a', 'bb', 'ccc'].map((key) => session.request(Type.GET, { key })));
    expect(replies).toEqual([
      { key: 'a', length: 1 },
      { key: 'bb', length: 2 },
      { key: 'ccc', length: 3 },
    ]);
    expect(listener.sessions.size).toBe(1);

    const refused = await connectedSession(listener.url, 'wrong');
    await expect(refused.ready).rejects.toMatchObject({ code: 'unauthorized', remote: true });
  });

  test('onSession sees every new session before its frames, with what the endpoint knows of the connection', async () => {
    const listener = await listen();
    const seen: { remoteAddress: string | undefined; kind: string; path: string | undefined }[] = [];
    const notes: string[][] = [];
    const stop = listener.onSession((session, info) => {
      seen.push({ remoteAddress: info.remoteAddress, kind: info.kind, path: info.request.url });
      // Per-connection state, subscribed before the first frame is read.
      const mine: string[] = [];
      notes.push(mine);
      session.on(Type.NOTE, ({ text }) => mine.push(text));
    });
    listener.onSession(() => {
      throw new Error('a listener bug');
    });

    const first = await connectedSession(listener.url);
    first.send(Type.NOTE, { text: 'one' });
    first.send(Type.NOTE, { text: 'two' });
    // A request after the notes: its answer means the notes were delivered (one connection keeps order).
    await first.request(Type.GET, { key: 'k' });
    const second = await connectedSession(listener.url);
    second.send(Type.NOTE, { text: 'three' });
    await second.request(Type.GET, { key: 'k' });
    expect(seen).toEqual([
      { remoteAddress: '127.0.0.1', kind: 'websocket', path: '/bp' },
      { remoteAddress: '127.0.0.1', kind: 'websocket', path: '/bp' },
    ]);
    expect(notes).toEqual([['one', 'two'], ['three']]);

    stop();
    const third = await connectedSession(listener.url);
    await third.request(Type.GET, { key: 'k' });
    expect(seen).toHaveLength(2);
    expect(listener.sessions.size).toBe(3);
  });

  test('maxPayload follows the largest legal frame for maxPayloadSize', async () => {
    expect(maxWebSocketPayload(1_048_576, 2)).toBe(1_048_586);
    expect(maxWebSocketPayload(4096, 2)).toBe(65_540);
    const listener = await listen();
    expect(listener.maxPayload).toBe(65_540);
    const custom = await listen({ limits: { maxPayloadSize: 200_000 } });
    expect(custom.maxPayload).toBe(200_010);
  });

  test('a message above maxPayload is closed with 1009 before it is buffered', async () => {
    const listener = await listen();
    const opened = await open(listener.url);
    if (!('ws' in opened)) throw new Error('refused');
    const done = closed(opened.ws);
    opened.ws.send(new Uint8Array(listener.maxPayload + 1));
    expect((await done).code).toBe(1009);
  });

  test('a text message is closed with 1003 (malformed-frame)', async () => {
    const listener = await listen();
    const opened = await open(listener.url);
    if (!('ws' in opened)) throw new Error('refused');
    const done = closed(opened.ws);
    opened.ws.send('hello');
    expect(await done).toEqual({ code: 1003, reason: 'malformed-frame' });
  });

  test('bytes that are not a bp stream get REJECT malformed-frame, then a normal close', async () => {
    const listener = await listen();
    const opened = await open(listener.url);
    if (!('ws' in opened)) throw new Error('refused');
    const received: Buffer[] = [];
    opened.ws.on('message', (data: Buffer) => received.push(data));
    const done = closed(opened.ws);
    // Kind 0x0 is never valid.
    opened.ws.send(new Uint8Array([0x00, 0, 0, 4, 1, 2, 3, 4]));
    expect((await done).code).toBe(1000);
    const bytes = Buffer.concat(received);
    expect(bytes[0]! >> 4).toBe(0x3); // REJECT
    expect(bytes.readUInt16BE(8)).toBe(1); // malformed-frame
  });

  describe('origins', () => {
    test('same-origin and Origin-less clients are allowed, other origins get 403 by default', async () => {
      const listener = await listen();
      const host = new URL(listener.url).host;
      expect('ws' in (await open(listener.url))).toBe(true);
      expect('ws' in (await open(listener.url, { origin: `http://${host}` }))).toBe(true);
      expect(await open(listener.url, { origin: 'https://evil.example' })).toEqual({ status: 403 });
      expect(await open(listener.url, { origin: 'null' })).toEqual({ status: 403 });
    });

    test('allowedOrigins: a list, a function, or any', async () => {
      const listed = await listen({ allowedOrigins: ['https://app.example'] });
      expect('ws' in (await open(listed.url, { origin: 'https://app.example' }))).toBe(true);
      expect(await open(listed.url, { origin: 'https://app.example.evil' })).toEqual({ status: 403 });
      const judged = await listen({ allowedOrigins: (origin) => origin.endsWith('.trusted.example') });
      expect('ws' in (await open(judged.url, { origin: 'https://a.trusted.example' }))).toBe(true);
      expect(await open(judged.url, { origin: 'https://trusted.example.evil' })).toEqual({ status: 403 });
      const any = await listen({ allowedOrigins: '*' });
      expect('ws' in (await open(any.url, { origin: 'https://anything.example' }))).toBe(true);
    });
  });

  test('permessage-deflate is off unless asked for', async () => {
    const plain = await listen();
    const offered = await open(plain.url, { perMessageDeflate: true });
    if (!('ws' in offered)) throw new Error('refused');
    expect(offered.ws.extensions).toBe('');
    const compressed = await listen({ perMessageDeflate: true });
    const accepted = await open(compressed.url, { perMessageDeflate: true });
    if (!('ws' in accepted)) throw new Error('refused');
    expect(accepted.ws.extensions).toContain('permessage-deflate');
  });

  test('selects bp-flow.v1 when offered (unless flowControl is off), and strips CREDIT frames', async () => {
    const listener = await listen();
    const opened = await open(listener.url, {}, [FLOW_SUBPROTOCOL]);
    if (!('ws' in opened)) throw new Error('refused');
    expect(opened.ws.protocol).toBe(FLOW_SUBPROTOCOL);
    // A CREDIT before the HELLO: the endpoint consumes it, the session never sees kind 0xF.
    opened.ws.send(new Uint8Array([0xf0, 0, 0, 4, 0, 1, 0, 0]));
    const session = clientSession(opened.ws);
    await session.ready;
    expect(await session.request(Type.GET, { key: 'xy' })).toEqual({ key: 'xy', length: 2 });

    const off = await listen({ flowControl: false });
    const plain = await open(off.url, {}, [FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL]);
    if (!('ws' in plain)) throw new Error('refused');
    expect(plain.ws.protocol).toBe(PLAIN_SUBPROTOCOL);
    const plainSession = clientSession(plain.ws);
    await plainSession.ready;
    const failed = new Promise<Error | undefined>((resolve) => plainSession.onClose(resolve));
    // Without flow control the same bytes reach the session: an invalid frame kind.
    plain.ws.send(new Uint8Array([0xf0, 0, 0, 4, 0, 1, 0, 0]));
    expect(await failed).toMatchObject({ code: 'malformed-frame', remote: true });
  });

  describe('attached to an existing http server', () => {
    async function httpServer(): Promise<{ server: Server; port: number }> {
      const server = createServer((_request, response) => response.end('page'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      );
      return { server, port: (server.address() as AddressInfo).port };
    }

    test('shares the port with the page; other paths get 404', async () => {
      const { server, port } = await httpServer();
      const endpoint: WebSocketEndpoint<P> = attachWebSocket(server, options);
      cleanups.push(() => endpoint.close({ deadline: 100 }));
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(await page.text()).toBe('page');
      const session = await connectedSession(`ws://127.0.0.1:${port}/bp`);
      await session.ready;
      expect(await session.request(Type.GET, { key: 'shared' })).toEqual({ key: 'shared', length: 6 });
      expect(await open(`ws://127.0.0.1:${port}/other`)).toEqual({ status: 404 });
    });

    test('leaves other paths to the server’s other upgrade listeners', async () => {
      const { server, port } = await httpServer();
      const endpoint = attachWebSocket(server, options);
      cleanups.push(() => endpoint.close({ deadline: 100 }));
      const seen: string[] = [];
      server.on('upgrade', (request, socket) => {
        if (request.url === '/other') {
          seen.push(request.url);
          socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 0\r\n\r\n');
        }
      });
      expect(await open(`ws://127.0.0.1:${port}/other`)).toEqual({ status: 418 });
      expect(seen).toEqual(['/other']);
      const session = await connectedSession(`ws://127.0.0.1:${port}/bp`);
      await session.ready;
    });
  });

  test('a refused connection whose client sends an invalid WebSocket frame does not crash the server', async () => {
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    cleanups.push(() => {
      process.off('uncaughtException', onError);
    });
    // An accept hook that refuses without closing: the endpoint closes with 1013.
    const listener = await listen({ accept: () => undefined });
    const opened = await open(listener.url);
    if (!('ws' in opened)) throw new Error('refused');
    const done = closed(opened.ws);
    // A masked frame with the reserved opcode 0x3: the server's ws parser reports an error.
    (opened.ws as unknown as { _socket: import('node:net').Socket })._socket.write(
      Buffer.from([0x83, 0x80, 1, 2, 3, 4]),
    );
    const { code } = await done;
    expect([1002, 1006, 1013]).toContain(code);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toEqual([]);
  });

  test('close() says GOODBYE (shutdown) to every session, then refuses new connections', async () => {
    const listener = await listen();
    const session = await connectedSession(listener.url);
    await session.ready;
    const ended = new Promise<Error | undefined>((resolve) => session.onClose(resolve));
    const endpoint = attachWebSocket(listener.server, { ...options, path: '/second' });
    await listener.close({ deadline: 500 });
    await ended;
    expect(session.state).toBe('closed');
    expect(listener.sessions.size).toBe(0);
    await endpoint.close();
  });

  test('speaks wss when given TLS options', async () => {
    const pki = generateTestPki();
    cleanups.push(() => pki.dispose());
    const listener = await listen({ tls: { key: pki.server.key, cert: pki.server.cert } } as never);
    expect(listener.url).toMatch(/^wss:\/\//);
    const opened = await open(listener.url, { ca: pki.ca });
    if (!('ws' in opened)) throw new Error('refused');
    const session = clientSession(opened.ws);
    await session.ready;
    expect(await session.request(Type.GET, { key: 'tls' })).toEqual({ key: 'tls', length: 3 });
    await session.close({ deadline: 50 });
    // And a client that does not trust the certificate cannot connect.
    await expect(open(listener.url)).rejects.toThrow();
  });
});
