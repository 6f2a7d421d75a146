import type { HandlerContext, Handlers } from '@bp/session';
import type { BlobValue, MessageName, Messages, StreamReport, SubscribeSpec } from '../workload/messages.js';
import { startPushes } from '../workload/push-scheduler.js';
import { StreamChecker } from '../workload/stream-checker.js';
import { type BenchProtocol, BenchType, benchProtocol } from './bp-protocol.js';
import { BENCH_TLS_CERT, BENCH_TLS_KEY } from './tls-fixture.js';
import type { BenchClient, BenchServer, ClientSettings, Competitor } from './types.js';

const REQUEST: Record<MessageName, BenchType> = {
  sensor: BenchType.SENSOR,
  fixed4: BenchType.FIXED_BENCHMARK,
  blob: BenchType.BLOB,
};
const STREAM: Record<MessageName, BenchType> = {
  sensor: BenchType.SENSOR_STREAM,
  fixed4: BenchType.FIXED_STREAM,
  blob: BenchType.BLOB_STREAM,
};

/**
 * Session limits for the benchmark: payloads up to the sweep's largest, no idle timeout, and an
 * outgoing queue of 4 MiB, so that the sweep's 16 requests of 1 MiB in flight wait for room in
 * `request()` (its backpressure) a few at a time rather than fill the queue at once.
 */
const LIMITS = {
  maxPayloadSize: benchProtocol.maxPayloadSize,
  idleTimeout: 0,
  maxQueuedBytes: 4 * 1024 * 1024,
};

/**
 * The socket's own ceiling (transport-node's default is 16 MiB): 16 echoed 1 MiB replies plus
 * their headers pass it, and the server then closes the connection ("peer is not reading").
 */
const MAX_SOCKET_BUFFERED = 64 * 1024 * 1024;

/**
 * bp itself: @bp/transport-node's server and client over TCP or TLS, and its WebSocket endpoint
 * with @bp/transport-browser's client (given `ws`'s WebSocket, as on Node 20), all with the
 * benchmark protocol of bp-protocol.ts.
 */
export async function bpCompetitor(transport: 'tcp' | 'tls' | 'ws'): Promise<Competitor> {
  // Load the transport now, when the harness checks which alternatives can run, not mid-run.
  await import('@bp/transport-node');
  if (transport === 'ws') await import('@bp/transport-browser');
  return {
    startServer: () => startBpServer(transport),
    connect: (settings) => connectBp(transport, settings),
  };
}

type Context = HandlerContext<BenchProtocol>;

/**
 * The server's handlers: echo requests, check one-way streams per session (one checker per
 * connection, as the other alternatives keep), answer reports, push on subscription.
 */
function handlers(): Handlers<BenchProtocol> {
  // The connection's own slot, as an application keeps per-connection state.
  const checkerOf = (ctx: Context) => (ctx.session.data ??= new StreamChecker()) as StreamChecker;
  return {
    [BenchType.SENSOR]: (value) => value,
    [BenchType.FIXED_BENCHMARK]: (value) => value,
    [BenchType.BLOB]: (value) => value,
    [BenchType.SENSOR_STREAM]: (value, ctx) => checkerOf(ctx).accept('sensor', value),
    [BenchType.FIXED_STREAM]: (value, ctx) => checkerOf(ctx).accept('fixed4', value),
    [BenchType.BLOB_STREAM]: (value, ctx) => checkerOf(ctx).accept('blob', value),
    [BenchType.REPORT]: (_value, ctx) => checkerOf(ctx).report(),
    [BenchType.SUBSCRIBE]: (spec: SubscribeSpec, ctx) => {
      const stop = startPushes(spec, (value) => ctx.session.send(BenchType.PUSH, value));
      ctx.session.onClose(stop);
    },
  };
}

async function startBpServer(transport: 'tcp' | 'tls' | 'ws'): Promise<BenchServer> {
  const node = await import('@bp/transport-node');
  if (transport === 'ws') {
    const listener = await node.listenWebSocket({
      protocol: benchProtocol,
      handlers: handlers(),
      limits: LIMITS,
      host: '127.0.0.1',
      port: 0,
      path: '/bp',
    });
    return { port: listener.port, close: () => listener.close({ deadline: 0 }) };
  }
  const server = node.createServer({
    protocol: benchProtocol,
    handlers: handlers(),
    limits: {
      ...LIMITS,
      maxConnections: 100_000,
      maxConnectionsPerAddress: 100_000,
      maxSocketBufferedBytes: MAX_SOCKET_BUFFERED,
    },
    tls: transport === 'tls' ? { key: BENCH_TLS_KEY, cert: BENCH_TLS_CERT } : undefined,
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return { port: address.port, close: () => server.close({ deadline: 0 }) };
}

/** What the benchmark calls on a bp client (the TCP/TLS and the WebSocket clients both have it). */
interface BpClient {
  request(type: number, value: unknown): Promise<unknown>;
  send(type: number, value: unknown): boolean;
  drained(): Promise<void>;
  close(): Promise<void>;
}

async function connectBp(transport: 'tcp' | 'tls' | 'ws', settings: ClientSettings): Promise<BenchClient> {
  let onPush: ((value: BlobValue) => void) | undefined;
  const clientHandlers: Handlers<BenchProtocol> = { [BenchType.PUSH]: (value) => onPush?.(value) };
  let client: BpClient;
  if (transport === 'ws') {
    const browser = await import('@bp/transport-browser');
    const { WebSocket } = await import('ws');
    const ws = await browser.connect(`ws://127.0.0.1:${settings.port}/bp`, {
      protocol: benchProtocol,
      WebSocket: WebSocket as unknown as NonNullable<Parameters<typeof browser.connect>[1]['WebSocket']>,
      handlers: clientHandlers,
      limits: LIMITS,
      reconnect: false,
    });
    client = ws as unknown as BpClient;
  } else {
    const node = await import('@bp/transport-node');
    const tcp = await node.connect({
      protocol: benchProtocol,
      host: '127.0.0.1',
      port: settings.port,
      handlers: clientHandlers,
      limits: LIMITS,
      reconnect: false,
      maxSocketBufferedBytes: MAX_SOCKET_BUFFERED,
      tls: transport === 'tls' ? { ca: BENCH_TLS_CERT, servername: 'localhost' } : undefined,
    });
    client = tcp as unknown as BpClient;
  }
  return {
    request: <M extends MessageName>(name: M, value: Messages[M]) =>
      client.request(REQUEST[name], value) as Promise<Messages[M]>,
    send: (name, value) => client.send(STREAM[name], value),
    drained: () => client.drained(),
    report: () => client.request(BenchType.REPORT, { stream: 0 }) as Promise<StreamReport>,
    subscribe(spec, handler) {
      onPush = handler;
      client.send(BenchType.SUBSCRIBE, spec);
    },
    close: () => client.close(),
  };
}
