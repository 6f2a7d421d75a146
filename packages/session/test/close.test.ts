import { deferred } from '@bp/test-kit/async';
import { describe, expect, test, vi } from 'vitest';
import { ErrorCode } from '../src/index.js';
import {
  decodeErrorFrame,
  encodeGoodbye,
  encodeMessageFrame,
  encodeRequestFrame,
  FrameKind,
} from '../src/wire/index.js';
import { connect, openRawServer, T, testProtocol } from './fixtures.js';

describe('graceful close', () => {
  test('close() sends GOODBYE, lets requests in flight finish, then both sides close cleanly', async () => {
    const gate = deferred<void>();
    const { client, server } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.ECHO]: async ({ text }) => {
            await gate.promise;
            return { text };
          },
        },
      },
    });
    const clientClosed = vi.fn();
    const serverClosed = vi.fn();
    client.onClose(clientClosed);
    server.onClose(serverClosed);
    await client.ready;
    const inFlight = client.request(T.ECHO, { text: 'last', delay: 0 });
    await vi.waitUntil(() => server.state === 'open');
    await new Promise((r) => setTimeout(r, 1));
    const closing = client.close();
    expect(client.state).toBe('closing');
    expect(() => client.send(T.NOTE, { text: 'too late' })).toThrow(
      expect.objectContaining({ code: 'not-open' }),
    );
    await expect(client.request(T.ADD, { a: 1, b: 1 })).rejects.toMatchObject({ code: 'not-open' });
    await vi.waitUntil(() => server.state === 'closing');
    gate.resolve();
    expect(await inFlight).toEqual({ text: 'last' });
    await closing;
    await vi.waitUntil(() => server.state === 'closed');
    expect(client.state).toBe('closed');
    expect(clientClosed).toHaveBeenCalledWith(undefined);
    expect(serverClosed).toHaveBeenCalledWith(undefined);
  });

  test('the drain deadline: work still in flight is abandoned, handlers see their signal fire', async () => {
    const signals: AbortSignal[] = [];
    const { client, server } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.ECHO]: (_, ctx) => {
            signals.push(ctx.signal);
            return new Promise<never>(() => {});
          },
        },
      },
    });
    await client.ready;
    const inFlight = client.request(T.ECHO, { text: '', delay: 0 }).catch((e) => e);
    await vi.waitUntil(() => signals.length === 1);
    await client.close({ deadline: 20 });
    expect(client.state).toBe('closed');
    expect(await inFlight).toMatchObject({ code: 'connection-closed' });
    await vi.waitUntil(() => server.state === 'closed');
    expect(signals[0].aborted).toBe(true);
  });

  test('the server closing: the client answers GOODBYE and a request that crossed it is still answered', async () => {
    const { client, server } = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) } },
    });
    await client.ready;
    await server.ready;
    // Same turn: the request leaves before the client sees the server's GOODBYE.
    const crossing = client.request(T.ADD, { a: 20, b: 22 });
    const closed = server.close({ code: 'shutdown', reason: 'deploy' });
    expect(await crossing).toEqual({ sum: 42 });
    await closed;
    await vi.waitUntil(() => client.state === 'closed');
    expect(
      (client as unknown as { peerGoodbye: { code: number; reason: string } }).peerGoodbye,
    ).toMatchObject({
      code: ErrorCode.shutdown,
      reason: 'deploy',
    });
  });

  test('after the peer GOODBYE: a new REQUEST gets closing, a MESSAGE is fatal unexpected-frame', async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }), [T.ECHO]: () => new Promise<never>(() => {}) },
    });
    // A request still running keeps the session in 'closing' after the GOODBYE exchange.
    session.receive(encodeRequestFrame(testProtocol, 1, T.ECHO, { text: '', delay: 0 }));
    session.receive(encodeGoodbye({ code: 0, deadline: 1000, reason: '' }));
    expect(session.state).toBe('closing');
    const goodbye = transport.take();
    expect(goodbye.map((f) => f.kind)).toEqual([FrameKind.GOODBYE]);
    session.receive(encodeRequestFrame(testProtocol, 5, T.ADD, { a: 1, b: 2 }));
    await Promise.resolve();
    const [answer] = transport.take();
    expect(decodeErrorFrame(answer.body, 0, answer.body.length)).toMatchObject({
      requestId: 5,
      code: ErrorCode.closing,
    });
    session.receive(encodeMessageFrame(testProtocol, T.TICK, { n: 1 }));
    expect(session.state).toBe('closed');
    const [fatal] = transport.take();
    expect(decodeErrorFrame(fatal.body, 0, fatal.body.length)).toMatchObject({
      requestId: 0,
      code: ErrorCode['unexpected-frame'],
    });
  });
});

describe('onClose', () => {
  test('calls each listener once, in the order added, and not one unsubscribed before', async () => {
    const { client, server } = connect({ protocol: testProtocol });
    await client.ready;
    const calls: string[] = [];
    const first = (error?: Error) => calls.push(`first ${error?.message ?? 'clean'}`);
    server.onClose(first);
    server.onClose(first);
    const stopSecond = server.onClose(() => calls.push('second'));
    server.onClose(() => {
      calls.push('third');
      // Subscribing while closed calls at once; unsubscribing a listener already called is harmless.
      server.onClose(() => calls.push('late'));
      stopSecond();
    });
    const stopFourth = server.onClose(() => calls.push('fourth'));
    stopFourth();
    await client.close();
    await vi.waitUntil(() => server.state === 'closed');
    expect(calls).toEqual(['first clean', 'second', 'third', 'late']);
    server.onClose(() => calls.push('after'));
    expect(calls.at(-1)).toBe('after');
  });
});
