import { once } from 'node:events';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import {
  type Client,
  type ConnectionState,
  connect,
  createServer,
  isClientError,
  type Server,
} from '../src/index.js';
import { expectedValue, MessageType, protocol, type TestProtocol, TOKEN } from './fixtures/protocol.js';
import { codeOf, until } from './fixtures/raw-client.js';
import { startServer, testHandlers } from './fixtures/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TCP server that accepts and then never says a word. */
async function silentServer(): Promise<number> {
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (bound and released). */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

describe('connect', () => {
  test('connectTimeout: a server that accepts but never answers the hello', async () => {
    const port = await silentServer();
    const started = Date.now();
    const error = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      connectTimeout: 300,
    }).catch((e: unknown) => e);
    expect(isClientError(error)).toBe(true);
    expect(codeOf(error)).toBe('connect-timeout');
    expect((error as Error).message).toMatch(/connectTimeout/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
  });

  test('connect-failed when nothing listens, with the system error as cause', async () => {
    const port = await closedPort();
    const error = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('connect-failed');
    expect(codeOf((error as Error).cause)).toBe('ECONNREFUSED');
  });

  test('an aborted signal stops connecting', async () => {
    const port = await silentServer();
    const controller = new AbortController();
    const pending = connect({ host: '127.0.0.1', port, protocol, token: TOKEN, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 50);
    const error = await pending.catch((e: unknown) => e);
    expect((error as Error).message).toBe('user gave up');
  });

  test('rejects bad arguments', async () => {
    await expect(connect({ port: 0, protocol })).rejects.toThrow(TypeError);
    await expect(connect({ port: 70000, protocol })).rejects.toThrow(TypeError);
  });
});

// Reconnect, resubscription, the disconnected queue, abort and state events are the shared suite
// (client-behaviour.test.ts); these are what it does not cover.
describe('reconnect', () => {
  test('reconnects after a server restart on the same port; listeners and iterators carry over', async () => {
    const first = await startServer();
    const port = first.port;
    const client: Client<TestProtocol> = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      reconnect: { initialDelay: 20, maxDelay: 200 },
    });
    cleanups.push(() => client.close({ deadline: 100 }));
    const states: ConnectionState[] = [];
    client.onStateChange(({ state }) => {
      if (states.at(-1) !== state) states.push(state);
    });
    const pushed: number[] = [];
    client.on(MessageType.STATUS, (status) => pushed.push(status.code));
    const iterator = client.messages(MessageType.STATUS);

    for (const session of first.server.sessions()) {
      for (const code of [1, 2, 3]) session.send(MessageType.STATUS, { code, text: 'before' });
    }
    expect((await iterator.next()).value).toEqual({ code: 1, text: 'before' });
    await until(() => pushed.length === 3, 'all three received');

    await first.server.close({ deadline: 100 });
    await until(() => client.state === 'reconnecting', 'client noticed');
    // Let a few attempts fail against the closed port before the server comes back.
    await new Promise((resolve) => setTimeout(resolve, 150));

    const second = await startServerOn(port);
    cleanups.push(() => second.close({ deadline: 100 }));
    await client.connected();
    expect(client.state).toBe('open');
    expect(client.reconnects).toBe(1);
    expect(await client.request(MessageType.GET, { key: 'again' })).toEqual({
      key: 'again',
      value: expectedValue('again'),
    });
    for (const session of second.sessions()) session.send(MessageType.STATUS, { code: 4, text: 'after' });
    // What the lost connection had delivered but the loop had not consumed comes first.
    const rest = [await iterator.next(), await iterator.next(), await iterator.next()].map((r) => r.value);
    expect(rest).toEqual([
      { code: 2, text: 'before' },
      { code: 3, text: 'before' },
      { code: 4, text: 'after' },
    ]);
    await until(() => pushed.length === 4, 'listener got all');
    expect(pushed).toEqual([1, 2, 3, 4]);
    expect(states).toEqual(['reconnecting', 'open']);
  });

  test('stops at once when the restarted server refuses the credentials', async () => {
    const first = await startServer();
    const client = await connect({
      host: '127.0.0.1',
      port: first.port,
      protocol,
      token: TOKEN,
      reconnect: { initialDelay: 10, maxDelay: 20 },
    });
    const closed = new Promise<Error | undefined>((resolve) => client.onClose(resolve));
    await first.server.close({ deadline: 100 });
    const second = await startServerOn(first.port, { token: 'rotated' });
    cleanups.push(() => second.close({ deadline: 100 }));
    expect(codeOf(await closed)).toBe('unauthorized');
  });
});

describe('client as a full peer', () => {
  test('answers the server’s requests with its own handlers', async () => {
    const { server, port } = await startServer();
    cleanups.push(() => server.close({ deadline: 100 }));
    const client = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      handlers: { [MessageType.ASK_CLIENT]: async ({ question }) => ({ answer: `${question}!` }) },
    });
    cleanups.push(() => client.close({ deadline: 100 }));
    const [session] = [...server.sessions()];
    expect(await session.request(MessageType.ASK_CLIENT, { question: 'ping' })).toEqual({ answer: 'ping!' });
  });
});

async function startServerOn(
  port: number,
  auth: { token: string } = { token: TOKEN },
): Promise<Server<TestProtocol>> {
  const server = createServer<TestProtocol>({ protocol, handlers: testHandlers(), auth });
  await server.listen({ host: '127.0.0.1', port });
  return server;
}
