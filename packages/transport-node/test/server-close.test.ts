import { until } from '@bp/test-kit/async';
import {
  expectedValue,
  TransportType as MessageType,
  transportProtocol as protocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterEach, describe, expect, test } from 'vitest';
import { connect } from '../src/index.js';
import { codeOf, RawClient } from './fixtures/raw-client.js';
import { startServer } from './fixtures/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('server.close()', () => {
  test('says goodbye, lets requests in flight finish, refuses new ones, and resolves after every socket closed', async () => {
    const { server, port } = await startServer();
    const clients = await Promise.all(
      [1, 2, 3].map(() => connect({ host: '127.0.0.1', port, protocol, token: TOKEN, reconnect: false })),
    );
    cleanups.push(() => Promise.all(clients.map((client) => client.close({ deadline: 100 }))));
    const closeReasons: (Error | undefined)[] = [];
    for (const client of clients) client.onClose((error) => closeReasons.push(error));
    const inFlight = clients.map((client, i) => client.request(MessageType.SLOW, { ms: 150 + i * 50 }));
    await until(() => [...server.sessions()].length === 3, 'sessions up');
    const sockets = clients.map((client) => client.socket!);

    const closing = server.close({ deadline: 2000 });
    expect(server.listening).toBe(false);
    const late = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      connectTimeout: 1000,
    }).catch((e: unknown) => e);
    expect(codeOf(late)).toBe('connect-failed');

    expect(await Promise.all(inFlight)).toEqual([{ ms: 150 }, { ms: 200 }, { ms: 250 }]);
    await closing;
    expect(server.connections).toBe(0);
    await until(() => sockets.every((socket) => socket.destroyed), 'client sockets closed');
    expect(closeReasons).toEqual([undefined, undefined, undefined]);
  });

  test('the deadline bounds the drain: a handler slower than it is cut off', async () => {
    const { server, port } = await startServer();
    const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN });
    cleanups.push(() => client.close({ deadline: 100 }));
    const slow = client.request(MessageType.SLOW, { ms: 20_000 }, { timeout: 0 }).catch((e: unknown) => e);
    await until(() => server.stats().sessions === 1, 'session up');
    await server.close({ deadline: 200 });
    expect(server.connections).toBe(0);
    // Cut off by the server: the client cannot know whether it ran.
    expect(codeOf(await slow)).toBe('connection-lost');
  });

  test('peers that never answer the goodbye (raw, not reading) are destroyed after the deadline', async () => {
    const { server, port } = await startServer();
    const client = await RawClient.open(port);
    cleanups.push(() => client.destroy());
    await client.handshake(TOKEN);
    client.socket.pause();
    await server.close({ deadline: 200 });
    expect(server.connections).toBe(0);
    // Reading again, the client finds the connection gone.
    client.socket.resume();
    await client.closed;
  });

  test('close() is idempotent and works before listen()', async () => {
    const { createServer } = await import('../src/index.js');
    const idle = createServer({ protocol, auth: { token: TOKEN } });
    await Promise.all([idle.close(), idle.close()]);
    expect(() => idle.address()).toThrow(/not listening/);
  });

  test('a client closing gracefully while requests are in flight still gets its answers', async () => {
    const { server, port } = await startServer();
    cleanups.push(() => server.close({ deadline: 100 }));
    const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN });
    const pending = Array.from({ length: 20 }, (_, i) => client.request(MessageType.GET, { key: `c${i}` }));
    const closing = client.close({ deadline: 1000 });
    const replies = await Promise.all(pending);
    expect(replies.map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => expectedValue(`c${i}`)));
    await closing;
    await until(() => server.connections === 0, 'server released it');
  });
});
