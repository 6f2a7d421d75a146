import type { Socket } from 'node:net';
import {
  createClientSession,
  type Handlers,
  isSessionError,
  type MessageTypes,
  type MessageValue,
  type ReplyValue,
  type RequestOptions,
  type RequestTypes,
  type Session,
  type SessionLimits,
  type SessionProtocol,
} from '@bp/session';
import {
  backoffDelay,
  type ReconnectOptions,
  type ReconnectPolicy,
  resolveReconnectPolicy,
} from './backoff.js';
import { ClientMessageIterator } from './client-messages.js';
import { openSocket } from './open-socket.js';
import { SocketTransport } from './socket-transport.js';
import type { ClientTlsOptions } from './tls-options.js';
import { TransportError } from './transport-error.js';

/** Options of {@link connect}. */
export interface ConnectOptions<P extends SessionProtocol> {
  /** Server host. Default `'127.0.0.1'`. */
  host?: string;
  /** Server port. */
  port: number;
  /** The message types and schemas (must match the server's). */
  protocol: P;
  /** Credentials sent in the hello. */
  token?: string;
  /** TLS: `true` for the system trust store, or options (`ca`, client `cert`/`key` for mTLS, ...). */
  tls?: ClientTlsOptions | boolean;
  /** Handlers for requests and messages the server sends (the client is a full peer). */
  handlers?: Handlers<P>;
  /** Session limits of this side (payload size, in-flight, timeouts, backpressure). */
  limits?: Partial<SessionLimits>;
  /**
   * Time for TCP connect + TLS handshake + protocol handshake, in ms. Default: the protocol's
   * `connectTimeout` (30000). Exceeding it fails with `TransportError` `connect-timeout`.
   */
  connectTimeout?: number;
  /**
   * Reconnect after the connection is lost (not after `close()`, and not after the server
   * refused the credentials or the schema). `true` uses the defaults of {@link ReconnectOptions}.
   * The first connection is not retried: `connect()` rejects if it fails.
   */
  reconnect?: boolean | ReconnectOptions;
  /** Aborts connecting (and reconnecting); does not close an open client. */
  signal?: AbortSignal;
  /** Hard ceiling of bytes queued in the socket. Default 16 MiB. */
  maxSocketBufferedBytes?: number;
  /** Reports errors thrown by handlers (see `@bp/session`). */
  onHandlerError?: (error: unknown, context: { readonly type: number; readonly requestId?: number }) => void;
}

/** Where a client is in its life. */
export type ClientState = 'open' | 'reconnecting' | 'closed';

const DEFAULT_CLOSE_DEADLINE = 5000;
/** After the close deadline, how long the server gets to close its side before the socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

/** Handshake failures that a retry cannot fix; reconnecting stops on them. */
const PERMANENT_CODES = new Set(['unauthorized', 'schema-mismatch', 'unsupported-version', 'bad-magic']);

interface Connection<P extends SessionProtocol> {
  readonly session: Session<P>;
  readonly transport: SocketTransport;
  readonly socket: Socket;
}

type AnyListener = (value: unknown) => void;

/**
 * A connected bp client over TCP or TLS. It is a full peer: it makes requests, sends and receives
 * messages, and answers the server's requests with its `handlers`. With `reconnect`, it survives
 * server restarts; listeners registered with {@link Client.on} and iterators from
 * {@link Client.messages} carry over to the new connection.
 */
export class Client<P extends SessionProtocol> {
  readonly #options: ConnectOptions<P>;
  readonly #policy: ReconnectPolicy | undefined;
  readonly #listeners = new Map<number, Set<AnyListener>>();
  readonly #iterators = new Set<ClientMessageIterator<unknown>>();
  readonly #closeListeners = new Set<(error?: Error) => void>();
  readonly #stateListeners = new Set<(state: ClientState, error?: Error) => void>();
  readonly #closeAbort = new AbortController();
  #connection: Connection<P> | undefined;
  /** The newest session (possibly still handshaking) and the types it has dispatchers for. */
  #wiredSession: Session<P> | undefined;
  #wiredTypes = new Set<number>();
  #state: ClientState = 'open';
  #closeError: Error | undefined;
  #closing: Promise<void> | undefined;
  #reconnects = 0;
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  /** @internal Use {@link connect}. */
  constructor(options: ConnectOptions<P>) {
    this.#options = options;
    const { reconnect } = options;
    this.#policy =
      reconnect === undefined || reconnect === false ? undefined : resolveReconnectPolicy(reconnect);
  }

  /** `open`, `reconnecting` (between connections, with `reconnect`), or `closed` (final). */
  get state(): ClientState {
    return this.#state;
  }

  /** The session of the current connection (undefined while reconnecting or after close). */
  get session(): Session<P> | undefined {
    return this.#connection?.session;
  }

  /** How many times the client reconnected. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** The local socket of the current connection (for `localPort`, TLS details, ...). */
  get socket(): Socket | undefined {
    return this.#connection?.socket;
  }

  /**
   * Sends a request and resolves with the reply. Rejects with `TransportError` `not-connected`
   * while reconnecting or after close, and with `SessionError` for protocol failures (timeout,
   * handler error, connection lost while in flight).
   */
  request<T extends RequestTypes<P>>(
    type: T,
    value: MessageValue<P, T>,
    options?: RequestOptions,
  ): Promise<ReplyValue<P, T>> {
    const session = this.#connection?.session;
    if (session === undefined || this.#state !== 'open') return Promise.reject(this.#notConnected());
    return session.request(type, value, options);
  }

  /**
   * Sends a one-way message. Returns false when the outgoing queue is above its high watermark:
   * await {@link Client.drained} before sending more. Throws `TransportError` `not-connected`
   * while reconnecting or after close (the message is not queued).
   */
  send<T extends MessageTypes<P>>(type: T, value: MessageValue<P, T>): boolean {
    const session = this.#connection?.session;
    if (session === undefined || this.#state !== 'open') throw this.#notConnected();
    return session.send(type, value);
  }

  /**
   * Resolves when the outgoing queue is back at its low watermark. While reconnecting it waits
   * for the new connection; after close it resolves at once.
   */
  async drained(): Promise<void> {
    if (this.#state === 'reconnecting') await this.connected().catch(() => {});
    const session = this.#connection?.session;
    if (session !== undefined) await session.drained();
  }

  /** Resolves when the client is open (at once if it is); rejects once it is closed for good. */
  connected(): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(this.#notConnected());
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Calls `handler` for every message of `type` the server sends, on this connection and on every
   * reconnection. Returns the unsubscribe function.
   */
  on<T extends MessageTypes<P>>(type: T, handler: (value: MessageValue<P, T>) => void): () => void {
    if (!this.#options.protocol.hasType(type)) throw new TypeError(`unknown message type ${type}`);
    let set = this.#listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    const listener = handler as AnyListener;
    set.add(listener);
    if (this.#wiredSession !== undefined) this.#subscribe(this.#wiredSession, type);
    return () => {
      set.delete(listener);
    };
  }

  /**
   * The messages of `type` as an async iterator, across reconnections. Buffers up to the session's
   * `iteratorHighWaterMark` values, then stops reading from the socket until the loop catches up.
   * Ends when the client closes (rejects with the error if it closed with one) or `signal` aborts.
   */
  messages<T extends MessageTypes<P>>(
    type: T,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterableIterator<MessageValue<P, T>> {
    if (!this.#options.protocol.hasType(type)) throw new TypeError(`unknown message type ${type}`);
    const iterator = new ClientMessageIterator<MessageValue<P, T>>(type, options.signal, {
      current: () => (this.#state === 'closed' ? undefined : this.#wiredSession),
      nextSession: () => this.connected().then(() => this.#connection?.session),
      finished: () => this.#state === 'closed',
      closeError: () => this.#closeError,
      release: (it) => this.#iterators.delete(it as ClientMessageIterator<unknown>),
    });
    this.#iterators.add(iterator as ClientMessageIterator<unknown>);
    return iterator;
  }

  /**
   * Closes the client: `GOODBYE`, waits for requests in flight both ways (up to `deadline` ms),
   * then closes the socket. Stops reconnecting. Resolves once the socket is closed.
   */
  close(options: { deadline?: number } = {}): Promise<void> {
    this.#closing ??= this.#close(options.deadline);
    return this.#closing;
  }

  /** Called once when the client is closed for good (with an error unless by `close()`). */
  onClose(listener: (error?: Error) => void): () => void {
    if (this.#state === 'closed') {
      listener(this.#closeError);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Called on every state change (`reconnecting` carries the error that lost the connection). */
  onStateChange(listener: (state: ClientState, error?: Error) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** @internal Opens the first connection. */
  async start(): Promise<void> {
    await this.#establish(this.#options.signal);
  }

  async #close(deadline: number | undefined): Promise<void> {
    const connection = this.#connection;
    this.#closeAbort.abort(new TransportError('closed', 'the client was closed'));
    this.#setClosed(undefined);
    if (connection === undefined) return;
    // The session ends the socket once drained; a server that then never closes its side must
    // not keep close() pending forever.
    const drainTime = deadline ?? this.#options.limits?.closeDeadline ?? DEFAULT_CLOSE_DEADLINE;
    const force = setTimeout(() => connection.transport.destroy(), drainTime + CLOSE_GRACE_MS);
    force.unref();
    await connection.session.close(deadline === undefined ? {} : { deadline }).catch(() => {});
    await socketClosed(connection.socket);
    clearTimeout(force);
  }

  /** Opens one connection and makes it current. */
  async #establish(external: AbortSignal | undefined): Promise<void> {
    const options = this.#options;
    const timeoutMs = options.connectTimeout ?? options.protocol.connectTimeout;
    const attempt = new AbortController();
    const abort = (reason: unknown): void => attempt.abort(reason);
    const timer = setTimeout(
      () =>
        abort(
          new TransportError(
            'connect-timeout',
            `connecting to ${options.host ?? '127.0.0.1'}:${options.port} took longer than ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const onExternal = (): void => abort(external?.reason);
    const onClosed = (): void => abort(this.#closeAbort.signal.reason);
    external?.addEventListener('abort', onExternal, { once: true });
    this.#closeAbort.signal.addEventListener('abort', onClosed, { once: true });
    if (external?.aborted) onExternal();
    let transport: SocketTransport | undefined;
    let session: Session<P> | undefined;
    try {
      const tls = options.tls === true ? {} : options.tls === false ? undefined : options.tls;
      const socket = await openSocket(
        { host: options.host ?? '127.0.0.1', port: options.port, tls },
        attempt.signal,
      );
      transport = new SocketTransport(socket, { maxBufferedBytes: options.maxSocketBufferedBytes });
      session = createClientSession<P>({
        protocol: options.protocol,
        transport,
        token: options.token,
        handlers: options.handlers,
        limits: options.limits,
        onHandlerError: options.onHandlerError,
      });
      this.#wire(session);
      transport.attach(session);
      await raceAbort(session.ready, attempt.signal);
      this.#connection = { session, transport, socket };
      const opened = session;
      session.onClose((error) => this.#lost(opened, error));
    } catch (error) {
      transport?.destroy();
      if (session !== undefined) for (const iterator of this.#iterators) iterator.detach(session);
      if (attempt.signal.aborted && error === attempt.signal.reason) throw error;
      throw asTlsFailure(error) ?? error;
    } finally {
      clearTimeout(timer);
      external?.removeEventListener('abort', onExternal);
      this.#closeAbort.signal.removeEventListener('abort', onClosed);
    }
  }

  /** Subscribes the client's listeners and iterators on a new session, before any byte arrives. */
  #wire(session: Session<P>): void {
    this.#wiredSession = session;
    this.#wiredTypes = new Set();
    for (const type of this.#listeners.keys()) this.#subscribe(session, type);
    for (const iterator of this.#iterators) iterator.attach(session);
  }

  /** One dispatcher per type and session, fanning out to the client's listeners of that type. */
  #subscribe(session: Session<P>, type: number): void {
    if (this.#wiredTypes.has(type)) return;
    this.#wiredTypes.add(type);
    session.on(type as MessageTypes<P>, (value) => {
      const set = this.#listeners.get(type);
      if (set !== undefined) for (const listener of set) listener(value);
    });
  }

  #lost(session: Session<P>, error: Error | undefined): void {
    if (this.#connection?.session !== session) return;
    this.#connection = undefined;
    if (this.#state === 'closed') return;
    if (this.#policy === undefined || this.#closing !== undefined) {
      this.#setClosed(error);
      return;
    }
    this.#setState('reconnecting', error);
    void this.#reconnectLoop(this.#policy);
  }

  async #reconnectLoop(policy: ReconnectPolicy): Promise<void> {
    for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
      const stopped = await sleep(backoffDelay(policy, attempt), this.#closeAbort.signal);
      if (stopped || this.#state === 'closed') return;
      try {
        await this.#establish(undefined);
        this.#reconnects++;
        this.#setState('open');
        return;
      } catch (error) {
        if ((this.#state as ClientState) === 'closed') return;
        if (isSessionError(error) && PERMANENT_CODES.has(error.code)) {
          this.#setClosed(error);
          return;
        }
      }
    }
    this.#setClosed(
      new TransportError('not-connected', `gave up reconnecting after ${policy.maxAttempts} attempts`),
    );
  }

  #setState(state: ClientState, error?: Error): void {
    this.#state = state;
    if (state === 'open') {
      for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    }
    for (const listener of this.#stateListeners) listener(state, error);
  }

  #setClosed(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    this.#closeError = error;
    this.#closeAbort.abort(new TransportError('closed', 'the client was closed'));
    this.#setState('closed', error);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#notConnected());
    for (const iterator of this.#iterators) iterator.clientClosed();
    for (const listener of this.#closeListeners) listener(error);
    this.#closeListeners.clear();
  }

  #notConnected(): TransportError {
    return new TransportError(
      'not-connected',
      this.#state === 'reconnecting' ? 'the client is reconnecting' : 'the client is closed',
      { cause: this.#closeError },
    );
  }
}

/**
 * Connects to a bp server over TCP, or TLS when `tls` is given, and resolves once the protocol
 * handshake succeeded.
 *
 * ```ts
 * const client = await connect({ host: '127.0.0.1', port, protocol, token: 'secret' });
 * const value = await client.request(MessageType.GET, { key: 'a' });
 * ```
 *
 * Rejects with `TransportError` (`connect-timeout`, `connect-failed`, `tls-failed`) or with the
 * `SessionError` of a refused handshake (`unauthorized`, `schema-mismatch`, `server-busy`, ...).
 */
export async function connect<P extends SessionProtocol>(options: ConnectOptions<P>): Promise<Client<P>> {
  if (options?.protocol === undefined) throw new TypeError('connect: `protocol` is required');
  if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) {
    throw new TypeError(`connect: invalid port ${options.port}`);
  }
  const client = new Client(options);
  await client.start();
  return client;
}

/**
 * In TLS 1.3 the server checks the client certificate after the client considers the handshake
 * done, so a refused certificate shows up as the connection closing during the protocol
 * handshake, with the TLS alert as the socket error. Report that as what it is.
 */
function asTlsFailure(error: unknown): TransportError | undefined {
  if (!isSessionError(error) || error.code !== 'connection-closed') return undefined;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  if (!code.startsWith('ERR_SSL_') && !code.startsWith('ERR_TLS_')) return undefined;
  return new TransportError('tls-failed', `the server refused the TLS session: ${String(cause?.message)}`, {
    cause,
  });
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves true if `signal` aborted before `ms` passed. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function socketClosed(socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
