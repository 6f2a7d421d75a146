import { EncodeError } from '@bp/codec';
import { deferred } from '@bp/test-kit/async';
import { describe, expect, test, vi } from 'vitest';
import {
  ApplicationError,
  createClientSession,
  decodeErrorFrame,
  ErrorCode,
  encodeErrorFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeWelcome,
  FrameKind,
  isSessionError,
} from '../src/index.js';
import { connect, openRawServer, RecordingTransport, readU32ForTest, T, testProtocol } from './fixtures.js';

describe('requests and responses', () => {
  test('many requests in flight, answered out of order, each gets its own reply', async () => {
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const { client } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.ECHO]: async ({ text }) => {
            const gate = deferred<void>();
            gates.set(text, gate);
            await gate.promise;
            return { text: text.toUpperCase() };
          },
        },
      },
    });
    await client.ready;
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`);
    const replies = words.map((text) => client.request(T.ECHO, { text, delay: 0 }));
    await vi.waitUntil(() => gates.size === words.length);
    const order: string[] = [];
    for (const [i, p] of replies.entries()) p.then(() => order.push(words[i]));
    // Release in reverse order.
    for (const text of [...words].reverse()) {
      gates.get(text)!.resolve();
      await Promise.resolve();
    }
    expect(await Promise.all(replies)).toEqual(words.map((w) => ({ text: w.toUpperCase() })));
    await vi.waitUntil(() => order.length === words.length);
    expect(order[0]).toBe('w49');
    expect(order.at(-1)).toBe('w0');
  });

  test('the reply type follows the protocol responses', async () => {
    const { client } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.ADD]: ({ a, b }) => ({ sum: a + b }),
          [T.ASK]: ({ question }) => ({ answer: `${question}!` }),
        },
      },
    });
    expect(await client.request(T.ADD, { a: -5, b: 3 })).toEqual({ sum: -2 });
    expect(await client.request(T.ASK, { question: 'why' })).toEqual({ answer: 'why!' });
    await expect(client.request(T.NOTE as never, { text: 'x' } as never)).rejects.toMatchObject({
      code: 'no-reply-type',
    });
  });

  test('abort: the request fails with aborted, the handler sees its signal fire, the late reply is ignored', async () => {
    const handlerSignal = deferred<AbortSignal>();
    const finish = deferred<void>();
    const { client } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.ECHO]: async ({ text }, ctx) => {
            handlerSignal.resolve(ctx.signal);
            await finish.promise;
            return { text };
          },
          [T.ADD]: ({ a, b }) => ({ sum: a + b }),
        },
      },
    });
    const controller = new AbortController();
    const pending = client.request(T.ECHO, { text: 'slow', delay: 0 }, { signal: controller.signal });
    const signal = await handlerSignal.promise;
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    await vi.waitUntil(() => signal.aborted);
    expect(signal.reason).toMatchObject({ code: 'cancelled' });
    finish.resolve();
    // The connection is healthy afterwards.
    expect(await client.request(T.ADD, { a: 1, b: 1 })).toEqual({ sum: 2 });
    // An already-aborted signal fails at once, without sending.
    await expect(
      client.request(T.ADD, { a: 1, b: 1 }, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      code: 'aborted',
    });
  });

  test('per-request timeout and the default request timeout', async () => {
    vi.useFakeTimers();
    try {
      const { client } = connect({
        protocol: testProtocol,
        server: { handlers: { [T.ECHO]: () => new Promise<never>(() => {}) } },
        client: { limits: { requestTimeout: 5000, heartbeatInterval: 0, readTimeout: 0 } },
        transport: {},
      });
      await vi.advanceTimersByTimeAsync(0);
      await client.ready;
      const own = client.request(T.ECHO, { text: 'a', delay: 0 }, { timeout: 100 });
      const byDefault = client.request(T.ECHO, { text: 'b', delay: 0 });
      const none = client.request(T.ECHO, { text: 'c', delay: 0 }, { timeout: 0 });
      const ownResult = own.catch((e) => e);
      const defaultResult = byDefault.catch((e) => e);
      await vi.advanceTimersByTimeAsync(100);
      expect(await ownResult).toMatchObject({ code: 'timeout' });
      await vi.advanceTimersByTimeAsync(4899);
      let settled = false;
      byDefault
        .catch(() => {})
        .finally(() => {
          settled = true;
        });
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await defaultResult).toMatchObject({ code: 'timeout' });
      let noneSettled = false;
      none
        .catch(() => {})
        .finally(() => {
          noneSettled = true;
        });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(noneSettled).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a throwing handler fails that request only, with no internals on the wire', async () => {
    const reported: unknown[] = [];
    const { client } = connect({
      protocol: testProtocol,
      server: {
        handlers: {
          [T.ADD]: ({ a }) => {
            if (a === 13) throw new Error('secret stack detail');
            return { sum: a };
          },
          [T.ASK]: async () => {
            throw new ApplicationError(1404, 'no such question');
          },
          [T.ECHO]: async () => Promise.reject(new TypeError('boom')),
        },
        onHandlerError: (error) => reported.push(error),
      },
    });
    const error = await client.request(T.ADD, { a: 13, b: 0 }).catch((e) => e);
    expect(isSessionError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'handler-error', remote: true, message: 'handler failed' });
    expect(String(error.stack)).not.toContain('secret stack detail');
    expect(await client.request(T.ADD, { a: 2, b: 0 })).toEqual({ sum: 2 });
    await expect(client.request(T.ASK, { question: '?' })).rejects.toMatchObject({
      code: 'application-error',
      wireCode: 1404,
      message: 'no such question',
    });
    await expect(client.request(T.ECHO, { text: '', delay: 0 })).rejects.toMatchObject({
      code: 'handler-error',
    });
    expect(reported.map((e) => (e as Error).message)).toEqual(['secret stack detail', 'boom']);
  });

  test('a handler returning a value that does not encode gets handler-error', async () => {
    const { client } = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ADD]: () => ({ sum: 'not a number' }) as never }, onHandlerError: () => {} },
    });
    await expect(client.request(T.ADD, { a: 1, b: 1 })).rejects.toMatchObject({ code: 'handler-error' });
  });

  test('no handler for a request type: no-handler for that request, connection stays', async () => {
    const { client } = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ADD]: () => ({ sum: 0 }) } },
    });
    await expect(client.request(T.ASK, { question: '' })).rejects.toMatchObject({ code: 'no-handler' });
    expect(await client.request(T.ADD, { a: 0, b: 0 })).toEqual({ sum: 0 });
  });

  test('full duplex: the server pushes messages and sends requests to the client', async () => {
    const notes: string[] = [];
    const { client, server } = connect({
      protocol: testProtocol,
      client: {
        handlers: { [T.ASK]: ({ question }) => ({ answer: `client says ${question}` }) },
      },
    });
    client.on(T.NOTE, ({ text }) => notes.push(text));
    await server.ready;
    server.send(T.NOTE, { text: 'pushed 1' });
    server.send(T.NOTE, { text: 'pushed 2' });
    expect(await server.request(T.ASK, { question: 'hello' })).toEqual({ answer: 'client says hello' });
    expect(notes).toEqual(['pushed 1', 'pushed 2']);
  });

  test('max requests in flight: the client respects the announced limit, the server enforces it', async () => {
    const release = deferred<void>();
    const { client } = connect({
      protocol: testProtocol,
      server: {
        limits: { maxInFlightRequests: 2 },
        handlers: {
          [T.ECHO]: async ({ text }) => {
            await release.promise;
            return { text };
          },
        },
      },
    });
    await client.ready;
    const a = client.request(T.ECHO, { text: 'a', delay: 0 });
    const b = client.request(T.ECHO, { text: 'b', delay: 0 });
    await expect(client.request(T.ECHO, { text: 'c', delay: 0 })).rejects.toMatchObject({
      code: 'too-many-in-flight',
      remote: false,
    });
    release.resolve();
    expect(await Promise.all([a, b])).toEqual([{ text: 'a' }, { text: 'b' }]);

    // A peer that ignores the limit gets too-many-in-flight per request; the connection stays.
    const never = new Promise<never>(() => {});
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { maxInFlightRequests: 2 },
      handlers: { [T.ECHO]: () => never },
    });
    for (let id = 1; id <= 3; id++)
      session.receive(encodeRequestFrame(testProtocol, id, T.ECHO, { text: '', delay: 0 }));
    await Promise.resolve();
    const frames = transport.take();
    expect(frames).toHaveLength(1);
    expect(frames[0].kind).toBe(FrameKind.ERROR);
    expect(decodeErrorFrame(frames[0].body, 0, frames[0].body.length)).toMatchObject({
      requestId: 3,
      code: ErrorCode['too-many-in-flight'],
    });
    expect(session.state).toBe('open');
  });

  test('a duplicate request id from the peer is a fatal unexpected-frame', async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      handlers: { [T.ECHO]: () => new Promise<never>(() => {}) },
    });
    const frame = encodeRequestFrame(testProtocol, 9, T.ECHO, { text: '', delay: 0 });
    session.receive(frame);
    session.receive(frame);
    const [error] = transport.take();
    expect(readU32ForTest(error.body, 0)).toBe(0);
    expect(decodeErrorFrame(error.body, 0, error.body.length).code).toBe(ErrorCode['unexpected-frame']);
    expect(session.state).toBe('closed');
  });

  test('requests in flight fail with connection-closed when the transport goes away', async () => {
    const { client, clientEnd, server } = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ECHO]: () => new Promise<never>(() => {}) } },
    });
    await client.ready;
    const pending = client.request(T.ECHO, { text: '', delay: 0 });
    await vi.waitUntil(() => server.state === 'open');
    clientEnd.destroy(new Error('cable cut'));
    await expect(pending).rejects.toMatchObject({ code: 'connection-closed' });
    await expect(client.request(T.ADD, { a: 1, b: 1 })).rejects.toMatchObject({ code: 'not-open' });
    expect(() => client.send(T.NOTE, { text: '' })).toThrow(/closed/);
  });

  test('a value that does not encode fails the call locally; the connection is unaffected', async () => {
    const { client } = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ADD]: ({ a }) => ({ sum: a }) } },
    });
    await expect(client.request(T.ADD, { a: 'x' as never, b: 1 })).rejects.toBeInstanceOf(EncodeError);
    expect(() => client.send(T.TICK, { n: -1 })).toThrow(EncodeError);
    expect(await client.request(T.ADD, { a: 4, b: 1 })).toEqual({ sum: 4 });
  });

  test('a payload above the peer limit fails locally with payload-too-large', async () => {
    const { client } = connect({
      protocol: testProtocol,
      server: { limits: { maxPayloadSize: 64 }, handlers: { [T.ECHO]: ({ text }) => ({ text }) } },
    });
    await client.ready;
    expect(() => client.send(T.NOTE, { text: 'x'.repeat(100) })).toThrow(
      expect.objectContaining({ code: 'payload-too-large' }),
    );
    await expect(client.request(T.ECHO, { text: 'y'.repeat(100), delay: 0 })).rejects.toMatchObject({
      code: 'payload-too-large',
    });
    expect(await client.request(T.ECHO, { text: 'ok', delay: 0 })).toEqual({ text: 'ok' });
  });

  test('a RESPONSE of the wrong type is a fatal unexpected-frame', async () => {
    const transport = new RecordingTransport();
    const client = createClientSession({ protocol: testProtocol, transport });
    client.receive(
      encodeWelcome({ version: 1, maxPayloadSize: 1 << 20, heartbeatInterval: 0, maxInFlight: 0 }),
    );
    await client.ready;
    const pending = client.request(T.ADD, { a: 1, b: 2 }).catch((e: unknown) => e);
    client.flush();
    transport.take();
    // Request 1 is an ADD; its answer must be a SUM, not an ECHO_REPLY.
    client.receive(encodeResponseFrame(testProtocol, 1, T.ECHO_REPLY, { text: 'no' }));
    expect(await pending).toMatchObject({ code: 'unexpected-frame' });
    const [fatal] = transport.take();
    expect(decodeErrorFrame(fatal.body, 0, fatal.body.length)).toMatchObject({
      requestId: 0,
      code: ErrorCode['unexpected-frame'],
    });
    // A late answer for an id not in flight is ignored, not an error.
    const other = new RecordingTransport();
    const c2 = createClientSession({ protocol: testProtocol, transport: other });
    c2.receive(encodeWelcome({ version: 1, maxPayloadSize: 1 << 20, heartbeatInterval: 0, maxInFlight: 0 }));
    await c2.ready;
    c2.receive(encodeResponseFrame(testProtocol, 77, T.SUM, { sum: 1 }));
    c2.receive(encodeErrorFrame({ requestId: 78, code: 18, message: 'late' }));
    expect(c2.state).toBe('open');
  });
});
