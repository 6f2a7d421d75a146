import type { Metadata } from './metadata.js';
import type {
  MessageTypes,
  MessageValue,
  ReplyValue,
  RequestTypes,
  SessionProtocol,
} from './protocol-types.js';
import type { Principal } from './register.js';
import type { PeerInfo, Session } from './types.js';

/**
 * One call as interceptors see it: a request or a one-way message, sent by this side (`outgoing`)
 * or received from the peer (`incoming`), or, on servers, a broadcast to rooms (`kind`
 * `'broadcast'`, see {@link BroadcastCallOf}: once per broadcast, not per member, without a session). A union over the protocol's message types, so checking
 * `call.type` narrows `call.value` (`Infer` of the type's schema flows through).
 *
 * An interceptor may pass a changed call on (`next({ ...call, metadata: { ...call.metadata, k: v } })`);
 * only `value` and `metadata` are read from what it passes, and only on outgoing calls `metadata`
 * reaches the wire (on incoming ones it is what the handler sees in `context.metadata`).
 */
export type Call<P extends SessionProtocol = SessionProtocol> = {
  [T in MessageTypes<P>]: CallOf<P, T> | BroadcastCallOf<P, T>;
}[MessageTypes<P>];

/** The {@link Call} of message type `T` on one session. */
export interface CallOf<P extends SessionProtocol, T> {
  /** `request`: a REQUEST answered by a RESPONSE or ERROR; `message`: one-way (a push, from a server). */
  readonly kind: T extends RequestTypes<P> ? 'request' | 'message' : 'message';
  /** `outgoing`: this side sends it; `incoming`: the peer sent it and a handler will run. */
  readonly direction: 'outgoing' | 'incoming';
  /** The message type number. */
  readonly type: T;
  /** The message type's name from the protocol's enum, when it has one. */
  readonly typeName: string | undefined;
  /** The (decoded) value. */
  readonly value: MessageValue<P, T>;
  /** The call's metadata; empty when there is none (never undefined). */
  readonly metadata: Metadata;
  /** The session the call runs on. */
  readonly session: Session<P>;
  /** Server side: what authentication returned (also on outgoing pushes); undefined on clients. */
  readonly principal: Principal;
  /** What the peer announced in the handshake (`version` >= 3: metadata can be sent); undefined while handshaking. */
  readonly peer: PeerInfo | undefined;
  /**
   * Incoming requests: fires when the peer cancels or the connection closes. Outgoing requests:
   * the caller's signal, or the session's. One-way messages: the session's.
   */
  readonly signal: AbortSignal;
  /** Incoming requests: the peer's request id; otherwise undefined. */
  readonly requestId: number | undefined;
}

/**
 * A broadcast (`server.rooms.broadcast` of `@bp/transport-node`) as the server's interceptors see
 * it: **once per broadcast**, not once per member, so that the message is still encoded once and
 * the same bytes go to every member, and a broadcast to 1,000 members costs the interceptors one
 * call (one metric increment, one span). `session`, `principal` and `peer` are undefined: a
 * broadcast belongs to no connection.
 *
 * An interceptor may short-circuit it (throw or reject: nothing is delivered nor forwarded to
 * other servers, and the error goes to the server's `onHandlerError`), or return without calling
 * `next` (skipped). It cannot change what is sent: the frame is encoded before the chain runs, so
 * `value` and `metadata` changes in what it passes on are ignored, and a broadcast frame carries
 * no metadata. `next` delivers at most once (calling it again resolves with the first outcome).
 * The outcome's {@link CallResult.broadcast} counts what happened to the members on this server. Deliveries of broadcasts that started on another server (through an adapter) do
 * not run interceptors: the originating server's did, once.
 */
export interface BroadcastCallOf<P extends SessionProtocol, T> {
  readonly kind: 'broadcast';
  /** Always `outgoing`. */
  readonly direction: 'outgoing';
  /** The message type number. */
  readonly type: T;
  /** The message type's name from the protocol's enum, when it has one. */
  readonly typeName: string | undefined;
  /** The value broadcast (for a broadcast of a pre-encoded frame: decoded from it). */
  readonly value: MessageValue<P, T>;
  /** Always empty: a broadcast frame carries no metadata. */
  readonly metadata: Metadata;
  /** The rooms (undefined: every open connection of the server). */
  readonly rooms: readonly string[] | undefined;
  /** Rooms whose members are left out, on every server (the broadcast's `exceptRooms`). */
  readonly exceptRooms: readonly string[] | undefined;
  /** Whether congested members are skipped (the broadcast's `volatile`). */
  readonly volatile: boolean;
  /** Whether it stays on this server (the broadcast's `local`, or no adapter is installed). */
  readonly local: boolean;
  /** Undefined: a broadcast belongs to no connection. */
  readonly session: undefined;
  /** Undefined: a broadcast belongs to no connection. */
  readonly principal: undefined;
  /** Undefined: a broadcast belongs to no connection. */
  readonly peer: undefined;
  /** A signal that never aborts (a broadcast is delivered at once, or not at all). */
  readonly signal: AbortSignal;
  /** Undefined. */
  readonly requestId: undefined;
}

/**
 * What one broadcast did on this server: how many members got the frame, and why others did not
 * (`server.rooms.broadcast` returns it; {@link CallResult.broadcast} carries it to interceptors).
 */
export interface BroadcastResult {
  /** Members the frame was queued for, whose queue stayed below its high-water mark. */
  readonly sent: number;
  /**
   * Members the frame was queued for whose queue is now at or over its high-water mark (their
   * slow-consumer policy applies: `close` closes them, `backpressure` up to `maxBufferedBytes`).
   */
  readonly congested: number;
  /** Members skipped by a `volatile` broadcast because they were congested already. */
  readonly dropped: number;
  /** Members skipped because the payload exceeds their negotiated `maxPayloadSize`. */
  readonly tooLarge: number;
  /** Members skipped because they were not open (still in their handshake, closing or closed). */
  readonly notOpen: number;
  /** Members skipped because their protocol lacks the type (an older or newer schema, version 2). */
  readonly absent: number;
}

/**
 * The outcome of a call. For a request: the reply's value and the reply's metadata. For a one-way
 * message: `value` undefined once it was written (outgoing) or delivered (incoming). For a
 * broadcast: `value` undefined and the counts in `broadcast`.
 */
export interface CallResult<P extends SessionProtocol = SessionProtocol> {
  readonly value: ReplyValue<P, RequestTypes<P>> | undefined;
  /** Reply metadata: received (outgoing requests) or to send with the RESPONSE/ERROR (incoming). */
  readonly metadata: Metadata;
  /** A broadcast's outcome on this server (`kind` `'broadcast'` only; absent when skipped). */
  readonly broadcast?: BroadcastResult;
}

/** The rest of the chain: the next interceptor, or the call itself (write, or run the handler). */
export type CallHandler<P extends SessionProtocol = SessionProtocol> = (
  call: Call<P>,
) => Promise<CallResult<P>>;

/**
 * Wraps every call of a session, both directions, like connect-es interceptors:
 *
 * ```ts
 * const timing: Interceptor<typeof protocol> = (next) => async (call) => {
 *   const started = performance.now();
 *   try {
 *     return await next(call);
 *   } finally {
 *     console.log(call.direction, call.typeName, performance.now() - started);
 *   }
 * };
 * ```
 *
 * Throwing (or rejecting) short-circuits the call: an incoming request is answered with that
 * error (an `ApplicationError` keeps its code and message, anything else is `handler-error`), an
 * outgoing request rejects with it, nothing is sent. For one-way messages there is no caller to
 * fail: the error goes to `onHandlerError` and the message is dropped (incoming: its handlers do
 * not run; outgoing: it is not sent).
 */
export type Interceptor<P extends SessionProtocol = SessionProtocol> = (
  next: CallHandler<P>,
) => CallHandler<P>;

/**
 * Composes `interceptors` around `last`, the first interceptor outermost (it sees the call first
 * and the outcome last). Undefined when there are none, so callers keep their direct path.
 */
export function composeInterceptors<P extends SessionProtocol>(
  interceptors: readonly Interceptor<P>[] | undefined,
  last: CallHandler<P>,
): CallHandler<P> | undefined {
  if (interceptors === undefined || interceptors.length === 0) return undefined;
  let next = last;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i];
    if (typeof interceptor !== 'function') {
      throw new TypeError(
        `interceptors[${i}] must be a function (next) => (call) => Promise, got ${typeof interceptor}`,
      );
    }
    next = interceptor(next);
  }
  return next;
}
