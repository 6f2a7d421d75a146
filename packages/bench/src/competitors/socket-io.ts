import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BlobValue, MessageName, Messages, StreamReport, SubscribeSpec } from '../workload/messages.js';
import { payloadSize } from '../workload/messages.js';
import { startPushes } from '../workload/push-scheduler.js';
import { StreamChecker } from '../workload/stream-checker.js';
import type { BenchClient, BenchServer, ClientSettings, Competitor } from './types.js';

/** Largest message either side accepts: the same ceiling the ws alternatives use. */
const MAX_PAYLOAD = 64 * 1024 * 1024;

/**
 * Packets the client lets queue in engine.io's write buffer before `send` asks the workload to
 * wait for `drain`: one event-loop turn's worth of the stream workload's batch, so the buffer
 * stays bounded without stalling a stream that keeps up.
 */
const WRITE_BUFFER_HIGH_WATER = 1024;

/**
 * socket.io 4 (server and client from npm) over its WebSocket transport only (no long-polling
 * upgrade dance, compression off), written as its documentation teaches: events per message
 * kind, acknowledgements for request/response, Buffers as binary attachments. What many of bp's
 * users would pick instead.
 */
export const socketIoCompetitor: Competitor = {
  startServer: startSocketIoServer,
  connect: connectSocketIo,
};

async function startSocketIoServer(): Promise<BenchServer> {
  const { Server } = await import('socket.io');
  const http = createServer();
  const io = new Server(http, {
    transports: ['websocket'],
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_PAYLOAD,
    serveClient: false,
  });
  io.on('connection', (socket) => {
    const transport = (
      socket.conn as unknown as { transport: { socket?: { _socket?: import('node:net').Socket } } }
    ).transport;
    transport.socket?._socket?.setNoDelay(true);
    const checker = new StreamChecker();
    const stops: (() => void)[] = [];
    socket.on('q', (_name: MessageName, value: unknown, ack: (value: unknown) => void) => ack(value));
    socket.on('s', (name: MessageName, value: Messages[MessageName]) =>
      checker.accept(name, value, payloadSize(name, value)),
    );
    socket.on('r', (ack: (report: StreamReport) => void) => ack(checker.report()));
    socket.on('sub', (spec: SubscribeSpec) => {
      stops.push(startPushes(spec, (value) => socket.emit('p', value.seq, value.data)));
    });
    socket.on('disconnect', () => {
      for (const stop of stops) stop();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (http.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        io.disconnectSockets(true);
        io.close(() => resolve());
      }),
  };
}

/** socket.io gives Buffers back for binary attachments; the checkers expect plain values. */
function fromSocketIo(name: MessageName, value: unknown): unknown {
  if (name !== 'blob') return value;
  const blob = value as { seq: number; data: Uint8Array };
  return { seq: blob.seq, data: new Uint8Array(blob.data) } satisfies BlobValue;
}

async function connectSocketIo(settings: ClientSettings): Promise<BenchClient> {
  const { io } = await import('socket.io-client');
  // No perMessageDeflate here: the server offers none, so none is negotiated.
  const socket = io(`http://127.0.0.1:${settings.port}`, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const engine = socket.io.engine as unknown as {
    writeBuffer: unknown[];
    on(event: 'drain' | 'close', listener: () => void): void;
    off(event: 'drain' | 'close', listener: () => void): void;
  };
  let closed: Error | undefined;
  socket.on('disconnect', (reason) => {
    closed = new Error(`socket.io disconnected: ${reason}`);
  });
  let drainWaiter: Promise<void> | null = null;
  return {
    request<M extends MessageName>(name: M, value: Messages[M]) {
      if (closed) return Promise.reject(closed);
      return socket.emitWithAck('q', name, value).then((answer) => fromSocketIo(name, answer) as Messages[M]);
    },
    send(name, value) {
      socket.emit('s', name, value);
      return engine.writeBuffer.length < WRITE_BUFFER_HIGH_WATER;
    },
    drained() {
      if (engine.writeBuffer.length < WRITE_BUFFER_HIGH_WATER || closed) return Promise.resolve();
      drainWaiter ??= new Promise<void>((resolve) => {
        const done = () => {
          engine.off('drain', done);
          engine.off('close', done);
          drainWaiter = null;
          resolve();
        };
        engine.on('drain', done);
        engine.on('close', done);
      });
      return drainWaiter;
    },
    report: () => (closed ? Promise.reject(closed) : (socket.emitWithAck('r') as Promise<StreamReport>)),
    subscribe(spec, onPush) {
      socket.on('p', (seq: number, data: Uint8Array) => onPush({ seq, data: new Uint8Array(data) }));
      socket.emit('sub', spec);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.disconnected) return resolve();
        socket.once('disconnect', () => resolve());
        socket.disconnect();
      }),
  };
}
