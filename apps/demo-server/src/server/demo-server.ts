import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { metricsInterceptor } from '@bp/prometheus';
import { createRedisAdapter } from '@bp/redis-adapter';
import type { Session } from '@bp/session';
import {
  attachWebSocket,
  type ConnectionInfo,
  type ConnectionTraffic,
  createServer,
  FailureThrottle,
  type Rooms,
  type Server,
  type WebSocketEndpoint,
} from '@bp/transport-node';
import { type DemoProtocol, demoProtocol, StatusCode } from '../schema.js';
import type { KvStore } from '../store/kv-store.js';
import { LmdbKvStore } from '../store/lmdb-kv-store.js';
import { MemoryKvStore } from '../store/memory-kv-store.js';
import { RedisConnection } from '../store/redis-connection.js';
import { RedisKvStore } from '../store/redis-kv-store.js';
import { loadOrCreateToken, TOKEN_FILE, type TokenSource } from './access-token.js';
import type { DemoConfig } from './config.js';
import { ConnectionRegistry } from './connection-registry.js';
import { descriptorBudget } from './descriptor-budget.js';
import { loadOrCreateCertificate, type TlsMaterial } from './dev-certificate.js';
import { errorCounter } from './error-counter.js';
import { createHandlers } from './handlers.js';
import { createHttpServer } from './http-server.js';
import { KvService } from './kv-service.js';
import type { Logger } from './logger.js';
import { DemoMetrics, type TransportName } from './metrics.js';
import { SensorService } from './sensor-service.js';

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  config: DemoConfig;
  logger: Logger;
  /** Folder with the built dashboard (index.html, dashboard.js, dashboard.css). */
  assetsDir: string;
}

/** Where the server listens, ready to print or to connect to. */
export interface DemoAddresses {
  tcp: string;
  tls: string;
  ws: string;
  /** `http://host:port`, the base of /healthz and /metrics. */
  http: string;
  /** The dashboard page, with the token in the address. */
  dashboard: string;
  tcpPort: number;
  tlsPort: number;
  httpPort: number;
}

/** What a started server reports about itself. */
export interface DemoServerInfo {
  addresses: DemoAddresses;
  token: string;
  tokenSource: TokenSource;
  tokenFile: string;
  certificate: TlsMaterial;
  storeDescription: string;
}

/** A running demo server. */
export interface DemoServer extends DemoServerInfo {
  readonly metrics: DemoMetrics;
  /**
   * Graceful shutdown: refuse new connections, tell clients (STATUS and GOODBYE), let requests in
   * flight finish (up to the drain timeout), then flush and close the store.
   */
  close(): Promise<void>;
}

// Per-connection limits: a flood from one client closes that client, never slows the others.
const SESSION_LIMITS = {
  handshakeTimeout: 10_000,
  maxInFlightRequests: 256,
  maxQueuedBytes: 1024 * 1024,
  rateLimit: { messagesPerSecond: 5_000, bytesPerSecond: 8 * 1024 * 1024, burst: 2 },
} as const;

let instances = 0;

/** Starts everything `pnpm demo` serves and resolves once every listener is bound. */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const { config, logger } = options;
  const token = loadOrCreateToken(config.dataDir, config.token);
  const certificate = loadOrCreateCertificate(config.dataDir, {
    certFile: config.certFile,
    keyFile: config.keyFile,
  });
  const metrics = new DemoMetrics();
  const onListenerError = (error: unknown) => {
    metrics.errors.inc({ code: 'listener-error' });
    logger.error({ err: error }, 'fan-out listener failed');
  };

  // Storage (sensor fan-out is the bp servers' rooms, below).
  let store: KvStore;
  let redis: RedisConnection | undefined;
  let storeDescription: string;
  if (config.redisUrl !== undefined) {
    redis = await RedisConnection.connect(config.redisUrl, (error) => {
      metrics.errors.inc({ code: 'redis' });
      logger.warn({ err: error }, 'redis connection error');
    });
    store = await RedisKvStore.open(redis, { onListenerError });
    storeDescription = `redis at ${config.redisUrl} (shared; sensors and watches fan out through Redis pub/sub)`;
  } else if (config.memory) {
    store = new MemoryKvStore({ onListenerError });
    storeDescription = 'in memory (--memory: lost on exit)';
  } else {
    const path = join(config.dataDir, 'kv');
    store = LmdbKvStore.open(path, { onListenerError });
    storeDescription = `lmdb at ${path} (durable)`;
  }

  const kv = new KvService(store);
  // The sensor stream goes to rooms: every connection (TCP, TLS, WebSocket) joins the TCP
  // server's rooms, which with --redis span every server through @bp/redis-adapter. The servers
  // are created below (their handlers need `sensors`), hence the getter.
  let sensorRooms: Rooms<DemoProtocol> | undefined;
  const sensors = new SensorService({
    get rooms() {
      if (sensorRooms === undefined) throw new Error('the sensor rooms are not set up yet');
      return sensorRooms;
    },
    simulatorSource: `sim-${process.pid}${++instances > 1 ? `-${instances}` : ''}`,
    rate: config.sensorRate,
    onError: (error) => {
      metrics.errors.inc({ code: 'fan-out' });
      logger.warn({ err: error }, 'sensor fan-out failed');
    },
  });
  const connections = new ConnectionRegistry(metrics);
  const handlers = createHandlers({ kv, sensors, connections });
  // Calls, errors and durations per message type (bp_demo_call*), and failures by demo code.
  const interceptors = [
    // The clients' calls only: the sensor pushes are counted as frames (bp_demo_frames_total).
    metricsInterceptor<DemoProtocol>({
      registry: metrics.registry,
      prefix: 'bp_demo_',
      directions: ['incoming'],
    }),
    errorCounter(metrics),
  ];

  let draining = false;
  const track = (
    session: Session<DemoProtocol>,
    transport: TransportName,
    remoteAddress: string | undefined,
    traffic: ConnectionTraffic,
  ) => {
    const record = connections.add(session, transport, remoteAddress, traffic);
    const log = logger.child({ connection: record.name, remoteAddress });
    log.debug('connection accepted');
    session.ready.then(
      () => {
        log.info('client connected');
        sensors.status(StatusCode.HELLO, `${record.name} connected over ${transport}`);
        session.onClose((error) => {
          // The reason says which side ended it: "the connection closed" alone is the client's
          // end of stream (FIN or close_notify) without GOODBYE; a cause is a socket or TLS error.
          if (error !== undefined) log.info(disconnectReason(error), 'client disconnected');
          else log.info('client disconnected');
          if (!draining) sensors.status(StatusCode.GOODBYE, `${record.name} left`);
        });
      },
      (error: { code?: string }) => {
        // Handshake failures: wrong token, garbage, wrong schema, timeouts.
        metrics.errors.inc({ code: error?.code ?? 'handshake' });
        log.info({ code: error?.code }, 'handshake failed');
      },
    );
  };

  // bp over TCP and TLS. One failed-login table for every listener and the HTTP token checks, so
  // that guessing is held to one rate per address whichever port it uses.
  const throttle = new FailureThrottle();
  const auth = { token: token.token, throttle };
  // Descriptors shared out so that idle HTTP sockets cannot starve the bp listeners (or back).
  const budget = descriptorBudget();
  const limits = {
    ...SESSION_LIMITS,
    maxConnections: budget.bpConnections,
    maxConnectionsPerAddress: budget.bpConnectionsPerAddress,
  };
  // Handlers that failed with something other than a DemoError (errorCounter counts them).
  const onHandlerError = (error: unknown, context: { type: number; requestId?: number }) => {
    logger.error({ err: error, type: context.type, requestId: context.requestId }, 'handler error');
  };
  const common = { protocol: demoProtocol, handlers, interceptors, auth, limits, onHandlerError };
  const tcp: Server<DemoProtocol> = createServer(common);
  const tls: Server<DemoProtocol> = createServer({
    ...common,
    tls: { cert: certificate.cert, key: certificate.key },
  });
  const onSession = (session: Session<DemoProtocol>, info: ConnectionInfo) =>
    track(session, info.transport === 'websocket' ? 'ws' : info.transport, info.remoteAddress, info.traffic);
  tcp.onSession(onSession);
  tls.onSession(onSession);
  sensorRooms = tcp.rooms;
  const roomsAdapter =
    redis === undefined
      ? undefined
      : await createRedisAdapter(tcp.rooms, {
          client: redis.commands,
          channel: 'bp-demo:rooms',
          onError: (error) => {
            metrics.errors.inc({ code: 'fan-out' });
            logger.warn({ err: error }, 'sensor fan-out through Redis failed');
          },
        });
  const fanOutKind = roomsAdapter === undefined ? 'local' : 'redis';

  // HTTP: dashboard, health, metrics, and bp over WebSocket on the same port.
  const started = Date.now();
  const http: HttpServer = createHttpServer({
    token: token.token,
    assetsDir: options.assetsDir,
    wsPath: config.wsPath,
    metrics,
    logger,
    throttle,
    connections: { total: budget.httpConnections, perAddress: budget.httpConnectionsPerAddress },
    idleTimeout: config.httpIdleTimeout * 1000,
    health: () => ({
      status: draining ? 'draining' : 'ok',
      store: store.kind,
      fanOut: fanOutKind,
      connections: connections.size,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  });
  // WebSocket sessions are run by the TCP server (its handlers, auth with throttling, connection
  // limits and shutdown); onSession tells them apart by `info.transport`.
  const ws: WebSocketEndpoint<DemoProtocol> = attachWebSocket(http, {
    protocol: demoProtocol,
    path: config.wsPath,
    limits: SESSION_LIMITS,
    accept: (transport, info) =>
      tcp.acceptTransport(transport, { remoteAddress: info.remoteAddress, kind: 'websocket' }),
  });

  // Listen on all three ports; if one is taken, release the others and fail.
  let tcpPort: number;
  let tlsPort: number;
  let httpPort: number;
  try {
    tcpPort = (await tcp.listen({ host: config.host, port: config.tcpPort })).port;
    tlsPort = (await tls.listen({ host: config.host, port: config.tlsPort })).port;
    httpPort = await new Promise<number>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.httpPort, config.host, () => {
        http.off('error', reject);
        resolve((http.address() as AddressInfo).port);
      });
    });
  } catch (error) {
    await Promise.allSettled([
      tcp.close({ deadline: 0 }),
      tls.close({ deadline: 0 }),
      ws.close({ deadline: 0 }),
    ]);
    http.close();
    sensors.close();
    kv.close();
    await store.close();
    await roomsAdapter?.close();
    await redis?.close();
    throw error;
  }
  sensors.start();

  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const httpBase = `http://${host}:${httpPort}`;
  const addresses: DemoAddresses = {
    tcp: `tcp://${host}:${tcpPort}`,
    tls: `tls://${host}:${tlsPort}`,
    ws: `ws://${host}:${httpPort}${config.wsPath}`,
    http: httpBase,
    dashboard: `${httpBase}/?token=${encodeURIComponent(token.token)}`,
    tcpPort,
    tlsPort,
    httpPort,
  };
  logger.info(
    {
      tcp: addresses.tcp,
      tls: addresses.tls,
      ws: addresses.ws,
      http: httpBase,
      store: store.kind,
      fanOut: fanOutKind,
    },
    'listening',
  );
  sensors.status(StatusCode.HELLO, `server ${sensors.source} started`);

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    draining = true;
    const deadline = config.drainTimeout * 1000;
    sensors.status(StatusCode.SHUTDOWN, `server ${sensors.source} is shutting down`);
    // Let the STATUS reach local subscribers before the goodbyes.
    await new Promise((resolve) => setTimeout(resolve, 20));
    sensors.close();
    await Promise.all([tcp.close({ deadline }), tls.close({ deadline }), ws.close({ deadline })]);
    kv.close();
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
    await store.close();
    await roomsAdapter?.close();
    await redis?.close();
    logger.info('store flushed and closed');
  };

  return {
    addresses,
    token: token.token,
    tokenSource: token.source,
    tokenFile: join(config.dataDir, TOKEN_FILE),
    certificate,
    storeDescription,
    metrics,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** The fields of a `client disconnected` line for a session that closed with `error`. */
function disconnectReason(error: Error): { code?: string; reason: string; cause?: string } {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const causeCode = typeof cause?.code === 'string' ? cause.code : undefined;
  return {
    code: (error as { code?: string }).code,
    reason: error.message,
    ...(causeCode === undefined ? {} : { cause: causeCode }),
  };
}
