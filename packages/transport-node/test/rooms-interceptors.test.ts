// The server's interceptors around server.rooms broadcasts: once per broadcast (kind 'broadcast'),
// not per member, over real TCP and WebSocket members on 127.0.0.1.
import { type CallResult, type Interceptor, type Session, SessionError } from '@bp/session';
import { until } from '@bp/test-kit/async';
import {
  TransportType as MessageType,
  transportProtocol as protocol,
  type TransportProtocol as TestProtocol,
  TOKEN,
} from '@bp/test-kit/protocols';
import { afterEach, expect, test } from 'vitest';
import { connect, type Server } from '../src/index.js';
import { startServer } from './fixtures/server.js';
import { webSocketClient } from './fixtures/ws-session.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Seen {
  kind: string;
  direction: string;
  type: string | undefined;
  value: unknown;
  rooms: readonly string[] | undefined;
  session: unknown;
}

/** A server whose interceptors are `interceptors`, with two TCP and two WebSocket members in 'room'. */
async function roomOfFour(
  interceptors: Interceptor<TestProtocol>[],
  onHandlerError?: (error: unknown, context: { type: number }) => void,
): Promise<{ server: Server<TestProtocol>; texts: string[][] }> {
  const { server, port } = await startServer({ interceptors, onHandlerError });
  cleanups.push(() => server.close({ deadline: 500 }));
  const listener = await server.listenWebSocket({ port: 0 });
  server.onSession((session) => server.rooms.join(session, 'room'));
  const tcp = await Promise.all(
    [0, 1].map(() => connect({ host: '127.0.0.1', port, protocol, token: TOKEN })),
  );
  cleanups.push(() => Promise.all(tcp.map((client) => client.close({ deadline: 500 }))));
  const members: Pick<Session<TestProtocol>, 'on'>[] = [
    ...tcp,
    await webSocketClient(listener.url, cleanups),
    await webSocketClient(listener.url, cleanups, { flow: true }),
  ];
  const texts = members.map((member) => {
    const got: string[] = [];
    member.on(MessageType.STATUS, ({ text }) => got.push(text));
    return got;
  });
  await until(() => server.rooms.members('room').size === 4, 'four members joined');
  return { server, texts };
}

const recording =
  (seen: Seen[], outcomes: CallResult<TestProtocol>[]): Interceptor<TestProtocol> =>
  (next) =>
  (call) => {
    if (call.kind === 'broadcast') {
      seen.push({
        kind: call.kind,
        direction: call.direction,
        type: call.typeName,
        value: call.value,
        rooms: call.rooms,
        session: call.session,
      });
    }
    return next(call).then((result) => {
      if (call.kind === 'broadcast') outcomes.push(result);
      return result;
    });
  };

test('the interceptors see a broadcast to four TCP and WebSocket members once, and its outcome', async () => {
  const seen: Seen[] = [];
  const outcomes: CallResult<TestProtocol>[] = [];
  const { server, texts } = await roomOfFour([recording(seen, outcomes)]);
  const result = server.rooms.broadcast(MessageType.STATUS, { code: 7, text: 'hello' }, { to: 'room' });
  // The chain called next at once, so the result counts what was delivered.
  expect(result).toMatchObject({ sent: 4, congested: 0, notOpen: 0 });
  await until(() => texts.every((t) => t.length === 1), 'every member got it');
  expect(seen).toEqual([
    {
      kind: 'broadcast',
      direction: 'outgoing',
      type: 'STATUS',
      value: { code: 7, text: 'hello' },
      rooms: ['room'],
      session: undefined,
    },
  ]);
  await until(() => outcomes.length === 1, 'the outcome observed');
  expect(outcomes[0]!.broadcast).toEqual({
    sent: 4,
    congested: 0,
    dropped: 0,
    tooLarge: 0,
    notOpen: 0,
    absent: 0,
  });
  // A pre-encoded broadcast to every connection: the interceptors see the value decoded from the frame.
  server.rooms.broadcastEncoded(server.rooms.encode(MessageType.STATUS, { code: 8, text: 'all' }));
  expect(seen[1]).toMatchObject({ value: { code: 8, text: 'all' }, rooms: undefined });
  await until(() => texts.every((t) => t.length === 2), 'every member got the second');
  for (const t of texts) expect(t).toEqual(['hello', 'all']);
});

test('an interceptor that throws stops the broadcast for every member; the error goes to onHandlerError', async () => {
  const errors: { error: unknown; type: number }[] = [];
  const veto: Interceptor<TestProtocol> = (next) => async (call) => {
    if (call.kind === 'broadcast' && call.type === MessageType.STATUS && call.value.text === 'secret') {
      throw new SessionError('unauthorized', 'no secrets to rooms');
    }
    return next(call);
  };
  const published: number[] = [];
  const { server, texts } = await roomOfFour([veto], (error, { type }) => errors.push({ error, type }));
  server.rooms.useAdapter({ publish: (message) => published.push(message.type) });
  const stopped = server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'secret' }, { to: 'room' });
  expect(stopped).toMatchObject({ sent: 0, congested: 0 });
  server.rooms.broadcast(MessageType.STATUS, { code: 2, text: 'public' }, { to: 'room' });
  await until(() => texts.every((t) => t.length === 1), 'every member got the public one');
  await until(() => errors.length === 1, 'the veto reported');
  expect(errors[0]).toMatchObject({ type: MessageType.STATUS, error: { code: 'unauthorized' } });
  // Neither delivered nor forwarded to other servers.
  expect(published).toEqual([MessageType.STATUS]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const t of texts) expect(t).toEqual(['public']);
  expect(server.rooms.stats().delivered).toBe(4);
});

test('an interceptor may skip a broadcast, or let it through after awaiting (the result then counts nothing)', async () => {
  const outcomes: CallResult<TestProtocol>[] = [];
  const gate: Interceptor<TestProtocol> = (next) => async (call) => {
    if (call.kind !== 'broadcast' || call.type !== MessageType.STATUS) return next(call);
    if (call.value.code === 0) return { value: undefined, metadata: {} };
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await next(call);
    outcomes.push(result);
    return result;
  };
  const { server, texts } = await roomOfFour([gate]);
  expect(server.rooms.broadcast(MessageType.STATUS, { code: 0, text: 'skipped' }, { to: 'room' })).toEqual({
    sent: 0,
    congested: 0,
    dropped: 0,
    tooLarge: 0,
    notOpen: 0,
    absent: 0,
  });
  expect(server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'later' }, { to: 'room' }).sent).toBe(0);
  await until(() => texts.every((t) => t.length === 1), 'the awaited one delivered');
  for (const t of texts) expect(t).toEqual(['later']);
  expect(outcomes.map((o) => o.broadcast?.sent)).toEqual([4]);
});

test('an interceptor that passes on another call than the broadcast is reported, and nothing is sent', async () => {
  const errors: unknown[] = [];
  const wrong: Interceptor<TestProtocol> = (next) => (call) =>
    next(
      call.kind === 'broadcast' ? ({ kind: 'broadcast', type: call.type, value: call.value } as never) : call,
    );
  const { server, texts } = await roomOfFour([wrong], (error) => errors.push(error));
  server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'x' }, { to: 'room' });
  await until(() => errors.length === 1, 'reported');
  expect(String(errors[0])).toMatch(/not the broadcast it was given/);
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const t of texts) expect(t).toEqual([]);
});

test('a value that does not encode throws from broadcast before any interceptor runs', async () => {
  const seen: Seen[] = [];
  const { server } = await roomOfFour([recording(seen, [])]);
  expect(() =>
    server.rooms.broadcast(MessageType.STATUS, { code: -1, text: 'bad' } as never, { to: 'room' }),
  ).toThrow();
  expect(seen).toEqual([]);
});

test('next delivers a broadcast at most once, however often an interceptor calls it', async () => {
  const outcomes: (number | undefined)[] = [];
  const twice: Interceptor<TestProtocol> = (next) => async (call) => {
    const first = await next(call);
    const second = await next(call);
    outcomes.push(first.broadcast?.sent, second.broadcast?.sent);
    return second;
  };
  const { server, texts } = await roomOfFour([twice]);
  server.rooms.broadcast(MessageType.STATUS, { code: 1, text: 'once' }, { to: 'room' });
  server.rooms.broadcast(MessageType.STATUS, { code: 2, text: 'after' }, { to: 'room' });
  await until(() => texts.every((t) => t.length >= 2), 'both delivered');
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const t of texts) expect(t).toEqual(['once', 'after']);
  expect(outcomes).toEqual([4, 4, 4, 4]);
});
