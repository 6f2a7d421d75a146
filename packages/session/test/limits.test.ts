import { concat } from '@bp/test-kit/bytes';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  decodeErrorFrame,
  ErrorCode,
  encodeMessageFrame,
  encodeRequestFrame,
  FrameKind,
} from '../src/index.js';
import { connect, openRawServer, T, testProtocol } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('rate limits', () => {
  test('messages over the message rate close the connection with rate-limited', async () => {
    const seen: number[] = [];
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { rateLimit: { messagesPerSecond: 5 } },
    });
    session.on(T.TICK, ({ n }) => seen.push(n));
    session.receive(
      concat(Array.from({ length: 8 }, (_, n) => encodeMessageFrame(testProtocol, T.TICK, { n }))),
    );
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    const [error] = transport.take();
    expect(error.kind).toBe(FrameKind.ERROR);
    expect(decodeErrorFrame(error.body, 0, error.body.length)).toMatchObject({
      requestId: 0,
      code: ErrorCode['rate-limited'],
    });
    expect(session.state).toBe('closed');
  });

  test('requests over the rate fail one by one; tokens come back with time', async () => {
    vi.useFakeTimers();
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { rateLimit: { messagesPerSecond: 2, bytesPerSecond: 1_000_000 }, heartbeatInterval: 0 },
      handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) },
    });
    session.receive(
      concat([1, 2, 3].map((id) => encodeRequestFrame(testProtocol, id, T.ADD, { a: id, b: 0 }))),
    );
    await vi.advanceTimersByTimeAsync(0);
    const frames = transport.take();
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.RESPONSE, FrameKind.RESPONSE, FrameKind.ERROR]);
    expect(decodeErrorFrame(frames[2].body, 0, frames[2].body.length)).toMatchObject({
      requestId: 3,
      code: ErrorCode['rate-limited'],
    });
    expect(session.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1000);
    session.receive(encodeRequestFrame(testProtocol, 4, T.ADD, { a: 4, b: 0 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.take().map((f) => f.kind)).toEqual([FrameKind.RESPONSE]);
  });

  test('the byte rate counts whole frames', async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { rateLimit: { bytesPerSecond: 100 } },
    });
    const frame = encodeMessageFrame(testProtocol, T.NOTE, { text: 'x'.repeat(40) }); // 50 bytes
    session.receive(concat([frame, frame]));
    expect(session.state).toBe('open');
    session.receive(frame);
    expect(session.state).toBe('closed');
    expect(decodeErrorFrame(transport.take()[0].body, 0, 6).code).toBe(ErrorCode['rate-limited']);
  });
});

describe('errors are per connection', () => {
  test('garbage on one connection closes it with an error frame; another connection is unaffected', async () => {
    const first = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) } },
    });
    const second = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ADD]: ({ a, b }) => ({ sum: a + b }) } },
    });
    await Promise.all([first.client.ready, second.client.ready]);
    const clientSaw = new Promise<Error | undefined>((resolve) => first.client.onClose(resolve));
    // The first client's transport sends bytes that are not a frame.
    first.clientEnd.write(Uint8Array.of(0xc0, 0, 0, 0));
    expect(await clientSaw).toMatchObject({ code: 'malformed-frame', remote: true });
    expect(first.server.state).toBe('closed');
    expect(await second.client.request(T.ADD, { a: 2, b: 2 })).toEqual({ sum: 4 });
  });

  test('an undecodable payload: decode-error frame and close, pending requests fail with that error', async () => {
    const { client, server, serverEnd } = connect({
      protocol: testProtocol,
      server: { handlers: { [T.ECHO]: () => new Promise<never>(() => {}) } },
    });
    await client.ready;
    const pending = client.request(T.ECHO, { text: '', delay: 0 }).catch((e) => e);
    await server.ready;
    // A MESSAGE of type TICK whose payload is one byte short.
    serverEnd.write(Uint8Array.of(0x40, 0, 0, 5, 0, T.TICK, 0, 0, 0));
    const error = await pending;
    expect(error).toMatchObject({ code: 'decode-error', remote: false });
    await vi.waitUntil(() => server.state === 'closed');
  });
});
