// What only the WebSocket client has, against a real server on 127.0.0.1: the WebSocket
// constructor option, REJECT arriving with the upgrade, the `connect(url, options)` shorthand.
// Reconnect, the disconnected queue, abort and state events are the shared suite
// (client-behaviour.test.ts, and client-behaviour-chromium.test.ts in Chromium).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import {
  type ConnectionState,
  type ConnectOptions,
  connect,
  createClient,
  type WebSocketClient,
  type WebSocketConstructor,
} from '../src/index.js';
import { expectedValue, MessageType, protocol, TOKEN } from './fixtures/protocol.js';
import { waitFor } from './fixtures/scenarios.js';
import { startTestServer, type TestServer } from './fixtures/test-server.js';

type P = typeof protocol;
let server: TestServer;

function options(extra: Partial<ConnectOptions<P>> = {}): Omit<ConnectOptions<P>, 'url'> {
  return {
    protocol,
    token: TOKEN,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelay: 10, maxDelay: 100 },
    ...extra,
  };
}

function track(client: WebSocketClient<P>): ConnectionState[] {
  const states: ConnectionState[] = [client.state];
  client.onStateChange((change) => states.push(change.state));
  return states;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function errorOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

test('connect(url, options) is connect({ url, ...options }); the client keeps the url', async () => {
  const short = await connect(server.url, options());
  const long = await connect({ url: server.url, ...options() });
  try {
    expect([short.url, long.url]).toEqual([server.url, server.url]);
    const replies = await Promise.all([short, long].map((c) => c.request(MessageType.GET, { key: 'k' })));
    expect(replies).toEqual([
      { key: 'k', value: expectedValue('k') },
      { key: 'k', value: expectedValue('k') },
    ]);
  } finally {
    await Promise.all([short.close(), long.close()]);
  }
});

test.skipIf(typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function')(
  'without a WebSocket constructor (Node 20 has no global one) the error says what to pass',
  () => {
    expect(() => createClient('ws://127.0.0.1:1/', { protocol })).toThrow(/WebSocket/);
  },
);

test('a full server answers REJECT server-busy right after the upgrade; createClient retries until a slot frees', async () => {
  const busy = await startTestServer({ limits: { maxConnections: 1 } });
  try {
    const first = await connect(busy.url, options());
    // The REJECT can arrive in the same read as the upgrade response: it must not be lost.
    const error = await errorOf(connect(busy.url, options()));
    expect(error).toMatchObject({ name: 'SessionError', code: 'server-busy', remote: true });

    const second = createClient(busy.url, options());
    const states = track(second);
    await waitFor(() => states.length >= 3, 5000, 'a few refused attempts');
    expect(second.state).toBe('connecting');
    await first.close();
    await second.ready;
    expect(await second.request(MessageType.GET, { key: 'in' })).toEqual({
      key: 'in',
      value: expectedValue('in'),
    });
    await second.close();
  } finally {
    await busy.close();
  }
});
