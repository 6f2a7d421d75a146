import {
  answerSchemaRequest,
  encodeClientHello,
  FirstBytes,
  readWelcome,
  rejectionError,
} from './client-handshake.js';
import { decodeErrorFrame, decodeGoodbye, type GoodbyeFrame, readU32 } from './control-frames.js';
import {
  appendEncoded,
  type EncodedMessage,
  type EncodedWriteResult,
  WRITE_ENCODED,
} from './encoded-message.js';
import { ErrorCode, errorCodeName, type SessionErrorCode, type WireErrorName } from './error-codes.js';
import { FRAME_HEADER_SIZE, FrameKind, frameKindNames, PROTOCOL_VERSION } from './frame-kind.js';
import {
  copyFrameLimits,
  createFrameLimits,
  type FrameLimits,
  FrameReader,
  type FrameSink,
  sharedFrameLimits,
  sharedFrameLimitsKey,
} from './frame-reader.js';
import { FrameWriter, type FrameWriterHost } from './frame-writer.js';
import { type HandlerErrorReport, reportHandlerError } from './handler-errors.js';
import { InterceptedCalls, type InterceptedCallsHost } from './intercepted-calls.js';
import { type SessionLimits, sessionLimitsFor } from './limits.js';
import { Liveness, type LivenessHost } from './liveness.js';
import { type IteratorOwner, MessageIterator } from './message-iterator.js';
import { MessageTable } from './message-table.js';
import {
  decodeMetadataFrame,
  EMPTY_METADATA,
  encodeMetadataFrame,
  isEmptyMetadata,
  METADATA_VERSION,
  type Metadata,
  type MetadataFrame,
} from './metadata.js';
import { DECODE_FAILED, type DecodeFailureHost, PayloadDecoder } from './payload-decoder.js';
import { peerLacksType } from './peer-types.js';
import { closeHandshake, expectSchema, setHandshakeLimits, setOpenLimits } from './phase-limits.js';
import type { SessionCodec, SessionProtocol } from './protocol-types.js';
import { RateLimiter } from './rate-limiter.js';
import type { ConnectionData, Principal } from './register.js';
import { RequestRoom, type RequestRoomHost } from './request-room.js';
import { RequestTable, type RequestTableHost } from './request-table.js';
import type { ResolvedCodecCache } from './resolved-codec-cache.js';
import type { ConnectionSchemas } from './schema-resolution.js';
import type { PendingDescriptors, ServerHandshake, ServerSessionHost } from './server-handshake.js';
import { SessionError } from './session-error.js';
import { requireType, Subscribers } from './subscribers.js';
import type {
  CloseOptions,
  PeerInfo,
  RequestOptions,
  SchemaPolicy,
  SendOptions,
  ServerSessionOptions,
  Session,
  SessionAuth,
  SessionOptions,
  SessionState,
  SessionTransport,
} from './types.js';
import { type Timer, timerDelay, unref } from './unref-timer.js';
import { UsageError } from './usage-error.js';

/** Pause reasons, as bits: the transport is paused while any is set. */
const PAUSED_FOR_OUTPUT = 1;
const PAUSED_FOR_ITERATOR = 2;

const noop = (): void => {};
const NO_LISTENERS: readonly ((error?: Error) => void)[] = Object.freeze([]);

/**
 * The state machine of one connection, both sides. See docs/PROTOCOL.md for the wire rules it
 * implements; this class is exposed through `createServerSession` and `createClientSession`.
 *
 * It ties together the parts that each own one job: {@link FrameReader} (input framing),
 * {@link FrameWriter} (output and backpressure), {@link Liveness} (heartbeats, read and idle
 * timeouts), {@link RequestTable} (requests in flight both ways), {@link InterceptedCalls} (calls
 * through the interceptor chain), the handshakes (client-handshake.ts, server-handshake.ts) and
 * the per-phase frame limits (phase-limits.ts).
 * What stays here is frame dispatch, the state transitions and closing.
 *
 * Hot paths (send, message dispatch, request/response) allocate nothing per message beyond what
 * the API returns (the request's promise) and what the codec decodes: frames are encoded straight
 * into the outgoing buffer, flushed once per microtask turn, and decoded from views of the
 * received chunks.
 */
export class BpSession<P extends SessionProtocol> implements Session<P>, FrameSink, IteratorOwner {
  data: ConnectionData | undefined = undefined;
  readonly #protocol: P;
  readonly #transport: SessionTransport;
  /** The HELLO-answering code; only server sessions carry it (see server-handshake.ts). */
  readonly #server: ServerHandshake | undefined;
  /** The host object (see #Host), as the server handshake sees it. */
  readonly #host: ServerSessionHost;
  readonly #limits: Readonly<SessionLimits>;
  readonly #decoder: PayloadDecoder;
  readonly #reader: FrameReader;
  readonly #writer: FrameWriter;
  readonly #live: Liveness;
  readonly #requests: RequestTable<P>;
  readonly #room: RequestRoom;
  readonly #subscribers: Subscribers;
  /** Calls through the interceptor chain (the `interceptors` option); undefined without any. */
  readonly #calls: InterceptedCalls | undefined;
  readonly #report: HandlerErrorReport;
  /** A received METADATA frame, waiting for the frame it annotates (docs/PROTOCOL.md section 20.3). */
  #inMetadata: MetadataFrame | undefined;
  /** The metadata of the frame being dispatched, taken from the METADATA frame before it. */
  #frameMetadata: Metadata | undefined;

  #state: SessionState = 'handshaking';
  #paused = 0;
  /** Frames received, for `framesRead`. */
  #framesRead = 0;
  #rate: RateLimiter | undefined;

  // Peer limits (from the handshake).
  #peer: PeerInfo | undefined;
  #peerMaxInFlight = Number.POSITIVE_INFINITY;

  // Schema resolution (protocol version 2, docs/PROTOCOL.md section 7.6).
  readonly #maxVersion: number;
  readonly #schemaPolicy: SchemaPolicy;
  /** The direct codec table, when the protocol offers one (resolution needs it). */
  readonly #table: MessageTable | undefined;
  readonly #schemaCache: ResolvedCodecCache | undefined;
  /** Our types the peer lacks; undefined while the schemas are equal (nothing to check). */
  #absent: ReadonlySet<number> | undefined;
  /** The table #useSchemas switched to (resolved codecs), for pre-encoded frames. */
  #resolvedTable: MessageTable | undefined;

  /** Open `messages()` iterators; made by the first one. */
  #iterators: Set<MessageIterator<unknown>> | undefined;
  #fullIterators = 0;
  #sessionAbort: AbortController | undefined;

  // Handshake. Dropped once the handshake ended, with the context they hold (~170 bytes a connection).
  #readyResolve: () => void = noop;
  #readyReject: (error: unknown) => void = noop;
  readonly ready: Promise<void>;
  #handshakeTimer: Timer | undefined;
  readonly #auth: SessionAuth | undefined;
  readonly #remoteAddress: string | undefined;
  #principal: unknown;
  /** The server's first bytes (client side, while handshaking), to explain a server that is not bp. */
  #firstBytes: FirstBytes | undefined;

  // Close.
  #goodbyeSent = false;
  #goodbyeReceived = false;
  #peerGoodbye: GoodbyeFrame | undefined;
  #deadlineTimer: Timer | undefined;
  /** True while #endTransport runs (see there). */
  #endingTransport = false;
  /** Replaced, never mutated, so an unsubscribe during the calls at close changes nothing. */
  #closeListeners: readonly ((error?: Error) => void)[] = NO_LISTENERS;
  // Made when close() is first called: most sessions end with their transport, never asked.
  #closedResolve: (() => void) | undefined;
  #closed: Promise<void> | undefined;
  #closeError: Error | undefined;

  /**
   * What the session's parts ask of it (the writer, the liveness timer, the payload decoder, the
   * request table and room), as methods on one object per session: as arrow functions in an
   * object literal they were a dozen closures on every connection, idle ones included (issue 13's
   * idle memory). Declared in the class body so that it may reach the session's private members.
   */
  static readonly #Host = class SessionHost
    implements
      FrameWriterHost,
      LivenessHost,
      RequestTableHost,
      RequestRoomHost,
      DecodeFailureHost,
      InterceptedCallsHost,
      ServerSessionHost
  {
    readonly #session: BpSession<any>;
    /** Server: waiting for the client's descriptors. */
    pending: PendingDescriptors | undefined = undefined;
    constructor(session: BpSession<any>) {
      this.#session = session;
    }
    sendDirect(type: number, value: unknown, metadata: Metadata | undefined): boolean {
      return this.#session.#send(type, value, metadata);
    }
    requestDirect(type: number, value: unknown, options: RequestOptions): Promise<any> {
      return this.#session.#request(type, value, options);
    }
    hasRoom(): boolean {
      const session = this.#session;
      return session.#writer.out.queued < session.#limits.maxQueuedBytes;
    }
    closed(): boolean {
      return this.#session.#state === 'closed';
    }
    slowConsumer(queued: number): void {
      this.#session.#fatal('slow-consumer', `the peer reads too slowly: ${queued} bytes queued`);
    }
    pauseReading(): void {
      this.#session.#pause(PAUSED_FOR_OUTPUT);
    }
    resumeReading(): void {
      this.#session.#resume(PAUSED_FOR_OUTPUT);
    }
    consumerPaused(): boolean {
      return (this.#session.#paused & PAUSED_FOR_ITERATOR) !== 0;
    }
    deadPeer(message: string): void {
      this.#session.#fatal('read-timeout', message);
    }
    idle(): void {
      const session = this.#session;
      if (session.#goodbyeSent) return;
      session.#sendGoodbye(ErrorCode['idle-timeout'], session.#limits.closeDeadline, 'idle');
      session.#maybeFinishClose();
    }
    quiet(): void {
      // A connection that was busy once would otherwise keep its largest output buffer (up to
      // 64 KiB) and its request tables for as long as it stays open.
      const session = this.#session;
      session.#writer.out.release();
      session.#requests.release();
    }
    cancel(id: number): void {
      const writer = this.#session.#writer;
      writer.writeU32Frame(FrameKind.CANCEL, id);
      writer.afterWrite();
    }
    expired(): void {
      if (this.#session.#goodbyeSent) this.#session.#maybeFinishClose();
    }
    answered(): void {
      this.#session.#maybeFinishClose();
    }
    metadataFrame(id: number, metadata: Metadata): Uint8Array | undefined {
      const session = this.#session;
      if ((session.#peer?.version ?? 0) < METADATA_VERSION) return undefined;
      return encodeMetadataFrame(id, metadata, session.#limits);
    }
    full(): boolean {
      const session = this.#session;
      return session.#state !== 'closed' && session.#writer.out.queued >= session.#limits.maxQueuedBytes;
    }
    drained(): Promise<void> {
      return this.#session.#writer.drained();
    }
    // ServerSessionHost: the session as the server handshake (server-handshake.ts) sees it.
    get protocol(): SessionProtocol {
      return this.#session.#protocol;
    }
    get limits(): Readonly<SessionLimits> {
      return this.#session.#limits;
    }
    get auth(): SessionAuth | undefined {
      return this.#session.#auth;
    }
    get remoteAddress(): string | undefined {
      return this.#session.#remoteAddress;
    }
    get maxVersion(): number {
      return this.#session.#maxVersion;
    }
    get schemaPolicy(): SchemaPolicy {
      return this.#session.#schemaPolicy;
    }
    get schemaCache(): ResolvedCodecCache | undefined {
      const session = this.#session;
      return session.#table === undefined ? undefined : session.#schemaCache;
    }
    get resolvable(): boolean {
      return this.#session.#table !== undefined;
    }
    handshaking(): boolean {
      return this.#session.#state === 'handshaking';
    }
    /** A fatal error (section 10), for the payload decoder and the server handshake alike. */
    fail(code: WireErrorName, reason: string, cause?: unknown): void {
      this.#session.#fatal(code, reason, cause);
    }
    refuse(reject: Uint8Array, error: SessionError): void {
      this.#session.#refuse(reject, error);
    }
    askDescriptors(request: Uint8Array): void {
      const session = this.#session;
      session.#changeFrameLimits('schema', (limits) => expectSchema(limits, session.#limits.maxPayloadSize));
      session.#writer.writeDirect(request);
    }
    open(
      welcome: Uint8Array,
      peer: PeerInfo,
      principal: unknown,
      schemas: ConnectionSchemas | undefined,
    ): void {
      const session = this.#session;
      session.#principal = principal;
      if (schemas !== undefined) session.#useSchemas(schemas.overrides, schemas.absentLocal);
      session.#writer.writeDirect(welcome);
      session.#begin(peer);
    }
  };

  constructor(
    role: 'client' | 'server',
    options: SessionOptions<P> & Partial<ServerSessionOptions<P>> & { token?: string },
    server?: ServerHandshake,
  ) {
    const protocol = options.protocol;
    this.#protocol = protocol;
    this.#transport = options.transport;
    this.#server = server;
    this.#limits = sessionLimitsFor(protocol, options.limits);
    this.#auth = options.auth;
    this.#report = options.onHandlerError;
    this.#remoteAddress = options.remoteAddress;
    this.#maxVersion = versionOption(options.maxVersion);
    this.#schemaPolicy = policyOption(options.schemaPolicy);
    this.ready = new Promise<void>((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    // Nobody may be awaiting `ready`; its rejection must not become an unhandled rejection.
    this.ready.catch(noop);
    this.#subscribers = new Subscribers(protocol, options.handlers, options.onHandlerError, () => ({
      session: this,
      principal: this.#principal as Principal,
      signal: this.sessionSignal,
      requestId: undefined,
      metadata: EMPTY_METADATA,
      replyMetadata: {},
    }));
    const host = new BpSession.#Host(this);
    this.#host = host;
    const table = MessageTable.of(protocol);
    this.#table = table;
    this.#schemaCache = options.schemaCache;
    this.#decoder = new PayloadDecoder(protocol, table, host);
    this.#writer = new FrameWriter(this.#transport, this.#limits, protocol, table, host);
    this.#room = new RequestRoom(host);
    this.#requests = new RequestTable({
      protocol,
      session: this,
      writer: this.#writer,
      handlers: this.#subscribers.handlers,
      defaultTimeout: this.#limits.requestTimeout,
      onHandlerError: options.onHandlerError,
      host,
    });
    const interceptors = options.interceptors;
    // Without interceptors calls take their direct path, and nothing of the chain is made.
    this.#calls =
      interceptors !== undefined && interceptors.length > 0
        ? new InterceptedCalls(
            interceptors,
            protocol,
            this,
            host,
            { requests: this.#requests, subscribers: this.#subscribers },
            options.onHandlerError,
          )
        : undefined;
    this.#requests.calls = this.#calls;
    const maxPayload = this.#limits.maxPayloadSize;
    this.#reader = new FrameReader(
      this,
      // Keys name the phases a table went through, with the limits that shaped it.
      sharedFrameLimits(`${role}:${maxPayload}`, () => {
        const limits = createFrameLimits();
        setHandshakeLimits(limits, role, maxPayload);
        return limits;
      }),
    );
    this.#live = new Liveness(this.#reader, this.#writer, host);
    this.#handshakeTimer = unref(
      setTimeout(() => this.#onHandshakeTimeout(), timerDelay(this.#limits.handshakeTimeout)),
    );
    if (role === 'client') {
      this.#firstBytes = new FirstBytes();
      // Resolution happens on the server; the client only needs to describe its own types.
      const offer = this.#schemaPolicy === 'compatible' && this.#maxVersion >= 2 && table !== undefined;
      if (offer) this.#changeFrameLimits('schema', (limits) => expectSchema(limits, maxPayload));
      this.#writer.writeDirect(
        encodeClientHello(protocol, this.#limits.maxPayloadSize, options.token, this.#maxVersion, offer),
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Public surface.

  get state(): SessionState {
    return this.#state;
  }

  get principal(): Principal {
    // What the server's authenticate returned: its type is the application's declaration.
    return this.#principal as Principal;
  }

  get peer(): PeerInfo | undefined {
    return this.#peer;
  }

  /** The peer's GOODBYE (code, deadline, reason), once it arrived. */
  get peerGoodbye(): GoodbyeFrame | undefined {
    return this.#peerGoodbye;
  }

  get queuedBytes(): number {
    return this.#writer.out.queued;
  }

  get framesRead(): number {
    return this.#framesRead;
  }

  get framesWritten(): number {
    return this.#writer.framesWritten;
  }

  /** The effective limits of this session. */
  get limits(): Readonly<SessionLimits> {
    return this.#limits;
  }

  send(type: number, value: unknown, options?: SendOptions): boolean {
    if (this.#calls !== undefined) return this.#calls.send(type, value, options?.metadata);
    return this.#send(type, value, options?.metadata);
  }

  #send(type: number, value: unknown, metadata: Metadata | undefined): boolean {
    if (this.#goodbyeSent || this.#state === 'closed') throw this.#notOpen();
    if (metadata !== undefined && !isEmptyMetadata(metadata))
      return this.#sendWithMetadata(type, value, metadata);
    this.#writer.writeTyped(FrameKind.MESSAGE, 0, type, value);
    this.#live.activity = true;
    return this.#writer.afterWrite();
  }

  /** {@link BpSession.send} with metadata: METADATA and MESSAGE back to back, or neither. */
  #sendWithMetadata(type: number, value: unknown, metadata: Metadata): boolean {
    if (this.#state === 'handshaking') {
      // The version, and so whether metadata may be sent, is known once the handshake is done.
      this.ready
        .then(() => this.#send(type, value, metadata))
        .catch((error: unknown) => reportHandlerError(this.#report, error, type, undefined, true));
      return false;
    }
    this.#writeAnnotated(FrameKind.MESSAGE, 0, type, value, metadata);
    this.#live.activity = true;
    return this.#writer.afterWrite();
  }

  /** Queues `metadata`'s METADATA frame and the typed frame it annotates; on any error, neither. */
  #writeAnnotated(kind: number, id: number, type: number, value: unknown, metadata: Metadata): void {
    const version = this.#peer?.version ?? 0;
    if (version < METADATA_VERSION) {
      throw new SessionError(
        'metadata-unsupported',
        `metadata cannot be sent: the peer speaks protocol version ${version}, metadata needs ${METADATA_VERSION} (docs/PROTOCOL.md section 20.1)`,
      );
    }
    this.#writer.writeTyped(kind, id, type, value, encodeMetadataFrame(id, metadata, this.#limits));
  }

  /** A pre-encoded MESSAGE frame (rooms, broadcast): see `writeEncodedMessage` in encoded-message.ts. */
  [WRITE_ENCODED](message: EncodedMessage, volatile: boolean): EncodedWriteResult {
    if (this.#goodbyeSent || this.#state === 'closed') return 'closed';
    const resolved = this.#resolvedTable;
    if (resolved !== undefined && resolved !== this.#table) {
      if (this.#absent?.has(message.type)) return 'absent';
      const server = this.#server;
      if (server !== undefined) message = server.encodedFor(message, this.#table as MessageTable, resolved);
    }
    const result = appendEncoded(this.#writer, this.#limits, message, volatile);
    if (result === 'sent' || result === 'congested') this.#live.activity = true;
    return result;
  }

  request(type: number, value: unknown, options?: RequestOptions): Promise<any> {
    if (this.#calls !== undefined) return this.#calls.request(type, value, options);
    return this.#request(type, value, options);
  }

  #request(type: number, value: unknown, options: RequestOptions | undefined): Promise<any> {
    const replyType = this.#protocol.replyTypeOf(type) as number | undefined;
    if (replyType === undefined) {
      return Promise.reject(new SessionError('no-reply-type', this.#noReplyType(type)));
    }
    if (this.#absent?.has(replyType))
      return Promise.reject(peerLacksType(this.#protocol, replyType, 'reply'));
    if (this.#goodbyeSent || this.#state === 'closed') return Promise.reject(this.#notOpen());
    const requests = this.#requests;
    if (requests.pending.size + this.#room.waiting >= this.#peerMaxInFlight) {
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
    if (this.#room.mustWait()) {
      const timeout = options?.timeout ?? this.#limits.requestTimeout;
      return this.#room.enqueue(
        (timeLeft) => this.#sendRequest(type, replyType, value, { ...options, timeout: timeLeft }),
        signal,
        timeout,
      );
    }
    return this.#sendRequest(type, replyType, value, options);
  }

  /** Writes a REQUEST now and tracks it (request() decided there is room). */
  #sendRequest(type: number, replyType: number, value: unknown, options?: RequestOptions): Promise<any> {
    if (this.#goodbyeSent || this.#state === 'closed') return Promise.reject(this.#notOpen());
    const metadata = options?.metadata;
    if (metadata !== undefined && !isEmptyMetadata(metadata)) {
      return this.#requestWithMetadata(type, replyType, value, options as RequestOptions, metadata);
    }
    const requests = this.#requests;
    const id = requests.nextId();
    try {
      this.#writer.writeTyped(FrameKind.REQUEST, id, type, value);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#live.activity = true;
    const promise = requests.track(id, type, replyType, options);
    this.#writer.afterWrite();
    return promise;
  }

  /** {@link BpSession.request} with metadata (its checks done): METADATA and REQUEST back to back. */
  #requestWithMetadata(
    type: number,
    replyType: number,
    value: unknown,
    options: RequestOptions,
    metadata: Metadata,
  ): Promise<any> {
    // The version, and so whether metadata may be sent, is known once the handshake is done.
    if (this.#state === 'handshaking') return this.ready.then(() => this.#request(type, value, options));
    const requests = this.#requests;
    const id = requests.nextId();
    try {
      this.#writeAnnotated(FrameKind.REQUEST, id, type, value, metadata);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#live.activity = true;
    const promise = requests.track(id, type, replyType, options);
    this.#writer.afterWrite();
    return promise;
  }

  drained(): Promise<void> {
    return this.#writer.drained();
  }

  on(type: number, handler: (value: any) => void): () => void {
    return this.#subscribers.on(type, handler);
  }

  messages(type: number, options?: { signal?: AbortSignal }): AsyncIterableIterator<any> {
    requireType(this.#protocol, type, 'messages()');
    const iterator = new MessageIterator<unknown>(this, this.#limits.iteratorHighWaterMark, options?.signal);
    if (this.#state === 'closed') {
      iterator.end(this.#closeError);
      return iterator;
    }
    (this.#iterators ??= new Set()).add(iterator);
    const unsubscribe = this.on(type, (value) => iterator.push(value));
    (iterator as unknown as { unsubscribe: () => void }).unsubscribe = unsubscribe;
    return iterator;
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    // From code that runs while a message is being encoded (a getter of its value): close once
    // that send has returned, so that its frame goes out whole before the GOODBYE.
    if (this.#writer.encoding) return Promise.resolve().then(() => this.close(options));
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
    // #maybeFinishClose may have ended the session already.
    if (this.state === 'closed') return Promise.resolve();
    return (this.#closed ??= new Promise<void>((resolve) => {
      this.#closedResolve = resolve;
    }));
  }

  onClose(listener: (error?: Error) => void): () => void {
    if (this.#state === 'closed') {
      listener(this.#closeError);
      return noop;
    }
    // As a set: a listener added twice is called once.
    if (!this.#closeListeners.includes(listener)) this.#closeListeners = [...this.#closeListeners, listener];
    return () => {
      this.#closeListeners = this.#closeListeners.filter((l) => l !== listener);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Transport side.

  receive(chunk: Uint8Array): void {
    if (this.#state === 'closed') return;
    // From code that runs while a message is being encoded (a getter of its value that feeds the
    // session input): read it once that send has returned, as close() does. What the session
    // answers at once (an ERROR, its GOODBYE, a fatal error's end) must go out after that frame,
    // not into its reserved bytes or ahead of them.
    if (this.#writer.encoding) {
      const copy = chunk.slice();
      queueMicrotask(() => this.receive(copy));
      return;
    }
    const rate = this.#rate;
    if (rate !== undefined) rate.refill(Date.now());
    const first = this.#firstBytes;
    if (first !== undefined) first.push(chunk);
    try {
      this.#reader.push(chunk);
    } catch (error) {
      if (!(error instanceof SessionError)) {
        this.#fatal('internal-error', 'internal error while reading a frame', error);
        return;
      }
      const explained = first?.explain();
      if (explained === undefined) this.#fatal(error.code as WireErrorName, error.message);
      else this.#fatal(error.code as WireErrorName, explained, error);
    }
  }

  transportDrained(): void {
    const writer = this.#writer;
    if (!writer.blocked) return;
    // While reading is paused for output, a drain is the only sign that the peer is alive: it read.
    if (this.#paused & PAUSED_FOR_OUTPUT) this.#live.signOfLife();
    writer.unblock();
  }

  transportClosed(error?: Error): void {
    if (this.#state === 'closed' || this.#endingTransport) return;
    if (
      this.#goodbyeSent &&
      this.#goodbyeReceived &&
      this.#requests.pending.size === 0 &&
      error === undefined
    ) {
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
    this.#writer.flush();
  }

  // ---------------------------------------------------------------------------------------------
  // Frame dispatch (FrameSink).

  onFrame(kind: number, source: Uint8Array, start: number, end: number): void {
    const live = this.#live;
    live.framesReceived = (live.framesReceived + 1) | 0;
    this.#framesRead++;
    if (
      (this.#inMetadata !== undefined || this.#frameMetadata !== undefined) &&
      !this.#annotate(kind, source, start)
    ) {
      return;
    }
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
        this.#writer.writeU32Frame(FrameKind.PONG, readU32(source, start));
        this.#writer.afterWrite();
        return;
      case FrameKind.PONG:
        // Any frame proves liveness; the count above is all it takes.
        return;
      case FrameKind.CANCEL:
        this.#onCancel(readU32(source, start));
        return;
      case FrameKind.METADATA:
        this.#onMetadata(source, start, end);
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
        this.#endTransport(false);
        this.#shutdown(rejectionError(this.#protocol, source, start, end));
        return;
      case FrameKind.SCHEMA:
        this.#onSchema(source, start, end);
        return;
      default:
        this.#fatal('malformed-frame', `unknown frame kind ${kind}`);
    }
  }

  /** A METADATA frame (admitted by the frame limits only from version 3): held for the next frame. */
  #onMetadata(source: Uint8Array, start: number, end: number): void {
    try {
      this.#inMetadata = decodeMetadataFrame(source, start, end, this.#limits.maxMetadataEntries);
    } catch (error) {
      const failure = error as SessionError;
      this.#fatal(failure.code as WireErrorName, failure.message);
    }
  }

  /**
   * Ends the previous frame's metadata and attaches a held METADATA frame to this one, which must
   * be the frame it annotates (section 20.3); false after the fatal error when it is not.
   */
  #annotate(kind: number, source: Uint8Array, start: number): boolean {
    this.#frameMetadata = undefined;
    const held = this.#inMetadata;
    if (held === undefined) return true;
    this.#inMetadata = undefined;
    const id = held.requestId;
    const fits =
      kind === FrameKind.MESSAGE
        ? id === 0
        : (kind === FrameKind.REQUEST || kind === FrameKind.RESPONSE || kind === FrameKind.ERROR) &&
          id !== 0 &&
          readU32(source, start) === id;
    if (!fits) {
      const name = frameKindNames[kind] ?? `kind ${kind}`;
      this.#fatal(
        'unexpected-frame',
        `METADATA for request id ${id} is followed by ${name}, not the frame it annotates`,
      );
      return false;
    }
    this.#frameMetadata = held.metadata;
    return true;
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
    const decoder = this.#decoder;
    const value = decoder.decode(source, start, end);
    if (value === DECODE_FAILED) return;
    this.#live.activity = true;
    if (this.#calls !== undefined) {
      this.#calls.deliver(decoder.type, value, this.#frameMetadata ?? EMPTY_METADATA);
      return;
    }
    this.#subscribers.deliver(decoder.type, value, this.#frameMetadata);
  }

  #onRequest(source: Uint8Array, start: number, end: number): void {
    const id = readU32(source, start);
    if (id === 0) {
      this.#fatal('malformed-frame', 'REQUEST with id 0');
      return;
    }
    const requests = this.#requests;
    if (this.#goodbyeReceived) {
      requests.refuse(id, 'closing', 'the connection is closing');
      return;
    }
    if (this.#rate !== undefined && !this.#rate.take(end - start + FRAME_HEADER_SIZE)) {
      requests.refuse(id, 'rate-limited', 'request rate limit exceeded');
      return;
    }
    if (requests.incoming.has(id)) {
      this.#fatal('unexpected-frame', `request id ${id} is already in flight`);
      return;
    }
    if (requests.incoming.size >= this.#limits.maxInFlightRequests) {
      requests.refuse(
        id,
        'too-many-in-flight',
        `at most ${this.#limits.maxInFlightRequests} requests in flight`,
      );
      return;
    }
    const decoder = this.#decoder;
    const value = decoder.decode(source, start + 4, end);
    if (value === DECODE_FAILED) return;
    this.#live.activity = true;
    requests.answer(id, decoder.type, value, this.#frameMetadata);
  }

  #onResponse(source: Uint8Array, start: number, end: number): void {
    const id = readU32(source, start);
    const pending = this.#requests.pending.get(id);
    // Late answers (after a timeout, an abort or a cancel) are expected and ignored.
    if (pending === undefined) return;
    const decoder = this.#decoder;
    const value = decoder.decode(source, start + 4, end);
    if (value === DECODE_FAILED) return;
    const type = decoder.type;
    if (type !== pending.replyType) {
      this.#fatal(
        'unexpected-frame',
        `RESPONSE to request ${id} has type ${type}, expected ${pending.replyType}`,
      );
      return;
    }
    const metadata = this.#frameMetadata;
    if (metadata !== undefined) this.#requests.replyMetadata(id, metadata);
    this.#requests.settle(pending);
    this.#live.activity = true;
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
    const pending = this.#requests.pending.get(frame.requestId);
    if (pending === undefined) return;
    const metadata = this.#frameMetadata;
    if (metadata !== undefined) this.#requests.replyMetadata(frame.requestId, metadata);
    this.#requests.settle(pending);
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
    if (this.#requests.cancelIncoming(id)) this.#maybeFinishClose();
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
  // Handshake (the checks live in client-handshake.ts and server-handshake.ts).

  #onHello(source: Uint8Array, start: number, end: number): void {
    this.#changeFrameLimits('closed', closeHandshake);
    (this.#server as ServerHandshake).answerHello(this.#host, source, start, end);
  }

  /** The client's SCHEMA frame (server) or the server's descriptor request (client), section 4.11. */
  #onSchema(source: Uint8Array, start: number, end: number): void {
    this.#changeFrameLimits('closed', closeHandshake);
    const server = this.#server;
    if (server !== undefined) {
      server.answerDescriptors(this.#host, source, start, end);
      return;
    }
    const answer = answerSchemaRequest(this.#protocol, source, start, end);
    if (typeof answer === 'string') this.#fatal('malformed-frame', answer);
    else this.#writer.writeDirect(answer);
  }

  /**
   * Switches this connection's encoder and decoder to a table with `overrides` (resolved codecs,
   * types the peer lacks removed). Done once at the handshake: the hot paths then run exactly as
   * with equal schemas, on another table.
   */
  #useSchemas(overrides: ReadonlyMap<number, SessionCodec | undefined>, absent: readonly number[]): void {
    // Types arrive as u32; a signed header format's negative types are keyed by their own number.
    const local = new Map<number, SessionCodec | undefined>();
    for (const [type, codec] of overrides) local.set(this.#localType(type), codec);
    const table = (this.#table as MessageTable).derive(local);
    this.#resolvedTable = table;
    const absentSet = new Set(absent.map((type) => this.#localType(type)));
    this.#decoder.useTable(table);
    this.#writer.useTable(table, absentSet);
    if (absentSet.size > 0) this.#absent = absentSet;
  }

  #onWelcome(source: Uint8Array, start: number, end: number): void {
    const welcome = readWelcome(source, start, end, this.#maxVersion);
    if (welcome.code !== undefined) {
      this.#fatal(welcome.code, welcome.reason);
      return;
    }
    const peer = welcome.peer;
    const absent = peer.absentTypes;
    if (absent.length > 0) {
      if (this.#table === undefined) {
        this.#fatal(
          'unexpected-frame',
          'WELCOME lists absent types, but this client announced no schemas to resolve',
        );
        return;
      }
      this.#useSchemas(new Map(absent.map((type) => [type, undefined])), absent);
    }
    this.#begin(peer);
  }

  /** The handshake is done (either side): `peer` is the other side's. */
  #begin(peer: PeerInfo): void {
    this.#writer.peerMaxPayload = peer.maxPayloadSize;
    this.#peerMaxInFlight = peer.maxInFlight;
    this.#peer = peer;
    this.#open(peer.heartbeatInterval);
  }

  /**
   * Moves the reader to the table of the next phase, `step` after the current one (shared by every
   * session that took the same steps with the same limits; see sharedFrameLimits).
   */
  #changeFrameLimits(step: string, change: (limits: FrameLimits) => void): void {
    const current = this.#reader.limits;
    const make = (): FrameLimits => {
      const next = copyFrameLimits(current);
      change(next);
      return next;
    };
    // A table nobody shares (made without a key) has successors nobody shares either: under one
    // key, two different such tables would share the successor of whichever came first.
    const base = sharedFrameLimitsKey(current);
    this.#reader.useLimits(base === undefined ? make() : sharedFrameLimits(`${base}|${step}`, make));
  }

  #open(heartbeatInterval: number): void {
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    this.#state = 'open';
    this.#firstBytes = undefined;
    const headerSize = this.#protocol.headerSize;
    const { maxPayloadSize, maxMetadataSize } = this.#limits;
    const version = this.#peer?.version;
    this.#changeFrameLimits(`open:${headerSize}:${version}:${maxMetadataSize}`, (limits) =>
      setOpenLimits(limits, headerSize, maxPayloadSize, version, maxMetadataSize),
    );
    const rate = this.#limits.rateLimit;
    if (rate !== undefined) this.#rate = new RateLimiter(rate, Date.now());
    this.#live.start(heartbeatInterval, this.#limits.readTimeout, this.#limits.idleTimeout);
    this.#writer.hold = false;
    this.#readyResolve();
    this.#readyResolve = this.#readyReject = noop;
    // Requests queued before WELCOME may have crossed the peer's limits, unknown until now.
    this.#writer.flush();
  }

  #onHandshakeTimeout(): void {
    this.#handshakeTimer = undefined;
    if (this.#state !== 'handshaking') return;
    this.#fatal('handshake-timeout', `no handshake within ${this.#limits.handshakeTimeout} ms`);
  }

  /** Ends the handshake with the REJECT frame `reject` (server). */
  #refuse(reject: Uint8Array, error: SessionError): void {
    this.#writer.writeDirect(reject);
    this.#writer.out.discard();
    this.#endTransport(false);
    this.#shutdown(error);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading pauses: for output backpressure (see FrameWriter) and for full message iterators.

  #pause(reason: number): void {
    const was = this.#paused;
    this.#paused |= reason;
    if (was === 0) this.#transport.pause?.();
  }

  #resume(reason: number): void {
    if ((this.#paused & reason) === 0) return;
    // The time our own consumer kept us from reading ends now; the next tick starts the peer's
    // silence afresh (ticks during the pause did already, see Liveness.tick).
    if (reason === PAUSED_FOR_ITERATOR) this.#live.signOfLife();
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
    if (this.#iterators?.delete(iterator) !== true) return;
    (iterator as unknown as { unsubscribe?: () => void }).unsubscribe?.();
  }

  // ---------------------------------------------------------------------------------------------
  // Closing.

  #sendGoodbye(code: number, deadline: number, reason: string): void {
    this.#goodbyeSent = true;
    if (this.#state === 'open') this.#state = 'closing';
    this.#writer.writeGoodbye(code, deadline, reason);
    this.#writer.flush();
    this.#deadlineTimer = unref(setTimeout(() => this.#onCloseDeadline(), timerDelay(deadline)));
  }

  #maybeFinishClose(): void {
    if (this.#state !== 'closing' || !this.#goodbyeSent || !this.#goodbyeReceived || !this.#requests.idle) {
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
      this.#writer.handOver();
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
      const server = this.#server;
      if (server !== undefined) {
        this.#refuse(server.encodeRefusal(code, message, [], this.#maxVersion), error);
        return;
      }
      this.#endTransport(false);
      this.#shutdown(error);
      return;
    }
    this.#writer.hold = false;
    this.#writer.writeError(0, ErrorCode[code], message);
    // The peer is not reading (or gone): waiting for the queue to flush would never end.
    const destroy = code === 'slow-consumer' || code === 'read-timeout';
    this.#endTransport(destroy, destroy ? error : undefined);
    this.#shutdown(error);
  }

  #shutdown(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    const wasHandshaking = this.#state === 'handshaking';
    this.#state = 'closed';
    this.#closeError = error;
    this.#firstBytes = undefined;
    this.#reader.stop();
    this.#writer.stop();
    for (const timer of [this.#handshakeTimer, this.#deadlineTimer]) {
      if (timer !== undefined) clearTimeout(timer);
    }
    this.#handshakeTimer = this.#deadlineTimer = undefined;
    this.#live.stop();
    const failure = error ?? new SessionError('connection-closed', 'the connection closed');
    this.#requests.failAll(failure);
    this.#sessionAbort?.abort(failure);
    const iterators = this.#iterators;
    if (iterators !== undefined) {
      for (const iterator of [...iterators]) iterator.end(error);
      iterators.clear();
    }
    this.#writer.releaseDrain();
    if (wasHandshaking) this.#readyReject(failure);
    this.#readyResolve = this.#readyReject = noop;
    const closeListeners = this.#closeListeners;
    this.#closeListeners = NO_LISTENERS;
    for (const listener of closeListeners) {
      try {
        listener(error);
      } catch (listenerError) {
        queueMicrotask(() => {
          throw listenerError;
        });
      }
    }
    this.#closedResolve?.();
    this.#closedResolve = undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  /** A type number as it travelled (u32) in this protocol's terms (negative with a signed header). */
  #localType(wire: number): number {
    return this.#protocol.hasType(wire) ? wire : wire | 0;
  }

  #notOpen(): SessionError {
    return new SessionError(
      'not-open',
      this.#state === 'closed' ? 'the session is closed' : 'the session is closing',
      { cause: this.#closeError },
    );
  }

  #noReplyType(type: number): string {
    if (!this.#protocol.hasType(type)) {
      return (
        `message type ${type} has no declared reply type: it is not part of the protocol. ` +
        `Declare it in messageStructures and its reply in responses ({ ${type}: <reply type> })`
      );
    }
    const name = this.#protocol.typeName(type);
    const label = name === undefined ? String(type) : `${type} (${name})`;
    return (
      `message type ${label} has no declared reply type, so request() cannot wait for an answer. ` +
      `Declare its reply in the protocol's responses ({ ${type}: <reply type> }), or send() it one-way`
    );
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
}

/** @internal */
export type { SessionErrorCode };

function versionOption(value: number | undefined): number {
  if (value === undefined) return PROTOCOL_VERSION;
  if (!Number.isInteger(value) || value < 1 || value > PROTOCOL_VERSION) {
    throw new UsageError(
      'invalid-option',
      `maxVersion must be an integer from 1 to ${PROTOCOL_VERSION}, got ${String(value)}`,
    );
  }
  return value;
}

function policyOption(value: SchemaPolicy | undefined): SchemaPolicy {
  if (value === undefined) return 'compatible';
  if (value !== 'compatible' && value !== 'exact') {
    throw new UsageError(
      'invalid-option',
      `schemaPolicy must be 'compatible' or 'exact', got ${String(value)}`,
    );
  }
  return value;
}
