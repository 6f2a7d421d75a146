import { EMPTY_METADATA, type Metadata } from './metadata.js';
import type { SessionProtocol } from './protocol-types.js';
import type { Principal } from './register.js';
import type { HandlerContext, Session } from './types.js';

/**
 * The context of one incoming request. Its AbortController is created only when a handler reads
 * `signal`, so requests whose handlers ignore cancellation cost one small object.
 */
export class RequestContext<P extends SessionProtocol> implements HandlerContext<P> {
  readonly session: Session<P>;
  readonly requestId: number;
  /** The request's metadata (what interceptors passed on, when there are any). */
  metadata: Metadata;
  /** Metadata for the answer, created when a handler first reads `replyMetadata`. */
  reply: Record<string, string> | undefined;
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;

  constructor(session: Session<P>, requestId: number, metadata: Metadata = EMPTY_METADATA) {
    this.session = session;
    this.requestId = requestId;
    this.metadata = metadata;
  }

  get replyMetadata(): Record<string, string> {
    this.reply ??= Object.create(null) as Record<string, string>;
    return this.reply;
  }

  get principal(): Principal {
    return this.session.principal;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Fires the signal: the peer cancelled the request or the connection closed. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
