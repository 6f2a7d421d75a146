import type { Interceptor } from '../interceptor.js';
import type { SessionLimits } from '../limits.js';
import type { SessionProtocol } from '../protocol-types.js';
import type { Handlers, SchemaPolicy } from '../types.js';
import type { BackoffOptions } from './backoff.js';

/**
 * Where a client is: `connecting` until the first connection opens, `open` while a session is
 * up, `reconnecting` after a connection was lost (between attempts and during them), `closed`
 * after `close()`, a permanent refusal, or when reconnecting gave up. `closed` is final.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What an `onStateChange` listener receives. */
export interface StateChange {
  readonly state: ConnectionState;
  readonly previous: ConnectionState;
  /** Why the connection was lost, an attempt failed or the client closed, when there was an error. */
  readonly error?: Error | undefined;
  /** Retries since the last open connection, counting the one now scheduled; 0 once open. */
  readonly attempt: number;
  /** For `connecting` and `reconnecting` after a failure: ms until the next attempt. */
  readonly delay?: number | undefined;
}

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /** For request types: called with the reply every time the subscription is (re)sent. */
  onReply?: (reply: any) => void;
  /** Called when (re)sending the subscription fails. */
  onError?: (error: unknown) => void;
}

/**
 * The options every bp client has, whatever it dials (`@bp/transport-node` adds `host`, `port`,
 * `tls`; `@bp/transport-browser` adds `url`, `WebSocket` and its buffer sizes).
 */
export interface ReconnectingClientOptions<P extends SessionProtocol> {
  /**
   * The message types and schemas (a `Protocol` or `ProtocolConfig` of `@bp/codec`); the server's may differ
   * compatibly (see `schemaPolicy`).
   */
  protocol: P;
  /** Credentials sent in the `HELLO`. */
  token?: string;
  /** Handlers for requests and messages the server sends (the client is a full peer); kept across reconnects. */
  handlers?: Handlers<P>;
  /** This side's session limits and timers (see `SessionLimits`). */
  limits?: Partial<SessionLimits>;
  /**
   * Budget of one connection attempt, in ms: opening the connection (TCP + TLS, or the WebSocket
   * upgrade) and the bp handshake. Default: the protocol's `connectTimeout` (30 s). Exceeding it
   * fails the attempt with `ClientError` `connect-timeout`.
   */
  connectTimeout?: number;
  /**
   * Reconnect after a lost connection: `false` never, `true` or {@link BackoffOptions} for the
   * schedule. Default `true`. Never after `close()` or a permanent refusal (`unauthorized`,
   * `schema-mismatch`, `unsupported-version`, `bad-magic`). `connect()` does not retry the first
   * connection (it rejects); `createClient()` does.
   */
  reconnect?: boolean | BackoffOptions;
  /**
   * What `send` and `request` do while there is no connection (`connecting`, `reconnecting`):
   * - `'queue'` (default): hold them, in call order, and send them as soon as a connection is
   *   open; `send` returns false. Bounded by `maxQueuedMessages` / `maxQueuedBytes`, beyond which
   *   they fail with `ClientError` `queue-full`. A queued request's timeout and signal keep running.
   * - `'fail'`: fail at once with `ClientError` `not-connected`.
   * Either way, requests already sent when a connection drops fail with `ClientError`
   * `connection-lost` (the server may or may not have run them; they are never resent).
   */
  whileDisconnected?: 'queue' | 'fail';
  /** Bound of the disconnected queue in messages + requests. Default 1024. */
  maxQueuedMessages?: number;
  /** Bound of the disconnected queue in encoded bytes. Default 1 MiB. */
  maxQueuedBytes?: number;
  /** Aborts connecting until the first connection is open (the attempt fails with `signal.reason`); no effect after that. */
  signal?: AbortSignal;
  /**
   * Called when a one-way message queued while disconnected cannot go out once a connection is
   * open: `SessionError` `peer-lacks-type` (the server's schema has no such type),
   * `metadata-unsupported` (the server speaks a version without metadata), or what an interceptor
   * threw. Queued requests reject with the same errors; a queued `send` has no caller left to tell,
   * so without this option such a message is dropped (after the others have been sent).
   */
  onSendError?: (error: unknown, context: { readonly type: number }) => void;
  /** Called when a handler throws (see `onHandlerError` of the session options). */
  onHandlerError?: (error: unknown, context: { readonly type: number; readonly requestId?: number }) => void;
  /**
   * How schema differences with the server are handled: `'compatible'` (default) connects when
   * the server can resolve them (protocol version 2), `'exact'` refuses any difference. See
   * `SchemaPolicy`.
   */
  schemaPolicy?: SchemaPolicy;
  /**
   * The highest protocol version offered: 1 to 3 (default 3: schema resolution and per-call
   * metadata); 1 speaks exactly protocol version 1.
   */
  maxVersion?: number;
  /**
   * Interceptors of every call on every connection the client makes, both directions (see
   * `Interceptor`). Calls queued while disconnected pass them when they are sent.
   */
  interceptors?: readonly Interceptor<P>[];
}
