// The client core against a hostile or broken server, from the holes an adversarial server
// (written from docs/PROTOCOL.md) found: a flapping server, a u32 heartbeat interval no timer
// takes, WELCOME and a fatal frame in one read, a fatal ERROR with a refusal's code after the
// handshake, and a REJECT listing thousands of types.
import { until } from '@bp/test-kit/async';
import { concat } from '@bp/test-kit/bytes';
import { SessionType, sessionProtocol } from '@bp/test-kit/protocols';
import { afterEach, expect, test, vi } from 'vitest';
import {
  createClientSession,
  createMemoryTransportPair,
  createServerSession,
  type DialedConnection,
  type Dialer,
  ErrorCode,
  ReconnectingClient,
  type StateChange,
} from '../../src/index.js';
import { MAX_TIMER_DELAY } from '../../src/unref-timer.js';
import { encodeErrorFrame, encodeReject, encodeWelcome } from '../../src/wire/index.js';
import { RecordingTransport } from '../fixtures.js';

const clients: ReconnectingClient<typeof sessionProtocol, DialedConnection>[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  vi.restoreAllMocks();
});

/** A dialer of in-memory connections whose server end runs `serve` on each new connection. */
function memoryDialer(serve: (server: ReturnType<typeof createMemoryTransportPair>[1]) => void) {
  let dials = 0;
  const dialer: Dialer & { readonly dials: number } = {
    target: 'memory',
    get dials() {
      return dials;
    },
    async dial() {
      dials++;
      const [client, server] = createMemoryTransportPair();
      serve(server);
      return { transport: client };
    },
  };
  return dialer;
}

/** A server end that answers the HELLO with `frames` in one write, then does what `after` says. */
function answering(
  frames: Uint8Array,
  after?: (server: ReturnType<typeof createMemoryTransportPair>[1]) => void,
) {
  return (server: ReturnType<typeof createMemoryTransportPair>[1]) => {
    let answered = false;
    server.attach({
      receive() {
        if (answered) return;
        answered = true;
        server.write(frames);
        after?.(server);
      },
      transportDrained() {},
      transportClosed() {},
    });
  };
}

const welcome = (heartbeatInterval = 0) =>
  encodeWelcome({ version: 1, maxPayloadSize: 1 << 20, heartbeatInterval, maxInFlight: 16 });

/**
 * The reconnect delays of a client whose server (a real server session) drops each connection
 * `openFor` ms after its handshake, until `count` reconnects were scheduled.
 */
async function reconnectDelays(openFor: number, stableAfter: number, count: number): Promise<number[]> {
  const dialer = memoryDialer((server) => {
    const session = createServerSession({ protocol: sessionProtocol, transport: server });
    server.attach(session);
    session.ready.then(() => setTimeout(() => server.destroy(), openFor)).catch(() => {});
  });
  const client = new ReconnectingClient(
    dialer,
    { protocol: sessionProtocol, reconnect: { initialDelay: 20, factor: 2, jitter: 0, stableAfter } },
    'retry',
  );
  clients.push(client);
  const delays: number[] = [];
  client.onStateChange((change: StateChange) => {
    if (change.state === 'reconnecting' && change.delay !== undefined) delays.push(change.delay);
  });
  await until(() => delays.length >= count, `${count} reconnects`, 10_000);
  return delays.slice(0, count);
}

test('against a server that accepts and then drops every connection, the backoff grows', async () => {
  // Each connection opened (state changes report 0 attempts once open), but none was stable.
  expect(await reconnectDelays(5, 1000, 4)).toEqual([20, 40, 80, 160]);
});

test('a connection that stayed open for stableAfter starts the backoff over', async () => {
  expect(await reconnectDelays(30, 10, 3)).toEqual([20, 20, 20]);
});

test('a heartbeat interval of 2^32 - 1 ms in WELCOME does not become a timer that fires every millisecond', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  const periods: number[] = [];
  const real = globalThis.setInterval;
  vi.spyOn(globalThis, 'setInterval').mockImplementation(((
    fn: () => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    periods.push(ms ?? 0);
    return real(fn, ms, ...args);
  }) as typeof setInterval);
  try {
    const transport = new RecordingTransport();
    const session = createClientSession({
      protocol: sessionProtocol,
      transport,
      limits: { readTimeout: 0, heartbeatInterval: 0 },
    });
    session.receive(welcome(0xffffffff));
    await session.ready;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(periods).toEqual([MAX_TIMER_DELAY]);
    expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
    await session.close({ deadline: 10 });
  } finally {
    process.off('warning', onWarning);
  }
});

test('WELCOME and a fatal frame in one read fail connect() with the fatal error, not `closed`', async () => {
  const dialer = memoryDialer(answering(concat([welcome(), new Uint8Array([0, 0, 0, 0])])));
  const client = new ReconnectingClient(dialer, { protocol: sessionProtocol }, 'fail-fast');
  clients.push(client);
  await expect(client.ready).rejects.toMatchObject({ name: 'SessionError', code: 'malformed-frame' });
});

test('WELCOME and the end of the stream in one read fail connect() with connection-closed', async () => {
  const dialer = memoryDialer(answering(welcome(), (server) => server.end()));
  const client = new ReconnectingClient(dialer, { protocol: sessionProtocol }, 'fail-fast');
  clients.push(client);
  await expect(client.ready).rejects.toMatchObject({ name: 'SessionError', code: 'connection-closed' });
});

test("a fatal ERROR with a refusal's code after the handshake is retried: the next handshake decides", async () => {
  const fatal = encodeErrorFrame({ requestId: 0, code: ErrorCode.unauthorized, message: 'token revoked' });
  // After the client is open: the same ERROR in WELCOME's read is covered by the test above.
  const dialer = memoryDialer(answering(welcome(), (server) => setTimeout(() => server.write(fatal), 10)));
  const client = new ReconnectingClient(
    dialer,
    { protocol: sessionProtocol, reconnect: { initialDelay: 5, jitter: 0 } },
    'retry',
  );
  clients.push(client);
  await until(() => dialer.dials >= 3, 'three dials', 10_000);
  expect(client.state).not.toBe('closed');
});

test('a REJECT listing thousands of types names 20 of them in the message, all in `mismatches`', async () => {
  const transport = new RecordingTransport();
  const session = createClientSession({ protocol: sessionProtocol, transport });
  const details = Array.from({ length: 5000 }, (_, i) => ({ type: 1000 + i, status: 1 }));
  session.receive(
    encodeReject({ code: ErrorCode['schema-mismatch'], minVersion: 1, maxVersion: 3, reason: '', details }),
  );
  const error = await session.ready.then(
    () => undefined,
    (e: unknown) => e as { message: string; mismatches: unknown[] },
  );
  expect(error?.mismatches).toHaveLength(5000);
  expect(error?.message).toMatch(
    /^schema mismatch: 1000 differs, .*1019 differs and 4980 more \(error\.mismatches\)$/,
  );
  expect(error!.message.length).toBeLessThan(1000);
});

test('a queued request with a timeout past the longest timer delay waits instead of timing out at once', async () => {
  const dialer: Dialer = {
    target: 'nowhere',
    dial: (signal) =>
      new Promise<DialedConnection>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      ),
  };
  const client = new ReconnectingClient(dialer, { protocol: sessionProtocol }, 'retry');
  clients.push(client);
  let settled = false;
  client
    .request(SessionType.ECHO, { text: 'x', delay: 0 }, { timeout: 2 ** 32 })
    .then(
      () => {},
      () => {},
    )
    .finally(() => {
      settled = true;
    });
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(settled).toBe(false);
});
