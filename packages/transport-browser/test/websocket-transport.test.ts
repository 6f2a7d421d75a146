// The WebSocket adapter against a real `ws` server on 127.0.0.1 (the server side is raw, so each
// test controls exactly what the other end does).
import type { AddressInfo } from 'node:net';
import { isUsageError } from '@bp/session';
import { FLOW_SUBPROTOCOL } from '@bp/session/wire';
import { until } from '@bp/test-kit/async';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { ClientError } from '../src/client-error.js';
import type { WebSocketLike } from '../src/websocket-like.js';
import { type TransportSink, WebSocketTransport } from '../src/websocket-transport.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Peer {
  server: WsSocket;
  transport: WebSocketTransport;
  sink: RecordingSink;
}

class RecordingSink implements TransportSink {
  readonly chunks: Uint8Array[] = [];
  drains = 0;
  closed: { error: Error | undefined } | undefined;
  receive(chunk: Uint8Array): void {
    this.chunks.push(chunk.slice());
  }
  transportDrained(): void {
    this.drains++;
  }
  transportClosed(error?: Error): void {
    this.closed = { error };
  }
}

/** A raw ws server and a client WebSocket wrapped in the adapter, connected to each other. */
async function connectPair(
  options: { protocols?: string[]; select?: string; receiveWindow?: number; highWaterMark?: number } = {},
): Promise<Peer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (offered) =>
      options.select !== undefined && offered.has(options.select) ? options.select : false,
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  const accepted = new Promise<WsSocket>((resolve) => wss.once('connection', resolve));
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, options.protocols);
  cleanups.push(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const server = await accepted;
  cleanups.push(() => server.terminate());
  const transport = new WebSocketTransport(ws as unknown as WebSocketLike, {
    receiveWindow: options.receiveWindow,
    highWaterMark: options.highWaterMark,
  });
  const sink = new RecordingSink();
  transport.attach(sink);
  return { server, transport, sink };
}

function frame(kind: number, size: number): Uint8Array {
  const bytes = new Uint8Array(4 + size);
  new DataView(bytes.buffer).setUint32(0, ((kind << 28) >>> 0) | size);
  return bytes;
}

describe('WebSocketTransport', () => {
  test('attach twice throws already-attached: a transport feeds one session', async () => {
    const { transport, sink } = await connectPair();
    let error: unknown;
    try {
      transport.attach(sink);
    } catch (caught) {
      error = caught;
    }
    expect(isUsageError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'already-attached',
      message: expect.stringMatching(/^WebSocketTransport/),
    });
  });

  test('binary messages arrive as Uint8Array views; writes arrive as binary messages', async () => {
    const { server, transport, sink } = await connectPair();
    const got: Buffer[] = [];
    server.on('message', (data: Buffer, isBinary) => {
      expect(isBinary).toBe(true);
      got.push(data);
    });
    server.send(new Uint8Array([1, 2, 3]));
    expect(transport.write(new Uint8Array([9, 8, 7]))).toBe(true);
    await until(() => sink.chunks.length === 1 && got.length === 1, 'both messages', 5000);
    expect([...sink.chunks[0]!]).toEqual([1, 2, 3]);
    expect([...got[0]!]).toEqual([9, 8, 7]);
  });

  test('a write above 64 KiB is split at frame boundaries into several messages', async () => {
    const { server, transport } = await connectPair();
    const sizes: number[] = [];
    server.on('message', (data: Buffer) => sizes.push(data.length));
    const frames = Array.from({ length: 50 }, () => frame(4, 4000 - 4));
    const chunk = new Uint8Array(200_000);
    frames.forEach((f, i) => {
      chunk.set(f, i * 4000);
    });
    transport.write(chunk);
    await until(() => sizes.reduce((a, b) => a + b, 0) === 200_000, 'all bytes', 5000);
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) {
      expect(size % 4000).toBe(0);
      expect(size).toBeLessThanOrEqual(65_536);
    }
  });

  test('a text message from the server closes with 4003 and a text-message error', async () => {
    const { server, sink } = await connectPair();
    const close = new Promise<[number, string]>((resolve) =>
      server.once('close', (code, reason) => resolve([code, reason.toString()])),
    );
    server.send('not binary');
    expect(await close).toEqual([4003, 'text-message']);
    expect(sink.closed?.error).toBeInstanceOf(ClientError);
    expect(sink.closed?.error).toMatchObject({ code: 'text-message' });
  });

  test('an abnormal close reports its code; a normal close reports no error', async () => {
    const abnormal = await connectPair();
    abnormal.server.close(1011, 'internal-error');
    await until(() => abnormal.sink.closed !== undefined, 'close', 5000);
    expect(abnormal.sink.closed?.error).toMatchObject({
      code: 'websocket-closed',
      closeCode: 1011,
      closeReason: 'internal-error',
    });
    const normal = await connectPair();
    normal.server.close(1000);
    await until(() => normal.sink.closed !== undefined, 'close', 5000);
    expect(normal.sink.closed?.error).toBeUndefined();
  });

  test('destroy() closes with 4008 for read-timeout, 4011 otherwise, and tells the sink at once', async () => {
    for (const [code, expected] of [
      ['read-timeout', 4008],
      ['internal-error', 4011],
    ] as const) {
      const { server, transport, sink } = await connectPair();
      const close = new Promise<number>((resolve) => server.once('close', (c) => resolve(c)));
      transport.destroy(Object.assign(new Error(code), { code }));
      expect(sink.closed?.error).toMatchObject({ code });
      expect(transport.write(new Uint8Array(1))).toBe(false);
      expect(await close).toBe(expected);
    }
  });

  test('write() returns false above the high-water mark and transportDrained() follows', async () => {
    const { server, transport, sink } = await connectPair({ highWaterMark: 64 * 1024 });
    // The server stops reading, so the bytes pile up in the client's socket.
    server.pause();
    const chunk = new Uint8Array(16 * 1024 * 1024);
    expect(transport.write(chunk)).toBe(false);
    expect(transport.bufferedAmount).toBeGreaterThan(64 * 1024);
    expect(sink.drains).toBe(0);
    server.resume();
    await until(() => sink.drains === 1, 'the drain', 10_000);
    expect(transport.bufferedAmount).toBeLessThanOrEqual(16 * 1024);
  });

  test('pause() holds messages and resume() delivers them in order', async () => {
    const { server, transport, sink } = await connectPair();
    transport.pause();
    for (let i = 0; i < 5; i++) server.send(new Uint8Array([i]));
    server.send(new Uint8Array([99]));
    // A marker message proves the five arrived while paused.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.chunks).toHaveLength(0);
    transport.resume();
    expect(sink.chunks.map((c) => c[0])).toEqual([0, 1, 2, 3, 4, 99]);
  });

  describe('receive window (bp-flow.v1)', () => {
    test('grants credit as messages are handled, never more than the window ahead', async () => {
      const window = 200_000;
      const { server, transport, sink } = await connectPair({
        protocols: [FLOW_SUBPROTOCOL],
        select: FLOW_SUBPROTOCOL,
        receiveWindow: window,
      });
      expect(transport.flowControl).toBe(true);
      const credits: number[] = [];
      server.on('message', (data: Buffer) => {
        expect(data.length).toBe(8);
        expect(data[0]).toBe(0xf0);
        credits.push(data.readUInt32BE(4));
      });
      // The first credit raises the initial 64 KiB to the window.
      await until(() => credits.length === 1, 'the initial credit', 5000);
      expect(credits[0]).toBe(window - 65_536);
      const size = 10_000;
      for (let i = 0; i < 60; i++) server.send(new Uint8Array(size));
      await until(() => sink.chunks.length === 60, 'all messages', 5000);
      const consumed = 60 * size;
      const granted = () => 65_536 + credits.reduce((a, b) => a + b, 0);
      // Once everything is handled, at least half a window is open again (PROTOCOL.md 14.4)...
      await until(() => granted() - consumed >= window / 2, 'credit for what was handled', 5000);
      // ...and never more than one window.
      expect(granted() - consumed).toBeLessThanOrEqual(window);
    });

    test('holds credit while paused', async () => {
      const { server, transport, sink } = await connectPair({
        protocols: [FLOW_SUBPROTOCOL],
        select: FLOW_SUBPROTOCOL,
        receiveWindow: 65_536,
      });
      const credits: number[] = [];
      server.on('message', (data: Buffer) => credits.push(data.readUInt32BE(4)));
      transport.pause();
      for (let i = 0; i < 8; i++) server.send(new Uint8Array(10_000));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(credits).toEqual([]);
      transport.resume();
      expect(sink.chunks).toHaveLength(8);
      await until(() => credits.length > 0, 'credit after resume', 5000);
    });

    test('no credit is sent when the server did not select the subprotocol', async () => {
      const { server, transport } = await connectPair({ receiveWindow: 200_000 });
      expect(transport.flowControl).toBe(false);
      const got: Buffer[] = [];
      server.on('message', (data: Buffer) => got.push(data));
      for (let i = 0; i < 20; i++) server.send(new Uint8Array(10_000));
      transport.write(new Uint8Array([1]));
      await until(() => got.length === 1, 'the marker', 5000);
      expect([...got[0]!]).toEqual([1]);
    });
  });
});
