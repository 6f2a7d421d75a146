import * as net from 'node:net';
import * as tls from 'node:tls';
import type { BlobValue, MessageName, Messages, StreamReport, SubscribeSpec } from '../workload/messages.js';
import { startPushes } from '../workload/push-scheduler.js';
import { StreamChecker } from '../workload/stream-checker.js';
import { CoalescingWriter } from './coalescing-writer.js';
import { Fifo } from './fifo.js';
import { FrameReader } from './frame-reader.js';
import { RawType, rawNameOf, rawPayloadLength, rawTypeOf, readRaw, writeRaw } from './raw-codec.js';
import { BENCH_TLS_CERT, BENCH_TLS_KEY } from './tls-fixture.js';
import type { BenchClient, BenchServer, ClientSettings, Competitor } from './types.js';

/**
 * The near-the-limit reference: a minimal hand-written length-prefixed protocol over a raw TCP
 * (or TLS) socket, with writes coalesced to one buffer per event-loop turn. Replies come back in
 * request order, so a FIFO of waiters is all the correlation it needs.
 */
export function rawCompetitor(secure: boolean): Competitor {
  return {
    startServer: () => startRawServer(secure),
    connect: (settings) => connectRaw(secure, settings),
  };
}

function startRawServer(secure: boolean): Promise<BenchServer> {
  const sockets = new Set<net.Socket>();
  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const writer = new CoalescingWriter(socket);
    const checker = new StreamChecker();
    const stops: (() => void)[] = [];
    const reply = (type: number, name: MessageName, value: Messages[MessageName]) => {
      const length = rawPayloadLength(name, value);
      const { buffer, offset } = writer.frame(1 + length);
      buffer[offset] = type;
      writeRaw(name, value, buffer, offset + 1);
    };
    const reader = new FrameReader((buffer, start, end) => {
      const type = buffer[start]!;
      if (type <= RawType.requestBlob) {
        const name = rawNameOf(type);
        reply(type, name, readRaw(name, buffer, start + 1, end));
      } else if (type <= RawType.sendBlob) {
        const name = rawNameOf(type);
        checker.accept(name, readRaw(name, buffer, start + 1, end), end - start + 4);
      } else if (type === RawType.report) {
        const report = checker.report();
        const out = writer.frame(17);
        out.buffer[out.offset] = RawType.report;
        out.buffer.writeUInt32BE(report.received, out.offset + 1);
        out.buffer.writeUInt32BE(report.errors, out.offset + 5);
        out.buffer.writeDoubleBE(report.bytes, out.offset + 9);
      } else if (type === RawType.subscribe) {
        const spec: SubscribeSpec = {
          intervalMs: buffer.readUInt32BE(start + 1),
          size: buffer.readUInt32BE(start + 5),
          count: buffer.readUInt32BE(start + 9),
        };
        stops.push(startPushes(spec, (value) => reply(RawType.push, 'blob', value)));
      } else {
        socket.destroy(new Error(`unknown frame type ${type}`));
      }
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      for (const stop of stops) stop();
    });
  };
  const server = secure
    ? tls.createServer({ key: BENCH_TLS_KEY, cert: BENCH_TLS_CERT }, onConnection)
    : net.createServer(onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

async function connectRaw(secure: boolean, settings: ClientSettings): Promise<BenchClient> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s: net.Socket = secure
      ? tls.connect(
          { host: '127.0.0.1', port: settings.port, ca: BENCH_TLS_CERT, servername: 'localhost' },
          () => resolve(s),
        )
      : net.connect({ host: '127.0.0.1', port: settings.port }, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  const writer = new CoalescingWriter(socket);
  const waiters = new Fifo<Waiter>();
  let onPush: ((value: BlobValue) => void) | undefined;
  let closed: Error | undefined;
  const reader = new FrameReader((buffer, start, end) => {
    const type = buffer[start]!;
    if (type === RawType.push) {
      onPush?.(readRaw('blob', buffer, start + 1, end) as BlobValue);
      return;
    }
    const waiter = waiters.shift();
    if (waiter === undefined) return;
    if (type === RawType.report) {
      const report: StreamReport = {
        received: buffer.readUInt32BE(start + 1),
        errors: buffer.readUInt32BE(start + 5),
        bytes: buffer.readDoubleBE(start + 9),
      };
      waiter.resolve(report);
    } else {
      waiter.resolve(readRaw(rawNameOf(type), buffer, start + 1, end));
    }
  });
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = new Error('connection closed');
    for (const waiter of waiters.drain()) waiter.reject(closed);
  });
  const call = <T>(write: () => void): Promise<T> => {
    if (closed) return Promise.reject(closed);
    write();
    return new Promise<T>((resolve, reject) =>
      waiters.push({ resolve: resolve as (v: unknown) => void, reject }),
    );
  };
  const frame = (type: number, name: MessageName, value: Messages[MessageName]) => {
    const { buffer, offset } = writer.frame(1 + rawPayloadLength(name, value));
    buffer[offset] = type;
    writeRaw(name, value, buffer, offset + 1);
  };
  return {
    request: <M extends MessageName>(name: M, value: Messages[M]) =>
      call<Messages[M]>(() => frame(rawTypeOf(name, false), name, value)),
    send(name, value) {
      frame(rawTypeOf(name, true), name, value);
      return writer.writable;
    },
    drained: () => writer.drained(),
    report: () =>
      call<StreamReport>(() => {
        const { buffer, offset } = writer.frame(1);
        buffer[offset] = RawType.report;
      }),
    subscribe(spec, handler) {
      onPush = handler;
      const { buffer, offset } = writer.frame(13);
      buffer[offset] = RawType.subscribe;
      buffer.writeUInt32BE(spec.intervalMs, offset + 1);
      buffer.writeUInt32BE(spec.size, offset + 5);
      buffer.writeUInt32BE(spec.count, offset + 9);
    },
    close: () =>
      new Promise<void>((resolve) => {
        writer.flush();
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
      }),
  };
}
