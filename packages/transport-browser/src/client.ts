import {
  type CloseOptions,
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
import { type BackoffOptions, backoffDelay, type ResolvedBackoff, resolveBackoff } from './backoff.js';
import { ClientError } from './client-error.js';
import { ClientMessages, type ClientMessagesOwner } from './client-messages.js';
import { DEFAULT_RECEIVE_WINDOW, FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL } from './flow-control.js';
import { Outbox, type Pending, queuedAbortError, queuedTimeoutError, snapshot } from './outbox.js';
import { globalWebSocket, type WebSocketConstructor, type WebSocketLike } from './websocket-like.js';
import { WebSocketTransport } from './websocket-transport.js';

/**
 * Where the client is: `connecting` until the first connection opens, `open` while a session is
 * up, `reconnecting` after a connection was lost (between attempts and during them), `closed`
 * after `close()`, a fatal error, or when reconnecting gave up. `closed` is final.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What a state listener receives. */
export interface StateChange {
  readonly state: ConnectionState;
  readonly previous: ConnectionState;
  /** Why the connection was lost or the client closed, when there was an error. */
  readonly error?: Error | undefined;
  /** Failed attempts since the last open connection. */
  readonly attempt: number;
  /** For `reconnecting`: ms until the next attempt. */
  readonly delay?: number | undefined;
}

/** Options of {@link connect} and {@link createClient}. */
export interface ClientOptions<P extends SessionProtocol> {
  /** The protocol (a `ProtocolConfig` of `@bp/codec`); the server must have the same schemas. */
  protocol: P;
  /** Credentials for the `HELLO` (never put them in the URL). */
  token?: string;
  /**
   * The WebSocket constructor: default the global one (browsers, Deno, Bun, Node 22+). On Node 20
   * pass `WebSocket` from the `ws` package.
   */
  WebSocket?: WebSocketConstructor;
  /** Handlers for messages and requests the server sends; kept across reconnects. */
  handlers?: Handlers<P>;
  /** Session limits and timers (see `SessionLimits` of `@bp/session`). */
  limits?: Partial<SessionLimits>;
  /** Time to open the WebSocket, ms (the bp handshake then has `limits.handshakeTimeout`). Default: the protocol's `connectTimeout`. */
  connectTimeout?: number;
  /** Reconnect after a lost connection: `false` to never, or the backoff schedule. Default on. */
  reconnect?: boolean | BackoffOptions;
  /**
   * What `send` and `request` do while there is no connection (`connecting`, `reconnecting`):
   * - `'queue'` (default): hold them, in call order, and send them as soon as a connection is
   *   open; `send` returns false. Bounded by `maxQueuedMessages` / `maxQueuedBytes`, beyond which
   *   they fail with `ClientError` `queue-full`. A queued request's timeout runs while it waits.
   * - `'fail'`: fail at once with `ClientError` `not-connected`.
   * Either way, requests already sent when a connection drops fail with `ClientError`
   * `connection-lost` (the server may or may not have run them; they are never resent).
   */
  whileDisconnected?: 'queue' | 'fail';
  /** Bound of the disconnected queue in messages + requests. Default 1024. */
  maxQueuedMessages?: number;
  /** Bound of the disconnected queue in encoded bytes. Default 1 MiB. */
  maxQueuedBytes?: number;
  /** `send` returns false above this WebSocket `bufferedAmount`. Default 256 KiB. */
  highWaterMark?: number;
  /** Backpressure ends at this `bufferedAmount`. Default 64 KiB. */
  lowWaterMark?: number;
  /**
   * How far, in bytes, the server may run ahead of the messages this client has handled (receive
   * flow control, subprotocol `bp-flow.v1`); 0 turns it off. Default 256 KiB.
   */
  receiveWindow?: number;
  /** Called when a handler throws (see `onHandlerError` of `@bp/session`). */
  onHandlerError?: (error: unknown, context: { readonly type: number; readonly requestId?: number }) => void;
}

/** Options of {@link WebSocketClient.subscribe}. */
export interface SubscribeOptions {
  /** For request types: called with the reply every time the subscription is (re)sent. */
  onReply?: (reply: any) => void;
  /** Called when (re)sending the subscription fails. */
  onError?: (error: unknown) => void;
}

// Handshake answers that no retry can fix (docs/PROTOCOL.md section 5.2, rule 4).
const FATAL_CODES = new Set(['unauthorized', 'schema-mismatch', 'unsupported-version', 'bad-magic']);

interface Subscription {
  readonly type: number;
  readonly value: unknown;
  readonly options: SubscribeOptions | undefined;
}

/**
 * A bp client over WebSocket that survives disconnects: the same surface as a session (`request`,
 * `send`, `on`, `messages`, `drained`, `close`), plus an observable connection state, reconnect
 * with exponential backoff and jitter, a bounded queue for calls made while disconnected, and
 * subscriptions that are sent again after every reconnect.
 */
export class WebSocketClient<P extends SessionProtocol> implements ClientMessagesOwner {
  /** The endpoint URL (`ws://` or `wss://`). */
  readonly url: string;
  /** Resolves when the first connection is open; rejects if the client closes before that. */
  readonly ready: Promise<void>;

  readonly #protocol: P;
  readonly #options: ClientOptions<P>;
  readonly #WebSocket: WebSocketConstructor;
  readonly #backoff: ResolvedBackoff | undefined;
  readonly #failFast: boolean;
  readonly #outbox: Outbox;
  #state: ConnectionState = 'connecting';
  #error: Error | undefined;
  #attempt = 0;
  #everOpened = false;
  #session: Session<P> | undefined;
  #socket: WebSocketLike | undefined;
  #wakeBackoff: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  readonly #stateListeners = new Set<(change: StateChange) => void>();
  readonly #closeListeners = new Set<(error?: Error) => void>();
  #closeError: Error | undefined;
  readonly #stateWaiters: (() => void)[] = [];
  readonly #handlers = new Map<number, Set<(value: any) => void>>();
  #sessionUnbinds = new Map<number, () => void>();
  readonly #iterators = new Set<ClientMessages<unknown>>();
  readonly #subscriptions = new Set<Subscription>();

  readonly #onWake = (): void => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    this.#wakeBackoff?.();
  };

  /** Use {@link connect} or {@link createClient}. */
  constructor(url: string, options: ClientOptions<P>, failFast: boolean) {
    const WebSocketImpl = options.WebSocket ?? globalWebSocket();
    if (WebSocketImpl === undefined) {
      throw new TypeError(
        'no WebSocket constructor: pass one as the `WebSocket` option (on Node 20: `import { WebSocket } from "ws"`)',
      );
    }
    this.url = url;
    this.#protocol = options.protocol;
    this.#options = options;
    this.#WebSocket = WebSocketImpl;
    this.#failFast = failFast;
    this.#backoff =
      options.reconnect === false
        ? undefined
        : resolveBackoff(
            options.reconnect === true || options.reconnect === undefined ? {} : options.reconnect,
          );
    this.#outbox = new Outbox({
      maxMessages: options.maxQueuedMessages ?? 1024,
      maxBytes: options.maxQueuedBytes ?? 1024 * 1024,
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // Whoever uses createClient may never look at `ready`; its failure is also reported as a state.
    this.ready.catch(() => {});
    const target = globalThis as { addEventListener?: (type: string, listener: () => void) => void };
    if (typeof target.addEventListener === 'function') {
      // Back online, or the tab is visible again: retry now instead of at the end of a backoff
      // that timer throttling in a hidden tab may have stretched.
      target.addEventListener('online', this.#onWake);
      if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.#onWake);
    }
    void this.#run();
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The error that closed the client or lost the last connection, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** The session of the open connection (undefined while disconnected). */
  get session(): Session<P> | undefined {
    return this.#state === 'open' ? this.#session : undefined;
  }

  /** Messages and requests waiting for a connection. */
  get queued(): number {
    return this.#outbox.size;
  }

  /**
   * Calls `listener` on every state change with the new state, the previous one, the error (for
   * `reconnecting` and `closed`), the attempt count and the delay before the next attempt.
   * Returns the function that removes it.
   */
  onStateChange(listener: (change: StateChange) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
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

  /** Resolves when the client is open (at once if it is); rejects once it is closed for good. */
  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.#state === 'open') resolve();
        else if (this.#state === 'closed') reject(this.#closedError());
        else this.#stateWaiters.push(check);
      };
      check();
    });
  }

  /**
   * Sends a request and resolves with the reply. While disconnected it is queued or fails (see
   * `whileDisconnected`); if the connection drops after it was sent it fails with
   * `connection-lost`.
   */
  request<T extends RequestTypes<P>>(
    type: T,
    value: MessageValue<P, T>,
    options?: RequestOptions,
  ): Promise<ReplyValue<P, T>> {
    const session = this.#liveSession();
    if (session !== undefined) {
      let reply: Promise<ReplyValue<P, T>>;
      try {
        reply = session.request(type, value, options);
      } catch (error) {
        return Promise.reject(error);
      }
      return reply.then(undefined, (error: unknown) => {
        if (isSessionError(error) && error.code === 'not-open' && this.#state !== 'closed') {
          // The connection was going away when the request was made: it was not sent, so it can wait.
          return this.#queueRequest(type, value, options);
        }
        throw this.#lost(error);
      });
    }
    return this.#queueRequest(type, value, options);
  }

  /**
   * Sends a one-way message. Returns false when it could not go out now: the connection's buffer
   * is full (await `drained()`), or there is no connection and it was queued.
   */
  send<T extends MessageTypes<P>>(type: T, value: MessageValue<P, T>): boolean {
    const session = this.#liveSession();
    if (session !== undefined) {
      try {
        return session.send(type, value);
      } catch (error) {
        if (!(isSessionError(error) && error.code === 'not-open')) throw error;
      }
    }
    if (this.#state === 'closed') throw this.#closedError();
    if (this.#options.whileDisconnected === 'fail') throw this.#notConnected();
    const copy = snapshot(this.#protocol, type, value);
    this.#outbox.add({
      kind: 'send',
      type,
      value: copy.value,
      size: copy.size,
      deadline: 0,
      signal: undefined,
    });
    return false;
  }

  /** Resolves when sending can go on: connected, nothing queued, and the session's buffer drained (or closed). */
  async drained(): Promise<void> {
    for (;;) {
      if (this.#state === 'closed') return;
      const session = this.#liveSession();
      if (session !== undefined && this.#outbox.size === 0) return session.drained();
      await new Promise<void>((resolve) => this.#stateWaiters.push(resolve));
    }
  }

  /** Calls `handler` for every one-way message of `type`, on this and every later connection. */
  on<T extends MessageTypes<P>>(type: T, handler: (value: MessageValue<P, T>) => void): () => void {
    if (!this.#protocol.hasType(type)) throw new TypeError(`unknown message type ${type}`);
    let handlers = this.#handlers.get(type);
    if (handlers === undefined) {
      handlers = new Set();
      this.#handlers.set(type, handlers);
      if (this.#session !== undefined) this.#bindType(this.#session, type);
    }
    handlers.add(handler);
    const set = handlers;
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.#handlers.get(type) === set) {
        this.#handlers.delete(type);
        this.#sessionUnbinds.get(type)?.();
        this.#sessionUnbinds.delete(type);
      }
    };
  }

  /**
   * The one-way messages of `type` as an async iterator, across reconnects. It ends when the
   * client closes (rejecting with the error if it closed with one) or `signal` aborts. A consumer
   * that falls behind pauses reading (and, with flow control, the server).
   */
  messages<T extends MessageTypes<P>>(
    type: T,
    options?: { signal?: AbortSignal },
  ): AsyncIterableIterator<MessageValue<P, T>> {
    if (!this.#protocol.hasType(type)) throw new TypeError(`unknown message type ${type}`);
    const iterator = new ClientMessages<MessageValue<P, T>>(this, type, options?.signal);
    if (this.#state === 'closed') {
      iterator.finish(this.#closeError);
      return iterator;
    }
    this.#iterators.add(iterator as ClientMessages<unknown>);
    if (this.#session !== undefined) iterator.addSource(this.#session.messages(type));
    return iterator;
  }

  /**
   * Sends `value` now (or when the first connection opens) and again after every reconnect, until
   * the returned function is called: the way to restore server-side subscriptions. Request types
   * are sent as requests (`onReply` gets each reply), others as one-way messages.
   */
  subscribe<T extends MessageTypes<P>>(
    type: T,
    value: MessageValue<P, T>,
    options?: SubscribeOptions,
  ): () => void {
    if (this.#state === 'closed') throw this.#closedError();
    const subscription: Subscription = { type, value: snapshot(this.#protocol, type, value).value, options };
    this.#subscriptions.add(subscription);
    const session = this.#liveSession();
    if (session !== undefined) this.#sendSubscription(session, subscription);
    return () => {
      this.#subscriptions.delete(subscription);
    };
  }

  /**
   * Closes for good: a graceful `GOODBYE` on the open connection (requests in flight get until
   * `deadline`), no more reconnects; queued calls fail with `closed`, iterators end.
   */
  close(options?: CloseOptions): Promise<void> {
    this.#closing ??= this.#close(options);
    return this.#closing;
  }

  /** @internal */
  messagesClosed(iterator: ClientMessages<unknown>): void {
    this.#iterators.delete(iterator);
  }

  async #close(options: CloseOptions | undefined): Promise<void> {
    const session = this.#session;
    const socket = this.#socket;
    this.#finish(undefined);
    if (session !== undefined) await session.close(options).catch(() => {});
    else if (socket !== undefined) closeQuietly(socket);
  }

  // A method call, so TypeScript does not keep a narrowing of #state across an await.
  #currentState(): ConnectionState {
    return this.#state;
  }

  #liveSession(): Session<P> | undefined {
    return this.#state === 'open' ? this.#session : undefined;
  }

  async #run(): Promise<void> {
    while (this.#state !== 'closed') {
      let error: Error;
      try {
        await this.#connectOnce();
        return;
      } catch (caught) {
        error = caught instanceof Error ? caught : new Error(String(caught));
      }
      // Re-read: close() may have run while the attempt was awaited.
      if (this.#currentState() === 'closed') return;
      this.#error = error;
      const backoff = this.#backoff;
      if (
        isFatal(error) ||
        backoff === undefined ||
        (this.#failFast && !this.#everOpened) ||
        this.#attempt >= backoff.maxAttempts
      ) {
        this.#finish(error);
        return;
      }
      const delay = backoffDelay(backoff, this.#attempt++);
      this.#setState(this.#everOpened ? 'reconnecting' : 'connecting', error, delay);
      await this.#sleep(delay);
    }
  }

  /** One attempt: open the WebSocket, run the handshake, go `open`. Rejects on failure. */
  async #connectOnce(): Promise<void> {
    const options = this.#options;
    const receiveWindow = options.receiveWindow ?? DEFAULT_RECEIVE_WINDOW;
    const socket =
      receiveWindow > 0
        ? new this.#WebSocket(this.url, [FLOW_SUBPROTOCOL, PLAIN_SUBPROTOCOL])
        : new this.#WebSocket(this.url);
    this.#socket = socket;
    // Created before the socket opens, so that it keeps whatever arrives with the handshake.
    const transport = new WebSocketTransport(socket, {
      highWaterMark: options.highWaterMark,
      lowWaterMark: options.lowWaterMark,
      receiveWindow,
    });
    await waitForOpen(socket, this.url, options.connectTimeout ?? this.#protocol.connectTimeout);
    if (this.#currentState() === 'closed') {
      closeQuietly(socket);
      throw this.#closedError();
    }
    const session = createClientSession<P>({
      protocol: this.#protocol,
      transport,
      token: options.token,
      handlers: options.handlers,
      limits: options.limits,
      onHandlerError: options.onHandlerError,
    });
    this.#session = session;
    this.#bindSession(session);
    session.onClose((error) => this.#sessionClosed(session, error));
    transport.attach(session);
    try {
      await session.ready;
    } catch (error) {
      if (this.#session === session) this.#session = undefined;
      throw error;
    }
    if (this.#currentState() === 'closed' || this.#session !== session) throw this.#closedError();
    this.#everOpened = true;
    this.#attempt = 0;
    this.#error = undefined;
    this.#setState('open', undefined, undefined);
    this.#resolveReady();
    for (const subscription of this.#subscriptions) this.#sendSubscription(session, subscription);
    this.#flushOutbox(session);
  }

  #sessionClosed(session: Session<P>, error: Error | undefined): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    this.#sessionUnbinds = new Map();
    // Only a connection that was open is handled here; a failed handshake is the attempt's failure.
    if (this.#state !== 'open') return;
    const lost =
      error ?? new ClientError('websocket-closed', 'the server closed the connection', { closeCode: 1000 });
    this.#error = lost;
    if (isFatal(lost) || this.#backoff === undefined) {
      this.#finish(lost);
      return;
    }
    this.#setState('reconnecting', lost, 0);
    void this.#run();
  }

  #bindSession(session: Session<P>): void {
    this.#sessionUnbinds = new Map();
    for (const type of this.#handlers.keys()) this.#bindType(session, type);
    for (const iterator of this.#iterators) iterator.addSource(session.messages(iterator.type));
  }

  #bindType(session: Session<P>, type: number): void {
    const unbind = session.on(type, (value: unknown) => {
      const handlers = this.#handlers.get(type);
      if (handlers !== undefined) for (const handler of handlers) handler(value);
    });
    this.#sessionUnbinds.set(type, unbind);
  }

  #sendSubscription(typed: Session<P>, subscription: Subscription): void {
    // The subscription's type and value were checked against P when it was made.
    const session = typed as unknown as Session<any>;
    const { type, value, options } = subscription;
    try {
      if (this.#protocol.replyTypeOf(type) === undefined) {
        session.send(type, value);
        return;
      }
      session.request(type, value).then(
        (reply) => options?.onReply?.(reply),
        (error: unknown) => options?.onError?.(this.#lost(error)),
      );
    } catch (error) {
      options?.onError?.(error);
    }
  }

  #flushOutbox(typed: Session<P>): void {
    const session = typed as unknown as Session<any>;
    for (const item of this.#outbox.takeAll()) {
      item.cleanup?.();
      try {
        if (item.kind === 'send') {
          session.send(item.type, item.value);
          continue;
        }
        const remaining = item.deadline === 0 ? undefined : Math.max(1, item.deadline - Date.now());
        session
          .request(item.type, item.value, { signal: item.signal, timeout: remaining })
          .then(item.resolve, (error: unknown) => item.reject!(this.#lost(error)));
      } catch (error) {
        item.reject?.(error);
      }
    }
  }

  #queueRequest(type: number, value: unknown, options: RequestOptions | undefined): Promise<any> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    if (this.#options.whileDisconnected === 'fail') return Promise.reject(this.#notConnected());
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(queuedAbortError(type, signal.reason));
    let copy: { value: unknown; size: number };
    try {
      copy = snapshot(this.#protocol, type, value);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeout = options?.timeout ?? this.#options.limits?.requestTimeout ?? this.#protocol.readTimeout;
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const item: Pending = {
        kind: 'request',
        type,
        value: copy.value,
        size: copy.size,
        deadline: timeout > 0 ? Date.now() + timeout : 0,
        signal,
        resolve,
        reject,
        cleanup() {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const onAbort = (): void => {
        if (this.#outbox.remove(item)) {
          item.cleanup!();
          reject(queuedAbortError(type, signal!.reason));
        }
      };
      try {
        this.#outbox.add(item);
      } catch (error) {
        reject(error);
        return;
      }
      if (timeout > 0) {
        timer = setTimeout(() => {
          if (this.#outbox.remove(item)) {
            item.cleanup!();
            reject(queuedTimeoutError(type));
          }
        }, timeout);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #lost(error: unknown): unknown {
    if (!isSessionError(error) || error.code !== 'connection-closed') return error;
    if (this.#state === 'closed' && this.#closing !== undefined) {
      return new ClientError('closed', 'the client was closed before the reply arrived', { cause: error });
    }
    return new ClientError(
      'connection-lost',
      'the connection dropped after the request was sent; the server may or may not have handled it',
      { cause: error },
    );
  }

  #finish(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    if (error !== undefined) this.#error = error;
    this.#wakeBackoff?.();
    const target = globalThis as { removeEventListener?: (type: string, listener: () => void) => void };
    if (typeof target.removeEventListener === 'function') {
      target.removeEventListener('online', this.#onWake);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onWake);
    }
    this.#closeError = error;
    this.#setState('closed', error, undefined);
    const closed = error ?? this.#closedError();
    this.#outbox.failAll(
      error === undefined ? closed : new ClientError('closed', closed.message, { cause: error }),
    );
    for (const iterator of this.#iterators) iterator.finish(error);
    this.#iterators.clear();
    this.#subscriptions.clear();
    if (!this.#everOpened) this.#rejectReady(closed);
    for (const listener of [...this.#closeListeners]) listener(error);
    this.#closeListeners.clear();
    if (this.#session === undefined && this.#socket !== undefined && error !== undefined)
      closeQuietly(this.#socket);
  }

  #setState(state: ConnectionState, error: Error | undefined, delay: number | undefined): void {
    const previous = this.#state;
    if (previous === state && state !== 'reconnecting' && state !== 'connecting') return;
    this.#state = state;
    const change: StateChange = { state, previous, error, attempt: this.#attempt, delay };
    for (const listener of [...this.#stateListeners]) listener(change);
    for (const wake of this.#stateWaiters.splice(0)) wake();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.#wakeBackoff === done) self.#wakeBackoff = undefined;
        resolve();
      }
      this.#wakeBackoff = done;
    });
  }

  #closedError(): ClientError {
    return new ClientError('closed', 'the client is closed', { cause: this.#error });
  }

  #notConnected(): ClientError {
    return new ClientError('not-connected', `not connected (state: ${this.#state})`, { cause: this.#error });
  }
}

function isFatal(error: Error): boolean {
  return isSessionError(error) && FATAL_CODES.has(error.code);
}

function closeQuietly(socket: WebSocketLike): void {
  try {
    socket.close(1000);
  } catch {
    // Already closed.
  }
}

/** Waits for the WebSocket's `open` event; rejects with `connect-failed` or `connect-timeout`. */
function waitForOpen(socket: WebSocketLike, url: string, timeout: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('close', onClose);
    };
    const onOpen = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (event: { code?: number; reason?: string }): void => {
      cleanup();
      reject(
        new ClientError(
          'connect-failed',
          `could not open a WebSocket to ${url} (close code ${event.code ?? 1006})`,
          {
            closeCode: event.code,
            closeReason: event.reason,
          },
        ),
      );
    };
    socket.addEventListener('open', onOpen);
    socket.addEventListener('close', onClose);
    // `ws` throws on an 'error' event without a listener; the 'close' that follows says enough.
    socket.addEventListener('error', () => {});
    if (timeout > 0) {
      timer = setTimeout(() => {
        cleanup();
        closeQuietly(socket);
        reject(
          new ClientError('connect-timeout', `opening the WebSocket to ${url} took more than ${timeout} ms`),
        );
      }, timeout);
    }
  });
}
