import type { AddressInfo } from 'node:net';
import type { WebSocket as WsSocket } from 'ws';
import type { BlobValue, MessageName, Messages, StreamReport } from '../workload/messages.js';
import { startPushes } from '../workload/push-scheduler.js';
import { StreamChecker } from '../workload/stream-checker.js';
import type { Envelope, EnvelopeCodec } from './envelope.js';
import type { BenchClient, BenchServer, ClientSettings, Competitor } from './types.js';

const MAX_PAYLOAD = 64 * 1024 * 1024;

/**
 * WebSocket with the `ws` library (compression off, its default for servers that care about
 * memory), carrying envelopes in JSON or MessagePack: the usual pick for a real-time app.
 */
export function wsCompetitor(loadCodec: () => Promise<EnvelopeCodec>): Competitor {
  return {
    startServer: async () => startWsServer(await loadCodec()),
    connect: async (settings) => connectWs(await loadCodec(), settings),
  };
}

async function startWsServer(codec: EnvelopeCodec): Promise<BenchServer> {
  const { WebSocketServer } = await import('ws');
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD,
  });
  server.on('connection', (ws, request) => {
    const socket = request.socket;
    socket.setNoDelay(true);
    const checker = new StreamChecker();
    const stops: (() => void)[] = [];
    const send = (envelope: Envelope) => ws.send(codec.encode(envelope), { binary: codec.binary });
    ws.on('message', (data: Buffer) => {
      const envelope = codec.decode(data);
      switch (envelope.t) {
        case 'q': {
          const value = codec.fromWire(envelope.m, envelope.v);
          send({ t: 'a', i: envelope.i, v: codec.toWire(envelope.m, value) });
          break;
        }
        case 's':
          checker.accept(envelope.m, codec.fromWire(envelope.m, envelope.v) as never, data.length);
          break;
        case 'r':
          send({ t: 'r', i: envelope.i, v: checker.report() });
          break;
        case 'sub':
          stops.push(startPushes(envelope.v, (value) => send({ t: 'p', v: codec.toWire('blob', value) })));
          break;
        default:
          ws.terminate();
      }
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      for (const stop of stops) stop();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

interface Pending {
  name: MessageName | undefined;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

async function connectWs(codec: EnvelopeCodec, settings: ClientSettings): Promise<BenchClient> {
  const { WebSocket } = await import('ws');
  const ws: WsSocket = new WebSocket(`ws://127.0.0.1:${settings.port}/`, {
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  // ws exposes no drain event of its own; the socket underneath is where backpressure shows.
  const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  socket.setNoDelay(true);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let onPush: ((value: BlobValue) => void) | undefined;
  let closed: Error | undefined;
  ws.on('message', (data: Buffer) => {
    const envelope = codec.decode(data);
    if (envelope.t === 'p') {
      onPush?.(codec.fromWire('blob', envelope.v) as BlobValue);
      return;
    }
    if (envelope.t !== 'a' && envelope.t !== 'r') return;
    const waiter = pending.get(envelope.i);
    if (waiter === undefined) return;
    pending.delete(envelope.i);
    waiter.resolve(waiter.name === undefined ? envelope.v : codec.fromWire(waiter.name, envelope.v));
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    closed = new Error('connection closed');
    for (const waiter of pending.values()) waiter.reject(closed);
    pending.clear();
  });
  const send = (envelope: Envelope) => ws.send(codec.encode(envelope), { binary: codec.binary });
  const call = <T>(name: MessageName | undefined, make: (id: number) => Envelope): Promise<T> => {
    if (closed) return Promise.reject(closed);
    const id = nextId++;
    send(make(id));
    return new Promise<T>((resolve, reject) =>
      pending.set(id, { name, resolve: resolve as (v: unknown) => void, reject }),
    );
  };
  let drainWaiter: Promise<void> | null = null;
  return {
    request: <M extends MessageName>(name: M, value: Messages[M]) =>
      call<Messages[M]>(name, (i) => ({ t: 'q', m: name, i, v: codec.toWire(name, value) })),
    send(name, value) {
      send({ t: 's', m: name, v: codec.toWire(name, value) });
      return !socket.writableNeedDrain;
    },
    drained() {
      if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
      drainWaiter ??= new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          drainWaiter = null;
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
      return drainWaiter;
    },
    report: () => call<StreamReport>(undefined, (i) => ({ t: 'r', i })),
    subscribe(spec, handler) {
      onPush = handler;
      send({ t: 'sub', v: spec });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}
