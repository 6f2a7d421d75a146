import { ProtocolConfig, string, struct, u8, u32 } from '@bp/codec';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  createClientSession,
  createServerSession,
  ErrorCode,
  isSessionError,
  SessionError,
} from '../src/index.js';
import {
  decodeReject,
  encodeRefusal,
  encodeReject,
  encodeWelcome,
  FrameKind,
  PROTOCOL_VERSION,
} from '../src/wire/index.js';
import { connect, helloFor, RecordingTransport, T, testProtocol } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('handshake', () => {
  test('accepts a matching client; both sides learn the other side limits', async () => {
    const { client, server } = connect({
      protocol: testProtocol,
      server: {
        auth: { authenticate: async (hello) => ({ user: hello.token }) },
        limits: { maxInFlightRequests: 7 },
      },
      client: { token: 'alice', limits: { maxPayloadSize: 4096 } },
    });
    expect(client.state).toBe('handshaking');
    await Promise.all([client.ready, server.ready]);
    expect(client.state).toBe('open');
    expect(server.principal).toEqual({ user: 'alice' });
    expect(client.peer).toMatchObject({
      version: 2,
      maxPayloadSize: 1024 * 1024,
      maxInFlight: 7,
      heartbeatInterval: 15000,
    });
    expect(server.peer).toMatchObject({
      version: 2,
      maxPayloadSize: 4096,
      resolvedTypes: [],
      absentTypes: [],
    });
  });

  test('a fixed token: right token in, wrong token out with unauthorized', async () => {
    const good = connect({
      protocol: testProtocol,
      server: { auth: { token: 's3cret' } },
      client: { token: 's3cret' },
    });
    await good.client.ready;
    const bad = connect({
      protocol: testProtocol,
      server: { auth: { token: 's3cret' } },
      client: { token: 's3cres' },
    });
    const error = await bad.client.ready.catch((e) => e);
    expect(isSessionError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'unauthorized', remote: true, wireCode: ErrorCode.unauthorized });
    await expect(bad.server.ready).rejects.toMatchObject({ code: 'unauthorized', remote: false });
    expect(bad.client.state).toBe('closed');
    expect(bad.server.state).toBe('closed');
    const none = connect({ protocol: testProtocol, server: { auth: { token: 's3cret' } } });
    await expect(none.client.ready).rejects.toMatchObject({ code: 'unauthorized' });
  });

  test('authenticate may refuse by throwing, rejecting or returning false', async () => {
    for (const authenticate of [
      () => {
        throw new Error('db down: secret detail');
      },
      async () => Promise.reject(new Error('nope')),
      () => false,
    ]) {
      const { client } = connect({
        protocol: testProtocol,
        server: { auth: { authenticate } },
        client: { token: 'x' },
      });
      const error = await client.ready.catch((e) => e);
      expect(error.code).toBe('unauthorized');
      // The reason never says why.
      expect(error.message).not.toMatch(/db down|nope/);
    }
  });

  test("schema mismatch, policy 'exact': rejected with the differing types named", async () => {
    // The client changed ADD's fields, dropped ASK/ANSWER and added a type 20.
    const { [T.ASK]: _ask, [T.ANSWER]: _answer, ...kept } = testProtocol.messageStructures;
    const clientProtocol = new ProtocolConfig({
      messageTypeEnum: { ...T, EXTRA: 20 },
      messageStructures: { ...kept, [T.ADD]: struct({ a: u32, b: u32 }), 20: struct({ flag: u8 }) },
      responses: { [T.ECHO]: T.ECHO_REPLY, [T.ADD]: T.SUM },
    });
    const serverEnd = new RecordingTransport();
    const server = createServerSession({ protocol: testProtocol, transport: serverEnd });
    const clientTransport = new RecordingTransport();
    const client = createClientSession({
      protocol: clientProtocol,
      transport: clientTransport,
      schemaPolicy: 'exact',
    });
    // Hand the client's real HELLO to the server.
    server.receive(clientTransport.chunks[0]);
    await expect(server.ready).rejects.toMatchObject({ code: 'schema-mismatch' });
    const [reject] = serverEnd.take();
    expect(reject.kind).toBe(FrameKind.REJECT);
    const decoded = decodeReject(reject.body, 0, reject.body.length);
    expect(decoded.details).toEqual([
      { type: T.ADD, status: 1 },
      { type: T.ASK, status: 3 },
      { type: T.ANSWER, status: 3 },
      { type: 20, status: 2 },
    ]);
    expect(decoded.reason).toBe(
      'schema mismatch: 4 (ADD) differs, 7 (ASK) only on the server, 8 (ANSWER) only on the server, 20 only on the client',
    );
    // The client side turns the REJECT into a typed error naming the types with its own names.
    client.receive(encodeReject(decoded));
    const error: SessionError = await client.ready.catch((e) => e);
    expect(error.code).toBe('schema-mismatch');
    expect(error.mismatches).toEqual([
      { type: 4, name: 'ADD', status: 'differs' },
      { type: 7, name: 'ASK', status: 'server-only' },
      { type: 8, name: 'ANSWER', status: 'server-only' },
      { type: 20, name: 'EXTRA', status: 'client-only' },
    ]);
    expect(error.message).toContain('4 (ADD) differs');
  });

  test("schema mismatch end to end over a connected pair (server policy 'exact')", async () => {
    const other = new ProtocolConfig({
      messageTypeEnum: T,
      messageStructures: {
        ...testProtocol.messageStructures,
        [T.NOTE]: struct({ text: string({ lengthPrefix: 'u16' }) }),
      },
      responses: testProtocol.responses,
    });
    const [a, b] = [testProtocol, other];
    const { client } = connect({
      protocol: a,
      server: { schemaPolicy: 'exact' },
      client: { protocol: b as any },
    });
    await expect(client.ready).rejects.toMatchObject({
      code: 'schema-mismatch',
      mismatches: [{ type: T.NOTE, name: 'NOTE', status: 'differs' }],
    });
  });

  test('version negotiation: no common version is rejected with the server range', async () => {
    const transport = new RecordingTransport();
    const server = createServerSession({ protocol: testProtocol, transport });
    server.receive(helloFor(testProtocol, { minVersion: 3, maxVersion: 4 }));
    await expect(server.ready).rejects.toMatchObject({ code: 'unsupported-version' });
    const [reject] = transport.take();
    expect(decodeReject(reject.body, 0, reject.body.length)).toMatchObject({
      code: ErrorCode['unsupported-version'],
      minVersion: 1,
      maxVersion: 2,
    });
    expect(transport.ended).toBe(true);

    // A range that reaches past 2 is accepted with version 2, and with 1 by a server limited to it.
    const ok = new RecordingTransport();
    const server2 = createServerSession({ protocol: testProtocol, transport: ok });
    server2.receive(helloFor(testProtocol, { minVersion: 1, maxVersion: 9 }));
    await server2.ready;
    expect(server2.peer?.version).toBe(2);
    const v1 = new RecordingTransport();
    const server3 = createServerSession({ protocol: testProtocol, transport: v1, maxVersion: 1 });
    server3.receive(helloFor(testProtocol, { minVersion: 1, maxVersion: 9 }));
    await server3.ready;
    expect(server3.peer?.version).toBe(1);
  });

  test('client side: REJECT carries the server versions; a WELCOME with a version it does not speak closes', async () => {
    const t1 = new RecordingTransport();
    const c1 = createClientSession({ protocol: testProtocol, transport: t1 });
    c1.receive(
      encodeReject({ code: 13, minVersion: 2, maxVersion: 3, reason: 'no common version', details: [] }),
    );
    await expect(c1.ready).rejects.toMatchObject({
      code: 'unsupported-version',
      serverVersions: { min: 2, max: 3 },
    });
    expect(t1.ended).toBe(true);

    const t2 = new RecordingTransport();
    const c2 = createClientSession({ protocol: testProtocol, transport: t2 });
    c2.receive(encodeWelcome({ version: 3, maxPayloadSize: 100, heartbeatInterval: 0, maxInFlight: 1 }));
    await expect(c2.ready).rejects.toMatchObject({ code: 'unsupported-version', remote: false });
    expect(c2.state).toBe('closed');
  });

  test('handshake timeout on both sides', async () => {
    vi.useFakeTimers();
    const serverTransport = new RecordingTransport();
    const server = createServerSession({
      protocol: testProtocol,
      transport: serverTransport,
      limits: { handshakeTimeout: 1000 },
    });
    const clientTransport = new RecordingTransport();
    const client = createClientSession({
      protocol: testProtocol,
      transport: clientTransport,
      limits: { handshakeTimeout: 2000 },
    });
    // Half a HELLO does not count.
    server.receive(helloFor(testProtocol).subarray(0, 20));
    await vi.advanceTimersByTimeAsync(999);
    expect(server.state).toBe('handshaking');
    await vi.advanceTimersByTimeAsync(1);
    await expect(server.ready).rejects.toMatchObject({ code: 'handshake-timeout' });
    const [reject] = serverTransport.take();
    expect(decodeReject(reject.body, 0, reject.body.length).code).toBe(ErrorCode['handshake-timeout']);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(client.ready).rejects.toMatchObject({ code: 'handshake-timeout' });
    expect(clientTransport.ended).toBe(true);
  });

  test('the client queues messages and requests made before WELCOME and sends them after it', async () => {
    const seen: string[] = [];
    const { client } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.NOTE]: ({ text }) => {
            seen.push(text);
          },
          [T.ADD]: ({ a, b }) => ({ sum: a + b }),
        },
      },
    });
    client.send(T.NOTE, { text: 'early' });
    const sum = client.request(T.ADD, { a: 1, b: 2 });
    expect(client.state).toBe('handshaking');
    expect(await sum).toEqual({ sum: 3 });
    expect(seen).toEqual(['early']);
  });

  test('a client that gets anything but WELCOME or REJECT first closes', async () => {
    const transport = new RecordingTransport();
    const client = createClientSession({ protocol: testProtocol, transport });
    transport.take();
    client.receive(Uint8Array.of(0x80, 0, 0, 4, 0, 0, 0, 1));
    await expect(client.ready).rejects.toMatchObject({ code: 'unexpected-frame' });
    // The client sends nothing back: the server never accepted it.
    expect(transport.take()).toEqual([]);
    expect(transport.ended).toBe(true);
  });

  test('closing a session while it is handshaking rejects ready with connection-closed', async () => {
    const transport = new RecordingTransport();
    const client = createClientSession({ protocol: testProtocol, transport });
    await client.close();
    await expect(client.ready).rejects.toBeInstanceOf(SessionError);
    await expect(client.ready).rejects.toMatchObject({ code: 'connection-closed' });
  });
  test('encodeRefusal: a REJECT with our version range that a client reports as the given code', async () => {
    const frame = encodeRefusal('server-busy', 'server busy, try later');
    expect(frame[0] >> 4).toBe(FrameKind.REJECT);
    const reject = decodeReject(frame, 4, frame.length);
    expect(reject).toMatchObject({
      code: ErrorCode['server-busy'],
      minVersion: 1,
      maxVersion: PROTOCOL_VERSION,
      reason: 'server busy, try later',
      details: [],
    });
    // Byte for byte what a hand-built REJECT would be.
    expect(frame).toEqual(
      encodeReject({
        code: ErrorCode['server-busy'],
        minVersion: 1,
        maxVersion: PROTOCOL_VERSION,
        reason: 'server busy, try later',
        details: [],
      }),
    );
    const transport = new RecordingTransport();
    const client = createClientSession({ protocol: testProtocol, transport });
    client.receive(frame);
    await expect(client.ready).rejects.toMatchObject({
      code: 'server-busy',
      remote: true,
      message: 'server busy, try later',
      serverVersions: { min: 1, max: PROTOCOL_VERSION },
    });
    const withDetails = encodeRefusal('schema-mismatch', 'x', [{ type: 3, status: 1 }]);
    expect(decodeReject(withDetails, 4, withDetails.length).details).toEqual([{ type: 3, status: 1 }]);
  });
});
