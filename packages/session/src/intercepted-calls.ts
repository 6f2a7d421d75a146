import { type HandlerErrorReport, reportHandlerError } from './handler-errors.js';
import { type CallHandler, type CallResult, composeInterceptors, type Interceptor } from './interceptor.js';
import { EMPTY_METADATA, isEmptyMetadata, type Metadata } from './metadata.js';
import type { SessionProtocol } from './protocol-types.js';
import type { IncomingCall } from './request-table.js';
import type { PeerInfo, RequestOptions, Session } from './types.js';

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

/** What the calls ask of their session: its direct paths (the chain's last step) and its state. */
export interface InterceptedCallsHost {
  /** The session the calls name. */
  readonly session: Session<any>;
  principal(): unknown;
  peer(): PeerInfo | undefined;
  /** The session's signal, for calls without one of their own. */
  signal(): AbortSignal;
  /** Writes a one-way message, as `send()` does without interceptors. */
  sendDirect(type: number, value: unknown, metadata: Metadata | undefined): boolean;
  /** Sends a request, as `request()` does without interceptors. */
  requestDirect(type: number, value: unknown, options: RequestOptions): Promise<any>;
  /** Runs an incoming request's handler (the request table's last step). */
  handleRequest(call: IncomingCall): Promise<CallResult<any>>;
  /** Hands an incoming one-way message to its handlers. */
  deliver(type: number, value: unknown, metadata: Metadata): void;
  /** Whether the output queue is under its limit (`send()`'s answer when the chain did not write). */
  hasRoom(): boolean;
}

/**
 * A session's calls through its interceptor chain (the `interceptors` option): each entry point
 * builds the call object interceptors see and runs the chain, whose last step is the direct path
 * the session takes without interceptors. Sessions without interceptors have none of this.
 */
export class InterceptedCalls {
  /** The composed chain; the request table runs incoming requests through it too. */
  readonly chain: CallHandler<any>;
  readonly #protocol: SessionProtocol;
  readonly #report: HandlerErrorReport;
  readonly #host: InterceptedCallsHost;

  /** The calls of a session with `interceptors`; undefined without any (calls take the direct path). */
  static of(
    interceptors: readonly Interceptor<any>[] | undefined,
    protocol: SessionProtocol,
    report: HandlerErrorReport,
    host: InterceptedCallsHost,
  ): InterceptedCalls | undefined {
    if (interceptors === undefined || interceptors.length === 0) return undefined;
    return new InterceptedCalls(interceptors, protocol, report, host);
  }

  private constructor(
    interceptors: readonly Interceptor<any>[],
    protocol: SessionProtocol,
    report: HandlerErrorReport,
    host: InterceptedCallsHost,
  ) {
    this.#protocol = protocol;
    this.#report = report;
    this.#host = host;
    this.chain = composeInterceptors<any>(interceptors, (call) =>
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
      options?.signal ?? this.#host.signal(),
    );
    (call as { options?: RequestOptions }).options = options;
    let outcome: Promise<CallResult<any>>;
    try {
      outcome = this.chain(call as never);
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
      this.#host.signal(),
    );
    (call as { outcome?: SendOutcome }).outcome = sent;
    // A chain that calls next() at once writes now, and send() answers as without interceptors
    // (its errors thrown, its backpressure returned); a short-circuit has no caller to fail.
    const outcome = this.chain(call as never);
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
    const call = this.#callOf('message', 'incoming', type, value, metadata, this.#host.signal());
    let outcome: Promise<CallResult<any>>;
    try {
      outcome = this.chain(call as never);
    } catch (error) {
      reportHandlerError(this.#report, error, type, undefined, true);
      return;
    }
    outcome.catch((error: unknown) => reportHandlerError(this.#report, error, type, undefined, true));
  }

  #callOf(
    kind: 'request' | 'message',
    direction: 'outgoing' | 'incoming',
    type: number,
    value: unknown,
    metadata: Metadata,
    signal: AbortSignal,
  ) {
    const host = this.#host;
    return {
      kind,
      direction,
      type,
      typeName: this.#protocol.typeName(type),
      value,
      metadata,
      session: host.session,
      principal: host.principal(),
      peer: host.peer(),
      signal,
      requestId: undefined as number | undefined,
      options: undefined as RequestOptions | undefined,
      outcome: undefined as SendOutcome | undefined,
    };
  }

  /** The end of the chain: what the session does without interceptors. */
  #lastStep(call: CallParts): Promise<CallResult<any>> {
    const host = this.#host;
    if (call.direction === 'incoming') {
      if (call.kind === 'request') return host.handleRequest(call as never);
      host.deliver(call.type, call.value, call.metadata);
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
