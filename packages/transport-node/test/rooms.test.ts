// server.rooms: join/leave, broadcast to rooms and to all, over TCP, TLS and WebSocket members,
// with real sockets on 127.0.0.1.
import type { Session } from '@bp/session';
import { until } from '@bp/test-kit/async';
import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import {
  TransportType as MessageType,
  transportProtocol as protocol,
  type TransportProtocol as TestProtocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { WebSocket } from 'ws';
import { type Client, connect, isUsageError, type Server } from '../src/index.js';
import { codeOf, RawClient } from './fixtures/raw-client.js';
import { startServer } from './fixtures/server.js';
import { webSocketClient } from './fixtures/ws-session.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let pki: TestPki;
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki?.dispose());

/** Every session the server starts joins `rooms` (as an app would in onSession or a handler). */
function joinOnConnect(
  server: Server<TestProtocol>,
  rooms: (index: number) => string[],
): Session<TestProtocol>[] {
  const sessions: Session<TestProtocol>[] = [];
  server.onSession((session) => {
    server.rooms.join(session, rooms(sessions.length));
    sessions.push(session);
  });
  return sessions;
}

function counter(session: Pick<Session<TestProtocol>, 'on'>): { texts: string[] } {
  const seen = { texts: [] as string[] };
  session.on(MessageType.STATUS, ({ text }) => seen.texts.push(text));
  return seen;
}

async function tcpClients(
  port: number,
  count: number,
  options: { tls?: boolean } = {},
): Promise<Client<TestProtocol>[]> {
  const clients = await Promise.all(
    Array.from({ length: count }, () =>
      connect({
        host: '127.0.0.1',
        port,
        protocol,
        token: TOKEN,
        connectTimeout: 30_000,
        tls: options.tls === true ? { ca: pki.ca, servername: 'localhost' } : undefined,
      }),
    ),
  );
  cleanups.push(() => Promise.all(clients.map((client) => client.close({ deadline: 500 }))));
  return clients;
}

describe('server.rooms', () => {
  test('1,000 members over TCP and WebSocket (plain and bp-flow.v1) each get a room broadcast once', async () => {
    const { server, port } = await startServer();
    cleanups.push(() => server.close({ deadline: 500 }));
    const listener = await server.listenWebSocket({ port: 0, path: '/bp' });
    // Even-numbered connections are also in 'even', so a broadcast to both rooms tests de-duplication.
    joinOnConnect(server, (i) => (i % 2 === 0 ? ['all', 'even'] : ['all']));
    const tcp = await tcpClients(port, 500);
    const ws: Session<TestProtocol>[] = [];
    for (let i = 0; i < 500; i += 50) {
      ws.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            webSocketClient(listener.url, cleanups, { flow: (i + j) % 2 === 1 }),
          ),
        )),
      );
    }
    const members = [...tcp, ...ws];
    const seen = members.map((member) => counter(member));
    await until(() => server.rooms.members('all').size === 1000, '1000 members joined', 30_000);
    expect(server.rooms.stats()).toMatchObject({ rooms: 2, memberships: 1500 });

    const result = server.rooms.broadcast(
      MessageType.STATUS,
      { code: 1, text: 'to all' },
      { to: ['all', 'even'] },
    );
    expect(result.sent + result.congested).toBe(1000);
    expect(result).toMatchObject({ dropped: 0, tooLarge: 0, notOpen: 0 });
    await until(() => seen.every((s) => s.texts.length === 1), 'every member got it', 30_000);
    // A broadcast to every open connection, except one.
    const except = [...server.rooms.members('all')][0]!;
    const toAll = server.rooms.broadcast(MessageType.STATUS, { code: 2, text: 'everyone' }, { except });
    expect(toAll.sent + toAll.congested).toBe(999);
    await until(() => seen.filter((s) => s.texts.length === 2).length === 999, '999 got the second', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.filter((s) => s.texts.length === 1)).toHaveLength(1);
    for (const s of seen) expect(s.texts.slice(0, 1)).toEqual(['to all']);

    // Membership ends with the connection.
    await Promise.all(tcp.slice(0, 100).map((client) => client.close({ deadline: 500 })));
    await until(() => server.rooms.members('all').size === 900, 'closed members left', 20_000);
    expect(server.rooms.stats().memberships).toBe(1350);
  }, 120_000);

  test('TLS and WebSocket members share one room', async () => {
    const { server, port } = await startServer({ tls: { key: pki.server.key, cert: pki.server.cert } });
    cleanups.push(() => server.close({ deadline: 500 }));
    const listener = await server.listenWebSocket({ port: 0 });
    joinOnConnect(server, () => ['room']);
    const [tls] = await tcpClients(port, 1, { tls: true });
    const ws = await webSocketClient(listener.url, cleanups, { flow: true });
    const seen = [counter(tls!), counter(ws)];
    await until(() => server.rooms.members('room').size === 2, 'both joined');
    for (let i = 0; i < 10; i++)
      server.rooms.broadcast(MessageType.STATUS, { code: i, text: `m${i}` }, { to: 'room' });
    const expected = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await until(() => seen.every((s) => s.texts.length === 10), 'both got ten');
    for (const s of seen) expect(s.texts).toEqual(expected);
  });

  test('a member that never reads is closed as a slow consumer; the others get every message', async () => {
    const maxQueuedBytes = 64 * 1024;
    const { server, port } = await startServer({ limits: { maxQueuedBytes, slowConsumer: 'close' } });
    cleanups.push(() => server.close({ deadline: 500 }));
    const sessions = joinOnConnect(server, () => ['room']);
    const slow = await RawClient.open(port);
    cleanups.push(() => slow.destroy());
    await slow.handshake(TOKEN);
    slow.socket.pause();
    const slowSession = sessions[0]!;
    const slowClosed = new Promise<Error | undefined>((resolve) => slowSession.onClose(resolve));
    const readers = await tcpClients(port, 5);
    const seen = readers.map((reader) => counter(reader));
    await until(() => server.rooms.members('room').size === 6, 'all joined');
    const text = 'x'.repeat(1000);
    let sent = 0;
    let peak = 0;
    // Bounded: loopback kernel buffers take a few MiB before the slow member's queue builds up.
    for (let i = 0; i < 20_000 && slowSession.state === 'open'; i++) {
      server.rooms.broadcast(MessageType.STATUS, { code: 1, text }, { to: 'room' });
      sent++;
      peak = Math.max(peak, slowSession.queuedBytes);
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(codeOf(await slowClosed)).toBe('slow-consumer');
    expect(peak).toBeLessThanOrEqual(maxQueuedBytes + 2048);
    expect(server.rooms.members('room').has(slowSession)).toBe(false);
    // The readers were never held back: they get every broadcast, and stay in the room.
    await until(() => seen.every((s) => s.texts.length === sent), 'readers got everything', 30_000);
    expect(server.rooms.members('room').size).toBe(5);
  }, 60_000);

  test.each([
    { flow: false, name: 'plain' },
    { flow: true, name: 'bp-flow.v1' },
  ])(
    'a WebSocket member ($name) that never reads is closed as a slow consumer; server memory stays bounded',
    async ({ flow }) => {
      const maxQueuedBytes = 64 * 1024;
      const highWaterMark = 64 * 1024;
      const { server, port } = await startServer({ limits: { maxQueuedBytes, slowConsumer: 'close' } });
      cleanups.push(() => server.close({ deadline: 500 }));
      const listener = await server.listenWebSocket({
        port: 0,
        highWaterMark,
        lowWaterMark: highWaterMark / 4,
      });
      const sessions = joinOnConnect(server, () => ['room']);
      // The slow member: a real `ws` client whose socket stops being read once it is in the room.
      let slowSocket: WebSocket | undefined;
      await webSocketClient(listener.url, cleanups, { flow, onSocket: (ws) => (slowSocket = ws) });
      await until(() => sessions.length === 1, 'the slow member joined');
      slowSocket!.pause();
      const slowSession = sessions[0]!;
      const slowClosed = new Promise<Error | undefined>((resolve) => slowSession.onClose(resolve));
      const readers = [
        ...(await tcpClients(port, 2)),
        await webSocketClient(listener.url, cleanups),
        await webSocketClient(listener.url, cleanups, { flow: true }),
      ];
      const seen = readers.map((reader) => counter(reader));
      await until(() => server.rooms.members('room').size === 5, 'all joined');
      const text = 'w'.repeat(1000);
      const frame = protocol.headerSize + 1000 + 64;
      // What the server may hold for one connection: its session queue (closed as a slow consumer
      // past maxQueuedBytes) plus what the transport accepts before it reports backpressure.
      const perConnection = maxQueuedBytes + highWaterMark + 2 * frame;
      let sent = 0;
      let peakSlowQueue = 0;
      let peakServer = 0;
      for (let i = 0; i < 20_000 && slowSession.state === 'open'; i++) {
        server.rooms.broadcast(MessageType.STATUS, { code: 1, text: `${i} ${text}` }, { to: 'room' });
        sent++;
        peakSlowQueue = Math.max(peakSlowQueue, slowSession.queuedBytes);
        peakServer = Math.max(peakServer, server.stats().queuedBytes);
        if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      expect(codeOf(await slowClosed)).toBe('slow-consumer');
      expect(peakSlowQueue).toBeLessThanOrEqual(maxQueuedBytes + frame);
      // Every connection's server-side bytes (session queue + WebSocket/socket backlog) stayed
      // within its limits, although more than one connection may hold was broadcast to the member
      // that never read (with bp-flow.v1 the server stops at the client's credit, so sooner).
      expect(peakServer).toBeLessThanOrEqual(5 * perConnection);
      expect(sent * 1000).toBeGreaterThan(perConnection);
      // Membership ended with the close.
      expect(server.rooms.members('room').has(slowSession)).toBe(false);
      expect(server.rooms.roomsOf(slowSession)).toEqual([]);
      // The others were never held back: every broadcast, in order, and still in the room.
      await until(() => seen.every((s) => s.texts.length === sent), 'readers got everything', 30_000);
      const expected = Array.from({ length: sent }, (_, i) => `${i} ${text}`);
      for (const s of seen) expect(s.texts).toEqual(expected);
      expect(server.rooms.members('room').size).toBe(4);
    },
    60_000,
  );

  test('with slowConsumer: backpressure a member that never reads is still bounded by maxBufferedBytes', async () => {
    const maxQueuedBytes = 32 * 1024;
    const maxBufferedBytes = 4 * maxQueuedBytes;
    const { server, port } = await startServer({
      limits: {
        maxQueuedBytes,
        maxBufferedBytes,
        slowConsumer: 'backpressure',
        maxSocketBufferedBytes: 256 * 1024,
      },
    });
    cleanups.push(() => server.close({ deadline: 500 }));
    const sessions = joinOnConnect(server, () => ['room']);
    const slow = await RawClient.open(port);
    cleanups.push(() => slow.destroy());
    await slow.handshake(TOKEN);
    slow.socket.pause();
    const [reader] = await tcpClients(port, 1);
    const seen = counter(reader!);
    const slowSession = sessions[0]!;
    const slowClosed = new Promise<Error | undefined>((resolve) => slowSession.onClose(resolve));
    const text = 'y'.repeat(1000);
    let peak = 0;
    let sent = 0;
    for (let i = 0; i < 40_000 && slowSession.state === 'open'; i++) {
      server.rooms.broadcast(MessageType.STATUS, { code: 1, text }, { to: 'room' });
      sent++;
      peak = Math.max(peak, slowSession.queuedBytes);
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(codeOf(await slowClosed)).toBe('slow-consumer');
    expect(peak).toBeLessThanOrEqual(maxBufferedBytes + 2048);
    await until(() => seen.texts.length === sent, 'the reader got everything', 30_000);
  }, 60_000);

  test('volatile broadcasts skip congested members instead of queueing', async () => {
    const maxQueuedBytes = 16 * 1024;
    const { server, port } = await startServer({ limits: { maxQueuedBytes, slowConsumer: 'backpressure' } });
    cleanups.push(() => server.close({ deadline: 500 }));
    const sessions = joinOnConnect(server, () => ['room']);
    const slow = await RawClient.open(port);
    cleanups.push(() => slow.destroy());
    await slow.handshake(TOKEN);
    slow.socket.pause();
    let dropped = 0;
    const text = 'z'.repeat(1000);
    for (let i = 0; i < 20_000 && dropped === 0; i++) {
      dropped += server.rooms.broadcast(
        MessageType.STATUS,
        { code: 1, text },
        { to: 'room', volatile: true },
      ).dropped;
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(dropped).toBe(1);
    expect(sessions[0]!.state).toBe('open');
    expect(sessions[0]!.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes + 2048);
    expect(server.rooms.stats().dropped).toBe(1);
  }, 60_000);

  test('a member whose maxPayloadSize is smaller than the payload is skipped and counted, not closed', async () => {
    const { server, port } = await startServer();
    cleanups.push(() => server.close({ deadline: 500 }));
    const listener = await server.listenWebSocket({ port: 0 });
    joinOnConnect(server, () => ['room']);
    const [big] = await tcpClients(port, 1);
    const small = await webSocketClient(listener.url, cleanups, { limits: { maxPayloadSize: 64 } });
    const seen = [counter(big!), counter(small)];
    await until(() => server.rooms.members('room').size === 2, 'joined');
    const result = server.rooms.broadcast(
      MessageType.STATUS,
      { code: 1, text: 'l'.repeat(200) },
      { to: 'room' },
    );
    expect(result).toMatchObject({ sent: 1, tooLarge: 1 });
    server.rooms.broadcast(MessageType.STATUS, { code: 2, text: 'short' }, { to: 'room' });
    await until(() => seen[1]!.texts.length === 1 && seen[0]!.texts.length === 2, 'delivered');
    expect(seen[1]!.texts).toEqual(['short']);
    expect(small.state).toBe('open');
    expect(server.rooms.stats().tooLarge).toBe(1);
  });

  test('join and leave: bad names are usage errors; leaving the last room forgets the member', async () => {
    const { server, port } = await startServer({ rooms: { maxRoomNameLength: 8, maxRoomsPerConnection: 2 } });
    cleanups.push(() => server.close({ deadline: 500 }));
    const sessions = joinOnConnect(server, () => []);
    const [client] = await tcpClients(port, 1);
    const seen = counter(client!);
    const session = sessions[0]!;
    expect(() => server.rooms.join(session, '')).toThrow(expect.objectContaining({ code: 'invalid-option' }));
    expect(() => server.rooms.join(session, 'x'.repeat(9))).toThrow(/1 to 8 characters/);
    server.rooms.join(session, ['a', 'b']);
    server.rooms.join(session, 'a');
    let error: unknown;
    try {
      server.rooms.join(session, 'c');
    } catch (e) {
      error = e;
    }
    expect(isUsageError(error)).toBe(true);
    expect(server.rooms.roomsOf(session).sort()).toEqual(['a', 'b']);
    server.rooms.leave(session, 'a');
    expect(server.rooms.names()).toEqual(['b']);
    server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'to a' }, { to: 'a' });
    server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'to b' }, { to: 'b' });
    await until(() => seen.texts.length === 1, 'b delivered');
    expect(seen.texts).toEqual(['to b']);
    server.rooms.leave(session, 'b');
    expect(server.rooms.stats()).toMatchObject({ rooms: 0, memberships: 0 });
    const foreign = { state: 'open', onClose: () => () => {} } as unknown as Session<TestProtocol>;
    expect(() => server.rooms.join(foreign, 'a')).toThrow(
      expect.objectContaining({ code: 'foreign-session' }),
    );
  });

  test('exceptRooms leaves out the members of those rooms (with except, and from remote deliveries too)', async () => {
    const { server, port } = await startServer();
    cleanups.push(() => server.close({ deadline: 500 }));
    const listener = await server.listenWebSocket({ port: 0 });
    const sessions = joinOnConnect(server, () => ['room']);
    // One after the other, so that sessions[i] is members[i].
    const members = [
      ...(await tcpClients(port, 1)),
      ...(await tcpClients(port, 1)),
      await webSocketClient(listener.url, cleanups),
    ];
    const seen = members.map((member) => counter(member));
    await until(() => server.rooms.members('room').size === 3, 'joined');
    // Member 0 is user ann's connection: in a room of its own.
    server.rooms.join(sessions[0]!, 'user:ann');
    const local = server.rooms.broadcast(
      MessageType.STATUS,
      { code: 1, text: 'not ann' },
      { to: 'room', exceptRooms: ['user:ann', 'nobody'] },
    );
    expect(local.sent + local.congested).toBe(2);
    const both = server.rooms.broadcast(
      MessageType.STATUS,
      { code: 2, text: 'neither' },
      { exceptRooms: 'user:ann', except: sessions[1]! },
    );
    expect(both.sent + both.congested).toBe(1);
    // As an adapter delivers a broadcast from another server.
    server.rooms.deliver(server.rooms.encode(MessageType.STATUS, { code: 3, text: 'remote' }), {
      rooms: ['room'],
      volatile: false,
      exceptRooms: ['user:ann'],
    });
    await until(() => seen[2]!.texts.length === 3, 'the WebSocket member got all three');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.map((s) => s.texts)).toEqual([[], ['not ann', 'remote'], ['not ann', 'neither', 'remote']]);
    expect(() =>
      server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'x' }, { exceptRooms: '' }),
    ).toThrow(expect.objectContaining({ code: 'invalid-option' }));
  });

  test('an adapter receives every non-local broadcast as its encoded frame', async () => {
    const { server } = await startServer();
    cleanups.push(() => server.close({ deadline: 500 }));
    const published: {
      frame: Uint8Array;
      rooms: readonly string[] | undefined;
      exceptRooms: readonly string[] | undefined;
    }[] = [];
    const remove = server.rooms.useAdapter({
      publish: (message, target) =>
        published.push({ frame: message.frame, rooms: target.rooms, exceptRooms: target.exceptRooms }),
    });
    expect(() => server.rooms.useAdapter({ publish: () => {} })).toThrow(
      expect.objectContaining({ code: 'invalid-option' }),
    );
    server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'x' }, { to: 'r', exceptRooms: 'user:ann' });
    server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'y' }, { local: true });
    remove();
    server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'z' });
    expect(published).toHaveLength(1);
    expect(published[0]!.rooms).toEqual(['r']);
    expect(published[0]!.exceptRooms).toEqual(['user:ann']);
    expect(protocol.decodeMessage(published[0]!.frame, 4)).toEqual({
      type: MessageType.STATUS,
      value: { code: 1, text: 'x' },
    });
  });
});
