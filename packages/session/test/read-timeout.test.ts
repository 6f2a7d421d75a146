import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createClientSession, createServerSession, ErrorCode, type Session } from '../src/index.js';
import {
  decodeErrorFrame,
  decodeReject,
  encodeMessageFrame,
  encodeU32Frame,
  encodeWelcome,
  FrameKind,
} from '../src/wire/index.js';
import {
  helloFor,
  openRawServer,
  RecordingTransport,
  T,
  type TestProtocol,
  testProtocol,
} from './fixtures.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A frame that is big enough to never complete while dripped within the test's bounds. */
const bigFrame = encodeMessageFrame(testProtocol, T.NOTE, { text: 'x'.repeat(200) });

/**
 * Feeds `bytes` to `session` one byte every `every` ms (the first at once) until the session
 * closes or `limit` bytes were sent; returns how many were sent.
 */
async function drip(session: Session<TestProtocol>, bytes: Uint8Array, every: number, limit: number) {
  let sent = 0;
  while (sent < limit && sent < bytes.length && session.state !== 'closed') {
    session.receive(bytes.subarray(sent, sent + 1));
    sent++;
    await vi.advanceTimersByTimeAsync(every);
  }
  return sent;
}

function closeError(session: Session<TestProtocol>): Promise<Error | undefined> {
  return new Promise((resolve) => session.onClose(resolve));
}

/** The ERROR frames among what a session wrote, as { requestId, code }. */
function errorsIn(transport: RecordingTransport): { requestId: number; code: number }[] {
  return transport
    .take()
    .filter((frame) => frame.kind === FrameKind.ERROR)
    .map((frame) => {
      const { requestId, code } = decodeErrorFrame(frame.body, 0, frame.body.length);
      return { requestId, code };
    });
}

describe('readTimeout counts complete frames, not bytes (docs/PROTOCOL.md section 12)', () => {
  test('a client dripping one byte every readTimeout/2 into a frame is closed with read-timeout', async () => {
    // heartbeatInterval defaults to readTimeout / 2 = 500, so R' = 1000 and the check runs every 500 ms.
    const { session, transport } = await openRawServer(testProtocol, { limits: { readTimeout: 1000 } });
    const closed = closeError(session);
    const sent = await drip(session, bigFrame, 500, bigFrame.length);
    expect(session.state).toBe('closed');
    expect(await closed).toMatchObject({ code: 'read-timeout', remote: false });
    // The last complete frame (HELLO) came at t = 0: closed between R' and R' + 2 x 500 after it.
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThanOrEqual(4);
    expect(errorsIn(transport)).toEqual([{ requestId: 0, code: ErrorCode['read-timeout'] }]);
    // Dead peers are dropped, not drained: the transport is destroyed, not ended.
    expect(transport.destroyed).toBe(true);
  });

  test('the server dripping into a frame is detected by the client the same way', async () => {
    const transport = new RecordingTransport();
    const client = createClientSession({ protocol: testProtocol, transport, limits: { readTimeout: 1000 } });
    client.receive(
      encodeWelcome({ version: 1, maxPayloadSize: 1 << 20, heartbeatInterval: 500, maxInFlight: 0 }),
    );
    await client.ready;
    const closed = closeError(client);
    const sent = await drip(client, bigFrame, 300, bigFrame.length);
    expect(await closed).toMatchObject({ code: 'read-timeout' });
    expect(sent).toBeLessThanOrEqual(7);
    expect(errorsIn(transport)).toContainEqual({ requestId: 0, code: ErrorCode['read-timeout'] });
    expect(transport.destroyed).toBe(true);
  });

  test('not before R: a dripped frame is not held against the peer earlier than readTimeout', async () => {
    const { session } = await openRawServer(testProtocol, { limits: { readTimeout: 1000 } });
    session.receive(bigFrame.subarray(0, 1));
    await vi.advanceTimersByTimeAsync(999);
    expect(session.state).toBe('open');
  });

  test('frames that arrive slowly but completely keep the connection alive', async () => {
    const { session, transport } = await openRawServer(testProtocol, { limits: { readTimeout: 1000 } });
    const ping = encodeU32Frame(FrameKind.PING, 7);
    // One byte every 100 ms: each 8-byte PING takes 800 ms, within R' = 1000.
    for (let i = 0; i < 200 && session.state === 'open'; i++) {
      session.receive(ping.subarray(i % ping.length, (i % ping.length) + 1));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(session.state).toBe('open');
    expect(transport.take().filter((frame) => frame.kind === FrameKind.PONG).length).toBe(25);
  });

  test('heartbeatInterval 0: an idle connection stays open, a dripped frame is still bounded by readTimeout', async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { readTimeout: 1000, heartbeatInterval: 0 },
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(session.state).toBe('open');
    expect(transport.take()).toEqual([]);
    const closed = closeError(session);
    session.receive(bigFrame.subarray(0, 1));
    await vi.advanceTimersByTimeAsync(999);
    expect(session.state).toBe('open');
    const sent = await drip(session, bigFrame.subarray(1), 100, 100);
    expect(await closed).toMatchObject({ code: 'read-timeout' });
    // Between R and R + 2 x (R / 2) after the frame's first byte.
    expect(sent).toBeLessThanOrEqual(11);
    expect(errorsIn(transport)).toEqual([{ requestId: 0, code: ErrorCode['read-timeout'] }]);
  });

  test('heartbeatInterval 0: a frame completed in time, then silence, is fine', async () => {
    const { session } = await openRawServer(testProtocol, {
      limits: { readTimeout: 1000, heartbeatInterval: 0 },
    });
    const frame = encodeMessageFrame(testProtocol, T.NOTE, { text: 'hi' });
    const sent = await drip(session, frame, 50, frame.length);
    expect(sent).toBe(frame.length);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(session.state).toBe('open');
  });
});

describe('the reason survives a transport that reports its close from inside destroy()', () => {
  test('read-timeout stays read-timeout (not connection-closed)', async () => {
    const transport = new RecordingTransport();
    const session = createServerSession({ protocol: testProtocol, transport, limits: { readTimeout: 1000 } });
    // Like a WebSocket transport that terminates and tells its sink at once.
    transport.destroy = (error?: Error) => {
      transport.destroyed = true;
      transport.destroyError = error;
      session.transportClosed(error);
    };
    session.receive(helloFor(testProtocol));
    await session.ready;
    const closed = closeError(session);
    await drip(session, bigFrame, 500, bigFrame.length);
    expect(await closed).toMatchObject({ code: 'read-timeout', remote: false });
    expect(transport.destroyed).toBe(true);
    expect(errorsIn(transport)).toEqual([{ requestId: 0, code: ErrorCode['read-timeout'] }]);
  });
});

describe('time paused by the session itself', () => {
  test('reading paused for a slow messages() consumer does not count against the peer', async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { readTimeout: 1000, iteratorHighWaterMark: 1 },
    });
    const iterator = session.messages(T.NOTE);
    const note = (text: string) => encodeMessageFrame(testProtocol, T.NOTE, { text });
    session.receive(note('a'));
    session.receive(note('b'));
    expect(transport.paused).toBe(true);
    // The transport delivers nothing while paused; the peer is not silent, we are not listening.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(session.state).toBe('open');
    expect((await iterator.next()).value).toEqual({ text: 'a' });
    expect((await iterator.next()).value).toEqual({ text: 'b' });
    expect(transport.paused).toBe(false);
    // Listening again: now silence counts, from the resume.
    await vi.advanceTimersByTimeAsync(999);
    expect(session.state).toBe('open');
    const closed = closeError(session);
    await vi.advanceTimersByTimeAsync(1500);
    expect(await closed).toMatchObject({ code: 'read-timeout' });
  });

  test('a peer that neither sends nor reads (reading paused for output) is still dead after R', async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { readTimeout: 1000, maxQueuedBytes: 1024, lowWatermark: 256 },
    });
    transport.accept = false;
    const text = 'y'.repeat(100);
    for (let i = 0; i < 20; i++) session.send(T.NOTE, { text });
    expect(transport.paused).toBe(true);
    const closed = closeError(session);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await closed).toMatchObject({ code: 'read-timeout' });
  });

  test('while paused for output, a peer that reads (the transport drains) is alive', async () => {
    const { session, transport } = await openRawServer(testProtocol, {
      limits: { readTimeout: 1000, maxQueuedBytes: 1024, lowWatermark: 256 },
    });
    transport.accept = false;
    const text = 'y'.repeat(100);
    // A producer that refills the queue as soon as it drains keeps reading paused for output.
    for (let round = 0; round < 20 && session.state === 'open'; round++) {
      for (let i = 0; i < 20; i++) session.send(T.NOTE, { text });
      expect(transport.paused).toBe(true);
      await vi.advanceTimersByTimeAsync(400);
      session.transportDrained();
    }
    expect(session.state).toBe('open');
  });
});

describe('the handshake is bounded by handshakeTimeout, however the bytes arrive', () => {
  test('a HELLO dripped byte by byte is refused with handshake-timeout', async () => {
    const transport = new RecordingTransport();
    const server = createServerSession({
      protocol: testProtocol,
      transport,
      limits: { handshakeTimeout: 1000, readTimeout: 5000 },
    });
    const hello = helloFor(testProtocol);
    const sent = await drip(server, hello, 100, hello.length);
    await expect(server.ready).rejects.toMatchObject({ code: 'handshake-timeout' });
    expect(sent).toBeLessThan(hello.length);
    expect(sent).toBeLessThanOrEqual(11);
    const [reject] = transport.take();
    expect(reject.kind).toBe(FrameKind.REJECT);
    expect(decodeReject(reject.body, 0, reject.body.length).code).toBe(ErrorCode['handshake-timeout']);
  });

  test('a WELCOME dripped byte by byte fails the client with handshake-timeout', async () => {
    const transport = new RecordingTransport();
    const client = createClientSession({
      protocol: testProtocol,
      transport,
      limits: { handshakeTimeout: 1000, readTimeout: 5000 },
    });
    const welcome = encodeWelcome({
      version: 1,
      maxPayloadSize: 1 << 20,
      heartbeatInterval: 0,
      maxInFlight: 0,
    });
    const sent = await drip(client, welcome, 100, welcome.length);
    await expect(client.ready).rejects.toMatchObject({ code: 'handshake-timeout' });
    expect(sent).toBeLessThan(welcome.length);
  });
});
