import type { Interceptor } from './interceptor.js';
import type { SessionLimits } from './limits.js';
import type { Metadata } from './metadata.js';
import type {
  MessageTypes,
  MessageValue,
  ReplyValue,
  RequestTypes,
  SessionProtocol,
} from './protocol-types.js';
import type { ConnectionData, Principal } from './register.js';
import type { ResolvedCodecCache } from './resolved-codec-cache.js';
import type { ApplicationError, SessionError } from './session-error.js';

/**
 * What a transport (TCP socket, TLS socket, WebSocket, in-memory pipe) gives a session. The
 * transport calls the session's `receive`, `transportDrained` and `transportClosed`.
 */
export interface SessionTransport {
  /**
   * Sends `chunk` (one or more whole frames). The session never writes into a chunk it handed
   * over, so the transport may keep it until it is sent. Returns false when the transport's own
   * buffer is above its high-water mark; the session then holds further output until
   * `session.transportDrained()`.
   */
  write(chunk: Uint8Array): boolean;
  /** Sends what was written, then closes gracefully. */
  end(): void;
  /** Closes now, dropping unsent data. */
  destroy(error?: Error): void;
  /** Optional: stop delivering received bytes (receive-side backpressure). */
  pause?(): void;
  /** Optional: resume delivering after {@link SessionTransport.pause}. */
  resume?(): void;
}

/**
 * The side of a session a transport feeds (a session is one): received bytes, drain and close
 * notifications. Transports (`MemoryTransport`, `SocketTransport`, `WebSocketTransport`,
 * `WebSocketServerTransport`) deliver to one sink, set once with `attach(sink)`.
 */
export interface TransportSink {
  /** Bytes received, in order. */
  receive(chunk: Uint8Array): void;
  /** The transport's send buffer fell to its low-water mark after `write` returned false. */
  transportDrained(): void;
  /** The connection closed; `error` says why when it did not end cleanly. */
  transportClosed(error?: Error): void;
}

/** The connection's life cycle. */
export type SessionState = 'handshaking' | 'open' | 'closing' | 'closed';

/** Options of {@link Session.request}. */
export interface RequestOptions {
  /** Abort the request: it fails with `aborted` and a `CANCEL` is sent. */
  signal?: AbortSignal;
  /** Timeout in ms (default: the session's `requestTimeout`); 0 = none. Fails with `timeout`. */
  timeout?: number;
  /**
   * Metadata sent with the request (docs/PROTOCOL.md section 20): lower-case keys, string values.
   * Absent or empty: nothing extra on the wire. On a connection below protocol version 3 the
   * request fails with `metadata-unsupported` and is not sent; during the handshake it waits for it.
   */
  metadata?: Metadata;
  /** Called with the reply's metadata (of its RESPONSE or ERROR) when it has any, before the promise settles. */
  onReplyMetadata?: (metadata: Metadata) => void;
}

/** Options of {@link Session.send}. */
export interface SendOptions {
  /**
   * Metadata sent with the message (section 20). Below protocol version 3 `send` throws
   * `metadata-unsupported`; during the handshake the message waits for it (and `send` returns false).
   */
  metadata?: Metadata;
}

/** Options of {@link Session.close}. */
export interface CloseOptions {
  /** How long to wait for requests in flight, ms (default: the session's `closeDeadline`). */
  deadline?: number;
  /** Why: `normal` (default) or `shutdown` (the server is going away). */
  code?: 'normal' | 'shutdown';
  /** Text for the peer's logs. */
  reason?: string;
}

/** What the peer announced in the handshake. */
export interface PeerInfo {
  /** The protocol version in use. */
  readonly version: number;
  /** The largest payload the peer accepts. */
  readonly maxPayloadSize: number;
  /** The peer's limit of requests in flight (client side: from WELCOME; server side: unlimited). */
  readonly maxInFlight: number;
  /** The heartbeat interval both sides use, ms (0 = none). */
  readonly heartbeatInterval: number;
  /**
   * Version 2, server side: the message types whose schemas differ from the client's and are
   * resolved on this connection (they travel in the client's layout, see `schemaPolicy`),
   * ascending. Empty when the schemas are equal, and always on the client side.
   */
  readonly resolvedTypes: readonly number[];
  /**
   * Version 2: this side's message types the peer's protocol lacks, ascending. Sending one (or
   * requesting with one as the reply type) fails with `peer-lacks-type`. Empty when the schemas
   * are equal.
   */
  readonly absentTypes: readonly number[];
}

/**
 * What a session does when the peer's schemas differ from its own (docs/PROTOCOL.md section 7.6):
 * - `'compatible'` (default): connect when the differences are compatible (fields added with a
 *   default, fields dropped, numbers widened, renames with aliases, enum members with a
 *   fallback...) and types only one side has; refuse with `schema-mismatch` naming each type,
 *   field path and rule otherwise. Needs protocol version 2 on both sides.
 * - `'exact'`: any difference is refused with `schema-mismatch`, as in protocol version 1.
 */
export type SchemaPolicy = 'compatible' | 'exact';

/** What a handler gets besides the value. */
export interface HandlerContext<P extends SessionProtocol = SessionProtocol> {
  /** The session the message arrived on. */
  readonly session: Session<P>;
  /** Server side: what authentication returned (its type: `Register`). */
  readonly principal: Principal;
  /** Fires when the request is cancelled by the peer or the connection closes. */
  readonly signal: AbortSignal;
  /** The request id, for requests; undefined for one-way messages. */
  readonly requestId: number | undefined;
  /** The metadata the peer sent with this request or message; empty when none. */
  readonly metadata: Metadata;
  /**
   * Requests: metadata to send with the answer (RESPONSE or ERROR); set keys on it before
   * returning. Ignored for one-way messages.
   */
  readonly replyMetadata: Record<string, string>;
}

/**
 * Handlers per message type. For a request type (one with a reply in the protocol's `responses`)
 * the return value (or the promise's value) is the reply; for one-way types the return value is
 * ignored. A thrown error becomes an `ERROR` answer for that request only: an
 * {@link ApplicationError} with its code and message, anything else as `handler-error` with a fixed
 * message (no stack traces reach the peer).
 */
export type Handlers<P extends SessionProtocol> = {
  [T in MessageTypes<P>]?: (
    value: MessageValue<P, T>,
    context: HandlerContext<P>,
  ) => T extends RequestTypes<P> ? ReplyValue<P, T> | PromiseLike<ReplyValue<P, T>> : unknown;
};

/** The state machine of one connection. Created by `createServerSession` / `createClientSession`. */
export interface Session<P extends SessionProtocol = SessionProtocol> {
  /** Bytes from the peer, in any chunking (called by the transport). */
  receive(chunk: Uint8Array): void;
  /** The transport's buffer went below its high-water mark (called by the transport). */
  transportDrained(): void;
  /** The transport closed (called by the transport). */
  transportClosed(error?: Error): void;
  /**
   * Hands everything queued to the transport now instead of at the end of the current microtask
   * turn. Transports call it before they close; applications rarely need it.
   */
  flush(): void;

  /** Where the connection is in its life cycle. */
  readonly state: SessionState;
  /** Resolves after the handshake; rejects with a {@link SessionError} on reject, timeout or close. */
  readonly ready: Promise<void>;
  /** Server side: what authentication returned (undefined without authentication; its type: `Register`). */
  readonly principal: Principal;
  /**
   * The application's own state for this connection (socket.io's `socket.data`): undefined until
   * you set it, never read or sent by bp. Handlers reach it as `ctx.session.data`, typically
   * made on first use: `ctx.session.data ??= new PlayerState()`, with its type declared in
   * `Register`. Cheaper than a `WeakMap` keyed by the session (one property load a message),
   * and nothing is held for connections that never set it.
   */
  data: ConnectionData | undefined;
  /** What the peer announced, once the handshake is done. */
  readonly peer: PeerInfo | undefined;
  /** Bytes queued and not yet handed to the transport. */
  readonly queuedBytes: number;
  /**
   * Complete frames received from the peer since the session started, of every kind (handshake,
   * `PING`/`PONG`, `GOODBYE` and `ERROR` included).
   */
  readonly framesRead: number;
  /**
   * Frames handed to the transport since the session started, of every kind. Frames still queued
   * (see {@link Session.queuedBytes}) and frames dropped unsent when the session failed are not
   * counted.
   */
  readonly framesWritten: number;

  /**
   * Sends a request and resolves with the reply's value. While the outgoing queue is at or above
   * `maxQueuedBytes` (the peer reads slower than requests are made), the request waits for room,
   * in order, before it is written: it fails with `aborted` if `options.signal` aborts and with
   * `timeout` if its timeout (`options.timeout`, else `requestTimeout`) passes first; the time spent
   * waiting counts against that timeout. Waiting requests count against the peer's `maxInFlight`
   * (`too-many-in-flight` past it), so the wait is bounded.
   */
  request<T extends RequestTypes<P>>(
    type: T,
    value: MessageValue<P, T>,
    options?: RequestOptions,
  ): Promise<ReplyValue<P, T>>;
  /** Sends a one-way message; false means the queue is above its high watermark: await `drained()`. */
  send<T extends MessageTypes<P>>(type: T, value: MessageValue<P, T>, options?: SendOptions): boolean;
  /** Resolves when the outgoing queue is at or below the low watermark (or the session closed). */
  drained(): Promise<void>;
  /** Calls `handler` for every one-way message of `type`; returns the unsubscribe function. */
  on<T extends MessageTypes<P>>(type: T, handler: (value: MessageValue<P, T>) => void): () => void;
  /** The one-way messages of `type` as an async iterator (ends when the session closes). */
  messages<T extends MessageTypes<P>>(
    type: T,
    options?: { signal?: AbortSignal },
  ): AsyncIterableIterator<MessageValue<P, T>>;
  /** Graceful close: GOODBYE, drain requests in flight (up to the deadline), then end the transport. */
  close(options?: CloseOptions): Promise<void>;
  /** Called once when the session closes; with an error unless the close was graceful. */
  onClose(listener: (error?: Error) => void): () => void;
}

/** Authentication of a server session: a fixed token, or a function (throw or return false to refuse). */
export type SessionAuth =
  | { readonly token: string }
  | {
      authenticate(
        hello: { readonly token?: string | undefined; readonly version: number },
        info: { readonly remoteAddress?: string | undefined },
      ): unknown | Promise<unknown>;
    };

/** Options shared by both sides. */
export interface SessionOptions<P extends SessionProtocol> {
  /** The protocol (a `Protocol` or `ProtocolConfig` of `@bp/codec`). */
  protocol: P;
  /** The transport to write to; it must call the session's `receive`/`transportDrained`/`transportClosed`. */
  transport: SessionTransport;
  /** Handlers for messages and requests from the peer. */
  handlers?: Handlers<P>;
  /** Limits and timers; see {@link SessionLimits}. */
  limits?: Partial<SessionLimits>;
  /**
   * Called when a handler throws for a one-way message, or fails a request with something other
   * than an {@link ApplicationError} (the peer only sees `handler-error`). Default: errors of
   * one-way handlers are written to `console.error` (never rethrown: one peer's message must not
   * be able to crash a server), errors of request handlers are only reported to the peer.
   */
  onHandlerError?: (error: unknown, context: { readonly type: number; readonly requestId?: number }) => void;
  /** How schema differences with the peer are handled; see {@link SchemaPolicy}. Default `'compatible'`. */
  schemaPolicy?: SchemaPolicy;
  /**
   * The highest protocol version this side speaks: 1 to 3 (default 3). With 1 the session speaks
   * exactly protocol version 1 (no schema resolution, no metadata), e.g. to test against
   * version-1 peers; 2 adds schema resolution, 3 per-call metadata.
   */
  maxVersion?: number;
  /**
   * Wrap every call of this session, both directions: requests and one-way messages this side
   * sends, and those the peer sends (see {@link Interceptor}). The first is outermost. None (the
   * default): calls take their direct path, nothing is allocated for interception.
   */
  interceptors?: readonly Interceptor<P>[];
}

/** Options of `createServerSession`. */
export interface ServerSessionOptions<P extends SessionProtocol> extends SessionOptions<P> {
  /** How to check the client's credentials; none = everyone is accepted. */
  auth?: SessionAuth;
  /** The peer's address, passed to `authenticate`. */
  remoteAddress?: string;
  /**
   * Where codecs resolved for clients' schemas are kept (shared by all sessions given the same
   * cache). Default: one cache per protocol object, see {@link ResolvedCodecCache}.
   */
  schemaCache?: ResolvedCodecCache;
}

/** Options of `createClientSession`. */
export interface ClientSessionOptions<P extends SessionProtocol> extends SessionOptions<P> {
  /** Credentials sent in the HELLO. */
  token?: string;
}
