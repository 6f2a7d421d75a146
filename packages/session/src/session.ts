import {
  decodeErrorFrame,
  decodeGoodbye,
  decodeReject,
  decodeWelcome,
  ERROR_MIN_BODY,
  encodeHello,
  GOODBYE_MIN_BODY,
  type GoodbyeFrame,
  HELLO_MIN_BODY,
  type HelloFrame,
  REJECT_MIN_BODY,
  readU32,
  WELCOME_MIN_BODY,
  writeFrameHeader,
  writeU32,
} from './control-frames.js';
import { ErrorCode, errorCodeName, type SessionErrorCode, type WireErrorName } from './error-codes.js';
import { fingerprintOf } from './fingerprint.js';
import {
  CONTROL_FRAME_LIMIT,
  FRAME_HEADER_SIZE,
  FrameKind,
  HANDSHAKE_FRAME_LIMIT,
  MAGIC,
  MAX_FRAME_BODY,
  PROTOCOL_VERSION,
} from './frame-kind.js';
import { createFrameLimits, type FrameLimits, FrameReader, type FrameSink, NOT_NOW } from './frame-reader.js';
import { isThenable } from './is-thenable.js';
import { resolveLimits, type SessionLimits } from './limits.js';
import { type IteratorOwner, MessageIterator } from './message-iterator.js';
import { MessageTable } from './message-table.js';
import { OutgoingBuffer } from './outgoing-buffer.js';
import { nextRequestId, PendingRequest } from './pending-request.js';
import type { SessionProtocol } from './protocol-types.js';
import { RateLimiter } from './rate-limiter.js';
import { RequestContext } from './request-context.js';
import type { ServerHandshake } from './server-handshake.js';
import { isApplicationError, SessionError } from './session-error.js';
import { encodeText } from './text.js';
import type {
  CloseOptions,
  HandlerContext,
  PeerInfo,
  RequestOptions,
  ServerSessionOptions,
  Session,
  SessionAuth,
  SessionOptions,
  SessionState,
  SessionTransport,
} from './types.js';

type Timer = ReturnType<typeof setTimeout>;
type Listener = (value: unknown, context: HandlerContext<any>) => unknown;

/** Pause reasons, as bits: the transport is paused while any is set. */
const PAUSED_FOR_OUTPUT = 1;
const PAUSED_FOR_ITERATOR = 2;

const noop = (): void => {};

function unref(timer: Timer): Timer {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * The state machine of one connection, both sides. See docs/PROTOCOL.md for the wire rules it
 * implements; this class is exposed through `createServerSession` and `createClientSession`.
 *
 * Hot paths (send, message dispatch, request/response) allocate nothing per message beyond what
 * the API returns (the request's promise) and what the codec decodes: frames are encoded straight
 * into {@link OutgoingBuffer}, flushed once per microtask turn, and decoded from views of the
 * received chunks.
 */
export class BpSession<P extends SessionProtocol> implements Session<P>, FrameSink, IteratorOwner {
  readonly #protocol: P;
  readonly #transport: SessionTransport;
  readonly #role: 'client' | 'server';
  /** The HELLO-answering code; only server sessions carry it (see server-handshake.ts). */
  readonly #server: ServerHandshake | undefined;
  readonly #limits: SessionLimits;
  readonly #headerSize: number;
  /** Direct codec access for the hot paths; undefined when the protocol only offers the generic API. */
  readonly #table: MessageTable | undefined;
  /** The last message decoded by #decode (fields, not an object: nothing allocated per message). */
  #decodedType = 0;
  #decodedValue: unknown;
  readonly #frameLimits: FrameLimits;
  readonly #reader: FrameReader;
  readonly #out = new OutgoingBuffer();
  readonly #flushTask = (): void => this.flush();
  readonly #onHandlerError: SessionOptions<P>['onHandlerError'];

  #state: SessionState = 'handshaking';
  /** Output waits while the handshake runs; the handshake frames themselves bypass the queue. */
  #hold = true;
  #flushScheduled = false;
  /** The transport said its buffer is full; output waits for `transportDrained()`. */
  #blocked = false;
  #paused = 0;
  #drainPromise: Promise<void> | undefined;
  #drainResolve: (() => void) | undefined;

  // Peer limits (from the handshake).
  #peer: PeerInfo | undefined;
  #peerMaxPayload: number;
  #peerMaxInFlight = Number.POSITIVE_INFINITY;

  // Requests.
  readonly #pending = new Map<number, PendingRequest>();
  #lastRequestId = 0;
  #sweepTimer: Timer | undefined;
  readonly #incoming = new Map<number, RequestContext<P>>();

  // Handlers and subscribers, per message type. Arrays are replaced, never mutated, so a
  // dispatch loop is not disturbed by an unsubscribe inside a handler.
  readonly #handlers = new Map<number, Listener>();
  readonly #listeners = new Map<number, Listener[]>();
  readonly #iterators = new Set<MessageIterator<unknown>>();
  #fullIterators = 0;
  #messageContext: HandlerContext<P> | undefined;
  #sessionAbort: AbortController | undefined;

  // Handshake.
  #readyResolve!: () => void;
  #readyReject!: (error: unknown) => void;
  readonly ready: Promise<void>;
  #handshakeTimer: Timer | undefined;
  readonly #auth: SessionAuth | undefined;
  readonly #remoteAddress: string | undefined;
  #principal: unknown;

  // Liveness. The receive path only counts frames; the timer turns the count into time, so no
  // clock is read per message (section 12 counts complete frames, so bytes of a frame that never
  // completes keep nobody alive).
  #tickTimer: Timer | undefined;
  /**
   * Complete frames received, plus the other signs of life (a drain while reading is paused for
   * output, the end of a pause for our own consumer). Only compared for equality, so it may wrap.
   */
  #framesReceived = 0;
  /** #framesReceived as the timer saw it last. */
  #framesSeen = 0;
  /** Whether a frame was half-received at the last tick (for heartbeatInterval 0). */
  #wasInFrame = false;
  /** When the timer last saw a sign of life: a frame received since its previous look, at the latest. */
  #lastReceived = 0;
  /** Frames received (exact, unlike #framesReceived), for `framesRead`. */
  #framesRead = 0;
  /** Handshake frames written straight to the transport, past the outgoing queue. */
  #framesDirect = 0;
  #lastPing = 0;
  #pingNonce = 0;
  #activity = false;
  #lastActivity = 0;
  #heartbeatInterval = 0;
  #readTimeout = 0;
  #rate: RateLimiter | undefined;

  // Close.
  #goodbyeSent = false;
  #goodbyeReceived = false;
  #peerGoodbye: GoodbyeFrame | undefined;
  #deadlineTimer: Timer | undefined;
  /** True while #endTransport runs (see there). */
  #endingTransport = false;
  readonly #closeListeners = new Set<(error?: Error) => void>();
  #closedResolve!: () => void;
  readonly #closed: Promise<void>;
  #closeError: Error | undefined;

  constructor(
    role: 'client' | 'server',
    options: SessionOptions<P> & Partial<ServerSessionOptions<P>> & { token?: string },
    server?: ServerHandshake,
  ) {
    const protocol = options.protocol;
    this.#protocol = protocol;
    this.#transport = options.transport;
    this.#role = role;
    this.#server = server;
    this.#limits = resolveLimits(protocol, options.limits);
    this.#headerSize = protocol.headerSize;
    this.#table = MessageTable.of(protocol);
    this.#peerMaxPayload = this.#limits.maxPayloadSize;
    this.#onHandlerError = options.onHandlerError;
    this.#auth = options.auth;
    this.#remoteAddress = options.remoteAddress;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    // Nobody may be awaiting `ready`; its rejection must not become an unhandled rejection.
    this.ready.catch(noop);
    this.#closed = new Promise<void>((resolve) => {
      this.#closedResolve = resolve;
    });
    if (options.handlers !== undefined) {
      for (const [key, handler] of Object.entries(options.handlers)) {
        if (typeof handler !== 'function') continue;
        const type = Number(key);
        if (!protocol.hasType(type)) throw new TypeError(`handler for unknown message type ${key}`);
        this.#handlers.set(type, handler as Listener);
      }
    }
    this.#frameLimits = createFrameLimits();
    this.#reader = new FrameReader(this, this.#frameLimits);
    this.#lastActivity = Date.now();
    this.#setHandshakeLimits();
    this.#handshakeTimer = unref(setTimeout(() => this.#onHandshakeTimeout(), this.#limits.handshakeTimeout));
    if (role === 'client') this.#sendHello(options.token);
  }

  // ---------------------------------------------------------------------------------------------
  // Public surface.

  get state(): SessionState {
    return this.#state;
  }

  get principal(): unknown {
    return this.#principal;
  }

  get peer(): PeerInfo | undefined {
    return this.#peer;
  }

  /** The peer's GOODBYE (code, deadline, reason), once it arrived. */
  get peerGoodbye(): GoodbyeFrame | undefined {
    return this.#peerGoodbye;
  }

  get queuedBytes(): number {
    return this.#out.queued;
  }

  get framesRead(): number {
    return this.#framesRead;
  }

  get framesWritten(): number {
    return this.#out.framesTaken + this.#framesDirect;
  }

  /** The effective limits of this session. */
  get limits(): Readonly<SessionLimits> {
    return this.#limits;
  }

  send(type: number, value: unknown): boolean {
    if (this.#goodbyeSent || this.#state === 'closed') throw this.#notOpen();
    this.#writeTyped(FrameKind.MESSAGE, 0, type, value);
    this.#activity = true;
    return this.#afterWrite();
  }

  request(type: number, value: unknown, options?: RequestOptions): Promise<any> {
    const replyType = this.#protocol.replyTypeOf(type) as number | undefined;
    if (replyType === undefined) {
      return Promise.reject(
        new SessionError('no-reply-type', `message type ${this.#typeLabel(type)} has no declared reply type`),
      );
    }
    if (this.#goodbyeSent || this.#state === 'closed') return Promise.reject(this.#notOpen());
    if (this.#pending.size >= this.#peerMaxInFlight) {
      return Promise.reject(
        new SessionError(
          'too-many-in-flight',
          `the peer accepts at most ${this.#peerMaxInFlight} requests in flight`,
        ),
      );
    }
    const signal = options?.signal;
    if (signal?.aborted) {
      return Promise.reject(new SessionError('aborted', 'the request was aborted', { cause: signal.reason }));
    }
    const id = nextRequestId(this.#lastRequestId, this.#pending);
    try {
      this.#writeTyped(FrameKind.REQUEST, id, type, value);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#lastRequestId = id;
    this.#activity = true;
    const pending = new PendingRequest(id, replyType);
    const promise = new Promise<unknown>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    const timeout = options?.timeout;
    if (timeout === undefined) {
      if (this.#limits.requestTimeout > 0) {
        pending.deadline = Date.now() + this.#limits.requestTimeout;
        if (this.#sweepTimer === undefined) this.#armSweep(this.#limits.requestTimeout);
      }
    } else if (timeout > 0) {
      pending.timer = unref(setTimeout(() => this.#expire(pending, 'timeout'), timeout));
    }
    if (signal !== undefined) {
      pending.signal = signal;
      pending.onAbort = () => this.#expire(pending, 'aborted');
      signal.addEventListener('abort', pending.onAbort, { once: true });
    }
    this.#pending.set(id, pending);
    this.#afterWrite();
    return promise;
  }

  drained(): Promise<void> {
    if (this.#out.queued <= this.#limits.lowWatermark || this.#state === 'closed') return Promise.resolve();
    this.#drainPromise ??= new Promise<void>((resolve) => {
      this.#drainResolve = resolve;
    });
    return this.#drainPromise;
  }

  on(type: number, handler: (value: any) => void): () => void {
    if (!this.#protocol.hasType(type)) throw new TypeError(`unknown message type ${type}`);
    const listener = handler as Listener;
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
    return () => {
      const list = this.#listeners.get(type);
      if (list === undefined) return;
      const index = list.indexOf(listener);
      if (index < 0) return;
      const next = list.filter((_, i) => i !== index);
      if (next.length === 0) this.#listeners.delete(type);
      else this.#listeners.set(type, next);
    };
  }

  messages(type: number, options?: { signal?: AbortSignal }): AsyncIterableIterator<any> {
    const iterator = new MessageIterator<unknown>(this, this.#limits.iteratorHighWaterMark, options?.signal);
    if (this.#state === 'closed') {
      iterator.end(this.#closeError);
      return iterator;
    }
    this.#iterators.add(iterator);
    const unsubscribe = this.on(type, (value) => iterator.push(value));
    (iterator as unknown as { unsubscribe: () => void }).unsubscribe = unsubscribe;
    return iterator;
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    if (this.#state === 'handshaking') {
      this.#endTransport(false);
      this.#shutdown(new SessionError('connection-closed', 'closed before the handshake completed'));
      return Promise.resolve();
    }
    if (!this.#goodbyeSent) {
      const deadline = options.deadline ?? this.#limits.closeDeadline;
      this.#sendGoodbye(ErrorCode[options.code ?? 'normal'], deadline, options.reason ?? '');
    }
    this.#maybeFinishClose();
    return this.#closed;
  }

  onClose(listener: (error?: Error) => void): () => void {
    if (this.#state === 'closed') {
      listener(this.#closeError);
      return noop;
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  // ---------------------------------------------------------------------------------------------
  // Transport side.

  receive(chunk: Uint8Array): void {
    if (this.#state === 'closed') return;
    const rate = this.#rate;
    if (rate !== undefined) rate.refill(Date.now());
    try {
      this.#reader.push(chunk);
    } catch (error) {
      if (error instanceof SessionError) this.#fatal(error.code as WireErrorName, error.message);
      else this.#fatal('internal-error', 'internal error while reading a frame', error);
    }
  }

  transportDrained(): void {
    if (!this.#blocked) return;
    // While reading is paused for output, a drain is the only sign that the peer is alive: it read.
    if (this.#paused & PAUSED_FOR_OUTPUT) this.#framesReceived = (this.#framesReceived + 1) | 0;
    this.#blocked = false;
    this.flush();
  }

  transportClosed(error?: Error): void {
    if (this.#state === 'closed' || this.#endingTransport) return;
    if (this.#goodbyeSent && this.#goodbyeReceived && this.#pending.size === 0 && error === undefined) {
      this.#shutdown(undefined);
      return;
    }
    this.#shutdown(
      new SessionError(
        'connection-closed',
        error === undefined ? 'the connection closed' : `the connection closed: ${error.message}`,
        { cause: error },
      ),
    );
  }

  flush(): void {
    this.#flushScheduled = false;
    if (this.#blocked || this.#hold || this.#state === 'closed') return;
    const chunk = this.#out.take();
    if (chunk === undefined) return;
    if (!this.#transport.write(chunk)) this.#blocked = true;
    if (this.#out.queued <= this.#limits.lowWatermark) this.#queueLow();
  }

  // ---------------------------------------------------------------------------------------------
  // Frame dispatch (FrameSink).

  onFrame(kind: number, source: Uint8Array, start: number, end: number): void {
    this.#framesReceived = (this.#framesReceived + 1) | 0;
    this.#framesRead++;
    switch (kind) {
      case FrameKind.MESSAGE:
        this.#onMessage(source, start, end);
        return;
      case FrameKind.REQUEST:
        this.#onRequest(source, start, end);
        return;
      case FrameKind.RESPONSE:
        this.#onResponse(source, start, end);
        return;
      case FrameKind.ERROR:
        this.#onError(source, start, end);
        return;
      case FrameKind.PING:
        this.#writeU32Frame(FrameKind.PONG, readU32(source, start));
        this.#afterWrite();
        return;
      case FrameKind.PONG:
        // Any frame proves liveness; `receive` already noted the time.
        return;
      case FrameKind.CANCEL:
        this.#onCancel(readU32(source, start));
        return;
      case FrameKind.GOODBYE:
        this.#onGoodbye(source, start, end);
        return;
      case FrameKind.HELLO:
        this.#onHello(source, start, end);
        return;
      case FrameKind.WELCOME:
        this.#onWelcome(source, start, end);
        return;
      case FrameKind.REJECT:
        this.#onReject(source, start, end);
        return;
      default:
        this.#fatal('malformed-frame', `unknown frame kind ${kind}`);
    }
  }

  #onMessage(source: Uint8Array, start: number, end: number): void {
    if (this.#goodbyeReceived) {
      this.#fatal('unexpected-frame', 'MESSAGE after GOODBYE');
      return;
    }
    if (this.#rate !== undefined && !this.#rate.take(end - start + FRAME_HEADER_SIZE)) {
      this.#fatal('rate-limited', 'message rate limit exceeded');
      return;
    }
    if (!this.#decode(source, start, end)) return;
    const type = this.#decodedType;
    const value = this.#decodedValue;
    this.#activity = true;
    const handler = this.#handlers.get(type);
    if (handler !== undefined) this.#callListener(handler, type, value);
    const list = this.#listeners.get(type);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) this.#callListener(list[i], type, value);
  }

  #callListener(listener: Listener, type: number, value: unknown): void {
    try {
      listener(value, (this.#messageContext ??= this.#createMessageContext()));
    } catch (error) {
      this.#reportHandlerError(error, type, undefined, true);
    }
  }

  #onRequest(source: Uint8Array, start: number, end: number): void {
    const id = readU32(source, start);
    if (id === 0) {
      this.#fatal('malformed-frame', 'REQUEST with id 0');
      return;
    }
    if (this.#goodbyeReceived) {
      this.#sendError(id, 'closing', 'the connection is closing');
      return;
    }
    if (this.#rate !== undefined && !this.#rate.take(end - start + FRAME_HEADER_SIZE)) {
      this.#sendError(id, 'rate-limited', 'request rate limit exceeded');
      return;
    }
    if (this.#incoming.has(id)) {
      this.#fatal('unexpected-frame', `request id ${id} is already in flight`);
      return;
    }
    if (this.#incoming.size >= this.#limits.maxInFlightRequests) {
      this.#sendError(
        id,
        'too-many-in-flight',
        `at most ${this.#limits.maxInFlightRequests} requests in flight`,
      );
      return;
    }
    if (!this.#decode(source, start + 4, end)) return;
    const type = this.#decodedType;
    const value = this.#decodedValue;
    this.#activity = true;
    const replyType = this.#protocol.replyTypeOf(type) as number | undefined;
    const handler = this.#handlers.get(type);
    if (replyType === undefined || handler === undefined) {
      this.#sendError(id, 'no-handler', `no handler for request type ${type}`);
      return;
    }
    const context = new RequestContext<P>(this, id);
    let result: unknown;
    try {
      result = handler(value, context);
    } catch (error) {
      this.#failRequest(id, type, error);
      return;
    }
    if (isThenable(result)) {
      this.#incoming.set(id, context);
      result.then(
        (reply) => this.#completeRequest(context, type, replyType, reply),
        (error) => this.#completeRequest(context, type, replyType, undefined, error, true),
      );
      return;
    }
    this.#respond(id, type, replyType, result);
  }

  #completeRequest(
    context: RequestContext<P>,
    type: number,
    replyType: number,
    reply: unknown,
    error?: unknown,
    failed = false,
  ): void {
    // A cancelled request was already removed; its late answer is not wanted.
    if (this.#incoming.get(context.requestId) !== context) return;
    this.#incoming.delete(context.requestId);
    if (this.#state === 'closed') return;
    if (failed) this.#failRequest(context.requestId, type, error);
    else this.#respond(context.requestId, type, replyType, reply);
    this.#maybeFinishClose();
  }

  #respond(id: number, type: number, replyType: number, reply: unknown): void {
    try {
      this.#writeTyped(FrameKind.RESPONSE, id, replyType, reply);
    } catch (error) {
      this.#reportHandlerError(error, type, id, false);
      this.#sendError(id, 'handler-error', 'the reply could not be encoded');
      return;
    }
    this.#afterWrite();
  }

  #failRequest(id: number, type: number, error: unknown): void {
    if (isApplicationError(error)) {
      this.#sendErrorCode(id, error.wireCode, error.message);
      return;
    }
    this.#reportHandlerError(error, type, id, false);
    this.#sendError(id, 'handler-error', 'handler failed');
  }

  #onResponse(source: Uint8Array, start: number, end: number): void {
    const id = readU32(source, start);
    const pending = this.#pending.get(id);
    // Late answers (after a timeout, an abort or a cancel) are expected and ignored.
    if (pending === undefined) return;
    if (!this.#decode(source, start + 4, end)) return;
    const type = this.#decodedType;
    const value = this.#decodedValue;
    if (type !== pending.replyType) {
      this.#fatal(
        'unexpected-frame',
        `RESPONSE to request ${id} has type ${type}, expected ${pending.replyType}`,
      );
      return;
    }
    this.#pending.delete(id);
    pending.dispose();
    this.#activity = true;
    pending.resolve(value);
    if (this.#goodbyeSent) this.#maybeFinishClose();
  }

  #onError(source: Uint8Array, start: number, end: number): void {
    const frame = decodeErrorFrame(source, start, end);
    const code = errorCodeName(frame.code);
    if (frame.requestId === 0) {
      const error = new SessionError(code, frame.message || code, { remote: true, wireCode: frame.code });
      this.#endTransport(false);
      this.#shutdown(error);
      return;
    }
    const pending = this.#pending.get(frame.requestId);
    if (pending === undefined) return;
    this.#pending.delete(frame.requestId);
    pending.dispose();
    pending.reject(
      new SessionError(code, frame.message || code, {
        remote: true,
        wireCode: frame.code,
        requestId: frame.requestId,
      }),
    );
    if (this.#goodbyeSent) this.#maybeFinishClose();
  }

  #onCancel(id: number): void {
    const context = this.#incoming.get(id);
    if (context === undefined) return;
    this.#incoming.delete(id);
    context.abort(new SessionError('cancelled', 'the peer cancelled the request', { requestId: id }));
    this.#maybeFinishClose();
  }

  #onGoodbye(source: Uint8Array, start: number, end: number): void {
    const goodbye = decodeGoodbye(source, start, end);
    if (this.#goodbyeReceived) {
      this.#fatal('unexpected-frame', 'second GOODBYE');
      return;
    }
    this.#goodbyeReceived = true;
    if (!this.#goodbyeSent) {
      // Answer with our own GOODBYE at once (section 13.1, step 2).
      this.#sendGoodbye(ErrorCode.normal, this.#limits.closeDeadline, '');
    }
    this.#peerGoodbye = goodbye;
    this.#maybeFinishClose();
  }

  // ---------------------------------------------------------------------------------------------
  // Handshake.

  #setHandshakeLimits(): void {
    const { min, max } = this.#frameLimits;
    for (let kind = FrameKind.HELLO; kind <= FrameKind.CANCEL; kind++) max[kind] = NOT_NOW;
    const handshakeLimit = Math.max(HANDSHAKE_FRAME_LIMIT, this.#limits.maxPayloadSize);
    if (this.#role === 'server') {
      min[FrameKind.HELLO] = HELLO_MIN_BODY;
      max[FrameKind.HELLO] = handshakeLimit;
    } else {
      min[FrameKind.WELCOME] = WELCOME_MIN_BODY;
      max[FrameKind.WELCOME] = HANDSHAKE_FRAME_LIMIT;
      min[FrameKind.REJECT] = REJECT_MIN_BODY;
      max[FrameKind.REJECT] = handshakeLimit;
    }
  }

  #setOpenLimits(): void {
    const { min, max } = this.#frameLimits;
    const h = this.#headerSize;
    const payload = this.#limits.maxPayloadSize;
    max[FrameKind.HELLO] = NOT_NOW;
    max[FrameKind.WELCOME] = NOT_NOW;
    max[FrameKind.REJECT] = NOT_NOW;
    min[FrameKind.MESSAGE] = h;
    max[FrameKind.MESSAGE] = Math.min(MAX_FRAME_BODY, h + payload);
    min[FrameKind.REQUEST] = 4 + h;
    max[FrameKind.REQUEST] = Math.min(MAX_FRAME_BODY, 4 + h + payload);
    min[FrameKind.RESPONSE] = 4 + h;
    max[FrameKind.RESPONSE] = Math.min(MAX_FRAME_BODY, 4 + h + payload);
    min[FrameKind.ERROR] = ERROR_MIN_BODY;
    max[FrameKind.ERROR] = CONTROL_FRAME_LIMIT;
    min[FrameKind.GOODBYE] = GOODBYE_MIN_BODY;
    max[FrameKind.GOODBYE] = CONTROL_FRAME_LIMIT;
    for (const kind of [FrameKind.PING, FrameKind.PONG, FrameKind.CANCEL]) {
      min[kind] = 4;
      max[kind] = 4;
    }
  }

  #sendHello(token: string | undefined): void {
    const { fingerprint, digests } = fingerprintOf(this.#protocol);
    const hello = encodeHello({
      minVersion: PROTOCOL_VERSION,
      maxVersion: PROTOCOL_VERSION,
      maxPayloadSize: this.#limits.maxPayloadSize,
      fingerprint,
      token,
      digests,
    });
    this.#transport.write(hello);
    this.#framesDirect++;
  }

  #onHello(source: Uint8Array, start: number, end: number): void {
    // Nothing else may arrive until WELCOME is out (section 5.3, rule 3).
    this.#frameLimits.max[FrameKind.HELLO] = NOT_NOW;
    (this.#server as ServerHandshake).answerHello(
      {
        auth: this.#auth,
        remoteAddress: this.#remoteAddress,
        protocol: this.#protocol,
        handshaking: () => this.#state === 'handshaking',
        fail: (code, reason) => this.#fatal(code, reason),
        refuse: (reason, details, error) => {
          this.#reject('schema-mismatch', reason, details);
          this.#shutdown(error);
        },
        accept: (hello, version, principal) => this.#accept(hello, version, principal),
      },
      source,
      start,
      end,
    );
  }

  #accept(hello: HelloFrame, version: number, principal: unknown): void {
    this.#principal = principal;
    this.#peerMaxPayload = hello.maxPayloadSize;
    this.#heartbeatInterval = this.#limits.heartbeatInterval;
    this.#readTimeout = deadPeerTimeout(this.#limits.readTimeout, this.#heartbeatInterval);
    this.#peer = {
      version,
      maxPayloadSize: hello.maxPayloadSize,
      maxInFlight: Number.POSITIVE_INFINITY,
      heartbeatInterval: this.#heartbeatInterval,
    };
    this.#transport.write(
      (this.#server as ServerHandshake).encodeWelcome({
        version,
        maxPayloadSize: this.#limits.maxPayloadSize,
        heartbeatInterval: this.#heartbeatInterval,
        maxInFlight: this.#limits.maxInFlightRequests,
      }),
    );
    this.#framesDirect++;
    this.#open();
  }

  #onWelcome(source: Uint8Array, start: number, end: number): void {
    const welcome = decodeWelcome(source, start, end);
    if (welcome.magic !== MAGIC) {
      this.#fatal('bad-magic', 'WELCOME does not start with BPWP');
      return;
    }
    if (welcome.version !== PROTOCOL_VERSION) {
      this.#fatal('unsupported-version', `the server chose version ${welcome.version}, this client speaks 1`);
      return;
    }
    this.#peerMaxPayload = welcome.maxPayloadSize;
    this.#peerMaxInFlight = welcome.maxInFlight === 0 ? Number.POSITIVE_INFINITY : welcome.maxInFlight;
    this.#heartbeatInterval = welcome.heartbeatInterval;
    this.#readTimeout = deadPeerTimeout(this.#limits.readTimeout, welcome.heartbeatInterval);
    this.#peer = {
      version: welcome.version,
      maxPayloadSize: welcome.maxPayloadSize,
      maxInFlight: this.#peerMaxInFlight,
      heartbeatInterval: welcome.heartbeatInterval,
    };
    this.#open();
  }

  #onReject(source: Uint8Array, start: number, end: number): void {
    const reject = decodeReject(source, start, end);
    const code = errorCodeName(reject.code);
    const mismatches = reject.details.map((entry) => ({
      type: entry.type,
      name: this.#protocol.typeName(entry.type) ?? this.#protocol.typeName(entry.type | 0),
      status:
        entry.status === 1
          ? ('differs' as const)
          : entry.status === 2
            ? ('client-only' as const)
            : ('server-only' as const),
    }));
    let message = reject.reason || code;
    if (code === 'schema-mismatch' && mismatches.length > 0) {
      message = `schema mismatch: ${mismatches
        .map(
          (m) =>
            `${m.type}${m.name === undefined ? '' : ` (${m.name})`} ${m.status === 'differs' ? 'differs' : m.status === 'client-only' ? 'only on the client' : 'only on the server'}`,
        )
        .join(', ')}`;
    }
    this.#endTransport(false);
    this.#shutdown(
      new SessionError(code, message, {
        remote: true,
        wireCode: reject.code,
        mismatches: code === 'schema-mismatch' ? mismatches : undefined,
        serverVersions: { min: reject.minVersion, max: reject.maxVersion },
      }),
    );
  }

  #open(): void {
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    this.#state = 'open';
    this.#setOpenLimits();
    const rate = this.#limits.rateLimit;
    if (rate !== undefined) this.#rate = new RateLimiter(rate, Date.now());
    this.#startTicking();
    this.#hold = false;
    this.#readyResolve();
    this.flush();
    // Requests queued before WELCOME may have crossed the peer's limits, unknown until now.
  }

  #onHandshakeTimeout(): void {
    this.#handshakeTimer = undefined;
    if (this.#state !== 'handshaking') return;
    this.#fatal('handshake-timeout', `no handshake within ${this.#limits.handshakeTimeout} ms`);
  }

  #reject(
    code: WireErrorName,
    reason: string,
    details: readonly { type: number; status: number }[] = [],
  ): void {
    this.#transport.write((this.#server as ServerHandshake).encodeRefusal(code, reason, details));
    this.#framesDirect++;
    this.#out.discard();
    this.#endTransport(false);
  }

  // ---------------------------------------------------------------------------------------------
  // Output.

  /**
   * Decodes the type header and payload in `source[start, end)` into #decodedType/#decodedValue.
   * On failure it closes the connection (section 10) and returns false.
   */
  #decode(source: Uint8Array, start: number, end: number): boolean {
    const table = this.#table;
    if (table === undefined) {
      try {
        const message = this.#protocol.decodeMessage(source, start, end);
        this.#decodedType = message.type;
        this.#decodedValue = message.value;
        return true;
      } catch (error) {
        this.#fatalDecode(error);
        return false;
      }
    }
    // The frame minimums guarantee the type header is there.
    const type = table.readType(source, start);
    const codec = table.codec(type);
    if (codec === undefined) {
      this.#fatal('unknown-type', `message type ${type} is not part of the protocol`);
      return false;
    }
    try {
      const result = codec.decodeFrom(source, start + table.headerSize, end, table.decodeLimits);
      if (result.offset !== end) {
        this.#fatal('decode-error', `${end - result.offset} bytes left after the payload of type ${type}`);
        return false;
      }
      this.#decodedType = type;
      this.#decodedValue = result.value;
      return true;
    } catch (error) {
      this.#fatalDecode(error);
      return false;
    }
  }

  /** Encodes a MESSAGE (id 0), REQUEST or RESPONSE straight into the outgoing buffer. */
  #writeTyped(kind: number, id: number, type: number, value: unknown): void {
    const table = this.#table;
    if (table === undefined) {
      this.#writeTypedGeneric(kind, id, type, value);
      return;
    }
    const codec = table.codec(type);
    if (codec === undefined) throw this.#encodeFailure(type, value, undefined);
    let payload = codec.fixedSize;
    if (payload === undefined) {
      try {
        payload = codec.byteLength(value);
      } catch (error) {
        throw this.#encodeFailure(type, value, error);
      }
    }
    if (payload > this.#peerMaxPayload) throw this.#tooLarge(payload);
    const idSize = kind === FrameKind.MESSAGE ? 0 : 4;
    const h = table.headerSize;
    const out = this.#out;
    const at = out.reserve(FRAME_HEADER_SIZE + idSize + h + payload);
    const buffer = out.buffer;
    const typeAt = at + FRAME_HEADER_SIZE + idSize;
    let written: number;
    try {
      written = codec.encodeInto(value, buffer, typeAt + h);
    } catch (error) {
      throw this.#encodeFailure(type, value, error);
    }
    table.writeType(buffer, typeAt, type);
    const body = idSize + h + written;
    buffer[at] = (kind << 4) | (body >>> 24);
    buffer[at + 1] = body >>> 16;
    buffer[at + 2] = body >>> 8;
    buffer[at + 3] = body;
    if (idSize !== 0) writeU32(buffer, at + FRAME_HEADER_SIZE, id);
    out.position = at + FRAME_HEADER_SIZE + body;
    out.frames++;
  }

  /** The same through the protocol's generic API (protocols without `codecFor`). */
  #writeTypedGeneric(kind: number, id: number, type: number, value: unknown): void {
    const protocol = this.#protocol;
    const size = protocol.messageByteLength(type, value);
    if (size - this.#headerSize > this.#peerMaxPayload) throw this.#tooLarge(size - this.#headerSize);
    const idSize = kind === FrameKind.MESSAGE ? 0 : 4;
    const out = this.#out;
    const at = out.reserve(FRAME_HEADER_SIZE + idSize + size);
    const buffer = out.buffer;
    const written = protocol.encodeMessageInto(type, value, buffer, at + FRAME_HEADER_SIZE + idSize);
    const body = idSize + written;
    writeFrameHeader(buffer, at, kind, body);
    if (idSize !== 0) writeU32(buffer, at + FRAME_HEADER_SIZE, id);
    out.position = at + FRAME_HEADER_SIZE + body;
    out.frames++;
  }

  #tooLarge(payload: number): SessionError {
    return new SessionError(
      'payload-too-large',
      `payload of ${payload} bytes exceeds the peer's limit of ${this.#peerMaxPayload}`,
    );
  }

  /**
   * The error to throw for a value that does not encode: the protocol's own error when it gives
   * one (its path names the message type), else the codec's.
   */
  #encodeFailure(type: number, value: unknown, error: unknown): unknown {
    try {
      const protocol = this.#protocol;
      const size = protocol.messageByteLength(type, value);
      protocol.encodeMessageInto(type, value, new Uint8Array(size), 0);
    } catch (labelled) {
      return labelled;
    }
    return error ?? new TypeError(`message type ${type} is not part of the protocol`);
  }

  #writeU32Frame(kind: number, value: number): void {
    const out = this.#out;
    const at = out.reserve(8);
    writeFrameHeader(out.buffer, at, kind, 4);
    writeU32(out.buffer, at + 4, value);
    out.position = at + 8;
    out.frames++;
  }

  #sendError(id: number, code: WireErrorName, message: string): void {
    this.#sendErrorCode(id, ErrorCode[code], message);
  }

  #sendErrorCode(id: number, code: number, message: string): void {
    const text = encodeText(message);
    const out = this.#out;
    const at = out.reserve(FRAME_HEADER_SIZE + ERROR_MIN_BODY + text.length);
    const buffer = out.buffer;
    writeFrameHeader(buffer, at, FrameKind.ERROR, ERROR_MIN_BODY + text.length);
    writeU32(buffer, at + 4, id);
    buffer[at + 8] = code >>> 8;
    buffer[at + 9] = code;
    buffer.set(text, at + 10);
    out.position = at + FRAME_HEADER_SIZE + ERROR_MIN_BODY + text.length;
    out.frames++;
    this.#afterWrite();
  }

  #sendGoodbye(code: number, deadline: number, reason: string): void {
    this.#goodbyeSent = true;
    if (this.#state === 'open') this.#state = 'closing';
    const text = encodeText(reason);
    const out = this.#out;
    const at = out.reserve(FRAME_HEADER_SIZE + GOODBYE_MIN_BODY + text.length);
    const buffer = out.buffer;
    writeFrameHeader(buffer, at, FrameKind.GOODBYE, GOODBYE_MIN_BODY + text.length);
    buffer[at + 4] = code >>> 8;
    buffer[at + 5] = code;
    writeU32(buffer, at + 6, deadline);
    buffer.set(text, at + 10);
    out.position = at + FRAME_HEADER_SIZE + GOODBYE_MIN_BODY + text.length;
    out.frames++;
    this.flush();
    this.#deadlineTimer = unref(setTimeout(() => this.#onCloseDeadline(), deadline));
  }

  /** Schedules the flush and applies the queue limits; returns what `send()` returns. */
  #afterWrite(): boolean {
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushTask);
    }
    const queued = this.#out.queued;
    if (queued < this.#limits.maxQueuedBytes) return true;
    this.#overHighWater();
    return this.#out.queued < this.#limits.maxQueuedBytes;
  }

  #overHighWater(): void {
    // A burst within one turn is not a slow consumer: hand it over now.
    if (!this.#blocked) this.flush();
    if (!this.#blocked || this.#hold) return;
    const queued = this.#out.queued;
    if (queued < this.#limits.maxQueuedBytes) return;
    if (this.#limits.slowConsumer === 'close' || queued > this.#limits.maxBufferedBytes) {
      this.#fatal('slow-consumer', `the peer reads too slowly: ${queued} bytes queued`);
      return;
    }
    this.#pause(PAUSED_FOR_OUTPUT);
  }

  #queueLow(): void {
    const resolve = this.#drainResolve;
    if (resolve !== undefined) {
      this.#drainResolve = undefined;
      this.#drainPromise = undefined;
      resolve();
    }
    if (this.#paused & PAUSED_FOR_OUTPUT) this.#resume(PAUSED_FOR_OUTPUT);
  }

  #pause(reason: number): void {
    const was = this.#paused;
    this.#paused |= reason;
    if (was === 0) this.#transport.pause?.();
  }

  #resume(reason: number): void {
    if ((this.#paused & reason) === 0) return;
    // The time our own consumer kept us from reading ends now; the next tick starts the peer's
    // silence afresh (ticks during the pause did already, see #tick).
    if (reason === PAUSED_FOR_ITERATOR) this.#framesReceived = (this.#framesReceived + 1) | 0;
    this.#paused &= ~reason;
    if (this.#paused === 0 && this.#state !== 'closed') this.#transport.resume?.();
  }

  // IteratorOwner.
  iteratorBacklog(_iterator: MessageIterator<unknown>, full: boolean): void {
    this.#fullIterators += full ? 1 : -1;
    if (this.#fullIterators > 0) this.#pause(PAUSED_FOR_ITERATOR);
    else this.#resume(PAUSED_FOR_ITERATOR);
  }

  iteratorClosed(iterator: MessageIterator<unknown>): void {
    if (!this.#iterators.delete(iterator)) return;
    (iterator as unknown as { unsubscribe?: () => void }).unsubscribe?.();
  }

  // ---------------------------------------------------------------------------------------------
  // Timers: heartbeats, dead peers, idleness, request deadlines.

  #startTicking(): void {
    const candidates = [this.#heartbeatInterval, this.#readTimeout / 2, this.#limits.idleTimeout / 2].filter(
      (value) => value > 0,
    );
    if (candidates.length === 0) return;
    const period = Math.max(1, Math.floor(Math.min(...candidates)));
    this.#lastActivity = this.#lastReceived = Date.now();
    this.#framesSeen = this.#framesReceived;
    this.#tickTimer = unref(setInterval(() => this.#tick(), period));
  }

  /**
   * Runs every `period` ms once open. Silence is measured from the first tick that saw a sign of
   * life, never from a received byte: a peer dripping bytes into a frame that never completes is
   * as silent as one sending nothing. That tick comes at most one period after the frame, so the
   * peer is never declared dead early, and at most two periods late (one until a tick sees the
   * frame, one of tick granularity).
   */
  #tick(): void {
    if (this.#state === 'closed') return;
    const now = Date.now();
    const frames = this.#framesReceived;
    const inFrame = this.#reader.inFrame;
    if (
      frames !== this.#framesSeen ||
      // Our application does not consume, so we do not read: not the peer's silence.
      (this.#paused & PAUSED_FOR_ITERATOR) !== 0 ||
      // Without heartbeats an idle connection is silent by right; only a frame left half-received
      // (since before the previous tick: no frame completed in between) is held against the peer.
      (this.#heartbeatInterval === 0 && !(inFrame && this.#wasInFrame))
    ) {
      this.#framesSeen = frames;
      this.#lastReceived = now;
    }
    this.#wasInFrame = inFrame;
    const silence = now - this.#lastReceived;
    if (this.#readTimeout > 0 && silence >= this.#readTimeout) {
      this.#fatal(
        'read-timeout',
        inFrame
          ? `a frame has been arriving for over ${silence} ms without completing`
          : `no frame received for ${silence} ms`,
      );
      return;
    }
    const interval = this.#heartbeatInterval;
    if (interval > 0 && silence >= interval && now - this.#lastPing >= interval) {
      this.#lastPing = now;
      this.#pingNonce = (this.#pingNonce + 1) >>> 0;
      this.#writeU32Frame(FrameKind.PING, this.#pingNonce);
      this.#afterWrite();
    }
    const idle = this.#limits.idleTimeout;
    if (idle > 0) {
      if (this.#activity) {
        this.#activity = false;
        this.#lastActivity = now;
      } else if (now - this.#lastActivity >= idle && !this.#goodbyeSent) {
        this.#sendGoodbye(ErrorCode['idle-timeout'], this.#limits.closeDeadline, 'idle');
        this.#maybeFinishClose();
      }
    }
  }

  #armSweep(delay: number): void {
    this.#sweepTimer = unref(setTimeout(() => this.#sweep(), Math.max(1, delay)));
  }

  /**
   * Fails requests whose default deadline passed. They share one timer: requests with the default
   * timeout are added in deadline order, so the sweep stops at the first one still in time.
   */
  #sweep(): void {
    this.#sweepTimer = undefined;
    const now = Date.now();
    let next = 0;
    for (const pending of this.#pending.values()) {
      if (pending.deadline === 0) continue;
      if (pending.deadline > now) {
        next = pending.deadline;
        break;
      }
      this.#expire(pending, 'timeout');
    }
    if (next !== 0 && this.#state !== 'closed') this.#armSweep(next - now);
  }

  #expire(pending: PendingRequest, code: 'timeout' | 'aborted'): void {
    if (this.#pending.get(pending.id) !== pending) return;
    this.#pending.delete(pending.id);
    pending.dispose();
    if (this.#state !== 'closed') {
      this.#writeU32Frame(FrameKind.CANCEL, pending.id);
      this.#afterWrite();
    }
    pending.reject(
      code === 'timeout'
        ? new SessionError('timeout', `request ${pending.id} timed out`, { requestId: pending.id })
        : new SessionError('aborted', `request ${pending.id} was aborted`, {
            requestId: pending.id,
            cause: pending.signal?.reason,
          }),
    );
    if (this.#goodbyeSent) this.#maybeFinishClose();
  }

  // ---------------------------------------------------------------------------------------------
  // Closing.

  #maybeFinishClose(): void {
    if (
      this.#state !== 'closing' ||
      !this.#goodbyeSent ||
      !this.#goodbyeReceived ||
      this.#pending.size > 0 ||
      this.#incoming.size > 0
    ) {
      return;
    }
    this.#endTransport(false);
    this.#shutdown(undefined);
  }

  #onCloseDeadline(): void {
    this.#deadlineTimer = undefined;
    if (this.#state === 'closed') return;
    this.#endTransport(true);
    this.#shutdown(new SessionError('connection-closed', 'the close deadline passed with work in flight'));
  }

  /**
   * Hands over everything queued (ignoring backpressure) and ends or destroys the transport. Every
   * caller shuts the session down right after, with its own reason.
   */
  #endTransport(destroy: boolean, error?: Error): void {
    // A transport may report its close from inside end() or destroy(); that report must not
    // replace the reason the caller is about to give (read-timeout would become connection-closed).
    this.#endingTransport = true;
    try {
      if (!this.#hold) {
        const chunk = this.#out.take();
        if (chunk !== undefined) this.#transport.write(chunk);
      }
      if (destroy) this.#transport.destroy(error);
      else this.#transport.end();
    } finally {
      this.#endingTransport = false;
    }
  }

  /**
   * Fatal error detected here (section 10): tell the peer (ERROR id 0, or REJECT during the
   * handshake), end the transport, fail everything.
   */
  #fatal(code: WireErrorName, message: string, cause?: unknown): void {
    if (this.#state === 'closed') return;
    const error = new SessionError(code, message, { cause });
    if (this.#state === 'handshaking') {
      if (this.#role === 'server') this.#reject(code, message);
      else this.#endTransport(false);
      this.#shutdown(error);
      return;
    }
    this.#hold = false;
    const text = encodeText(message);
    const frame = new Uint8Array(FRAME_HEADER_SIZE + ERROR_MIN_BODY + text.length);
    writeFrameHeader(frame, 0, FrameKind.ERROR, ERROR_MIN_BODY + text.length);
    frame[8] = ErrorCode[code] >>> 8;
    frame[9] = ErrorCode[code];
    frame.set(text, 10);
    this.#out.append(frame);
    // The peer is not reading (or gone): waiting for the queue to flush would never end.
    const destroy = code === 'slow-consumer' || code === 'read-timeout';
    this.#endTransport(destroy, destroy ? error : undefined);
    this.#shutdown(error);
  }

  #fatalDecode(error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : 'payload does not decode';
    if (code === 'unknown-type') this.#fatal('unknown-type', message);
    else if (code === 'payload-too-large') this.#fatal('payload-too-large', message);
    else if (typeof code === 'string') this.#fatal('decode-error', message);
    else this.#fatal('internal-error', 'internal error while decoding', error);
  }

  #shutdown(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    const wasHandshaking = this.#state === 'handshaking';
    this.#state = 'closed';
    this.#closeError = error;
    this.#reader.stop();
    this.#hold = true;
    this.#out.discard();
    for (const timer of [this.#handshakeTimer, this.#deadlineTimer, this.#sweepTimer]) {
      if (timer !== undefined) clearTimeout(timer);
    }
    if (this.#tickTimer !== undefined) clearInterval(this.#tickTimer);
    this.#handshakeTimer = this.#deadlineTimer = this.#sweepTimer = this.#tickTimer = undefined;
    const failure = error ?? new SessionError('connection-closed', 'the connection closed');
    for (const pending of this.#pending.values()) {
      pending.dispose();
      pending.reject(failure);
    }
    this.#pending.clear();
    for (const context of this.#incoming.values()) context.abort(failure);
    this.#incoming.clear();
    this.#sessionAbort?.abort(failure);
    for (const iterator of [...this.#iterators]) iterator.end(error);
    this.#iterators.clear();
    const drain = this.#drainResolve;
    this.#drainResolve = undefined;
    this.#drainPromise = undefined;
    drain?.();
    if (wasHandshaking) this.#readyReject(failure);
    for (const listener of [...this.#closeListeners]) {
      try {
        listener(error);
      } catch (listenerError) {
        queueMicrotask(() => {
          throw listenerError;
        });
      }
    }
    this.#closeListeners.clear();
    this.#closedResolve();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  #notOpen(): SessionError {
    return new SessionError(
      'not-open',
      this.#state === 'closed' ? 'the session is closed' : 'the session is closing',
      { cause: this.#closeError },
    );
  }

  #typeLabel(type: number): string {
    const name = this.#protocol.typeName(type);
    return name === undefined ? String(type) : `${type} (${name})`;
  }

  #createMessageContext(): HandlerContext<P> {
    return { session: this, principal: this.#principal, signal: this.sessionSignal, requestId: undefined };
  }

  /** Aborted when the session closes (the signal of one-way message handlers). */
  get sessionSignal(): AbortSignal {
    this.#sessionAbort ??= new AbortController();
    if (this.#state === 'closed' && !this.#sessionAbort.signal.aborted) {
      this.#sessionAbort.abort(
        this.#closeError ?? new SessionError('connection-closed', 'the connection closed'),
      );
    }
    return this.#sessionAbort.signal;
  }

  #reportHandlerError(error: unknown, type: number, requestId: number | undefined, oneWay: boolean): void {
    const report = this.#onHandlerError;
    if (report !== undefined) {
      try {
        report(error, requestId === undefined ? { type } : { type, requestId });
      } catch {
        // A failing error reporter must not take the session down.
      }
    } else if (oneWay) {
      // Rethrowing would make one peer's message able to crash a whole server process; a
      // request handler's error already reaches its peer, a one-way handler's only the log.
      console.error(`bp: the handler for message type ${type} threw:`, error);
    }
  }
}

/**
 * The silence after which the peer counts as dead (section 12): at least two heartbeat intervals,
 * so a live peer always has time to answer a ping. Without heartbeats an idle connection is silent
 * by right and `readTimeout` only bounds a frame that started arriving (see #tick).
 */
function deadPeerTimeout(readTimeout: number, heartbeatInterval: number): number {
  if (readTimeout === 0 || heartbeatInterval === 0) return readTimeout;
  return Math.max(readTimeout, 2 * heartbeatInterval);
}

/** @internal */
export type { SessionErrorCode };
