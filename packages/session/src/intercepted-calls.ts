import { type HandlerErrorReport, reportHandlerError } from './handler-errors.js';
import { type CallHandler, type CallResult, composeInterceptors, type Interceptor } from './interceptor.js';
import { EMPTY_METADATA, isEmptyMetadata, type Metadata } from './metadata.js';
import type { SessionProtocol } from './protocol-types.js';
import type { RequestContext } from './request-context.js';
import type { IncomingCall } from './request-table.js';
import type { RequestOptions, Session } from './types.js';

const noop = (): void => {};

/** What the chain's last step answers for a one-way message (written or delivered). */
const DONE: Promise<CallResult<any>> = Promise.resolve({ value: undefined, metadata: EMPTY_METADATA });
DONE.catch(noop);

/** What an outgoing one-way message's last step reports back to `send()` (shared by the call's copies). */
interface SendOutcome {
  written: boolean | undefined;
  error: unknown;
}

/** The fields of a call the last step reads beyond {@link Call}: the caller's options. */
interface CallParts {
  readonly kind: 'request' | 'message';
  readonly direction: 'outgoing' | 'incoming';
  readonly type: number;
  readonly value: unknown;
  readonly metadata: Metadata;
  readonly options?: RequestOptions;
  readonly outcome?: SendOutcome;
}

/** The session as its calls name it, with the signal calls without one of their own get. */
export interface CallSession extends Session<any> {
  readonly sessionSignal: AbortSignal;
}

/** What the calls ask of their session beyond its public surface: its direct paths. */
export interface InterceptedCallsHost {
  /** Writes a one-way message, as `send()` does without interceptors. */
  sendDirect(type: number, value: unknown, metadata: Metadata | undefined): boolean;
  /** Sends a request, as `request()` does without interceptors. */
  requestDirect(type: number, value: unknown, options: RequestOptions): Promise<any>;
  /** Whether the output queue is under its limit (`send()`'s answer when the chain did not write). */
  hasRoom(): boolean;
}

/** Where the chain's last step hands incoming calls: the request table and the subscribers. */
export interface IncomingTargets {
  readonly requests: { runHandler(call: IncomingCall): Promise<CallResult<any>> };
  readonly subscribers: { deliver(type: number, value: unknown, metadata: Metadata): void };
}

/**
 * A session's calls through its interceptor chain (the `interceptors` option): each entry point
 * builds the call object interceptors see and runs the chain, whose last step is the direct path
 * the session takes without interceptors. Sessions without interceptors have none of this.
 */
export class InterceptedCalls {
  readonly #chain: CallHandler<any>;
  readonly #protocol: SessionProtocol;
  readonly #session: CallSession;
  readonly #host: InterceptedCallsHost;
  readonly #incoming: IncomingTargets;
  readonly #report: HandlerErrorReport;

  /** `interceptors`: the session's, at least one (a session without any has no InterceptedCalls). */
  constructor(
    interceptors: readonly Interceptor<any>[],
    protocol: SessionProtocol,
    session: CallSession,
    host: InterceptedCallsHost,
    incoming: IncomingTargets,
    report: HandlerErrorReport,
  ) {
    this.#protocol = protocol;
    this.#session = session;
    this.#host = host;
    this.#incoming = incoming;
    this.#report = report;
    this.#chain = composeInterceptors<any>(interceptors, (call) =>
      this.#lastStep(call as unknown as CallParts),
    ) as CallHandler<any>;
  }

  /** `request()` through the chain. */
  request(type: number, value: unknown, options: RequestOptions | undefined): Promise<any> {
    const call = this.#callOf(
      'request',
      'outgoing',
      type,
      value,
      options?.metadata ?? EMPTY_METADATA,
      options?.signal ?? this.#session.sessionSignal,
    );
    (call as { options?: RequestOptions }).options = options;
    let outcome: Promise<CallResult<any>>;
    try {
      outcome = this.#chain(call as never);
    } catch (error) {
      return Promise.reject(error);
    }
    const onReply = options?.onReplyMetadata;
    return outcome.then((result) => {
      if (onReply !== undefined && !isEmptyMetadata(result.metadata)) onReply(result.metadata);
      return result.value;
    });
  }

  /** `send()` through the chain. */
  send(type: number, value: unknown, metadata: Metadata | undefined): boolean {
    const sent: SendOutcome = { written: undefined, error: undefined };
    const call = this.#callOf(
      'message',
      'outgoing',
      type,
      value,
      metadata ?? EMPTY_METADATA,
      this.#session.sessionSignal,
    );
    (call as { outcome?: SendOutcome }).outcome = sent;
    // A chain that calls next() at once writes now, and send() answers as without interceptors
    // (its errors thrown, its backpressure returned); a short-circuit has no caller to fail.
    const outcome = this.#chain(call as never);
    if (sent.error !== undefined) {
      outcome.catch(noop);
      throw sent.error;
    }
    outcome.catch((error: unknown) => {
      if (error !== sent.error) reportHandlerError(this.#report, error, type, undefined, true);
    });
    return sent.written ?? this.#host.hasRoom();
  }

  /** An incoming one-way message through the chain to its handlers. */
  deliver(type: number, value: unknown, metadata: Metadata): void {
    const call = this.#callOf('message', 'incoming', type, value, metadata, this.#session.sessionSignal);
    let outcome: Promise<CallResult<any>>;
    try {
      outcome = this.#chain(call as never);
    } catch (error) {
      reportHandlerError(this.#report, error, type, undefined, true);
      return;
    }
    outcome.catch((error: unknown) => reportHandlerError(this.#report, error, type, undefined, true));
  }

  /** An incoming request through the chain; its last step runs `handler` (the request table answers). */
  incomingRequest(
    type: number,
    value: unknown,
    context: RequestContext<any>,
    handler: IncomingCall['handler'],
  ): Promise<CallResult<any>> {
    const call = this.#callOf('request', 'incoming', type, value, context.metadata, context.signal);
    call.requestId = context.requestId;
    call.context = context;
    call.handler = handler;
    try {
      return this.#chain(call as never);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One shape for every call (fields a kind does not use stay undefined), so call sites stay monomorphic. */
  #callOf(
    kind: 'request' | 'message',
    direction: 'outgoing' | 'incoming',
    type: number,
    value: unknown,
    metadata: Metadata,
    signal: AbortSignal,
  ) {
    const session = this.#session;
    return {
      kind,
      direction,
      type,
      typeName: this.#protocol.typeName(type),
      value,
      metadata,
      session,
      principal: session.principal,
      peer: session.peer,
      signal,
      requestId: undefined as number | undefined,
      options: undefined as RequestOptions | undefined,
      outcome: undefined as SendOutcome | undefined,
      context: undefined as RequestContext<any> | undefined,
      handler: undefined as IncomingCall['handler'] | undefined,
    };
  }

  /** The end of the chain: what the session does without interceptors. */
  #lastStep(call: CallParts): Promise<CallResult<any>> {
    const host = this.#host;
    if (call.direction === 'incoming') {
      if (call.kind === 'request') return this.#incoming.requests.runHandler(call as never);
      this.#incoming.subscribers.deliver(call.type, call.value, call.metadata);
      return DONE;
    }
    if (call.kind === 'message') {
      const sent = call.outcome;
      try {
        const written = host.sendDirect(call.type, call.value, call.metadata);
        if (sent !== undefined) sent.written = written;
      } catch (error) {
        if (sent !== undefined) sent.error = error;
        return Promise.reject(error);
      }
      return DONE;
    }
    const options = call.options;
    let replyMetadata = EMPTY_METADATA;
    return host
      .requestDirect(call.type, call.value, {
        signal: options?.signal,
        timeout: options?.timeout,
        metadata: call.metadata,
        onReplyMetadata: (metadata) => {
          replyMetadata = metadata;
        },
      })
      .then(
        (value) => ({ value, metadata: replyMetadata }),
        (error: unknown) => {
          // An ERROR answer's metadata reaches the caller even though no result carries it.
          if (replyMetadata !== EMPTY_METADATA) options?.onReplyMetadata?.(replyMetadata);
          throw error;
        },
      );
  }
}
