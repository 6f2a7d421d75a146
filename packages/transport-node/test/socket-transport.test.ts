import { once } from 'node:events';
import { type AddressInfo, createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { until } from '@bp/test-kit/async';
import { afterEach, describe, expect, test } from 'vitest';
import { SocketTransport, type TransportSink } from '../src/socket-transport.js';
import { isTransportError } from '../src/transport-error.js';

class RecordingSink implements TransportSink {
  readonly chunks: Uint8Array[] = [];
  drains = 0;
  closes: (Error | undefined)[] = [];
  readonly closed: Promise<Error | undefined>;
  #resolveClosed!: (error: Error | undefined) => void;
  constructor() {
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }
  get bytes(): number {
    return this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }
  receive(chunk: Uint8Array): void {
    this.chunks.push(chunk);
  }
  transportDrained(): void {
    this.drains++;
  }
  transportClosed(error?: Error): void {
    this.closes.push(error);
    this.#resolveClosed(error);
  }
}

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (server !== undefined) {
    const closing = once(server, 'close');
    server.close();
    await closing;
    server = undefined;
  }
});

/** A connected pair over real loopback TCP: `local` is ours, `remote` is the server side. */
async function socketPair(): Promise<{ local: Socket; remote: Socket }> {
  server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const local = netConnect((server.address() as AddressInfo).port, '127.0.0.1');
  sockets.push(local);
  await once(local, 'connect');
  const [remote] = await accepted;
  sockets.push(remote);
  return { local, remote };
}

function collect(socket: Socket): { bytes: () => Buffer } {
  const parts: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => parts.push(chunk));
  return { bytes: () => Buffer.concat(parts) };
}

describe('SocketTransport', () => {
  test('writes of one turn are held back and leave together, in order', async () => {
    const { local, remote } = await socketPair();
    const transport = new SocketTransport(local);
    transport.attach(new RecordingSink());
    const received = collect(remote);
    const expected: number[] = [];
    for (let i = 0; i < 200; i++) {
      transport.write(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, 7));
      expected.push(i & 0xff, (i >> 8) & 0xff, 7);
    }
    // Corked: nothing has been handed to the kernel yet within this turn.
    expect(transport.bufferedBytes).toBe(600);
    await new Promise((resolve) => process.nextTick(resolve));
    await until(() => received.bytes().length === 600, 'all bytes at the peer');
    expect([...received.bytes()]).toEqual(expected);
  });

  test('delivers peer bytes to the sink and reports a peer close once', async () => {
    const { local, remote } = await socketPair();
    const transport = new SocketTransport(local);
    const sink = new RecordingSink();
    transport.attach(sink);
    remote.write(Buffer.from('hello'));
    await until(() => sink.bytes === 5, 'bytes in the sink');
    remote.destroy();
    await sink.closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.closes).toHaveLength(1);
    expect(transport.closed).toBe(true);
    expect(transport.write(Uint8Array.of(1))).toBe(false);
  });

  test('returns false at the high-water mark and forwards drain when the peer reads again', async () => {
    const { local, remote } = await socketPair();
    remote.pause();
    const transport = new SocketTransport(local, { maxBufferedBytes: 512 * 1024 * 1024 });
    const sink = new RecordingSink();
    transport.attach(sink);
    const chunk = new Uint8Array(64 * 1024);
    let written = 0;
    let accepted = true;
    // Write until the kernel buffers are full too (bytes stay queued in the socket); bounded well
    // above any loopback socket buffer size.
    for (let i = 0; i < 4096; i++) {
      accepted = transport.write(chunk);
      written += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (transport.bufferedBytes > 0) break;
    }
    expect(transport.bufferedBytes).toBeGreaterThan(0);
    expect(accepted).toBe(false);
    const drainsBefore = sink.drains;
    let read = 0;
    remote.on('data', (data: Buffer) => {
      read += data.length;
    });
    remote.resume();
    await until(() => sink.drains > drainsBefore, 'drain');
    await until(() => read === written, 'peer read everything');
  });

  test('destroys the connection as slow-consumer past maxBufferedBytes', async () => {
    const { local, remote } = await socketPair();
    remote.pause();
    const transport = new SocketTransport(local, { maxBufferedBytes: 1024 * 1024 });
    const sink = new RecordingSink();
    transport.attach(sink);
    const chunk = new Uint8Array(64 * 1024);
    for (let i = 0; i < 4096 && !transport.closed && !local.destroyed; i++) {
      transport.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const error = await sink.closed;
    expect(isTransportError(error)).toBe(true);
    expect((error as { code?: string }).code).toBe('slow-consumer');
  });

  test('a socket that died before attach is reported closed', async () => {
    const { local } = await socketPair();
    local.destroy();
    const transport = new SocketTransport(local);
    const sink = new RecordingSink();
    transport.attach(sink);
    await sink.closed;
    expect(sink.closes).toHaveLength(1);
  });

  test('end() flushes what was written before closing', async () => {
    const { local, remote } = await socketPair();
    const transport = new SocketTransport(local);
    const sink = new RecordingSink();
    transport.attach(sink);
    const received = collect(remote);
    const ended = once(remote, 'end');
    transport.write(Buffer.from('last words'));
    transport.end();
    await ended;
    expect(received.bytes().toString()).toBe('last words');
  });
});
