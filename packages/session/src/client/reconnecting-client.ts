import { createClientSession } from '../create-session.js';
import type {
  MessageTypes,
  MessageValue,
  ReplyValue,
  RequestTypes,
  SessionProtocol,
} from '../protocol-types.js';
import { isSessionError, SessionError } from '../session-error.js';
import { requireType } from '../subscribers.js';
import type { CloseOptions, RequestOptions, SendOptions, Session } from '../types.js';
import { timerDelay, unref } from '../unref-timer.js';
import { backoffDelay, type ResolvedBackoff, resolveBackoff } from './backoff.js';
import { ClientError } from './client-error.js';
import type {
  ConnectionState,
  ReconnectingClientOptions,
  StateChange,
  SubscribeOptions,
} from './client-options.js';
import type { DialedConnection, Dialer } from './dialer.js';
import { Outbox, type Pending, queuedAbortError, queuedTimeoutError, snapshot } from './outbox.js';
import { isPermanent } from './permanent-codes.js';
import { SessionMessages, type SessionMessagesOwner } from './session-messages.js';

/** `close()` waits this long for requests in flight when neither it nor the limits say. */
const DEFAULT_CLOSE_DEADLINE = 5000;
/** After the close deadline, how long the server gets to close its side before the transport is destroyed. */
const CLOSE_GRACE_MS = 1000;

interface Subscription {
  readonly type: number;
  readonly value: unknown;
  readonly options: SubscribeOptions | undefined;
}

/** How the first connection is handled: `connect()` fails fast, `createClient()` keeps trying. */
export type FirstConnection = 'fail-fast' | 'retry';

/**
 * Errors of attempts whose session opened and closed before the attempt saw it open (WELCOME and
 * a fatal frame in one read): not handshake refusals, so never a reason to stop for good.
 */
const lostAfterOpen = new WeakSet<Error>();

/**
 * A bp client that survives disconnects, whatever it dials: the surface of a session (`request`,
 * `send`, `on`, `messages`, `drained`, `close`) plus an observable connection state, reconnect
 * with exponential backoff and jitter, a bounded queue for calls made while disconnected, and
 * subscriptions that are sent again after every reconnect. `@bp/transport-node`'s `Client`
 * (TCP/TLS) and `@bp/transport-browser`'s `WebSocketClient` are this class with a dialer.
 */
export class ReconnectingClient<P extends SessionProtocol, C extends DialedConnection = DialedConnection>
  implements SessionMessagesOwner
{
  /** Resolves when the first connection is open; rejects if the client closes before that. */
  readonly ready: Promise<void>;

  readonly #dialer: Dialer<C>;
  readonly #protocol: P;
  readonly #options: ReconnectingClientOptions<P>;
  readonly #backoff: ResolvedBackoff | undefined;
  readonly #first: FirstConnection;
  readonly #outbox: Outbox;
  readonly #closeAbort = new AbortController();
  #state: ConnectionState = 'connecting';
  #error: Error | undefined;
  #attempt = 0;
  #everOpened = false;
  #reconnects = 0;
  /** When the current connection opened (`Date.now()`), to tell a stable one from a flapping one. */
  #openedAt = 0;
  /**
   * The backoff's exponent: failed attempts since the last connection that stayed open for
   * `stableAfter`. `#attempt` (what state changes report) starts over at every open connection.
   */
  #failures = 0;
  /** The newest session (possibly still handshaking) and the connection it runs on. */
  #session: Session<P> | undefined;
  #connection: C | undefined;
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
  readonly #iterators = new Set<SessionMessages<unknown>>();
  readonly #subscriptions = new Set<Subscription>();

  /** Starts connecting at once. Platform packages wrap this in `connect()` and `createClient()`. */
  constructor(dialer: Dialer<C>, options: ReconnectingClientOptions<P>, first: FirstConnection) {
    if (options?.protocol === undefined) throw new TypeError('a bp client needs `protocol`');
    this.#dialer = dialer;
    this.#protocol = options.protocol;
    this.#options = options;
    this.#first = first;
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
    return this.#liveSession();
  }

  /** Messages and requests waiting for a connection. */
  get queued(): number {
    return this.#outbox.size;
  }

  /** How many times the client reconnected after a lost connection. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** The connection of the open session, for platform getters (`socket`). */
  protected get connection(): C | undefined {
    return this.#state === 'open' ? this.#connection : undefined;
  }

  /**
   * Calls `listener` on every state change with the new state, the previous one, the error (for
   * `reconnecting`, failed attempts and `closed`), the attempt count and the delay before the
   * next attempt. Returns the function that removes it.
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

  /** Resolves when the client is open (at once if it is); rejects with `closed` once it is closed for good. */
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

  /** Ends the current backoff wait and tries to connect now (nothing happens while open or closed). */
  retryNow(): void {
    this.#wakeBackoff?.();
  }

  /**
   * Sends a request and resolves with the reply. While disconnected it is queued or fails (see
   * `whileDisconnected`); if the connection drops after it was sent it fails with
   * `ClientError` `connection-lost`.
   */
  request<T extends RequestTypes<P>>(
    type: T,
    value: MessageValue<P, T>,
    options?: RequestOptions,
  ): Promise<ReplyValue<P, T>> {
    const session = this.#liveSession();
    if (session === undefined) return this.#queueRequest(type, value, options);
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

  /**
   * Sends a one-way message. Returns false when it could not go out now: the connection's queue
   * is above its high watermark (await `drained()`), or there is no connection and it was queued.
   * Throws `ClientError` `closed` after close, `not-connected` or `queue-full` while disconnected.
   */
  send<T extends MessageTypes<P>>(type: T, value: MessageValue<P, T>, options?: SendOptions): boolean {
    const session = this.#liveSession();
    if (session !== undefined) {
      try {
        return session.send(type, value, options);
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
      metadata: options?.metadata,
    });
    return false;
  }

  /** Resolves when sending can go on: connected, nothing queued, and the session's queue drained (or closed). */
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
    requireType(this.#protocol, type, 'on()');
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
   * The one-way messages of `type` as an async iterator, across reconnects: what a lost
   * connection delivered comes first. Ends when the client closes (rejecting with the error if it
   * closed with one); rejects with `signal.reason` when `signal` aborts. A loop that falls behind
   * pauses reading (and, with WebSocket flow control, the server).
   */
  messages<T extends MessageTypes<P>>(
    type: T,
    options?: { signal?: AbortSignal },
  ): AsyncIterableIterator<MessageValue<P, T>> {
    requireType(this.#protocol, type, 'messages()');
    const iterator = new SessionMessages<MessageValue<P, T>>(this, type, options?.signal);
    if (this.#state === 'closed') {
      iterator.finish(this.#closeError);
      return iterator;
    }
    this.#iterators.add(iterator as SessionMessages<unknown>);
    if (this.#session !== undefined) iterator.addSource(this.#session.messages(type));
    return iterator;
  }

  /**
   * Sends `value` now (or when the first connection opens) and again after every reconnect, until
   * the returned function is called: the way to restore server-side subscriptions. Request types
   * are sent as requests (`onReply` gets each reply), others as one-way messages. Subscriptions
   * go out before anything that was queued.
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
   * Closes for good: a graceful `GOODBYE` on the open connection (requests in flight both ways
   * get until `deadline`), no more reconnects; queued calls fail with `closed`, iterators end.
   * Resolves once the connection is closed (at the latest `deadline` + 1 s later, when the
   * transport is destroyed).
   */
  close(options?: CloseOptions): Promise<void> {
    this.#closing ??= this.#close(options);
    return this.#closing;
  }

  /** @internal */
  messagesClosed(iterator: SessionMessages<unknown>): void {
    this.#iterators.delete(iterator);
  }

  async #close(options: CloseOptions | undefined): Promise<void> {
    const session = this.#session;
    const connection = this.#connection;
    this.#finish(undefined);
    if (session === undefined || connection === undefined) return;
    // The session ends the transport once drained; a server that then never closes its side must
    // not keep close() pending forever.
    const drainTime = options?.deadline ?? this.#options.limits?.closeDeadline ?? DEFAULT_CLOSE_DEADLINE;
    let force: ReturnType<typeof setTimeout> | undefined;
    const forced = new Promise<void>((resolve) => {
      force = setTimeout(
        () => {
          connection.transport.destroy();
          resolve();
        },
        timerDelay(drainTime + CLOSE_GRACE_MS),
      );
      // Node timers keep the process alive; a forced close must not.
      unref(force);
    });
    await session.close(options).catch(() => {});
    await Promise.race([connection.closed ?? Promise.resolve(), forced]);
    clearTimeout(force);
  }

  // A method call, so TypeScript does not keep a narrowing of #state across an await.
  #currentState(): ConnectionState {
    return this.#state;
  }

  #liveSession(): Session<P> | undefined {
    return this.#state === 'open' ? this.#session : undefined;
  }

  /** Connection attempts until one opens or the client closes. */
  async #run(): Promise<void> {
    for (;;) {
      try {
        await this.#connectOnce();
        return;
      } catch (caught) {
        const error = caught instanceof Error ? caught : new ClientError('connect-failed', String(caught));
        if (!(await this.#retryAfter(error, !lostAfterOpen.has(error)))) return;
      }
    }
  }

  /**
   * After a failed attempt or a lost connection: close, or wait the backoff. False = stop.
   * `refusal`: the error is the attempt's own (a handshake refusal can be permanent); after a
   * connection was open, the next handshake decides whether the server still takes the client.
   */
  async #retryAfter(error: Error | undefined, refusal: boolean): Promise<boolean> {
    // Re-read: close() may have run while the attempt was awaited.
    if (this.#currentState() === 'closed') return false;
    if (error !== undefined) this.#error = error;
    const backoff = this.#backoff;
    if (
      (refusal && isPermanent(error)) ||
      backoff === undefined ||
      (!this.#everOpened && (this.#first === 'fail-fast' || this.#options.signal?.aborted === true)) ||
      this.#attempt >= backoff.maxAttempts
    ) {
      this.#finish(error);
      return false;
    }
    this.#attempt++;
    const delay = backoffDelay(backoff, this.#failures++);
    this.#setState(this.#everOpened ? 'reconnecting' : 'connecting', error, delay);
    await this.#sleep(delay);
    return this.#currentState() !== 'closed';
  }

  /** One attempt: dial, run the handshake, go `open`. Rejects on failure. */
  async #connectOnce(): Promise<void> {
    const options = this.#options;
    const dialer = this.#dialer;
    const attempt = new AbortController();
    const abort = (reason: unknown): void => attempt.abort(reason);
    const timeout = options.connectTimeout ?? this.#protocol.connectTimeout;
    const timer =
      timeout > 0
        ? setTimeout(
            () =>
              abort(
                new ClientError(
                  'connect-timeout',
                  `connecting to ${dialer.target} took longer than ${timeout} ms (connectTimeout); ` +
                    'check that the server runs there and answers, or raise connectTimeout',
                ),
              ),
            timerDelay(timeout),
          )
        : undefined;
    const external = this.#everOpened ? undefined : options.signal;
    const onExternal = (): void => abort(external?.reason);
    const onClosed = (): void => abort(this.#closedError());
    external?.addEventListener('abort', onExternal, { once: true });
    this.#closeAbort.signal.addEventListener('abort', onClosed, { once: true });
    if (external?.aborted) onExternal();
    let connection: C | undefined;
    let session: Session<P> | undefined;
    /** Why the session closed, when it closed before this attempt could see it open. */
    let closedWith: Error | undefined;
    try {
      if (attempt.signal.aborted) throw attempt.signal.reason;
      connection = await dialer.dial(attempt.signal);
      if (attempt.signal.aborted) throw attempt.signal.reason;
      session = createClientSession<P>({
        protocol: this.#protocol,
        transport: connection.transport,
        token: options.token,
        handlers: options.handlers,
        interceptors: options.interceptors,
        limits: options.limits,
        onHandlerError: options.onHandlerError,
        schemaPolicy: options.schemaPolicy,
        maxVersion: options.maxVersion,
      });
      this.#session = session;
      this.#connection = connection;
      // Listeners and iterators are bound before the session reads its first byte.
      this.#bindSession(session);
      const opened = session;
      session.onClose((error) => {
        closedWith = error;
        this.#sessionClosed(opened, error);
      });
      connection.transport.attach(session);
      await raceAbort(session.ready, attempt.signal);
    } catch (error) {
      if (session !== undefined && this.#session === session) {
        this.#session = undefined;
        this.#connection = undefined;
      }
      connection?.transport.destroy();
      if (attempt.signal.aborted && error === attempt.signal.reason) throw error;
      throw (connection && dialer.explainHandshakeFailure?.(error, connection)) ?? error;
    } finally {
      clearTimeout(timer);
      external?.removeEventListener('abort', onExternal);
      this.#closeAbort.signal.removeEventListener('abort', onClosed);
    }
    if (this.#currentState() === 'closed') throw this.#closedError();
    // WELCOME and a fatal frame (or GOODBYE, or the end of the stream) in one read: the session
    // opened and closed before this attempt resumed. That is the attempt's failure, with its cause.
    if (this.#session !== session) {
      const lost =
        closedWith ??
        new SessionError('connection-closed', 'the server closed the connection right after the handshake');
      lostAfterOpen.add(lost);
      throw lost;
    }
    if (this.#everOpened) this.#reconnects++;
    this.#everOpened = true;
    this.#openedAt = Date.now();
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
    this.#connection = undefined;
    this.#sessionUnbinds = new Map();
    // Only a connection that was open is handled here; a failed handshake is the attempt's failure.
    if (this.#state !== 'open') return;
    // Only a connection that stayed open for a while starts the backoff over (see stableAfter).
    const backoff = this.#backoff;
    if (backoff !== undefined && Date.now() - this.#openedAt >= backoff.stableAfter) this.#failures = 0;
    // A graceful close by the server (GOODBYE) has no error: without reconnect the client then
    // closes without one too, as after close().
    void this.#retryAfter(error, false).then((again) => (again ? this.#run() : undefined));
  }

  #bindSession(session: Session<P>): void {
    this.#sessionUnbinds = new Map();
    for (const type of this.#handlers.keys()) this.#bindType(session, type);
    for (const iterator of this.#iterators) iterator.addSource(session.messages(iterator.type));
  }

  /** One dispatcher per type and session, fanning out to the client's handlers of that type. */
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
          session.send(item.type, item.value, { metadata: item.metadata });
          continue;
        }
        const remaining = item.deadline === 0 ? undefined : Math.max(1, item.deadline - Date.now());
        session
          .request(item.type, item.value, {
            signal: item.signal,
            timeout: remaining,
            metadata: item.metadata,
            onReplyMetadata: item.onReplyMetadata,
          })
          .then(item.resolve, (error: unknown) => item.reject!(this.#lost(error)));
      } catch (error) {
        if (item.reject !== undefined) item.reject(error);
        else this.#options.onSendError?.(error, { type: item.type });
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
        metadata: options?.metadata,
        onReplyMetadata: options?.onReplyMetadata,
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
        }, timerDelay(timeout));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A request that was sent when its connection dropped: say so, rather than `connection-closed`. */
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
    this.#closeError = error;
    this.#setState('closed', error, undefined);
    // Stops an attempt in progress (its dial or handshake) and the backoff wait.
    this.#closeAbort.abort(this.#closedError());
    this.#wakeBackoff?.();
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
      const timer = setTimeout(done, timerDelay(ms));
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
    return new ClientError(
      'not-connected',
      `not connected to ${this.#dialer.target} (state: ${this.#state}); with whileDisconnected: 'queue' the call would wait`,
      { cause: this.#error },
    );
  }
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
