import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import {
  createServer as createTlsServer,
  type SecureContextOptions,
  type Server as TlsServer,
} from 'node:tls';
import {
  createServerSession,
  type Handlers,
  type Interceptor,
  type ResolvedCodecCache,
  type SchemaPolicy,
  type Session,
  type SessionLimits,
  type SessionProtocol,
  type SessionTransport,
  UsageError,
} from '@bp/session';
import { encodeRefusal } from '@bp/session/wire';
import { type ConnectionInfo, connectionInfoOf } from './connection-info.js';
import { ConnectionLimiter } from './connection-limiter.js';
import type { ByteCounts } from './connection-traffic.js';
import { budgetedSink, defaultHandshakeBytes, HandshakeBudget } from './handshake-budget.js';
import { Rooms, type RoomsOptions } from './rooms.js';
import { ServerAuthenticator, type ServerAuthOptions } from './server-auth.js';
import { ServerConnection } from './server-connection.js';
import { listenFailed } from './server-error.js';
import { SessionListeners } from './session-listeners.js';
import { socketCeiling } from './socket-ceiling.js';
import { SocketTransport } from './socket-transport.js';
import { attachKeyLog } from './tls-keylog.js';
import { type ServerTlsOptions, secureContextOptions, serverTlsOptions } from './tls-options.js';
import {
  attachWebSocket,
  listenWebSocket,
  type WebSocketEndpoint,
  type WebSocketEndpointOptions,
  type WebSocketListener,
  type WebSocketListenOptions,
} from './websocket-endpoint.js';

/** WebSocket settings of {@link Server.attachWebSocket} and {@link Server.listenWebSocket}. */
export type ServerWebSocketOptions = Pick<
  WebSocketEndpointOptions<any>,
  | 'path'
  | 'allowedOrigins'
  | 'perMessageDeflate'
  | 'flowControl'
  | 'highWaterMark'
  | 'lowWaterMark'
  | 'maxReadAhead'
>;

/** Limits of a server: connection admission plus every per-connection session limit. */
export interface ServerLimits extends Partial<SessionLimits> {
  /** Most connections at once; more are refused (`REJECT(server-busy)` on TCP). Default 10000. */
  maxConnections?: number;
  /** Most connections at once from one remote address. Default 1024. */
  maxConnectionsPerAddress?: number;
  /**
   * Time for the TLS handshake, and then again for the protocol handshake (`HELLO` ->
   * `WELCOME`), in ms. Default: the protocol's `connectTimeout` (30000).
   */
  handshakeTimeout?: number;
  /**
   * Hard ceiling of bytes queued in one socket. The session's own `maxQueuedBytes` /
   * `slowConsumer` handle slow readers; this guards memory if anything writes past them.
   * Default: derived from the session limits, `2 x (maxBufferedBytes + maxPayloadSize +
   * maxMetadataSize + 64) + 16 KiB` (see `socketCeiling`; about 18 MiB at the defaults), so
   * that no reply the session may legitimately hand over is ever taken for a peer not reading.
   */
  maxSocketBufferedBytes?: number;
  /**
   * Most bytes held at once, summed over every TCP/TLS connection that has not finished the
   * protocol handshake (its HELLO, buffered for up to `handshakeTimeout`). A connection whose bytes
   * do not fit is answered `REJECT(server-busy)` and closed. Default: 64 HELLOs of the largest
   * accepted size, 64 x (4 + max(65536, maxPayloadSize)) bytes (64 MiB + 256 B by default).
   * WebSocket connections are bounded by the endpoint's `maxPayloadSize` per message instead.
   */
  maxHandshakeBytes?: number;
  /** How long `server.close()` lets connections drain before destroying them, in ms. Default 5000. */
  closeDeadline?: number;
}

/** Options of {@link createServer}. */
export interface ServerOptions<P extends SessionProtocol> {
  /** The message types and schemas; clients' may differ compatibly (see `schemaPolicy`). */
  protocol: P;
  /** Handlers for requests and one-way messages from clients. */
  handlers?: Handlers<P>;
  /** Authentication. Omitted: every client is accepted, with principal `undefined`. */
  auth?: ServerAuthOptions;
  /** Serve TLS instead of plain TCP. */
  tls?: ServerTlsOptions;
  /** Connection and session limits. */
  limits?: ServerLimits;
  /** Limits of {@link Server.rooms} (room name length, rooms per connection). */
  rooms?: RoomsOptions;
  /** Reports errors thrown by handlers (see `@bp/session`), and by interceptors that stop a broadcast. */
  onHandlerError?: (error: unknown, context: { readonly type: number; readonly requestId?: number }) => void;
  /**
   * How clients whose schemas differ are handled (TCP, TLS and WebSocket alike): `'compatible'`
   * (default) resolves compatible differences (protocol version 2), `'exact'` refuses any. See
   * `SchemaPolicy` of `@bp/session`.
   */
  schemaPolicy?: SchemaPolicy;
  /** The highest protocol version the server speaks: 1 to 3 (default 3, the highest). */
  maxVersion?: number;
  /** Where codecs resolved for clients' schemas are cached (default: one cache per protocol). */
  schemaCache?: ResolvedCodecCache;
  /**
   * Interceptors of every connection's calls, both directions (requests and messages from clients,
   * pushes and requests to them), over TCP, TLS and WebSocket alike; see `Interceptor` of `@bp/session`.
   * They also see each broadcast of {@link Server.rooms} once (kind `'broadcast'`, see {@link Rooms}).
   */
  interceptors?: readonly Interceptor<P>[];
}

/** The address a server listens on. */
export interface ServerAddress {
  readonly address: string;
  readonly family: string;
  readonly port: number;
}

/** Options of {@link Server.listen}. */
export interface ListenOptions {
  /** Interface to bind. Default `'127.0.0.1'` (use `'0.0.0.0'` or `'::'` to accept remote clients). */
  host?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Length of the kernel's accept queue. */
  backlog?: number;
}

/** Counters of a server since it was created. */
export interface ServerStats {
  /** Connections open now (admitted; in the TLS handshake, the protocol handshake or open). */
  readonly connections: number;
  /** Of those, connections whose session runs (past the TLS handshake). */
  readonly sessions: number;
  /** Connections admitted since start. */
  readonly accepted: number;
  /** Connections refused because of `maxConnections`. */
  readonly refusedTotal: number;
  /** Connections refused because of `maxConnectionsPerAddress`. */
  readonly refusedPerAddress: number;
  /** TLS handshakes that failed (bad version, certificate, timeout). */
  readonly tlsFailures: number;
  /** Rejected authentication attempts. */
  readonly authFailures: number;
  /** Connections refused because their handshake bytes did not fit in `maxHandshakeBytes`. */
  readonly refusedHandshakeBytes: number;
  /** Bytes held now by connections that have not finished the handshake (see `maxHandshakeBytes`). */
  readonly handshakeBytes: number;
  /**
   * Bytes waiting to go out to clients now, summed over connections: queued in sessions plus
   * queued in sockets (TCP/TLS). Bounded per connection by `maxBufferedBytes` +
   * `maxSocketBufferedBytes`, whatever the clients do.
   */
  readonly queuedBytes: number;
  /**
   * Bytes of bp frames received from clients since start, over every connection, closed and open
   * (see `ConnectionInfo.traffic` for what counts).
   */
  readonly bytesRead: number;
  /** Bytes of bp frames sent to clients since start, over every connection, closed and open. */
  readonly bytesWritten: number;
  /** Frames received from clients since start, of every kind, closed and open connections. */
  readonly framesRead: number;
  /** Frames sent to clients since start, of every kind, closed and open connections. */
  readonly framesWritten: number;
}

/** A transport accepted by something other than this server's listener (e.g. a WebSocket endpoint). */
export interface ExternalConnectionInfo {
  readonly remoteAddress?: string | undefined;
  readonly kind: 'websocket';
}

const DEFAULT_MAX_CONNECTIONS = 10_000;
const DEFAULT_MAX_PER_ADDRESS = 1024;
const DEFAULT_CLOSE_DEADLINE = 5000;
/** How long a refused socket may linger to read out the client's hello before it is destroyed. */
const REFUSAL_LINGER_MS = 1000;
/** After the close deadline, how long sessions get to finish before their sockets are destroyed. */
const FORCE_CLOSE_GRACE_MS = 250;

/** The raw socket's errors reach the transport, or end a refused socket: here they are only swallowed. */
function ignoreSocketError(): void {}

function serverBusyFrame(): Uint8Array {
  return encodeRefusal('server-busy', 'server busy');
}

/**
 * A bp server over TCP or TLS. Create it with {@link createServer}, then {@link Server.listen}.
 */
export class Server<P extends SessionProtocol> {
  /** The protocol this server speaks. */
  readonly protocol: P;
  /** The configured limits, with `maxPayloadSize` resolved. */
  readonly limits: Readonly<ServerLimits> & { readonly maxPayloadSize: number };
  /**
   * Rooms and broadcast over this server's connections (TCP, TLS and WebSocket alike): see
   * {@link Rooms}. Install `@bp/redis-adapter` on it to span several servers.
   */
  readonly rooms: Rooms<P>;
  readonly #options: ServerOptions<P>;
  readonly #net: NetServer | TlsServer;
  readonly #limiter: ConnectionLimiter;
  readonly #auth: ServerAuthenticator | undefined;
  readonly #connections = new Set<ServerConnection<P>>();
  readonly #refusing = new Set<Socket>();
  readonly #sessionListeners = new SessionListeners<Session<P>, ConnectionInfo>();
  readonly #sessionLimits: Partial<SessionLimits>;
  readonly #maxSocketBufferedBytes: number;
  readonly #closeDeadline: number;
  readonly #handshakeBudget: HandshakeBudget;
  /** TLS connections admitted and still in their TLS handshake, by TCP endpoint. */
  readonly #tlsPending = new Map<string, ServerConnection<P>>();
  readonly #endpoints = new Set<{ close(options?: { deadline?: number }): Promise<void> }>();
  #tlsContext: ServerTlsOptions | undefined;
  #closing: Promise<void> | undefined;
  #counters = {
    accepted: 0,
    refusedTotal: 0,
    refusedPerAddress: 0,
    tlsFailures: 0,
    authFailures: 0,
    refusedHandshakeBytes: 0,
  };
  /** Traffic of the connections that have closed. */
  #closedTraffic = { bytesRead: 0, bytesWritten: 0, framesRead: 0, framesWritten: 0 };

  constructor(options: ServerOptions<P>) {
    if (options?.protocol === undefined) throw new TypeError('createServer: `protocol` is required');
    this.#options = options;
    this.protocol = options.protocol;
    const {
      maxConnections = DEFAULT_MAX_CONNECTIONS,
      maxConnectionsPerAddress = DEFAULT_MAX_PER_ADDRESS,
      maxSocketBufferedBytes,
      closeDeadline = DEFAULT_CLOSE_DEADLINE,
      maxHandshakeBytes,
      ...sessionLimits
    } = options.limits ?? {};
    this.limits = Object.freeze({
      ...options.limits,
      maxPayloadSize: sessionLimits.maxPayloadSize ?? options.protocol.maxPayloadSize,
    });
    this.rooms = new Rooms({
      protocol: options.protocol,
      maxPayloadSize: this.limits.maxPayloadSize,
      sessions: () => this.sessions(),
      limits: options.rooms,
      interceptors: options.interceptors,
      onHandlerError: options.onHandlerError,
    });
    this.#limiter = new ConnectionLimiter(maxConnections, maxConnectionsPerAddress);
    this.#sessionLimits = { ...sessionLimits, closeDeadline };
    this.#maxSocketBufferedBytes =
      maxSocketBufferedBytes ?? socketCeiling(options.protocol, this.#sessionLimits);
    this.#closeDeadline = closeDeadline;
    this.#handshakeBudget = new HandshakeBudget(
      maxHandshakeBytes ?? defaultHandshakeBytes(this.limits.maxPayloadSize),
    );
    this.#auth = options.auth === undefined ? undefined : new ServerAuthenticator(options.auth);

    if (options.tls !== undefined) {
      this.#tlsContext = options.tls;
      const handshakeTimeout = sessionLimits.handshakeTimeout ?? options.protocol.connectTimeout;
      const server = createTlsServer(serverTlsOptions(options.tls, handshakeTimeout));
      attachKeyLog(server, options.tls.keyLog);
      // 'connection' fires for the raw TCP socket, before any TLS work: admission is decided
      // there, so a flood of refused connections costs no handshakes.
      server.on('connection', (socket: Socket) => this.#admitSocket(socket, true));
      server.on('secureConnection', (socket) => {
        const key = endpointKey(socket);
        const connection = this.#tlsPending.get(key);
        this.#tlsPending.delete(key);
        if (connection === undefined || socket.destroyed || this.#closing !== undefined) socket.destroy();
        else this.#startSocketSession(socket, connection);
      });
      server.on('tlsClientError', (_error, socket) => {
        this.#counters.tlsFailures++;
        // With a listener attached Node leaves the socket open; the handshake failed, so end it.
        socket.destroy();
      });
      this.#net = server;
    } else {
      const server = createNetServer({ noDelay: true });
      server.on('connection', (socket) => {
        const connection = this.#admitSocket(socket, false);
        if (connection !== undefined) this.#startSocketSession(socket, connection);
      });
      this.#net = server;
    }
    // Accept errors (EMFILE and the like) must not crash the process; the listener stays up.
    this.#net.on('error', () => {});
  }

  /** Starts listening. Resolves with the bound address. */
  listen(options: ListenOptions = {}): Promise<ServerAddress> {
    const { host = '127.0.0.1', port = 0, backlog } = options;
    if (this.#closing !== undefined) {
      return Promise.reject(
        new UsageError(
          'server-closed',
          'listen: this server was closed; create a new server to listen again',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.#net.off('listening', onListening);
        reject(listenFailed(error, host, port));
      };
      const onListening = (): void => {
        this.#net.off('error', onError);
        resolve(this.address());
      };
      this.#net.once('error', onError);
      this.#net.once('listening', onListening);
      this.#net.listen({ host, port, backlog });
    });
  }

  /**
   * The bound address (`{ address, family, port }`). Throws a `UsageError` (`not-listening`)
   * before `listen` resolved and after `close`.
   */
  address(): ServerAddress {
    const address = this.#net.address();
    if (address === null || typeof address === 'string') {
      throw new UsageError(
        'not-listening',
        'address(): the server is not listening (call it after listen() resolved, before close())',
      );
    }
    return { address: address.address, family: address.family, port: address.port };
  }

  /** True while the server accepts connections. */
  get listening(): boolean {
    return this.#net.listening;
  }

  /** Connections open now (admitted; handshaking or in session). */
  get connections(): number {
    return this.#connections.size;
  }

  /** Counters since start. */
  stats(): ServerStats {
    let sessions = 0;
    let queuedBytes = 0;
    let { bytesRead, bytesWritten, framesRead, framesWritten } = this.#closedTraffic;
    for (const connection of this.#connections) {
      queuedBytes += connection.bufferedBytes();
      const traffic = connection.traffic;
      bytesRead += traffic.bytesRead;
      bytesWritten += traffic.bytesWritten;
      framesRead += traffic.framesRead;
      framesWritten += traffic.framesWritten;
      if (connection.session === undefined) continue;
      sessions++;
      queuedBytes += connection.session.queuedBytes;
    }
    return {
      connections: this.#connections.size,
      sessions,
      queuedBytes,
      ...this.#counters,
      handshakeBytes: this.#handshakeBudget.held,
      bytesRead,
      bytesWritten,
      framesRead,
      framesWritten,
    };
  }

  /** The sessions running now (to push messages to clients, or to close one). */
  *sessions(): IterableIterator<Session<P>> {
    for (const connection of [...this.#connections]) {
      if (connection.session !== undefined) yield connection.session;
    }
  }

  /**
   * Calls `listener` for every new session, before its handshake completes (await
   * `session.ready` for the authenticated, open state). Returns the unsubscribe function.
   */
  onSession(listener: (session: Session<P>, info: ConnectionInfo) => void): () => void {
    return this.#sessionListeners.add(listener);
  }

  /**
   * Replaces the TLS certificate (and any other secure-context option) for new connections,
   * without a restart; open connections keep theirs. The options are merged over the current
   * ones, so `{ key, cert }` alone keeps the configured `ca`.
   */
  setSecureContext(
    options: SecureContextOptions & Pick<ServerTlsOptions, 'minVersion' | 'maxVersion'>,
  ): void {
    if (this.#tlsContext === undefined) {
      throw new UsageError(
        'not-tls',
        'setSecureContext: this server was created without `tls`; pass `tls: { key, cert }` to createServer to serve TLS',
      );
    }
    const next = { ...this.#tlsContext, ...options };
    (this.#net as TlsServer).setSecureContext(secureContextOptions(next));
    this.#tlsContext = next;
  }

  /**
   * Runs a session over a transport that something else accepted (the WebSocket endpoint uses
   * this), with this server's protocol, handlers, auth, limits and connection limits, and closes
   * it with the server. The caller attaches the transport to the returned session. Returns
   * undefined when the connection is refused (then `REJECT(server-busy)` was written and the
   * transport ended).
   */
  acceptTransport(transport: SessionTransport, info: ExternalConnectionInfo): Session<P> | undefined {
    const address = info.remoteAddress ?? 'unknown';
    if (this.#closing !== undefined || !this.#admit(address)) {
      transport.write(serverBusyFrame());
      transport.end();
      return undefined;
    }
    const connection = new ServerConnection<P>(address, undefined, this.#release);
    connection.transport = transport;
    // Likewise for byte counts (the WebSocket transport keeps them; others count as 0).
    if (typeof (transport as Partial<ByteCounts>).bytesRead === 'number') {
      connection.traffic.bytes = transport as unknown as ByteCounts;
    }
    this.#connections.add(connection);
    const session = this.#createSession(transport, connection, {
      transport: info.kind,
      remoteAddress: address,
      remotePort: undefined,
      localAddress: undefined,
      localPort: undefined,
      tls: undefined,
      traffic: connection.traffic,
    });
    session.onClose(() => connection.ended());
    return session;
  }

  /**
   * Also serves this server's protocol over WebSocket on an existing `http`/`https` server at
   * `options.path` (default `/`): same handlers, auth, limits and connection limits as TCP/TLS.
   * `server.close()` closes the endpoint (not `httpServer`).
   */
  attachWebSocket(
    httpServer: HttpServer | HttpsServer,
    options: ServerWebSocketOptions = {},
  ): WebSocketEndpoint {
    const endpoint = attachWebSocket(httpServer, this.#webSocketOptions(options));
    this.#endpoints.add(endpoint);
    return endpoint;
  }

  /**
   * Also serves this server's protocol over WebSocket on its own HTTP(S) server (`wss` with
   * `tls`). `server.close()` closes it.
   */
  async listenWebSocket(
    options: ServerWebSocketOptions & WebSocketListenOptions,
  ): Promise<WebSocketListener> {
    const { host, port, tls, ...rest } = options;
    const listener = await listenWebSocket({ ...this.#webSocketOptions(rest), host, port, tls });
    this.#endpoints.add(listener);
    return listener;
  }

  #webSocketOptions(options: ServerWebSocketOptions): WebSocketEndpointOptions<any> {
    return {
      ...options,
      protocol: this.protocol as never,
      limits: { maxPayloadSize: this.limits.maxPayloadSize },
      accept: (transport, info) =>
        this.acceptTransport(transport, { remoteAddress: info.remoteAddress, kind: 'websocket' }),
    };
  }

  /**
   * Stops accepting, says `GOODBYE` (code `shutdown`) to every session, lets requests in flight
   * drain until `deadline` ms, destroys what is left, and resolves once every socket has closed.
   */
  close(options: { deadline?: number } = {}): Promise<void> {
    this.#closing ??= this.#shutdown(options.deadline ?? this.#closeDeadline);
    return this.#closing;
  }

  async #shutdown(deadline: number): Promise<void> {
    const listenerClosed = new Promise<void>((resolve) => {
      if (!this.#net.listening) return resolve();
      this.#net.close(() => resolve());
    });
    for (const socket of this.#refusing) socket.destroy();
    const drains: Promise<void>[] = [...this.#endpoints].map((endpoint) =>
      endpoint.close({ deadline }).catch(() => {}),
    );
    for (const connection of this.#connections) {
      if (connection.session === undefined) connection.destroy();
      else drains.push(connection.session.close({ deadline, code: 'shutdown' }).catch(() => {}));
    }
    // The session ends each transport once drained; anything still open after the deadline (a
    // peer that never answers GOODBYE, never reads, or never closes its side) is destroyed.
    const force = setTimeout(() => {
      for (const connection of this.#connections) connection.destroy();
    }, deadline + FORCE_CLOSE_GRACE_MS);
    await Promise.all(drains);
    await Promise.all([...this.#connections].map((connection) => connection.closed));
    clearTimeout(force);
    await listenerClosed;
  }

  #admit(address: string): boolean {
    const verdict = this.#limiter.admit(address);
    if (verdict === 'ok') {
      this.#counters.accepted++;
      return true;
    }
    if (verdict === 'total') this.#counters.refusedTotal++;
    else this.#counters.refusedPerAddress++;
    return false;
  }

  /** A connection's bookkeeping when it closes (a field: every connection holds this one function). */
  readonly #release = (connection: ServerConnection<P>): void => {
    if (!this.#connections.delete(connection)) return;
    this.#limiter.release(connection.address);
    const closed = this.#closedTraffic;
    const traffic = connection.traffic;
    closed.bytesRead += traffic.bytesRead;
    closed.bytesWritten += traffic.bytesWritten;
    closed.framesRead += traffic.framesRead;
    closed.framesWritten += traffic.framesWritten;
    connection.abortPending();
  };

  /** Admission of a raw socket; `undefined` when it was refused (and is being closed). */
  #admitSocket(socket: Socket, tls: boolean): ServerConnection<P> | undefined {
    socket.on('error', ignoreSocketError);
    if (this.#closing !== undefined) {
      socket.destroy();
      return undefined;
    }
    const address = socket.remoteAddress ?? 'unknown';
    if (!this.#admit(address)) {
      this.#refuse(socket, tls);
      return undefined;
    }
    // The raw socket closes with its TLS socket too, so the connection's close covers both kinds.
    const connection = new ServerConnection<P>(address, socket, this.#release);
    this.#connections.add(connection);
    if (tls) {
      // The TLS socket that 'secureConnection' hands over is another object; it shares the TCP
      // endpoint, which finds the connection again.
      const key = endpointKey(socket);
      this.#tlsPending.set(key, connection);
      socket.once('close', () => {
        if (this.#tlsPending.get(key) === connection) this.#tlsPending.delete(key);
      });
    }
    return connection;
  }

  /**
   * Refuses a connection over the limits. On plain TCP the client gets `REJECT(server-busy)` so it
   * knows to back off; the socket then lingers briefly, discarding the client's hello, because
   * closing with unread bytes makes the kernel send RST, which can destroy the REJECT in flight.
   * TLS connections are dropped before the handshake: answering would cost a handshake each.
   */
  #refuse(socket: Socket, tls: boolean): void {
    if (tls) {
      socket.destroy();
      return;
    }
    this.#refusing.add(socket);
    const timer = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      this.#refusing.delete(socket);
    });
    socket.resume();
    socket.end(serverBusyFrame());
  }

  #startSocketSession(socket: Socket, connection: ServerConnection<P>): void {
    const transport = new SocketTransport(socket, { maxBufferedBytes: this.#maxSocketBufferedBytes });
    // For TLS this is the TLS socket (the raw one never holds the encrypted bytes).
    connection.transport = transport;
    connection.traffic.bytes = transport;
    const session = this.#createSession(transport, connection, connectionInfoOf(socket, connection.traffic));
    transport.attach(budgetedSink(session, transport, this.#handshakeBudget, this.#refuseHandshake));
  }

  /** Answers a connection whose hello does not fit the handshake budget (one function per server). */
  readonly #refuseHandshake = (transport: SocketTransport): void => {
    this.#counters.refusedHandshakeBytes++;
    transport.write(serverBusyFrame());
    transport.end();
    // As in #refuse: linger to read out what the client still sends, then drop it.
    const timer = setTimeout(() => transport.destroy(), REFUSAL_LINGER_MS);
    timer.unref();
    transport.socket.once('close', () => clearTimeout(timer));
  };

  #createSession(
    transport: SessionTransport,
    connection: ServerConnection<P>,
    info: ConnectionInfo,
  ): Session<P> {
    const auth = this.#auth;
    const session = createServerSession<P>({
      protocol: this.#options.protocol,
      transport,
      handlers: this.#options.handlers,
      interceptors: this.#options.interceptors,
      limits: this.#sessionLimits,
      remoteAddress: info.remoteAddress,
      onHandlerError: this.#options.onHandlerError,
      schemaPolicy: this.#options.schemaPolicy,
      maxVersion: this.#options.maxVersion,
      schemaCache: this.#options.schemaCache,
      auth:
        auth === undefined
          ? undefined
          : {
              authenticate: async (hello) => {
                try {
                  return await auth.authenticate({ token: hello.token }, info, connection.signal);
                } catch (error) {
                  this.#counters.authFailures++;
                  throw error;
                }
              },
            },
    });
    connection.session = session;
    connection.traffic.frames = session;
    this.#sessionListeners.notify(session, info);
    return session;
  }
}

function endpointKey(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}

/**
 * Creates a bp server over TCP, or TLS when `tls` is given.
 *
 * ```ts
 * const server = createServer({ protocol, handlers, auth: { token: process.env.BP_TOKEN! } });
 * const { port } = await server.listen({ host: '0.0.0.0', port: 7000 });
 * ```
 */
export function createServer<P extends SessionProtocol>(options: ServerOptions<P>): Server<P> {
  return new Server(options);
}
