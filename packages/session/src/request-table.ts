import { ErrorCode, type WireErrorName } from './error-codes.js';
import { FrameKind } from './frame-kind.js';
import type { FrameWriter } from './frame-writer.js';
import { type HandlerErrorReport, reportHandlerError } from './handler-errors.js';
import { InFlightTable } from './in-flight-table.js';
import type { InterceptedCalls } from './intercepted-calls.js';
import type { CallResult } from './interceptor.js';
import { isThenable } from './is-thenable.js';
import { EMPTY_METADATA, isEmptyMetadata, type Metadata } from './metadata.js';
import { nextRequestId, PendingRequest } from './pending-request.js';
import type { SessionProtocol } from './protocol-types.js';
import { RequestContext } from './request-context.js';
import { isApplicationError, SessionError } from './session-error.js';
import type { Listener } from './subscribers.js';
import type { RequestOptions, Session } from './types.js';
import { type Timer, timerDelay, unref } from './unref-timer.js';

/** What the {@link RequestTable} asks of its session. */
export interface RequestTableHost {
  closed(): boolean;
  /** Tell the peer we no longer want the answer to `id` (CANCEL); only called while not closed. */
  cancel(id: number): void;
  /** A request of ours expired; the session's close may be able to finish now. */
  expired(): void;
  /** A request of the peer's was answered late (asynchronously); the close may be able to finish. */
  answered(): void;
  /**
   * The METADATA frame for `id` (to go just before its RESPONSE or ERROR); undefined when the
   * connection's version has no metadata (the caller reports it and answers without).
   */
  metadataFrame(id: number, metadata: Metadata): Uint8Array | undefined;
  /** The outgoing queue is at or above `maxQueuedBytes` (and the session is not closed). */
  full(): boolean;
  /** Resolves once the outgoing queue fell to its low-water mark (or the session closed). */
  drained(): Promise<void>;
}

/** An answer that waits for room in the outgoing queue, with the request it answers. */
interface WaitingAnswer {
  readonly context: RequestContext<any>;
  readonly write: () => void;
}

/** An incoming request as the last step of the interceptor chain receives it. */
export interface IncomingCall {
  readonly type: number;
  readonly value: unknown;
  readonly metadata: Metadata;
  readonly context: RequestContext<any>;
  readonly handler: Listener;
}

/** What a {@link RequestTable} works with. */
export interface RequestTableParts<P extends SessionProtocol> {
  readonly protocol: P;
  /** The session handlers see in their context. */
  readonly session: Session<P>;
  readonly writer: FrameWriter;
  /** The handlers by type (the `handlers` option); a request type's handler answers it. */
  readonly handlers: ReadonlyMap<number, Listener>;
  /** The default timeout of `request()`, ms (0 = none): `limits.requestTimeout`. */
  readonly defaultTimeout: number;
  readonly onHandlerError: HandlerErrorReport;
  readonly host: RequestTableHost;
}

/**
 * The requests in flight on one session, both ways (docs/PROTOCOL.md section 9): ours waiting for
 * an answer (with their timeouts and abort signals) and the peer's whose handlers have not
 * answered yet (their contexts, aborted on CANCEL or close).
 */
export class RequestTable<P extends SessionProtocol> {
  /** Ours, by id (not a `Map`: see {@link InFlightTable}). */
  readonly pending = new InFlightTable<PendingRequest>();
  /** The peer's, by id, whose handlers answer asynchronously. */
  readonly incoming = new InFlightTable<RequestContext<P>>();
  readonly #protocol: P;
  readonly #session: Session<P>;
  readonly #writer: FrameWriter;
  readonly #handlers: ReadonlyMap<number, Listener>;
  readonly #defaultTimeout: number;
  readonly #report: HandlerErrorReport;
  readonly #host: RequestTableHost;
  #lastId = 0;
  #sweepTimer: Timer | undefined;
  /** The session's calls through its interceptors; undefined without any (the direct path). */
  calls: InterceptedCalls | undefined;
  /** `onReplyMetadata` callbacks of our requests in flight that have one; created on first use. */
  #replyMetadata: InFlightTable<(metadata: Metadata) => void> | undefined;
  /**
   * Answers to the peer's requests that wait for room, in the order they were ready; undefined
   * when none wait. While the outgoing queue is at `maxQueuedBytes` the peer has not read what is
   * queued yet, and answers written anyway grew the queue to `maxBufferedBytes`, where the
   * session closes as if the peer read too slowly: a client that sent 200 requests for 64 KiB
   * replies at once, and read them as fast as they came, was closed as a slow consumer. Their
   * requests stay in `incoming` while they wait: they count against `maxInFlightRequests` (so at
   * most that many answers are held), and a CANCEL or the close drops them.
   */
  #waiting: WaitingAnswer[] | undefined;

  constructor(parts: RequestTableParts<P>) {
    this.#protocol = parts.protocol;
    this.#session = parts.session;
    this.#writer = parts.writer;
    this.#handlers = parts.handlers;
    this.#defaultTimeout = parts.defaultTimeout;
    this.#report = parts.onHandlerError;
    this.#host = parts.host;
  }

  /** Lets go of the slots of empty tables (the connection has gone quiet). */
  release(): void {
    this.pending.release();
    this.incoming.release();
    this.#replyMetadata?.release();
  }

  /** No request is in flight either way (a graceful close may finish). */
  get idle(): boolean {
    return this.pending.size === 0 && this.incoming.size === 0;
  }

  /** The id for the next request of ours (its frame is written before {@link RequestTable.track}). */
  nextId(): number {
    return nextRequestId(this.#lastId, this.pending);
  }

  /** Starts waiting for the answer to request `id`, whose frame is written; returns its promise. */
  track(id: number, type: number, replyType: number, options: RequestOptions | undefined): Promise<unknown> {
    this.#lastId = id;
    const pending = new PendingRequest(id, type, replyType);
    const promise = new Promise<unknown>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    const timeout = options?.timeout;
    if (timeout === undefined) {
      if (this.#defaultTimeout > 0) {
        pending.deadline = Date.now() + this.#defaultTimeout;
        if (this.#sweepTimer === undefined) this.#armSweep(this.#defaultTimeout);
      }
    } else if (timeout > 0) {
      pending.timer = unref(setTimeout(() => this.#expire(pending, 'timeout', timeout), timerDelay(timeout)));
    }
    const signal = options?.signal;
    if (signal !== undefined) {
      const listener = (): void => this.#expire(pending, 'aborted', 0);
      pending.abort = { signal, listener };
      signal.addEventListener('abort', listener, { once: true });
    }
    this.pending.set(id, pending);
    const onReplyMetadata = options?.onReplyMetadata;
    if (onReplyMetadata !== undefined) (this.#replyMetadata ??= new InFlightTable()).set(id, onReplyMetadata);
    return promise;
  }

  /** Stops waiting for `pending` (its answer arrived); the caller settles it. */
  settle(pending: PendingRequest): void {
    this.pending.delete(pending.id);
    pending.dispose();
    this.#forgetReplyMetadata(pending.id);
  }

  /** The answer to our request `id` (in flight) came with `metadata`: tell its `onReplyMetadata`. */
  replyMetadata(id: number, metadata: Metadata): void {
    const listener = this.#replyMetadata?.get(id);
    if (listener === undefined) return;
    this.#replyMetadata!.delete(id);
    listener(metadata);
  }

  /** Forgets the `onReplyMetadata` of request `id` (it was answered, failed or gave up). */
  #forgetReplyMetadata(id: number): void {
    const listeners = this.#replyMetadata;
    if (listeners !== undefined && listeners.size !== 0) listeners.delete(id);
  }

  #armSweep(delay: number): void {
    this.#sweepTimer = unref(setTimeout(() => this.#sweep(), timerDelay(Math.max(1, delay))));
  }

  /**
   * Fails requests whose default deadline passed, oldest first. They share one timer, armed for
   * the earliest deadline still to come.
   */
  #sweep(): void {
    this.#sweepTimer = undefined;
    const now = Date.now();
    let next = 0;
    const due: PendingRequest[] = [];
    for (const pending of this.pending.values()) {
      if (pending.deadline === 0) continue;
      if (pending.deadline > now) {
        if (next === 0 || pending.deadline < next) next = pending.deadline;
      } else due.push(pending);
    }
    for (const pending of this.#oldestFirst(due)) this.#expire(pending, 'timeout', this.#defaultTimeout);
    if (next !== 0 && !this.#host.closed()) this.#armSweep(next - now);
  }

  /** `requests` in the order they were sent (ids count up from the last one, wrapping at 2^32). */
  #oldestFirst(requests: PendingRequest[]): PendingRequest[] {
    const last = this.#lastId;
    return requests.sort((a, b) => ((last - b.id) >>> 0) - ((last - a.id) >>> 0));
  }

  #expire(pending: PendingRequest, code: 'timeout' | 'aborted', timeout: number): void {
    if (this.pending.get(pending.id) !== pending) return;
    this.pending.delete(pending.id);
    pending.dispose();
    this.#forgetReplyMetadata(pending.id);
    if (!this.#host.closed()) this.#host.cancel(pending.id);
    pending.reject(
      code === 'timeout'
        ? new SessionError('timeout', this.#timedOut(pending, timeout), { requestId: pending.id })
        : new SessionError('aborted', `request ${pending.id} was aborted`, {
            requestId: pending.id,
            cause: pending.abort?.signal.reason,
          }),
    );
    this.#host.expired();
  }

  // The peer's requests.

  /**
   * Runs the handler of the peer's request `id` (decoded, admitted) and sends its answer: the
   * RESPONSE, or an ERROR when there is no handler, it fails or its reply does not encode.
   */
  answer(id: number, type: number, value: unknown, metadata: Metadata | undefined): void {
    const replyType = this.#protocol.replyTypeOf(type) as number | undefined;
    const handler = this.#handlers.get(type);
    if (replyType === undefined || handler === undefined) {
      this.refuse(id, 'no-handler', `no handler for request type ${type}`);
      return;
    }
    const context = new RequestContext<P>(this.#session, id, metadata);
    const calls = this.calls;
    if (calls !== undefined) {
      // The chain's last step runs the handler (runHandler), with the metadata the chain passed on.
      this.incoming.set(id, context);
      calls.incomingRequest(type, value, context, handler).then(
        (result) => this.#complete(context, type, replyType, result.value, result.metadata),
        (error) => this.#complete(context, type, replyType, undefined, context.reply, error, true),
      );
      return;
    }
    let result: unknown;
    try {
      result = handler(value, context);
    } catch (error) {
      if (this.#roomNow()) this.#fail(id, type, error, context.reply);
      else this.#wait(context, () => this.#fail(id, type, error, context.reply));
      return;
    }
    if (isThenable(result)) {
      this.incoming.set(id, context);
      result.then(
        (reply) => this.#complete(context, type, replyType, reply, context.reply),
        (error) => this.#complete(context, type, replyType, undefined, context.reply, error, true),
      );
      return;
    }
    if (this.#roomNow()) this.#respond(id, type, replyType, result, context.reply);
    else this.#wait(context, () => this.#respond(id, type, replyType, result, context.reply));
  }

  /** The last step of the chain for an incoming request: its handler, with the metadata the chain passed on. */
  runHandler(call: IncomingCall): Promise<CallResult<any>> {
    const context = call.context;
    context.metadata = call.metadata;
    let result: unknown;
    try {
      result = call.handler(call.value, context);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(result).then((reply) => ({
      value: reply as never,
      metadata: context.reply ?? EMPTY_METADATA,
    }));
  }

  /** Answers the peer's request `id` with an ERROR without running a handler. */
  refuse(id: number, code: WireErrorName, message: string): void {
    this.#writer.writeError(id, ErrorCode[code], message);
    this.#writer.afterWrite();
  }

  /** The peer cancelled request `id`: its handler's signal fires. False when it was not in flight. */
  cancelIncoming(id: number): boolean {
    const context = this.incoming.get(id);
    if (context === undefined) return false;
    this.incoming.delete(id);
    context.abort(new SessionError('cancelled', 'the peer cancelled the request', { requestId: id }));
    return true;
  }

  #complete(
    context: RequestContext<P>,
    type: number,
    replyType: number,
    reply: unknown,
    replyMetadata: Metadata | undefined,
    error?: unknown,
    failed = false,
  ): void {
    // A cancelled request was already removed; its late answer is not wanted.
    if (this.incoming.get(context.requestId) !== context) return;
    const id = context.requestId;
    if (!this.#roomNow()) {
      this.#wait(
        context,
        failed
          ? () => this.#fail(id, type, error, replyMetadata)
          : () => this.#respond(id, type, replyType, reply, replyMetadata),
      );
      return;
    }
    this.incoming.delete(id);
    if (this.#host.closed()) return;
    if (failed) this.#fail(id, type, error, replyMetadata);
    else this.#respond(id, type, replyType, reply, replyMetadata);
    this.#host.answered();
  }

  /** Whether an answer may be written now: none waits before it, and the queue has room. */
  #roomNow(): boolean {
    return this.#waiting === undefined && !this.#host.full();
  }

  /** Holds an answer until the queue has room (see {@link RequestTable.#waiting}). */
  #wait(context: RequestContext<P>, write: () => void): void {
    this.incoming.set(context.requestId, context);
    const waiting = (this.#waiting ??= []);
    waiting.push({ context, write });
    if (waiting.length === 1) void this.#writeWaiting(waiting);
  }

  async #writeWaiting(waiting: WaitingAnswer[]): Promise<void> {
    // Answers that become ready meanwhile join the list: they go after these.
    for (let i = 0; i < waiting.length; i++) {
      while (this.#host.full()) await this.#host.drained();
      const { context, write } = waiting[i];
      // Cancelled by the peer, or failed by the close, while it waited.
      if (this.incoming.get(context.requestId) !== context) continue;
      this.incoming.delete(context.requestId);
      if (this.#host.closed()) continue;
      write();
      this.#host.answered();
    }
    this.#waiting = undefined;
  }

  #respond(
    id: number,
    type: number,
    replyType: number,
    reply: unknown,
    metadata: Metadata | undefined,
  ): void {
    try {
      // Both frames or neither: a METADATA frame must not precede the ERROR below alone.
      const before = metadata === undefined ? undefined : this.#metadataFrame(id, type, metadata);
      this.#writer.writeTyped(FrameKind.RESPONSE, id, replyType, reply, before);
    } catch (error) {
      reportHandlerError(this.#report, error, type, id, false);
      this.refuse(id, 'handler-error', 'the reply could not be encoded');
      return;
    }
    this.#writer.afterWrite();
  }

  #fail(id: number, type: number, error: unknown, metadata: Metadata | undefined): void {
    if (isApplicationError(error)) {
      try {
        const before = metadata === undefined ? undefined : this.#metadataFrame(id, type, metadata);
        if (before !== undefined) this.#writer.append(before);
      } catch (metadataError) {
        reportHandlerError(this.#report, metadataError, type, id, false);
      }
      this.#writer.writeError(id, error.wireCode, error.message);
      this.#writer.afterWrite();
      return;
    }
    reportHandlerError(this.#report, error, type, id, false);
    this.refuse(id, 'handler-error', 'handler failed');
  }

  /** The answer's METADATA frame; below version 3 it is reported and left out (no caller to fail). */
  #metadataFrame(id: number, type: number, metadata: Metadata): Uint8Array | undefined {
    if (isEmptyMetadata(metadata)) return undefined;
    const frame = this.#host.metadataFrame(id, metadata);
    if (frame !== undefined) return frame;
    reportHandlerError(
      this.#report,
      new SessionError(
        'metadata-unsupported',
        `reply metadata of request ${id} was not sent: the peer speaks protocol version ${this.#session.peer?.version}, metadata needs 3`,
        { requestId: id },
      ),
      type,
      id,
      false,
    );
    return undefined;
  }

  #timedOut(pending: PendingRequest, timeout: number): string {
    const name = this.#protocol.typeName(pending.type);
    const type = name === undefined ? `type ${pending.type}` : `type ${pending.type} (${name})`;
    return (
      `request ${pending.id} of message ${type} timed out: no reply within ${timeout} ms. ` +
      'If the peer needs longer, pass { timeout } to request() or raise limits.requestTimeout'
    );
  }

  /** The session closed: every request fails with `failure`, both ways. */
  failAll(failure: Error): void {
    if (this.#sweepTimer !== undefined) clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    for (const pending of this.#oldestFirst(this.pending.values())) {
      pending.dispose();
      pending.reject(failure);
    }
    this.pending.clear();
    this.#replyMetadata?.clear();
    for (const context of this.incoming.values()) context.abort(failure);
    this.incoming.clear();
  }
}
