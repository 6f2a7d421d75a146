import type { BlobValue, MessageName, Messages, StreamReport, SubscribeSpec } from '../workload/messages.js';
import { startPushes } from '../workload/push-scheduler.js';
import { StreamChecker } from '../workload/stream-checker.js';
import { BenchType, benchProtocol } from './bp-protocol.js';
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

// Held in constants until the transport packages publish their client API; then typed imports.
const TRANSPORT_NODE = '@bp/transport-node';
const TRANSPORT_BROWSER = '@bp/transport-browser';

/** Session limits for the benchmark: payloads up to the sweep's largest, no idle timeout. */
const LIMITS = { maxPayloadSize: benchProtocol.maxPayloadSize, idleTimeout: 0 };

/**
 * bp itself: @bp/transport-node's server and client over TCP or TLS, and its WebSocket endpoint
 * with @bp/transport-browser's client (given `ws`'s WebSocket, as on Node 20), all with the
 * benchmark protocol of bp-protocol.ts.
 */
export async function bpCompetitor(transport: 'tcp' | 'tls' | 'ws'): Promise<Competitor> {
  // Fail here, when the harness checks which alternatives can run, rather than mid-run.
  const node: any = await import(TRANSPORT_NODE);
  const needed = transport === 'ws' ? ['listenWebSocket'] : ['createServer', 'connect'];
  if (transport === 'ws') {
    const browser: any = await import(TRANSPORT_BROWSER);
    if (typeof browser.connect !== 'function') throw new Error('@bp/transport-browser has no connect()');
  }
  for (const name of needed) {
    if (typeof node[name] !== 'function') throw new Error(`@bp/transport-node has no ${name}()`);
  }
  return {
    startServer: () => startBpServer(transport),
    connect: (settings) => connectBp(transport, settings),
  };
}

type AnySession = {
  send(type: number, value: unknown): boolean;
  onClose(listener: () => void): () => void;
};

function handlers() {
  const checkers = new WeakMap<object, StreamChecker>();
  const checkerOf = (session: object) => {
    let checker = checkers.get(session);
    if (checker === undefined) checkers.set(session, (checker = new StreamChecker()));
    return checker;
  };
  const echo = (value: unknown) => value;
  return {
    [BenchType.SENSOR]: echo,
    [BenchType.FIXED_BENCHMARK]: echo,
    [BenchType.BLOB]: echo,
    [BenchType.SENSOR_STREAM]: (value: Messages['sensor'], ctx: { session: object }) =>
      checkerOf(ctx.session).accept('sensor', value),
    [BenchType.FIXED_STREAM]: (value: Messages['fixed4'], ctx: { session: object }) =>
      checkerOf(ctx.session).accept('fixed4', value),
    [BenchType.BLOB_STREAM]: (value: Messages['blob'], ctx: { session: object }) =>
      checkerOf(ctx.session).accept('blob', value),
    [BenchType.REPORT]: (_value: unknown, ctx: { session: object }) => checkerOf(ctx.session).report(),
    [BenchType.SUBSCRIBE]: (spec: SubscribeSpec, ctx: { session: AnySession }) => {
      const stop = startPushes(spec, (value) => ctx.session.send(BenchType.PUSH, value));
      ctx.session.onClose(stop);
    },
  };
}

async function startBpServer(transport: 'tcp' | 'tls' | 'ws'): Promise<BenchServer> {
  const node: any = await import(TRANSPORT_NODE);
  if (transport === 'ws') {
    const listener = await node.listenWebSocket({
      protocol: benchProtocol,
      handlers: handlers(),
      limits: LIMITS,
      host: '127.0.0.1',
      port: 0,
      path: '/bp',
    });
    return { port: listener.address().port, close: () => listener.close({ deadline: 0 }) };
  }
  const server = node.createServer({
    protocol: benchProtocol,
    handlers: handlers(),
    limits: { ...LIMITS, maxConnections: 100_000, maxConnectionsPerAddress: 100_000 },
    tls: transport === 'tls' ? { key: BENCH_TLS_KEY, cert: BENCH_TLS_CERT } : undefined,
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return { port: address.port, close: () => server.close({ deadline: 0 }) };
}

async function connectBp(transport: 'tcp' | 'tls' | 'ws', settings: ClientSettings): Promise<BenchClient> {
  let onPush: ((value: BlobValue) => void) | undefined;
  const clientHandlers = { [BenchType.PUSH]: (value: BlobValue) => onPush?.(value) };
  let client: any;
  if (transport === 'ws') {
    const browser: any = await import(TRANSPORT_BROWSER);
    const { WebSocket } = await import('ws');
    client = await browser.connect(`ws://127.0.0.1:${settings.port}/bp`, {
      protocol: benchProtocol,
      WebSocket,
      handlers: clientHandlers,
      limits: LIMITS,
      reconnect: false,
    });
  } else {
    const node: any = await import(TRANSPORT_NODE);
    client = await node.connect({
      protocol: benchProtocol,
      host: '127.0.0.1',
      port: settings.port,
      handlers: clientHandlers,
      limits: LIMITS,
      reconnect: false,
      tls: transport === 'tls' ? { ca: BENCH_TLS_CERT, servername: 'localhost' } : undefined,
    });
  }
  return {
    request: <M extends MessageName>(name: M, value: Messages[M]) =>
      client.request(REQUEST[name], value) as Promise<Messages[M]>,
    send: (name, value) => client.send(STREAM[name], value),
    drained: () => (typeof client.drained === 'function' ? client.drained() : client.session.drained()),
    report: () => client.request(BenchType.REPORT, { stream: 0 }) as Promise<StreamReport>,
    subscribe(spec, handler) {
      onPush = handler;
      client.send(BenchType.SUBSCRIBE, spec);
    },
    close: () => client.close(),
  };
}
