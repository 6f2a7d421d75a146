import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ConnectionLimiter } from '../connection-limiter.js';
import { SOCKET_HIGH_WATER_MARK } from '../socket-ceiling.js';
import { type ServerTlsOptions, serverTlsOptions } from '../tls-options.js';
import type { BinaryHandler } from './binary-handler.js';
import { BinaryProtocolError } from './binary-protocol-error.js';
import { DatagramEndpoint, type DatagramStats } from './datagram-endpoint.js';
import { HandlerTable } from './handler-table.js';
import { type CloseReason, StreamConnection } from './stream-connection.js';
import { checkWireProtocol, type WireProtocol } from './wire-protocol.js';

/** Limits of a {@link BinaryServer}; the package has none of them. */
export interface BinaryServerLimits {
  /** Most connections at once; more are closed at once (the wire cannot say why). Default 10000. */
  maxConnections?: number;
  /** Most connections at once from one remote address. Default 1024. */
  maxConnectionsPerAddress?: number;
  /** ms a started message may take to arrive completely. Default: the protocol's `readTimeout`. */
  readTimeout?: number;
  /** ms without a byte from the client before its connection is closed; 0 disables. Default 600000. */
  idleTimeout?: number;
  /** ms for a TLS handshake. Default: the protocol's `connectTimeout`. */
  handshakeTimeout?: number;
  /**
   * Bytes a reply may leave queued in a socket before the client counts as not reading. Replies
   * are written one at a time, each after the socket drained below its high-water mark, so the
   * default is that mark plus the largest message: 16 KiB + the protocol's `maxPayloadSize` + 64.
   */
  maxSocketBufferedBytes?: number;
  /** UDP: handlers running at once; datagrams beyond are dropped and counted. Default 1024. */
  maxInFlight?: number;
}

/** Options of a {@link BinaryServer}. */
export interface BinaryServerOptions {
  /** Serve TLS (which the package lacks). ALPN is off unless `alpn` is given. TCP only. */
  tls?: ServerTlsOptions;
  limits?: BinaryServerLimits;
  /** Called with what a handler threw (its connection is then closed; a UDP reply is skipped). */
  onHandlerError?: (error: unknown, context: { readonly type: number }) => void;
}

/** Counters of a {@link BinaryServer}. */
export interface BinaryServerStats {
  /** TCP connections open now. */
  readonly connections: number;
  /** TCP connections admitted since start. */
  readonly accepted: number;
  /** TCP connections refused by `maxConnections` or `maxConnectionsPerAddress`. */
  readonly refused: number;
  /** TCP connections the server closed, by reason. */
  readonly closed: Readonly<Record<CloseReason, number>>;
  /** UDP datagrams (all zero over TCP). */
  readonly datagrams: DatagramStats;
}

const DEFAULT_IDLE_TIMEOUT = 600_000;

/**
 * A server of the Python `binary_protocol` wire, with the package's API camel-cased: handlers
 * by message type, a default handler (NOT_FOUND unless replaced), `start(host, port)` and
 * `stop()`. TCP (optionally TLS) or UDP, as `protocol.transportType` says. Unlike bp's own
 * `createServer`, there is no handshake, no request ids and no push: each message gets one reply
 * or none, in order.
 *
 * @example
 * const server = new BinaryServer(config);
 * server.registerHandler(MessageType.STATUS, async (type, data) => [MessageType.STATUS, data]);
 * await server.start('127.0.0.1', 8888);
 */
export class BinaryServer {
  /** The protocol served. */
  readonly config: WireProtocol;
  readonly #handlers: HandlerTable;
  readonly #options: BinaryServerOptions;
  readonly #limiter: ConnectionLimiter;
  readonly #connections = new Set<StreamConnection>();
  readonly #closed: Record<CloseReason, number> = {
    'invalid-message': 0,
    'read-timeout': 0,
    'idle-timeout': 0,
    'handler-error': 0,
    'slow-consumer': 0,
    stopped: 0,
  };
  #accepted = 0;
  #refused = 0;
  #listener: NetServer | undefined;
  #datagrams: DatagramEndpoint | undefined;

  constructor(config: WireProtocol, options: BinaryServerOptions = {}) {
    checkWireProtocol(config);
    if (config.transportType === 'udp' && options.tls !== undefined) {
      throw new BinaryProtocolError('invalid-argument', 'BinaryServer: tls works over TCP only, not UDP');
    }
    this.config = config;
    this.#options = options;
    this.#handlers = new HandlerTable(config);
    const limits = options.limits ?? {};
    this.#limiter = new ConnectionLimiter(
      limits.maxConnections ?? 10_000,
      limits.maxConnectionsPerAddress ?? 1024,
    );
  }

  /** Handles messages of `type` (a type of the protocol). The package's `register_handler`. */
  registerHandler(type: number, handler: BinaryHandler): void {
    this.#handlers.register(type, handler);
  }

  /**
   * Handles types outside the protocol (called with `(type, {})`) and types without a handler.
   * The built-in one answers NOT_FOUND. The package's `register_default_handler`.
   */
  registerDefaultHandler(handler: BinaryHandler): void {
    this.#handlers.registerDefault(handler);
  }

  /**
   * Listens on `host:port` (port 0 picks one; see {@link BinaryServer.address}) and resolves once
   * listening; it serves until {@link BinaryServer.stop}. (The package's `start` awaits forever.)
   */
  async start(host = '127.0.0.1', port = 0): Promise<void> {
    if (this.#listener !== undefined || this.#datagrams !== undefined) {
      throw new BinaryProtocolError('invalid-state', 'BinaryServer.start: already started');
    }
    const limits = this.#options.limits ?? {};
    const onHandlerError = (error: unknown, type: number): void =>
      this.#options.onHandlerError?.(error, { type });
    if (this.config.transportType === 'udp') {
      const endpoint = new DatagramEndpoint({
        protocol: this.config,
        handlers: this.#handlers,
        maxInFlight: limits.maxInFlight ?? 1024,
        onHandlerError,
      });
      this.#datagrams = endpoint;
      await endpoint.listen(host, port);
      return;
    }
    const tls = this.#options.tls;
    const listener =
      tls === undefined
        ? createNetServer()
        : createTlsServer(
            serverTlsOptions({ alpn: false, ...tls }, limits.handshakeTimeout ?? this.config.connectTimeout),
          );
    listener.on(tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) =>
      this.#accept(socket, onHandlerError),
    );
    // A TLS handshake that fails only ever concerns that client.
    listener.on('tlsClientError', () => {});
    this.#listener = listener;
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host, port, backlog: 100 }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
  }

  /** The address listened on, once started. */
  address(): { address: string; port: number; family: string } | undefined {
    if (this.#datagrams !== undefined) return this.#datagrams.address();
    const address = this.#listener?.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  /** Counters since the server was created. */
  get stats(): BinaryServerStats {
    return {
      connections: this.#connections.size,
      accepted: this.#accepted,
      refused: this.#refused,
      closed: { ...this.#closed },
      datagrams: this.#datagrams?.stats ?? { received: 0, dropped: 0, replied: 0 },
    };
  }

  /** Stops listening and closes every connection (the wire has no goodbye message). */
  async stop(): Promise<void> {
    const listener = this.#listener;
    const datagrams = this.#datagrams;
    this.#listener = undefined;
    this.#datagrams = undefined;
    if (datagrams !== undefined) await datagrams.close();
    if (listener === undefined) return;
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    for (const connection of this.#connections) connection.close('stopped');
    await closed;
  }

  #accept(socket: Socket, onHandlerError: (error: unknown, type: number) => void): void {
    const address = socket.remoteAddress ?? '';
    if (this.#limiter.admit(address) !== 'ok') {
      this.#refused++;
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    this.#accepted++;
    const limits = this.#options.limits ?? {};
    const connection: StreamConnection = new StreamConnection(socket, {
      protocol: this.config,
      handlers: this.#handlers,
      readTimeout: limits.readTimeout ?? this.config.readTimeout,
      idleTimeout: limits.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
      maxSocketBufferedBytes:
        limits.maxSocketBufferedBytes ?? SOCKET_HIGH_WATER_MARK + this.config.maxPayloadSize + 64,
      transport: this.#options.tls === undefined ? 'tcp' : 'tls',
      onHandlerError,
      onClose: (reason) => {
        this.#limiter.release(address);
        this.#connections.delete(connection);
        if (reason !== undefined) this.#closed[reason]++;
      },
    });
    this.#connections.add(connection);
  }
}
