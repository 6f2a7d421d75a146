import { once } from 'node:events';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { bytes, Protocol, struct, u32 } from '@bp/codec';
import { encodeWelcome } from '@bp/session/wire';
import { TransportType as MessageType, transportProtocol as protocol, TOKEN } from '@bp/test-kit/protocols';
import { afterEach, describe, expect, test } from 'vitest';
import { connect, createServer } from '../src/index.js';
import { startServer } from './fixtures/server.js';

// Issue 15: request() had no backpressure. 16 x 1 MiB requests issued at once passed the session's
// absolute cap (maxBufferedBytes, 8 MiB) and closed the connection with a misleading "the peer
// reads too slowly". A request now waits for room while the outgoing queue is at maxQueuedBytes,
// bounded by its timeout and signal.

const MiB = 1024 * 1024;
/** A BLOB request whose payload fills the default 1 MiB maxPayloadSize. */
const blob = () => ({ data: new Uint8Array(MiB - 64).fill(7) });

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A bp server that answers the HELLO with WELCOME and then never reads again. */
async function deafServer(): Promise<{ port: number }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => {
      socket.write(
        encodeWelcome({ version: 1, maxPayloadSize: MiB, heartbeatInterval: 0, maxInFlight: 1024 }),
      );
      socket.pause();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as { port: number }).port };
}

describe('request() backpressure', () => {
  test('16 requests of 1 MiB issued at once are all answered; the connection stays open', async () => {
    const { server, port } = await startServer();
    cleanups.push(() => server.close({ deadline: 200 }));
    const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, reconnect: false });
    cleanups.push(() => client.close({ deadline: 200 }));
    const replies = await Promise.all(
      Array.from({ length: 16 }, () => client.request(MessageType.BLOB, blob())),
    );
    expect(replies.map((r) => r.size)).toEqual(Array.from({ length: 16 }, () => MiB - 64));
    expect(await client.request(MessageType.GET, { key: 'still-open' })).toMatchObject({ key: 'still-open' });
  }, 60_000);

  test('against a peer that stops reading, requests wait for room and fail with timeout or aborted, not slow-consumer', async () => {
    const { port } = await deafServer();
    const client = await connect({
      host: '127.0.0.1',
      port,
      protocol,
      token: TOKEN,
      reconnect: false,
      limits: { heartbeatInterval: 0, readTimeout: 0 },
    });
    cleanups.push(() => client.close({ deadline: 50 }).catch(() => {}));
    const aborter = new AbortController();
    // Far more than the kernel buffers and the 8 MiB cap together: 64 MiB.
    const outcomes = Array.from({ length: 64 }, (_, i) =>
      client
        .request(
          MessageType.BLOB,
          blob(),
          i === 63 ? { signal: aborter.signal, timeout: 0 } : { timeout: 1500 },
        )
        .then(
          () => 'answered',
          (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
        ),
    );
    setTimeout(() => aborter.abort(), 500);
    const results = await Promise.all(outcomes);
    // Some went out (the kernel took them) and wait for an answer that never comes; the others
    // waited for room and gave up. None closed the connection.
    expect(results.filter((r) => r.startsWith('slow-consumer') || r.startsWith('connection-closed'))).toEqual(
      [],
    );
    expect(results.filter((r) => r.includes('no room in the outgoing queue')).length).toBeGreaterThan(16);
    expect(results[63]).toMatch(/^aborted: .*waiting for room/);
    expect(client.state).toBe('open');
  }, 60_000);
});

describe('answer backpressure', () => {
  // Found by an adversarial client: the server wrote every answer at once, so a client that sent
  // 200 requests for 64 KiB replies (within maxInFlightRequests and maxPayloadSize) grew the
  // server's queue past maxBufferedBytes (8 MiB) before the socket could drain, and was closed
  // as a slow consumer while it read as fast as it could. Answers now wait for room.
  enum T {
    FILL = 1,
    FILLED = 2,
  }
  const fillProtocol = new Protocol({
    messageTypeEnum: T,
    messageStructures: { [T.FILL]: struct({ size: u32 }), [T.FILLED]: struct({ data: bytes() }) },
    responses: { [T.FILL]: T.FILLED },
  });

  test.each([
    ['answered at once', false],
    ['answered asynchronously', true],
  ])(
    '200 requests for 64 KiB replies, %s, are all answered; the connection stays open',
    async (_name, later) => {
      const fill = (size: number) => ({ data: new Uint8Array(size).fill(size & 0xff) });
      const server = createServer({
        protocol: fillProtocol,
        handlers: { [T.FILL]: ({ size }) => (later ? Promise.resolve().then(() => fill(size)) : fill(size)) },
      });
      const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
      cleanups.push(() => server.close({ deadline: 200 }));
      const client = await connect({ host: '127.0.0.1', port, protocol: fillProtocol, reconnect: false });
      cleanups.push(() => client.close({ deadline: 200 }));
      const sizes = Array.from({ length: 200 }, (_, i) => 64 * 1024 - i);
      const replies = await Promise.all(sizes.map((size) => client.request(T.FILL, { size })));
      expect(replies.map((reply) => reply.data.length)).toEqual(sizes);
      expect(replies.every((reply, i) => reply.data.every((byte) => byte === (sizes[i] & 0xff)))).toBe(true);
      expect(client.state).toBe('open');
    },
    60_000,
  );
});
