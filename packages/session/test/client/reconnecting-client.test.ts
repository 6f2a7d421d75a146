// What the client core does with its dialer: the attempt's budget, aborts, close during a dial,
// the platform's explanation of a failed handshake, and retryNow().
import { until } from '@bp/test-kit/async';
import { SessionType, sessionProtocol } from '@bp/test-kit/protocols';
import { expect, test } from 'vitest';
import {
  ClientError,
  createMemoryTransportPair,
  createServerSession,
  type DialedConnection,
  type Dialer,
  ReconnectingClient,
  type Session,
  UsageError,
} from '../../src/index.js';

/** A dialer whose dials never connect; it records each attempt's signal. */
function hangingDialer(): Dialer & { signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  return {
    target: 'nowhere:1',
    signals,
    dial(signal) {
      signals.push(signal);
      return new Promise<DialedConnection>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

test('connectTimeout bounds one attempt: connect-timeout names the target and the option, the dial is aborted', async () => {
  const dialer = hangingDialer();
  const client = new ReconnectingClient(
    dialer,
    { protocol: sessionProtocol, connectTimeout: 50 },
    'fail-fast',
  );
  const error = await rejection(client.ready);
  expect(error).toBeInstanceOf(ClientError);
  expect(error.code).toBe('connect-timeout');
  expect(error.message).toMatch(/nowhere:1.*50 ms \(connectTimeout\)/);
  expect(dialer.signals[0]!.aborted).toBe(true);
  expect(client.state).toBe('closed');
});

test('signal aborts the first connection with its reason', async () => {
  const dialer = hangingDialer();
  const controller = new AbortController();
  const client = new ReconnectingClient(
    dialer,
    { protocol: sessionProtocol, signal: controller.signal },
    'retry',
  );
  const reason = new Error('user gave up');
  controller.abort(reason);
  expect(await rejection(client.ready)).toBe(reason);
  expect(client.state).toBe('closed');
  expect(dialer.signals).toHaveLength(1);
});

test('close() during a dial aborts it and makes no further attempt', async () => {
  const dialer = hangingDialer();
  const client = new ReconnectingClient(dialer, { protocol: sessionProtocol }, 'retry');
  await client.close();
  expect(dialer.signals[0]!.aborted).toBe(true);
  expect(await rejection(client.ready)).toMatchObject({ name: 'ClientError', code: 'closed' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(dialer.signals).toHaveLength(1);
});

test("a failed handshake is reported as the dialer's explanation when it has one", async () => {
  const explained = new ClientError('connect-failed', 'explained by the platform');
  const seen: unknown[] = [];
  const dialer: Dialer = {
    target: 'memory',
    async dial() {
      const [client, server] = createMemoryTransportPair();
      // Nobody answers: the peer closes at once, as a TLS server does on a plain hello.
      server.attach({ receive: () => server.destroy(), transportDrained() {}, transportClosed() {} });
      return { transport: client };
    },
    explainHandshakeFailure(error) {
      seen.push(error);
      return explained;
    },
  };
  const client = new ReconnectingClient(dialer, { protocol: sessionProtocol }, 'fail-fast');
  expect(await rejection(client.ready)).toBe(explained);
  expect(seen).toEqual([expect.objectContaining({ name: 'SessionError', code: 'connection-closed' })]);
});

test('retryNow() ends a long backoff wait at once', async () => {
  let dials = 0;
  const dialer: Dialer = {
    target: 'down',
    async dial() {
      dials++;
      throw new ClientError('connect-failed', 'down');
    },
  };
  const client = new ReconnectingClient(
    dialer,
    { protocol: sessionProtocol, reconnect: { initialDelay: 60_000, jitter: 0 } },
    'retry',
  );
  const delays: (number | undefined)[] = [];
  client.onStateChange((change) => delays.push(change.delay));
  await until(() => delays.length === 1, 'the first failure');
  expect([dials, delays]).toEqual([1, [60_000]]);
  client.retryNow();
  // Bounded well below the 60 s the backoff would have waited.
  await until(() => dials === 2, 'the second attempt', 10_000);
  await client.close();
});

test('a client needs a protocol', () => {
  expect(() => new ReconnectingClient(hangingDialer(), {} as never, 'retry')).toThrow(TypeError);
});

test('on() and messages() of a type the protocol lacks throw UsageError unknown-type', async () => {
  const client = new ReconnectingClient(hangingDialer(), { protocol: sessionProtocol }, 'retry');
  expect(() => client.on(999 as never, () => undefined)).toThrow(
    expect.objectContaining({
      code: 'unknown-type',
      message: expect.stringContaining('on(): message type 999'),
    }),
  );
  expect(() => client.messages(999 as never)).toThrow(
    expect.objectContaining({
      code: 'unknown-type',
      message: expect.stringContaining('messages(): message type 999'),
    }),
  );
  expect(() => client.on(999 as never, () => undefined)).toThrow(UsageError);
  await client.close();
});

test('close() from a getter of a value being sent still closes the connection, once that send returns', async () => {
  let server: Session<typeof sessionProtocol> | undefined;
  const closes: (Error | undefined)[] = [];
  const dialer: Dialer = {
    target: 'memory',
    async dial() {
      const [clientEnd, serverEnd] = createMemoryTransportPair();
      const session = createServerSession({ protocol: sessionProtocol, transport: serverEnd });
      serverEnd.attach(session);
      session.onClose((error) => closes.push(error));
      server = session;
      return { transport: clientEnd };
    },
  };
  const client = new ReconnectingClient(dialer, { protocol: sessionProtocol }, 'fail-fast');
  await client.ready;
  const notes: string[] = [];
  server!.on(SessionType.NOTE, (note) => notes.push(note.text));
  let closing: Promise<void> | undefined;
  client.send(SessionType.NOTE, {
    get text() {
      closing ??= client.close();
      return 'last words';
    },
  });
  expect(client.state).toBe('closed');
  await closing;
  await until(() => server!.state === 'closed', 'the server session to close', 2000);
  expect(notes).toEqual(['last words']);
  // Closed by the client's GOODBYE, not cut off: no error.
  expect(closes).toEqual([undefined]);
});
