import { bytes, ProtocolConfig, struct, u32 } from '@bp/codec';
import { afterEach, describe, expect, test } from 'vitest';
import { connect, createServer, socketCeiling } from '../src/index.js';

// Issue 15: the socket ceiling was a fixed 16 MiB whatever the limits, so with a maxPayloadSize
// above it a single legitimate reply was taken for a peer that does not read, and the connection
// was destroyed. It is now derived from the session limits the connection runs with.

const MiB = 1024 * 1024;
const FETCH = 1;
const FILE = 2;
const protocol = new ProtocolConfig({
  messageStructures: { [FETCH]: struct({ size: u32 }), [FILE]: struct({ data: bytes() }) },
  responses: { [FETCH]: FILE },
  maxPayloadSize: 24 * MiB,
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fileServer(limits: Record<string, number> = {}) {
  const server = createServer({
    protocol,
    handlers: { [FETCH]: ({ size }) => ({ data: new Uint8Array(size).fill(5) }) },
    limits,
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close({ deadline: 200 }));
  return { server, port };
}

describe('the socket ceiling follows the session limits', () => {
  test('the default allows two hand-overs of the session queue and a largest frame', () => {
    const given = { maxPayloadSize: 24 * MiB };
    // maxBufferedBytes defaults to 8 x maxQueuedBytes (1 MiB), maxMetadataSize to 4096.
    expect(socketCeiling(protocol, given)).toBe(2 * (8 * MiB + 24 * MiB + 4096 + 64) + 16 * 1024);
    expect(socketCeiling(protocol, { ...given, maxQueuedBytes: 2 * MiB })).toBe(
      2 * (16 * MiB + 24 * MiB + 4096 + 64) + 16 * 1024,
    );
  });

  test('a 20 MiB reply within maxPayloadSize reaches a client that reads it', async () => {
    const { server, port } = await fileServer();
    const client = await connect({ host: '127.0.0.1', port, protocol, reconnect: false });
    cleanups.push(() => client.close({ deadline: 200 }));
    const reply = await client.request(FETCH, { size: 20 * MiB });
    expect(reply.data.length).toBe(20 * MiB);
    expect(reply.data[20 * MiB - 1]).toBe(5);
    expect(server.stats().connections).toBe(1);
  }, 60_000);

  test('an explicit maxSocketBufferedBytes still applies: the same reply over it closes the connection', async () => {
    const { port } = await fileServer({ maxSocketBufferedBytes: 16 * MiB });
    const client = await connect({ host: '127.0.0.1', port, protocol, reconnect: false });
    cleanups.push(() => client.close({ deadline: 200 }));
    await expect(client.request(FETCH, { size: 20 * MiB })).rejects.toMatchObject({
      code: expect.stringMatching(/connection-lost|connection-closed/),
    });
  }, 60_000);
});
