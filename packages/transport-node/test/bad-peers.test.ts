import { ErrorCode, isSessionError, type SessionError } from '@bp/session';
import { encodeRequestFrame, FrameKind, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '@bp/session/wire';
import { until } from '@bp/test-kit/async';
import {
  expectedValue,
  TransportType as MessageType,
  mismatchedTransportProtocol as mismatchedProtocol,
  transportProtocol as protocol,
  type TransportProtocol as TestProtocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterEach, describe, expect, test } from 'vitest';
import { connect, type Server, type ServerOptions } from '../src/index.js';
import { codeOf, RawClient } from './fixtures/raw-client.js';
import { startServer, testHandlers } from './fixtures/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(
  options: Partial<ServerOptions<TestProtocol>> = {},
): Promise<{ server: Server<TestProtocol>; port: number }> {
  const started = await startServer(options);
  cleanups.push(() => started.server.close({ deadline: 200 }));
  return started;
}

async function raw(port: number): Promise<RawClient> {
  const client = await RawClient.open(port);
  cleanups.push(() => client.destroy());
  return client;
}

/** After each bad client: a well-behaved client still gets served. */
async function expectStillServes(port: number): Promise<void> {
  const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, connectTimeout: 5000 });
  try {
    expect(await client.request(MessageType.GET, { key: 'good' })).toEqual({
      key: 'good',
      value: expectedValue('good'),
    });
  } finally {
    await client.close({ deadline: 200 });
  }
}

function rejectCode(frame: { kind: number; body: Buffer } | undefined): number | undefined {
  if (frame?.kind !== FrameKind.REJECT) return undefined;
  return RawClient.reject(frame).code;
}

function errorFrameCode(frame: { kind: number; body: Buffer } | undefined): number | undefined {
  if (frame?.kind !== FrameKind.ERROR) return undefined;
  return frame.body.readUInt16BE(4);
}

describe('authentication', () => {
  test('a wrong token is refused with unauthorized and the server keeps serving', async () => {
    const { server, port } = await serve({ auth: { token: TOKEN, throttle: false } });
    const error = await connect({ host: '127.0.0.1', port, protocol, token: 'wrong' }).catch(
      (e: unknown) => e,
    );
    expect(isSessionError(error)).toBe(true);
    expect((error as SessionError).code).toBe('unauthorized');
    expect((error as SessionError).remote).toBe(true);
    const missing = await connect({ host: '127.0.0.1', port, protocol }).catch((e: unknown) => e);
    expect(codeOf(missing)).toBe('unauthorized');
    expect(server.stats().authFailures).toBe(2);
    await expectStillServes(port);
  });

  test('a request sent right behind a bad hello never reaches a handler', async () => {
    let calls = 0;
    const handlers = testHandlers();
    const { port } = await serve({
      auth: { token: TOKEN, throttle: false },
      handlers: {
        ...handlers,
        [MessageType.GET]: ({ key }) => {
          calls++;
          return { key, value: expectedValue(key) };
        },
      },
    });
    const client = await raw(port);
    client.hello({ token: 'wrong' });
    client.write(encodeRequestFrame(protocol, 1, MessageType.GET, { key: 'sneaky' }));
    const frame = await client.nextFrame();
    // The credential check is asynchronous, so the early REQUEST is itself a protocol violation
    // (PROTOCOL.md 5.3.3): either way the answer is a REJECT and no handler runs.
    expect([ErrorCode.unauthorized, ErrorCode['unexpected-frame']]).toContain(rejectCode(frame));
    await client.closed;
    const plain = await raw(port);
    plain.hello({ token: 'wrong' });
    const refused = await plain.nextFrame();
    expect(rejectCode(refused)).toBe(ErrorCode.unauthorized);
    expect(RawClient.reject(refused!).reason).toBe('unauthorized');
    await plain.closed;
    expect(calls).toBe(0);
    await expectStillServes(port);
  });

  test('authenticate hook: the principal reaches handlers; throwing or false refuses', async () => {
    const seen: string[] = [];
    const { port } = await serve({
      auth: {
        throttle: false,
        authenticate: async ({ token }, info) => {
          seen.push(`${info.transport}:${info.remoteAddress}`);
          if (token === 'boom') throw new Error('database down');
          if (token?.startsWith('user:')) return { user: token.slice(5) };
          return false;
        },
      },
    });
    const client = await connect({ host: '127.0.0.1', port, protocol, token: 'user:ada' });
    const identity = await client.request(MessageType.WHOAMI, {});
    expect(JSON.parse(identity.principal)).toEqual({ user: 'ada' });
    await client.close();
    for (const token of ['boom', 'nobody', undefined]) {
      const error = await connect({ host: '127.0.0.1', port, protocol, token }).catch((e: unknown) => e);
      expect(codeOf(error)).toBe('unauthorized');
      // What the hook threw is never sent to the client.
      expect(String((error as Error).message)).not.toContain('database');
    }
    expect(seen).toEqual(Array(4).fill('tcp:127.0.0.1'));
  });

  test('repeated failures from one address are slowed down exponentially', async () => {
    const { server, port } = await serve({
      auth: { token: TOKEN, throttle: { baseDelay: 80, maxDelay: 1000 } },
    });
    const started: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < 3; i++) {
      started.push(performance.now());
      const error = await connect({ host: '127.0.0.1', port, protocol, token: 'guess' }).catch(
        (e: unknown) => e,
      );
      answered.push(performance.now());
      expect(codeOf(error)).toBe('unauthorized');
    }
    // Lower bounds only: after the n-th failure the next answer waits at least 80 * 2^(n-1) ms.
    // That failure was recorded after its attempt started, so the bound runs from that start
    // (whatever a loaded machine spent between the two attempts), less 5 ms for whole-ms clocks.
    expect(answered[1]! - started[0]!).toBeGreaterThanOrEqual(75);
    expect(answered[2]! - started[1]!).toBeGreaterThanOrEqual(155);
    expect(server.stats().authFailures).toBe(3);
    // A success is answered after the backoff too (auth-throttle.test.ts) and resets the count.
    await expectStillServes(port);
  });
});

describe('handshake errors', () => {
  test('schema mismatch names the differing type', async () => {
    const { port } = await serve();
    const error = await connect({
      host: '127.0.0.1',
      port,
      protocol: mismatchedProtocol,
      token: TOKEN,
    }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('schema-mismatch');
    expect((error as SessionError).mismatches).toEqual([
      expect.objectContaining({ type: MessageType.VALUE, status: 'differs' }),
    ]);
    await expectStillServes(port);
  });

  test('a hello with an unsupported version range gets REJECT(unsupported-version) with the server range', async () => {
    const { port } = await serve();
    const client = await raw(port);
    client.hello({ token: TOKEN, minVersion: PROTOCOL_VERSION + 1, maxVersion: PROTOCOL_VERSION + 2 });
    const frame = await client.nextFrame();
    expect(rejectCode(frame)).toBe(ErrorCode['unsupported-version']);
    expect(RawClient.reject(frame!)).toMatchObject({
      minVersion: MIN_PROTOCOL_VERSION,
      maxVersion: PROTOCOL_VERSION,
    });
    await client.closed;
    await expectStillServes(port);
  });

  test('a client that sends nothing gets REJECT(handshake-timeout) and is closed', async () => {
    const { server, port } = await serve({ limits: { handshakeTimeout: 300 } });
    const client = await raw(port);
    const frame = await client.nextFrame(5000);
    expect(rejectCode(frame)).toBe(ErrorCode['handshake-timeout']);
    await client.closed;
    await until(() => server.connections === 0, 'server dropped it');
    await expectStillServes(port);
  });
});

describe('garbage and framing attacks', () => {
  test('garbage bytes (an HTTP request) are refused and closed', async () => {
    const { server, port } = await serve();
    const client = await raw(port);
    client.write(Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    const frame = await client.nextFrame();
    expect(frame?.kind).toBe(FrameKind.REJECT);
    await client.closed;
    await until(() => server.connections === 0, 'server dropped it');
    await expectStillServes(port);
  });

  test('random bytes after the handshake close that connection only', async () => {
    const { port } = await serve();
    const bystander = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN });
    cleanups.push(() => bystander.close({ deadline: 100 }));
    const client = await raw(port);
    await client.handshake(TOKEN);
    const noise = new Uint8Array(256);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 73 + 11) & 0xff;
    noise[0] = 0xc0; // reserved frame kind 0xC
    client.write(noise);
    const frame = await client.frameOfKind(FrameKind.ERROR);
    expect(errorFrameCode(frame)).toBe(ErrorCode['malformed-frame']);
    await client.closed;
    expect(await bystander.request(MessageType.GET, { key: 'b' })).toEqual({
      key: 'b',
      value: expectedValue('b'),
    });
  });

  test('a frame header announcing 4 GiB is refused from the header alone', async () => {
    const { port } = await serve();
    // 0xFFFFFFFF: the largest length a 4-byte header can carry, in a reserved kind.
    const first = await raw(port);
    first.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    expect(rejectCode(await first.nextFrame())).toBe(ErrorCode['malformed-frame']);
    await first.closed;
    // A HELLO announcing 256 MiB: refused before any of the body is sent.
    const second = await raw(port);
    second.write(Uint8Array.of(0x1f, 0xff, 0xff, 0xff));
    expect(rejectCode(await second.nextFrame())).toBe(ErrorCode['payload-too-large']);
    await second.closed;
    // After the handshake: a MESSAGE announcing 256 MiB.
    const third = await raw(port);
    await third.handshake(TOKEN);
    third.write(Uint8Array.of(0x4f, 0xff, 0xff, 0xff, 0x00, 0x05));
    expect(errorFrameCode(await third.frameOfKind(FrameKind.ERROR))).toBe(ErrorCode['payload-too-large']);
    await third.closed;
    await expectStillServes(port);
  });

  test('a peer that disconnects in the middle of a frame is cleaned up', async () => {
    const { server, port } = await serve();
    const client = await raw(port);
    await client.handshake(TOKEN);
    const frame = encodeRequestFrame(protocol, 1, MessageType.GET, { key: 'half a frame' });
    client.write(frame.subarray(0, Math.floor(frame.length / 2)));
    await until(() => server.stats().sessions === 1, 'session running');
    client.socket.resetAndDestroy();
    await until(() => server.connections === 0, 'connection released');
    await expectStillServes(port);
  });
});

describe('slow peers', () => {
  test('a client trickling one byte per second is closed by readTimeout', async () => {
    const { server, port } = await serve({ limits: { readTimeout: 600 } });
    const client = await raw(port);
    await client.handshake(TOKEN);
    const frame = encodeRequestFrame(protocol, 1, MessageType.GET, { key: 'slow' });
    let sent = 0;
    const drip = (): void => {
      if (sent < frame.length && !client.socket.destroyed) client.write(frame.subarray(sent, ++sent));
    };
    drip();
    const trickle = setInterval(drip, 1000);
    cleanups.push(() => clearInterval(trickle));
    const error = await client.frameOfKind(FrameKind.ERROR, 10_000);
    expect(errorFrameCode(error)).toBe(ErrorCode['read-timeout']);
    await client.closed;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(frame.length);
    await until(() => server.connections === 0, 'connection released');
    await expectStillServes(port);
  });

  test('a client that never reads is closed as slow-consumer (slowConsumer: close)', async () => {
    const maxQueuedBytes = 64 * 1024;
    const { server, port } = await serve({ limits: { maxQueuedBytes, slowConsumer: 'close' } });
    const client = await raw(port);
    await client.handshake(TOKEN);
    client.socket.pause();
    const [session] = [...server.sessions()];
    const closed = new Promise<Error | undefined>((resolve) => session.onClose(resolve));
    const status = { code: 1, text: 'x'.repeat(1000) };
    let peak = 0;
    // Bounded: kernel buffers on loopback take a few MiB at most before the queue builds up.
    for (let i = 0; i < 20_000 && session.state === 'open'; i++) {
      session.send(MessageType.STATUS, status);
      peak = Math.max(peak, session.queuedBytes);
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const error = await closed;
    expect(codeOf(error)).toBe('slow-consumer');
    expect(peak).toBeLessThanOrEqual(maxQueuedBytes + 2048);
    await until(() => server.connections === 0, 'connection released');
    await expectStillServes(port);
  });

  test('a client that sends requests but never reads keeps server memory bounded (backpressure)', async () => {
    const maxQueuedBytes = 64 * 1024;
    const { server, port } = await serve({ limits: { maxQueuedBytes, slowConsumer: 'backpressure' } });
    const client = await raw(port);
    await client.handshake(TOKEN);
    client.socket.pause();
    const [session] = [...server.sessions()];
    const key = 'k'.repeat(2000);
    let peakQueued = 0;
    let blocked = false;
    for (let id = 1; id <= 20_000 && !blocked; id++) {
      // write() turns false once the server stopped reading us and every buffer on the way is full.
      blocked = !client.socket.write(encodeRequestFrame(protocol, id, MessageType.GET, { key }));
      if (id % 20 === 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        peakQueued = Math.max(peakQueued, session.queuedBytes);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    peakQueued = Math.max(peakQueued, session.queuedBytes);
    expect(blocked).toBe(true);
    const { queuedBytes } = server.stats();
    expect(queuedBytes).toBeGreaterThan(0);
    // Session queue (capped at 8x maxQueuedBytes) + socket queue (its high-water mark plus at
    // most one session chunk, itself under that cap): bounded whatever the client does.
    expect(queuedBytes).toBeLessThanOrEqual(16 * maxQueuedBytes);
    // The session stops reading at maxQueuedBytes; never above the absolute cap (8x).
    expect(peakQueued).toBeLessThanOrEqual(8 * maxQueuedBytes);
    expect(session.state).toBe('open');
    client.destroy();
    await until(() => server.connections === 0, 'connection released');
    await expectStillServes(port);
  });
});

describe('connection limits', () => {
  test('maxConnections: the next client gets server-busy until one leaves', async () => {
    const { server, port } = await serve({ limits: { maxConnections: 3 } });
    const clients = await Promise.all(
      [1, 2, 3].map(() => connect({ host: '127.0.0.1', port, protocol, token: TOKEN })),
    );
    cleanups.push(() => Promise.all(clients.map((c) => c.close({ deadline: 100 }))));
    const error = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('server-busy');
    expect((error as SessionError).remote).toBe(true);
    expect(server.stats()).toMatchObject({ connections: 3, refusedTotal: 1 });
    await clients[0].close();
    await until(() => server.connections === 2, 'slot freed');
    await expectStillServes(port);
  });

  test('maxConnectionsPerAddress refuses the extra connection from the same address', async () => {
    const { server, port } = await serve({ limits: { maxConnections: 100, maxConnectionsPerAddress: 2 } });
    const clients = await Promise.all(
      [1, 2].map(() => connect({ host: '127.0.0.1', port, protocol, token: TOKEN })),
    );
    cleanups.push(() => Promise.all(clients.map((c) => c.close({ deadline: 100 }))));
    const error = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('server-busy');
    expect(server.stats()).toMatchObject({ refusedPerAddress: 1, refusedTotal: 0 });
    await clients[1].close();
    await until(() => server.connections === 1, 'slot freed');
    await expectStillServes(port);
  });

  test('maxInFlightRequests: requests beyond it are answered too-many-in-flight, the rest served', async () => {
    const { port } = await serve({ limits: { maxInFlightRequests: 2 } });
    const client = await raw(port);
    await client.handshake(TOKEN);
    for (let id = 1; id <= 3; id++)
      client.write(encodeRequestFrame(protocol, id, MessageType.SLOW, { ms: 200 }));
    const first = await client.frameOfKind(FrameKind.ERROR);
    expect(first?.body.readUInt32BE(0)).toBe(3);
    expect(errorFrameCode(first)).toBe(ErrorCode['too-many-in-flight']);
    const answered = [
      await client.frameOfKind(FrameKind.RESPONSE),
      await client.frameOfKind(FrameKind.RESPONSE),
    ];
    expect(answered.map((frame) => frame?.body.readUInt32BE(0)).sort()).toEqual([1, 2]);
    expect(client.socket.destroyed).toBe(false);
  });

  test('idleTimeout closes a connection without application traffic, gracefully', async () => {
    const { server, port } = await serve({ limits: { idleTimeout: 300 } });
    const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, reconnect: false });
    expect(await client.request(MessageType.GET, { key: 'i' })).toEqual({
      key: 'i',
      value: expectedValue('i'),
    });
    const closed = new Promise<Error | undefined>((resolve) => client.onClose(resolve));
    expect(await closed).toBeUndefined();
    expect(client.state).toBe('closed');
    await until(() => server.connections === 0, 'released');
  });

  test('rate limit from the session limits closes a flooding client', async () => {
    const { port } = await serve({ limits: { rateLimit: { messagesPerSecond: 50, burst: 1 } } });
    const client = await connect({ host: '127.0.0.1', port, protocol, token: TOKEN, reconnect: false });
    const closed = new Promise<Error | undefined>((resolve) => client.onClose(resolve));
    for (let seq = 0; seq < 500 && client.state === 'open'; seq++) {
      client.send(MessageType.SENSOR_DATA, { seq, time: 0, x: 0, y: 0, z: 0 });
    }
    expect(codeOf(await closed)).toBe('rate-limited');
    await expectStillServes(port);
  });
});
