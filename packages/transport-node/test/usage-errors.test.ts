// Wrong calls and unusable options fail with typed errors that name what was wrong and the fix:
// UsageError (from @bp/session) for calls that cannot work, ServerError for a listen that failed.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import {
  type AddressInfo,
  createServer as createNetServer,
  connect as netConnect,
  type Socket,
} from 'node:net';
import { join } from 'node:path';
import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import { transportProtocol as protocol, TOKEN } from '@bp/test-kit/protocols';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  connect,
  createServer,
  isServerError,
  isUsageError,
  listenWebSocket,
  type Server,
  SocketTransport,
} from '../src/index.js';
import { WebSocketServerTransport } from '../src/websocket-server-transport.js';

const sink = { receive: () => {}, transportDrained: () => {}, transportClosed: () => {} };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('server calls at the wrong moment', () => {
  test('listen after close rejects with server-closed', async () => {
    const server = createServer({ protocol, auth: { token: TOKEN } });
    await server.listen();
    await server.close();
    const error = await server.listen().catch((e: unknown) => e);
    expect(isUsageError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'server-closed',
      message: expect.stringMatching(/create a new server/),
    });
  });

  test('address() before listen and after close throws not-listening', async () => {
    const server = createServer({ protocol, auth: { token: TOKEN } });
    expect(caught(() => server.address())).toMatchObject({ code: 'not-listening' });
    await server.listen();
    expect(server.address().port).toBeGreaterThan(0);
    await server.close();
    const error = caught(() => server.address());
    expect(isUsageError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'not-listening' });
  });

  test('setSecureContext on a plain TCP server throws not-tls, naming the option to pass', async () => {
    const server = createServer({ protocol, auth: { token: TOKEN } });
    const error = caught(() => server.setSecureContext({ key: 'k', cert: 'c' }));
    expect(isUsageError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'not-tls', message: expect.stringMatching(/tls: \{ key, cert \}/) });
  });
});

describe('a listen that cannot bind', () => {
  let taken: ReturnType<typeof createNetServer>;
  let port: number;
  beforeAll(async () => {
    taken = createNetServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    port = (taken.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => taken.close(resolve)));

  test('a TCP server on a port in use rejects with listen-failed, the address and the fix', async () => {
    const server = createServer({ protocol, auth: { token: TOKEN } });
    cleanups.push(() => server.close());
    const error = await server.listen({ port }).catch((e: unknown) => e);
    expect(isServerError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'listen-failed',
      address: `127.0.0.1:${port}`,
      message: expect.stringMatching(/EADDRINUSE.*another process listens there/),
    });
    expect((error as Error).cause).toMatchObject({ code: 'EADDRINUSE' });
  });

  test('a WebSocket listener on a port in use rejects the same way', async () => {
    const error = await listenWebSocket({ protocol, auth: { token: TOKEN }, port }).catch((e: unknown) => e);
    expect(isServerError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'listen-failed', address: `127.0.0.1:${port}` });
  });
});

describe('a transport feeds one session', () => {
  test('SocketTransport.attach twice throws already-attached', async () => {
    const server = createNetServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket: Socket = netConnect((server.address() as AddressInfo).port, '127.0.0.1');
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(() => socket.destroy());
    await once(socket, 'connect');
    const transport = new SocketTransport(socket);
    transport.attach(sink);
    const error = caught(() => transport.attach(sink));
    expect(isUsageError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'already-attached',
      message: expect.stringMatching(/^SocketTransport/),
    });
  });

  test('WebSocketServerTransport.attach twice throws already-attached', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    cleanups.push(() => new Promise((resolve) => wss.close(resolve)));
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    client.on('error', () => {});
    cleanups.push(() => client.terminate());
    const [ws] = await accepted;
    if (client.readyState !== WebSocket.OPEN) await once(client, 'open');
    const transport = new WebSocketServerTransport(ws);
    transport.attach(sink);
    const error = caught(() => transport.attach(sink));
    expect(isUsageError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'already-attached' });
    transport.terminate();
  });
});

describe('TLS options that hold a file path instead of PEM text', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = generateTestPki();
  });
  afterAll(() => pki.dispose());

  test('a ca file that does not exist fails at connect, naming the path (not later as self-signed)', async () => {
    let server: Server<typeof protocol> | undefined = createServer({
      protocol,
      auth: { token: TOKEN },
      tls: { key: pki.server.key, cert: pki.server.cert },
    });
    const { port } = await server.listen();
    cleanups.push(() => server?.close());
    const missing = join(pki.dir, 'no-such-ca.pem');
    const error = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      tls: { ca: missing },
    }).catch((e: unknown) => e);
    expect(isUsageError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid-option' });
    expect((error as Error).message).toContain(`tls.ca: no file at ${missing}`);
    server = undefined;
  });

  test('a ca file that exists, passed as a path, is refused with the fix (read its contents)', async () => {
    const path = join(pki.dir, 'ca-for-path-test.pem');
    writeFileSync(path, pki.ca);
    const error = await connect({
      host: '127.0.0.1',
      port: 1,
      protocol,
      token: TOKEN,
      tls: { ca: path },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-option' });
    expect((error as Error).message).toContain(`is a file path, not PEM text; pass the file's contents`);
  });

  test('a server given a cert path, or setSecureContext given a key path, names the option and the path', async () => {
    const missing = join(pki.dir, 'missing-cert.pem');
    const error = caught(() =>
      createServer({ protocol, auth: { token: TOKEN }, tls: { key: pki.server.key, cert: missing } }),
    );
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toContain(`tls.cert: no file at ${missing}`);

    const server = createServer({
      protocol,
      auth: { token: TOKEN },
      tls: { key: pki.server.key, cert: pki.server.cert },
    });
    const rotate = caught(() => server.setSecureContext({ key: 'server.key', cert: pki.rotatedServer.cert }));
    expect(rotate).toMatchObject({
      code: 'invalid-option',
      message: expect.stringMatching(/^setSecureContext\.key:/),
    });
    await server.close();
  });

  test('PEM text passes the check (the real TLS server still serves)', async () => {
    const server = createServer({
      protocol,
      auth: { token: TOKEN },
      tls: { key: pki.server.key, cert: pki.server.cert },
    });
    const { port } = await server.listen();
    cleanups.push(() => server.close());
    const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, tls: { ca: [pki.ca] } });
    await client.close();
  });
});
