import { createSocket } from 'node:dgram';
import { createServer as createNetServer, connect as netConnect, type Socket } from 'node:net';
import { FieldDefinition, isDecodeError, MessageStructure, ProtocolConfig } from '@bp/codec';
import { ClientError } from '@bp/session';
import { until } from '@bp/test-kit/async';
import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { MessageReader } from '../src/binary-protocol/message-reader.js';
import {
  BinaryClient,
  BinaryProtocolError,
  BinaryServer,
  connect,
  createServer,
  MAX_DATAGRAM_SIZE,
} from '../src/index.js';
import {
  configFor,
  MessageType,
  registerPeerHandlers,
  type WireVariant,
} from './fixtures/binary-protocol.js';

const tcp: WireVariant = { headerFormat: '>H', checksum: false, udp: false };
const started: BinaryServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function serve(config = configFor(tcp), options: ConstructorParameters<typeof BinaryServer>[1] = {}) {
  const server = new BinaryServer(config, options);
  registerPeerHandlers(server);
  await server.start('127.0.0.1', 0);
  started.push(server);
  return { server, port: server.address()?.port as number };
}

/** A raw socket: what arrives, and when it closed. */
function rawClient(port: number) {
  const socket: Socket = netConnect({ host: '127.0.0.1', port });
  let received = Buffer.alloc(0);
  socket.on('data', (c: Buffer) => {
    received = Buffer.concat([received, c]);
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => {
    const at = Date.now();
    socket.on('close', () => resolve(Date.now() - at));
  });
  const ready = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, ready, closed, received: () => received.toString('hex') };
}
const hexBytes = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');

// Random messages of the fixture's protocol, for framing properties.
const message = fc.oneof(
  fc
    .tuple(fc.nat(), fc.string({ maxLength: 30 }))
    .map(([code, text]) => [MessageType.STATUS, { status_code: code % 2 ** 32, message: text }] as const),
  fc.uint8Array({ maxLength: 300 }).map((data) => [MessageType.BENCHMARK, { data }] as const),
  fc.nat().map((value) => [MessageType.FIXED_BENCHMARK, { value: value % 2 ** 32 }] as const),
  fc.constant([MessageType.STATUS_OK, {}] as const),
  fc
    .tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 65535 }))
    .filter(([tag]) => Buffer.byteLength(tag) <= 6 && !tag.includes('\0'))
    .map(([tag, n]) => [MessageType.FIXED_TAG, { tag, n }] as const),
);

describe('MessageReader', () => {
  test('a stream of random messages cut at random points frames back to the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
        fc.constantFrom('>H', '>B', '<I'),
        fc.boolean(),
        (messages, cuts, headerFormat, checksum) => {
          const config = configFor({ headerFormat, checksum, udp: false });
          const wire = Uint8Array.from(
            Buffer.concat(messages.map(([t, v]) => config.encodeMessage(t, v as never))),
          );
          const reader = new MessageReader(config);
          const out: unknown[] = [];
          let at = 0;
          for (let i = 0; at < wire.length; i++) {
            const n = cuts[i % cuts.length];
            reader.push(wire.subarray(at, at + n), (m) => out.push(config.decodeMessage(m)));
            at += n;
          }
          expect(reader.bufferedBytes).toBe(0);
          expect(out).toEqual(messages.map(([type, value]) => ({ type, value })));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('any bytes give messages or a DecodeError, and never buffer more than one message and a chunk', () => {
    const config = configFor(tcp, { maxPayloadSize: 512 });
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 20 }), (chunks) => {
        const reader = new MessageReader(config);
        try {
          for (const chunk of chunks) {
            reader.push(chunk, (m) => expect(m.length).toBeGreaterThanOrEqual(2));
            expect(reader.bufferedBytes).toBeLessThanOrEqual(2 + 4 + 512 + 200);
          }
        } catch (e) {
          expect(isDecodeError(e)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('BinaryServer and BinaryClient (bp on both ends)', () => {
  test('replies in order, NOT_FOUND for types without a handler, a handler returning nothing', async () => {
    const { port } = await serve(configFor(tcp, { readTimeout: 300 }));
    const client = new BinaryClient(configFor(tcp, { readTimeout: 300 }));
    await client.connect('127.0.0.1', port);
    expect(client.connected).toBe(true);
    await client.sendMessage(MessageType.FIXED_BENCHMARK, { value: 1 });
    await client.sendMessage(MessageType.STATUS, { status_code: 7, message: 'x' });
    await client.sendMessage(MessageType.UNKNOWN_TO_PEER, {});
    expect(await client.receiveMessage()).toEqual([MessageType.FIXED_BENCHMARK, { value: 2 }]);
    expect(await client.receiveMessage()).toEqual([MessageType.STATUS, { status_code: 8, message: 'X' }]);
    expect(await client.receiveMessage()).toEqual([0xffff, {}]);
    await client.sendMessage(MessageType.SILENT, { value: 1 });
    const timeout = await client.receiveMessage().catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(BinaryProtocolError);
    expect((timeout as BinaryProtocolError).code).toBe('read-timeout');
    // As in the package, any receive error disconnects.
    expect(client.connected).toBe(false);
    await expect(client.sendMessage(MessageType.STATUS_OK, {})).rejects.toMatchObject({
      code: 'not-connected',
    });
  });

  test('a default handler answers what has no handler, with a reply of any type', async () => {
    const config = configFor(tcp);
    const server = new BinaryServer(config);
    const seen: unknown[] = [];
    server.registerDefaultHandler(async (type, data) => {
      seen.push([type, data]);
      return [MessageType.STATUS, { status_code: type, message: 'default' }];
    });
    await server.start('127.0.0.1', 0);
    started.push(server);
    const reply = await BinaryClient.sendAndReceiveSingle(
      config,
      '127.0.0.1',
      server.address()?.port as number,
      MessageType.FIXED_BENCHMARK,
      { value: 3 },
    );
    expect(reply).toEqual([MessageType.STATUS, { status_code: 4, message: 'default' }]);
    expect(seen).toEqual([[MessageType.FIXED_BENCHMARK, { value: 3 }]]);
    expect(() => server.registerHandler(99, async () => undefined)).toThrow(BinaryProtocolError);
  });

  test('a handler that throws or replies with a foreign type closes the connection and is reported', async () => {
    const errors: [number, unknown][] = [];
    const server = new BinaryServer(configFor(tcp), {
      onHandlerError: (e, { type }) => errors.push([type, e]),
    });
    server.registerHandler(MessageType.FIXED_BENCHMARK, async () => {
      throw new Error('boom');
    });
    server.registerHandler(MessageType.STATUS_OK, async () => [123, {}]);
    await server.start('127.0.0.1', 0);
    started.push(server);
    const port = server.address()?.port as number;
    for (const type of [MessageType.FIXED_BENCHMARK, MessageType.STATUS_OK]) {
      const client = new BinaryClient(configFor(tcp));
      await client.connect('127.0.0.1', port);
      await client.sendMessage(type, type === MessageType.STATUS_OK ? {} : { value: 1 });
      await expect(client.receiveMessage()).rejects.toMatchObject({ code: 'connection-closed' });
    }
    expect(errors.map(([t]) => t)).toEqual([MessageType.FIXED_BENCHMARK, MessageType.STATUS_OK]);
    expect(server.stats.closed['handler-error']).toBe(2);
  });

  test('a client refuses bytes that are not a message, and unknown types come back as [type, {}]', async () => {
    const { createServer } = await import('node:net');
    const fake = createServer((socket) => socket.end(hexBytes('0009 0004 0000002a 0002 ffffffff')));
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    try {
      const client = new BinaryClient(configFor(tcp));
      await client.connect('127.0.0.1', (fake.address() as { port: number }).port);
      expect(await client.receiveMessage()).toEqual([9, {}]);
      expect(await client.receiveMessage()).toEqual([MessageType.FIXED_BENCHMARK, { value: 42 }]);
      const error = (await client.receiveMessage().catch((e: unknown) => e)) as BinaryProtocolError;
      expect(error.code).toBe('invalid-message');
      expect(isDecodeError(error.cause)).toBe(true);
    } finally {
      fake.close();
    }
  });

  test('connect failures are ClientErrors (the one client error model); types a stream cannot frame are refused up front', async () => {
    const { server } = await serve();
    const port = server.address()?.port as number;
    await server.stop();
    started.length = 0;
    const error = await new BinaryClient(configFor(tcp)).connect('127.0.0.1', port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('connect-failed');
    const { ProtocolConfig, string, struct } = await import('@bp/codec');
    const dsl = new ProtocolConfig({ messageStructures: { 1: struct({ s: string() }) } });
    expect(() => new BinaryServer(dsl)).toThrow(/MessageStructure/);
    expect(() => new BinaryClient(dsl)).toThrow(BinaryProtocolError);
  });

  test("a Protocol (bp's own frames only) is refused by name, not with a TypeError", async () => {
    const { Protocol, u32, struct } = await import('@bp/codec');
    const bpOnly = new Protocol({ messageStructures: { 1: struct({ n: u32 }) } });
    for (const build of [() => new BinaryServer(bpOnly as never), () => new BinaryClient(bpOnly as never)]) {
      expect(build).toThrow(BinaryProtocolError);
      expect(build).toThrow(/needs a ProtocolConfig/);
    }
  });
});

describe("one client error model: connecting fails as bp's own connect does", () => {
  test('a connect that takes longer than connectTimeout is ClientError connect-timeout, and the socket is dropped', async () => {
    // TLS to a server that accepts and never answers: TCP connects, the handshake never ends.
    const accepted: Socket[] = [];
    let closedByClient = 0;
    const silent = createNetServer((socket) => {
      accepted.push(socket);
      socket.on('error', () => {});
      socket.on('close', () => closedByClient++);
      socket.resume(); // reads the TLS hello and, later, the client's FIN
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (silent.address() as { port: number }).port;
      const started = Date.now();
      const client = new BinaryClient(configFor(tcp, { connectTimeout: 300 }), { tls: {} });
      const error = await client.connect('127.0.0.1', port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClientError);
      expect((error as ClientError).code).toBe('connect-timeout');
      expect((error as Error).message).toMatch(/connectTimeout/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(295);
      expect(client.connected).toBe(false);
      await until(() => closedByClient === 1, 'the timed-out socket to close');
    } finally {
      for (const socket of accepted) socket.destroy();
      silent.close();
    }
  });

  test("connectTimeout 0 means no limit, as for bp's own client", async () => {
    const { port } = await serve();
    const client = new BinaryClient(configFor(tcp, { connectTimeout: 0 }));
    await client.connect('127.0.0.1', port);
    expect(client.connected).toBe(true);
    await client.disconnect();
  });
});

describe('NOT_FOUND is reserved on this wire only', () => {
  const value = new FieldDefinition('value', Number, { formatString: '>I' });
  const clashing = (transportType: 'tcp' | 'udp') =>
    new ProtocolConfig({
      transportType,
      messageStructures: { 1: new MessageStructure([value]), 65535: new MessageStructure([value]) },
    });

  test.each(['tcp', 'udp'] as const)(
    'BinaryServer and BinaryClient refuse a declared type equal to NOT_FOUND (%s)',
    (transport) => {
      for (const build of [
        () => new BinaryServer(clashing(transport)),
        () => new BinaryClient(clashing(transport)),
      ]) {
        let error: BinaryProtocolError | undefined;
        try {
          build();
        } catch (e) {
          error = e as BinaryProtocolError;
        }
        expect(error).toBeInstanceOf(BinaryProtocolError);
        expect(error?.code).toBe('invalid-argument');
        expect(error?.message).toMatch(/NOT_FOUND.*notFoundType/);
      }
      const moved = new ProtocolConfig({
        transportType: transport,
        notFoundType: 0,
        messageStructures: { 1: new MessageStructure([value]), 65535: new MessageStructure([value]) },
      });
      expect(() => new BinaryServer(moved)).not.toThrow();
    },
  );

  test("bp's own createServer/connect carry type 0xFFFF of the same protocol as any other type", async () => {
    const protocol = new ProtocolConfig({
      messageStructures: { 1: new MessageStructure([value]), 65535: new MessageStructure([value]) },
      responses: { 65535: 1 },
    });
    const server = createServer({
      protocol,
      handlers: { 65535: ({ value: n }: { value: number }) => ({ value: n + 1 }) },
      auth: { token: 'a-test-token' },
    });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const client = await connect({ host: '127.0.0.1', port, protocol, token: 'a-test-token' });
      try {
        expect(await client.request(0xffff, { value: 41 })).toEqual({ value: 42 });
      } finally {
        await client.close();
      }
    } finally {
      await server.close({ deadline: 500 });
    }
  });
});

describe("bp's protections", () => {
  test('a length over maxPayloadSize closes the connection at once, without buffering or replying', async () => {
    const { server, port } = await serve(configFor(tcp, { maxPayloadSize: 1024 }));
    const raw = rawClient(port);
    await raw.ready;
    raw.socket.write(hexBytes('0004 00000001 0002 00000401'));
    await raw.closed;
    expect(raw.received()).toBe('000400000002');
    expect(server.stats.closed['invalid-message']).toBe(1);
  });

  test('a started message must complete within readTimeout; an idle connection is closed', async () => {
    const { server, port } = await serve(configFor(tcp, { readTimeout: 200 }), {
      limits: { idleTimeout: 400 },
    });
    const partial = rawClient(port);
    await partial.ready;
    partial.socket.write(hexBytes('0004 0000'));
    await partial.closed;
    expect(server.stats.closed['read-timeout']).toBe(1);
    const idle = rawClient(port);
    await idle.ready;
    await idle.closed;
    expect(server.stats.closed['idle-timeout']).toBe(1);
    expect(partial.received() + idle.received()).toBe('');
  });

  test('connection limits refuse the extra connection', async () => {
    const { server, port } = await serve(configFor(tcp), { limits: { maxConnections: 1 } });
    const first = new BinaryClient(configFor(tcp));
    await first.connect('127.0.0.1', port);
    await first.sendMessage(MessageType.FIXED_BENCHMARK, { value: 1 });
    expect(await first.receiveMessage()).toEqual([MessageType.FIXED_BENCHMARK, { value: 2 }]);
    const second = rawClient(port);
    await second.closed;
    expect(server.stats.refused).toBe(1);
    expect(server.stats.connections).toBe(1);
    await first.disconnect();
  });

  describe('TLS', () => {
    let pki: TestPki;
    beforeAll(() => {
      pki = generateTestPki();
    });
    afterAll(() => pki.dispose());

    test('the same wire inside TLS', async () => {
      const { port } = await serve(configFor(tcp), { tls: { key: pki.server.key, cert: pki.server.cert } });
      const client = new BinaryClient(configFor(tcp), { tls: { ca: pki.ca, servername: 'localhost' } });
      await client.connect('127.0.0.1', port);
      await client.sendMessage(MessageType.STATUS, { status_code: 1, message: 'secret' });
      expect(await client.receiveMessage()).toEqual([
        MessageType.STATUS,
        { status_code: 2, message: 'SECRET' },
      ]);
      await client.disconnect();
      const untrusting = new BinaryClient(configFor(tcp), {
        tls: { ca: pki.otherCa, servername: 'localhost' },
      });
      await expect(untrusting.connect('127.0.0.1', port)).rejects.toMatchObject({ code: 'tls-failed' });
    });
  });
});

describe('UDP', () => {
  const udp: WireVariant = { headerFormat: '>H', checksum: true, udp: true };

  test('one message per datagram; bad and oversized datagrams are dropped and counted', async () => {
    const { server, port } = await serve(configFor(udp, { maxPayloadSize: 1000 }));
    const client = new BinaryClient(configFor(udp, { readTimeout: 5_000 }));
    await client.connect('127.0.0.1', port);
    await client.sendMessage(MessageType.STATUS, { status_code: 1, message: 'u' });
    expect(await client.receiveMessage()).toEqual([MessageType.STATUS, { status_code: 2, message: 'U' }]);
    const socket = createSocket('udp4');
    const send = (bytes: Uint8Array) =>
      new Promise<void>((resolve) => socket.send(bytes, port, '127.0.0.1', () => resolve()));
    await send(hexBytes('0004 0000002a 00000000')); // checksum mismatch
    await send(hexBytes('0004 00')); // short
    await send(new Uint8Array(1200)); // larger than the largest message
    await send(hexBytes('0009')); // unknown type: never answered over UDP, as in the package
    socket.close();
    await client.sendMessage(MessageType.FIXED_BENCHMARK, { value: 5 });
    expect(await client.receiveMessage()).toEqual([MessageType.FIXED_BENCHMARK, { value: 6 }]);
    await expect.poll(() => server.stats.datagrams.dropped).toBe(4);
    expect(server.stats.datagrams.received).toBe(6);
    await client.disconnect();
  });

  test('a client drops datagrams that are not a message and keeps reading', async () => {
    const server = createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    server.on('message', (_m, remote) => {
      server.send(hexBytes('0004 01'), remote.port, remote.address);
      server.send(new Uint8Array(MAX_DATAGRAM_SIZE - 10), remote.port, remote.address);
      server.send(
        configFor(udp).encodeMessage(MessageType.FIXED_BENCHMARK, { value: 8 }),
        remote.port,
        remote.address,
      );
    });
    try {
      const client = new BinaryClient(configFor(udp));
      await client.connect('127.0.0.1', server.address().port);
      await client.sendMessage(MessageType.STATUS_OK, {});
      expect(await client.receiveMessage()).toEqual([MessageType.FIXED_BENCHMARK, { value: 8 }]);
      expect(client.droppedDatagrams).toBe(2);
      await client.disconnect();
    } finally {
      server.close();
    }
  });
});
