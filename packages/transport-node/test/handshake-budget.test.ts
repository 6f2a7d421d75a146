import { ErrorCode } from '@bp/session';
import { FrameKind, HANDSHAKE_FRAME_LIMIT } from '@bp/session/wire';
import { until } from '@bp/test-kit/async';
import { TransportType as MessageType, transportProtocol as protocol, TOKEN } from '@bp/test-kit/protocols';
import { afterEach, describe, expect, test } from 'vitest';
import { defaultHandshakeBytes, HANDSHAKE_BUDGET_HELLOS } from '../src/handshake-budget.js';
import { connect, type Server } from '../src/index.js';
import { RawClient } from './fixtures/raw-client.js';
import { startServer } from './fixtures/server.js';

// Issue 15: up to max(65536, maxPayloadSize) bytes were buffered per unauthenticated connection
// for up to handshakeTimeout, so 10,000 half-open connections could hold 10 GB. The bytes held by
// connections that have not finished the handshake now share one server-wide budget.

const BUDGET = 1024 * 1024;
const PART = 200 * 1024;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A HELLO header announcing a body of `maxPayloadSize` bytes, then `PART` bytes of it. */
function partialHello(): Uint8Array {
  const bytes = new Uint8Array(4 + PART);
  const length = protocol.maxPayloadSize;
  new DataView(bytes.buffer).setUint32(0, ((FrameKind.HELLO << 28) | length) >>> 0);
  return bytes;
}

describe('the server-wide budget of handshake bytes', () => {
  test('the default is 64 of the largest HELLOs the server accepts', () => {
    expect(defaultHandshakeBytes(1 << 20)).toBe(HANDSHAKE_BUDGET_HELLOS * (4 + (1 << 20)));
    expect(defaultHandshakeBytes(1024)).toBe(HANDSHAKE_BUDGET_HELLOS * (4 + HANDSHAKE_FRAME_LIMIT));
  });

  test('half-open connections past the budget get REJECT(server-busy), held bytes stay within it, a normal client still gets in', async () => {
    const { server, port } = await startServer({
      limits: { maxHandshakeBytes: BUDGET, handshakeTimeout: 30_000 },
    });
    cleanups.push(() => server.close({ deadline: 200 }));
    const raws: RawClient[] = [];
    cleanups.push(() => {
      for (const raw of raws) raw.destroy();
    });
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      const raw = await RawClient.open(port);
      raws.push(raw);
      raw.write(partialHello());
      await until(
        () =>
          raw.received > 0 || (server as Server<typeof protocol>).stats().handshakeBytes >= (i + 1) * PART,
        `connection ${i} charged or refused`,
      );
      peak = Math.max(peak, server.stats().handshakeBytes);
    }
    // 5 x 200 KiB fit in 1 MiB; from the sixth on, each is refused with server-busy and closed.
    const refused = raws.filter((raw) => raw.received > 0);
    expect(refused.length).toBe(5);
    for (const raw of refused) {
      const frame = await raw.nextFrame();
      expect(frame?.kind).toBe(FrameKind.REJECT);
      expect(RawClient.reject(frame!).code).toBe(ErrorCode['server-busy']);
      await raw.closed;
    }
    expect(peak).toBeLessThanOrEqual(BUDGET);
    expect(server.stats()).toMatchObject({ refusedHandshakeBytes: 5 });

    // A client with an ordinary HELLO still fits in what the half-open ones leave, and is served.
    const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, reconnect: false });
    cleanups.push(() => client.close({ deadline: 200 }));
    expect(await client.request(MessageType.GET, { key: 'k7' })).toMatchObject({ key: 'k7' });
    // Once the half-open connections are gone, the budget is free again.
    for (const raw of raws) raw.destroy();
    await until(() => server.stats().handshakeBytes === 0, 'budget released');
    expect(server.stats().handshakeBytes).toBe(0);
  }, 30_000);
});
