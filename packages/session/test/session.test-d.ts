import { expectTypeOf, test } from 'vitest';
import {
  type ConnectionData,
  createClientSession,
  createServerSession,
  type HandlerContext,
  type Principal,
  type Session,
  type SessionTransport,
} from '../src/index.js';
import { T, type TestProtocol, testProtocol } from './fixtures.js';

declare const transport: SessionTransport;

test('request() is typed by the protocol responses', () => {
  const client = createClientSession({ protocol: testProtocol, transport });
  expectTypeOf(client).toEqualTypeOf<Session<TestProtocol>>();
  expectTypeOf(client.request(T.ADD, { a: 1, b: 2 })).toEqualTypeOf<Promise<{ sum: number }>>();
  expectTypeOf(client.request(T.ASK, { question: '' })).toEqualTypeOf<Promise<{ answer: string }>>();
  // @ts-expect-error NOTE has no reply type: not a request
  client.request(T.NOTE, { text: '' });
  // @ts-expect-error wrong request value
  client.request(T.ADD, { a: 'x', b: 2 });
});

test('send(), on() and messages() are typed per message type', () => {
  const client = createClientSession({ protocol: testProtocol, transport });
  expectTypeOf(client.send(T.TICK, { n: 1 })).toEqualTypeOf<boolean>();
  // @ts-expect-error wrong field
  client.send(T.TICK, { m: 1 });
  client.on(T.NOTE, (value) => {
    expectTypeOf(value).toEqualTypeOf<{ text: string }>();
  });
  expectTypeOf(client.messages(T.TICK)).toEqualTypeOf<AsyncIterableIterator<{ n: number }>>();
});

test('handlers: request handlers return the reply (or a promise of it)', () => {
  createServerSession({
    protocol: testProtocol,
    transport,
    handlers: {
      [T.ADD]: ({ a, b }) => ({ sum: a + b }),
      [T.ASK]: async ({ question }, ctx) => {
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        return { answer: question };
      },
      [T.NOTE]: ({ text }) => {
        expectTypeOf(text).toEqualTypeOf<string>();
      },
    },
  });
  createServerSession({
    protocol: testProtocol,
    transport,
    handlers: {
      // @ts-expect-error the reply of ADD is { sum }
      [T.ADD]: () => ({ total: 1 }),
    },
  });
});

test('principal and session.data are unknown until the application declares them in Register', () => {
  const server = createServerSession({ protocol: testProtocol, transport });
  expectTypeOf(server.principal).toBeUnknown();
  expectTypeOf(server.data).toBeUnknown();
  expectTypeOf<HandlerContext['principal']>().toBeUnknown();
  expectTypeOf<Principal>().toBeUnknown();
  expectTypeOf<ConnectionData>().toBeUnknown();
});
