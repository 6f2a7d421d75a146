// The documented choices of the client, against a real server on 127.0.0.1 that the tests stop
// and start: what happens to calls made while disconnected, to requests in flight when the
// connection drops, to the first connection, and on close().
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import {
  type ClientOptions,
  type ConnectionState,
  connect,
  createClient,
  isClientError,
  type WebSocketClient,
  type WebSocketConstructor,
} from '../src/index.js';
import { expectedValue, MessageType, protocol, TOKEN } from './fixtures/protocol.js';
import { waitFor } from './fixtures/scenarios.js';
import { startTestServer, type TestServer } from './fixtures/test-server.js';

type P = typeof protocol;
let server: TestServer;
const clients: WebSocketClient<P>[] = [];

function options(extra: Partial<ClientOptions<P>> = {}): ClientOptions<P> {
  return {
    protocol,
    token: TOKEN,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelay: 10, maxDelay: 100 },
    ...extra,
  };
}

async function connected(extra: Partial<ClientOptions<P>> = {}): Promise<WebSocketClient<P>> {
  const client = await connect(server.url, options(extra));
  clients.push(client);
  return client;
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
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ deadline: 50 })));
  // Every test leaves the server running.
  if (!(await isListening())) await server.start();
});

async function isListening(): Promise<boolean> {
  try {
    await fetch(server.origin);
    return true;
  } catch {
    return false;
  }
}

async function errorOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('while disconnected (default: queue)', () => {
  test('sends and requests wait, in order, and go out after the reconnect', async () => {
    const client = await connected();
    await client.request(MessageType.STATS, { reset: 1 });
    await server.stop();
    await waitFor(() => client.state === 'reconnecting', 5000, 'reconnecting');
    for (let seq = 0; seq < 5; seq++)
      expect(client.send(MessageType.INGEST, { seq, payload: new Uint8Array(4) })).toBe(false);
    const reply = client.request(MessageType.GET, { key: 'later' });
    expect(client.queued).toBe(6);
    await server.start();
    expect(await reply).toEqual({ key: 'later', value: expectedValue('later') });
    expect(await client.request(MessageType.STATS, { reset: 1 })).toEqual({
      received: 5,
      checksum: 10,
      outOfOrder: 0,
    });
    expect(client.queued).toBe(0);
  });

  test('a queued value is copied at the call: later changes to the object are not sent', async () => {
    const client = await connected();
    await server.stop();
    await waitFor(() => client.state === 'reconnecting', 5000, 'reconnecting');
    const value = { key: 'original' };
    const reply = client.request(MessageType.GET, value);
    value.key = 'changed';
    await server.start();
    expect((await reply).key).toBe('original');
  });

  test('the queue is bounded: past it calls fail with queue-full', async () => {
    const client = await connected({ maxQueuedMessages: 2 });
    await server.stop();
    await waitFor(() => client.state === 'reconnecting', 5000, 'reconnecting');
    client.send(MessageType.INGEST, { seq: 0, payload: new Uint8Array(1) });
    client.send(MessageType.INGEST, { seq: 1, payload: new Uint8Array(1) });
    expect(() => client.send(MessageType.INGEST, { seq: 2, payload: new Uint8Array(1) })).toThrow(
      expect.objectContaining({ code: 'queue-full' }),
    );
    expect(await errorOf(client.request(MessageType.GET, { key: 'x' }))).toMatchObject({
      code: 'queue-full',
    });

    const bytes = createClient(server.url, options({ maxQueuedBytes: 100 }));
    clients.push(bytes);
    expect(() => bytes.send(MessageType.INGEST, { seq: 0, payload: new Uint8Array(200) })).toThrow(
      expect.objectContaining({ code: 'queue-full' }),
    );
  });

  test('a queued request times out or aborts like a live one', async () => {
    const client = await connected();
    await server.stop();
    await waitFor(() => client.state === 'reconnecting', 5000, 'reconnecting');
    expect(await errorOf(client.request(MessageType.GET, { key: 't' }, { timeout: 20 }))).toMatchObject({
      name: 'SessionError',
      code: 'timeout',
    });
    const controller = new AbortController();
    const aborted = client.request(MessageType.GET, { key: 'a' }, { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    expect(await errorOf(aborted)).toMatchObject({ name: 'SessionError', code: 'aborted' });
    expect(client.queued).toBe(0);
  });

  test("whileDisconnected: 'fail' fails at once with not-connected", async () => {
    const client = await connected({ whileDisconnected: 'fail' });
    await server.stop();
    await waitFor(() => client.state === 'reconnecting', 5000, 'reconnecting');
    expect(() => client.send(MessageType.INGEST, { seq: 0, payload: new Uint8Array(1) })).toThrow(
      expect.objectContaining({ code: 'not-connected' }),
    );
    const error = await errorOf(client.request(MessageType.GET, { key: 'x' }));
    expect(isClientError(error)).toBe(true);
    expect(error.code).toBe('not-connected');
  });
});

test('a request in flight when the connection drops fails with connection-lost, and is not resent', async () => {
  // With the receive window closed (nothing reads the BLOBs), the STREAM request stays in flight.
  const client = await connected({ receiveWindow: 65_536, limits: { iteratorHighWaterMark: 4 } });
  const blobs = client.messages(MessageType.BLOB);
  const calls = server.stream.calls;
  const inFlight = client.request(MessageType.STREAM, { count: 100_000, size: 1000 }, { timeout: 0 });
  await waitFor(() => server.stream.waiting, 5000, 'the stream to stall');
  await server.stop();
  const error = await errorOf(inFlight);
  expect(isClientError(error)).toBe(true);
  expect(error.code).toBe('connection-lost');
  await blobs.return?.();
  await server.start();
  await waitFor(() => client.state === 'open', 5000, 'the reconnect');
  await client.request(MessageType.GET, { key: 'sync' });
  expect(server.stream.calls).toBe(calls + 1);
});

describe('the first connection', () => {
  test('connect() fails fast when nothing listens, and does not retry', async () => {
    await server.stop();
    const error = await errorOf(connect(server.url, options()));
    expect(error).toMatchObject({ name: 'ClientError', code: 'connect-failed' });
  });

  test('createClient() keeps trying until the server is there', async () => {
    await server.stop();
    const client = createClient(server.url, options());
    clients.push(client);
    const states = track(client);
    const queued = client.request(MessageType.GET, { key: 'early' });
    await waitFor(() => states.length >= 3, 5000, 'a few attempts');
    expect(client.state).toBe('connecting');
    await server.start();
    await client.ready;
    expect(client.state).toBe('open');
    expect(await queued).toEqual({ key: 'early', value: expectedValue('early') });
  });

  test('gives up after backoff.maxAttempts: closed, with the last error', async () => {
    await server.stop();
    const client = createClient(server.url, options({ reconnect: { initialDelay: 5, maxAttempts: 3 } }));
    clients.push(client);
    const queued = client.request(MessageType.GET, { key: 'never' });
    expect(await errorOf(client.ready)).toMatchObject({ code: 'connect-failed' });
    expect(client.state).toBe('closed');
    expect(await errorOf(queued)).toMatchObject({ code: 'closed' });
  });

  test('reconnect: false closes the client when the connection drops', async () => {
    const client = await connected({ reconnect: false });
    const states = track(client);
    await server.stop();
    await waitFor(() => client.state === 'closed', 5000, 'closed');
    expect(states).toEqual(['open', 'closed']);
    expect(() => client.send(MessageType.INGEST, { seq: 0, payload: new Uint8Array(1) })).toThrow(
      expect.objectContaining({ code: 'closed' }),
    );
  });
});

test('close(): final state, iterators end, queued calls fail with closed', async () => {
  const client = await connected();
  const iterator = client.messages(MessageType.SENSOR_DATA);
  const next = iterator.next();
  await server.stop();
  await waitFor(() => client.state === 'reconnecting', 5000, 'reconnecting');
  const queued = client.request(MessageType.GET, { key: 'x' });
  await client.close();
  expect(client.state).toBe('closed');
  expect(await next).toEqual({ value: undefined, done: true });
  expect(await errorOf(queued)).toMatchObject({ code: 'closed' });
  await expect(client.drained()).resolves.toBeUndefined();
});

test('subscribe(): replayed after each reconnect until unsubscribed', async () => {
  const client = await connected();
  const replies: number[] = [];
  const stop = client.subscribe(
    MessageType.SUBSCRIBE,
    { topic: 't' },
    { onReply: (reply) => replies.push(reply.generation) },
  );
  await waitFor(() => replies.length === 1, 5000, 'the first reply');
  await server.restart();
  await waitFor(() => replies.length === 2, 5000, 'the replayed subscription');
  expect(replies[1]).toBe(replies[0]! + 1);
  stop();
  await server.restart();
  await waitFor(() => client.state === 'open', 5000, 'the reconnect');
  await client.request(MessageType.GET, { key: 'sync' });
  expect(replies).toHaveLength(2);
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

test('onClose, connected() and iterators report a close with an error (reconnecting gave up)', async () => {
  const client = await connected({ reconnect: { initialDelay: 5, maxAttempts: 2 } });
  await client.connected();
  const closes: (Error | undefined)[] = [];
  client.onClose((error) => closes.push(error));
  const iterator = client.messages(MessageType.SENSOR_DATA);
  const next = iterator.next();
  await server.stop();
  expect(await errorOf(next)).toMatchObject({ code: 'connect-failed' });
  expect(closes).toHaveLength(1);
  expect(closes[0]).toMatchObject({ code: 'connect-failed' });
  expect(await errorOf(client.connected())).toMatchObject({ code: 'closed' });
  // A listener added after the close is called at once.
  client.onClose((error) => closes.push(error));
  expect(closes).toHaveLength(2);
  expect(() => client.on(999 as MessageType, () => {})).toThrow(TypeError);
});
