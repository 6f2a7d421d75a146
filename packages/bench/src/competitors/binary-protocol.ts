import { FieldDefinition, MessageStructure, ProtocolConfig } from '@bp/codec';
import type { BinaryPeer } from '@bp/transport-node';
import { blobValue, type MessageName, type Messages, type StreamReport } from '../workload/messages.js';
import { StreamChecker } from '../workload/stream-checker.js';
import { BENCH_MAX_PAYLOAD } from './bp-protocol.js';
import { Fifo } from './fifo.js';
import type { BenchClient, BenchServer, ClientSettings, Competitor } from './types.js';

/** Message types of the benchmark on the Python binary_protocol wire. */
enum WireType {
  SENSOR = 1,
  FIXED_BENCHMARK = 3,
  BLOB = 5,
  SENSOR_STREAM = 7,
  FIXED_STREAM = 8,
  BLOB_STREAM = 9,
  REPORT = 10,
  REPORT_REPLY = 11,
  /** The wire cannot push: a subscriber pulls one blob per push interval instead. */
  PULL = 12,
  PUSH = 13,
}

const num = <const N extends string>(name: N, format: string) =>
  new FieldDefinition(name, Number, { formatString: format });
const sensor = new MessageStructure([num('x', '>f'), num('y', '>f'), num('z', '>f'), num('w', '>f')]);
const fixed = new MessageStructure([num('value', '>I')]);
const blob = new MessageStructure([num('seq', '>I'), new FieldDefinition('data', Uint8Array)]);

/**
 * The benchmark's messages in the package's spelling: the same payload bytes as bp's benchmark
 * protocol (bp-protocol.ts), plus the package's 4-byte outer length on blobs.
 */
const wireProtocol = new ProtocolConfig({
  messageTypeEnum: WireType,
  maxPayloadSize: BENCH_MAX_PAYLOAD,
  messageStructures: {
    [WireType.SENSOR]: sensor,
    [WireType.FIXED_BENCHMARK]: fixed,
    [WireType.BLOB]: blob,
    [WireType.SENSOR_STREAM]: sensor,
    [WireType.FIXED_STREAM]: fixed,
    [WireType.BLOB_STREAM]: blob,
    [WireType.REPORT]: new MessageStructure([num('stream', '>I')]),
    [WireType.REPORT_REPLY]: new MessageStructure([
      num('received', '>I'),
      num('errors', '>I'),
      num('bytes', '>d'),
    ]),
    [WireType.PULL]: new MessageStructure([num('seq', '>I'), num('size', '>I')]),
    [WireType.PUSH]: blob,
  },
});

const REQUEST: Record<MessageName, WireType> = {
  sensor: WireType.SENSOR,
  fixed4: WireType.FIXED_BENCHMARK,
  blob: WireType.BLOB,
};
const STREAM: Record<MessageName, WireType> = {
  sensor: WireType.SENSOR_STREAM,
  fixed4: WireType.FIXED_STREAM,
  blob: WireType.BLOB_STREAM,
};
/** One-way messages a client lets the socket hold before `send` asks the caller to wait. */
const MAX_UNACKED_SENDS = 64;

/**
 * bp speaking the Python `binary_protocol` wire (@bp/transport-node's BinaryServer/BinaryClient
 * over TCP), so the cost of the compatible mode shows next to bp's own protocol: no handshake,
 * no request ids (replies matched by order on one connection), lengths from the structures.
 */
export async function binaryProtocolCompetitor(): Promise<Competitor> {
  await import('@bp/transport-node');
  return { startServer, connect };
}

async function startServer(): Promise<BenchServer> {
  const { BinaryServer } = await import('@bp/transport-node');
  const server = new BinaryServer(wireProtocol, {
    limits: {
      maxConnections: 100_000,
      maxConnectionsPerAddress: 100_000,
      idleTimeout: 0,
      maxSocketBufferedBytes: 64 * 1024 * 1024,
    },
  });
  const checkers = new WeakMap<BinaryPeer, StreamChecker>();
  const checkerOf = (peer: BinaryPeer) => {
    let checker = checkers.get(peer);
    if (checker === undefined) checkers.set(peer, (checker = new StreamChecker()));
    return checker;
  };
  for (const type of [WireType.SENSOR, WireType.FIXED_BENCHMARK, WireType.BLOB]) {
    server.registerHandler(type, (t, data) => [t, data]);
  }
  const streams: [WireType, MessageName][] = [
    [WireType.SENSOR_STREAM, 'sensor'],
    [WireType.FIXED_STREAM, 'fixed4'],
    [WireType.BLOB_STREAM, 'blob'],
  ];
  for (const [type, name] of streams) {
    server.registerHandler(type, (_t, data, peer) => {
      checkerOf(peer).accept(name, data);
      return undefined;
    });
  }
  server.registerHandler(WireType.REPORT, (_t, _data, peer) => [
    WireType.REPORT_REPLY,
    checkerOf(peer).report(),
  ]);
  server.registerHandler(WireType.PULL, (_t, { seq, size }) => [
    WireType.PUSH,
    blobValue(seq, Math.max(1, size)),
  ]);
  await server.start('127.0.0.1', 0);
  return { port: server.address()?.port as number, close: () => server.stop() };
}

async function connect(settings: ClientSettings): Promise<BenchClient> {
  const { BinaryClient } = await import('@bp/transport-node');
  const client = new BinaryClient(wireProtocol);
  await client.connect('127.0.0.1', settings.port);
  // Replies come in request order: one reader matches them to the oldest pending request.
  const pending = new Fifo<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let reading = false;
  const readReplies = async () => {
    reading = true;
    try {
      while (pending.size > 0) {
        const [, data] = await client.receiveMessage();
        pending.shift()?.resolve(data);
      }
    } catch (error) {
      for (const p of pending.drain()) p.reject(error);
    } finally {
      reading = false;
    }
  };
  const request = (type: WireType, value: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      pending.push({ resolve, reject });
      client.sendMessage(type, value).catch(reject);
      if (!reading) void readReplies();
    });
  let unacked = 0;
  let drainWaiters: (() => void)[] = [];
  const timers = new Set<ReturnType<typeof setInterval>>();
  return {
    request: <M extends MessageName>(name: M, value: Messages[M]) =>
      request(REQUEST[name], value) as Promise<Messages[M]>,
    send(name, value) {
      unacked++;
      client.sendMessage(STREAM[name], value).finally(() => {
        if (--unacked === 0) {
          const waiters = drainWaiters;
          drainWaiters = [];
          for (const w of waiters) w();
        }
      });
      return unacked < MAX_UNACKED_SENDS;
    },
    drained: () => (unacked === 0 ? Promise.resolve() : new Promise<void>((r) => drainWaiters.push(r))),
    report: () => request(WireType.REPORT, { stream: 0 }) as Promise<StreamReport>,
    subscribe(spec, onPush) {
      let seq = 0;
      const timer = setInterval(
        () => {
          if (seq >= spec.count) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          request(WireType.PULL, { seq: seq++, size: spec.size }).then(
            (value) => onPush(value as Messages['blob']),
            () => {},
          );
        },
        Math.max(1, spec.intervalMs),
      );
      timers.add(timer);
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await client.disconnect();
    },
  };
}
