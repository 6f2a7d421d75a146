import type { Session } from '@bp/session';

/** What a {@link ClientMessageIterator} needs from its client. */
export interface IteratorHost {
  /** The session whose messages are delivered now, if any. */
  current(): Session<any> | undefined;
  /** Resolves when the client is open again; rejects when it is closed for good. */
  nextSession(): Promise<unknown>;
  /** True once the client is closed for good. */
  finished(): boolean;
  /** The error the client closed with, if any. */
  closeError(): Error | undefined;
  /** Forget this iterator. */
  release(iterator: ClientMessageIterator<any>): void;
}

/**
 * `client.messages(type)`: the session's own iterator (with its bounded buffer and receive-side
 * backpressure) for the current connection, replaced by a fresh one on every reconnection, so one
 * `for await` loop spans connections. Values buffered in a lost connection's iterator are still
 * delivered before switching.
 */
export class ClientMessageIterator<T> implements AsyncIterableIterator<T> {
  readonly #type: number;
  readonly #signal: AbortSignal | undefined;
  readonly #host: IteratorHost;
  /** One session iterator per connection, oldest first; the oldest is drained before the next. */
  #inners: AsyncIterableIterator<T>[] = [];
  readonly #bySession = new WeakMap<Session<any>, AsyncIterableIterator<T>>();
  #done = false;
  #wake: (() => void) | undefined;

  constructor(type: number, signal: AbortSignal | undefined, host: IteratorHost) {
    this.#type = type;
    this.#signal = signal;
    this.#host = host;
    const session = host.current();
    if (session !== undefined) this.attach(session);
    signal?.addEventListener('abort', () => this.#finish(), { once: true });
  }

  /** Starts reading from a new session (called before the session receives any byte). */
  attach(session: Session<any>): void {
    if (this.#done) return;
    const inner = session.messages(this.#type, this.#signal === undefined ? {} : { signal: this.#signal });
    this.#inners.push(inner);
    this.#bySession.set(session, inner);
    this.#wakeUp();
  }

  /**
   * Forgets a session whose handshake failed (it never delivered a message), so failed reconnect
   * attempts do not pile up here.
   */
  detach(session: Session<any>): void {
    const inner = this.#bySession.get(session);
    if (inner === undefined) return;
    this.#bySession.delete(session);
    const index = this.#inners.indexOf(inner);
    if (index >= 0) this.#inners.splice(index, 1);
    void inner.return?.();
  }

  /** The client closed for good: end after what is buffered. */
  clientClosed(): void {
    this.#wakeUp();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#done || this.#signal?.aborted) return this.#end();
      const inner = this.#inners[0];
      if (inner !== undefined) {
        let result: IteratorResult<T> | undefined;
        try {
          result = await inner.next();
        } catch {
          // The connection ended with an error: the client decides below whether that ends the
          // iteration (closed for good) or a new connection takes over.
        }
        if (result !== undefined && !result.done) return result;
        if (this.#inners[0] === inner) this.#inners.shift();
        continue;
      }
      if (this.#host.finished()) {
        const error = this.#host.closeError();
        this.#finish();
        if (error !== undefined) throw error;
        return this.#end();
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#host.nextSession().then(
          () => resolve(),
          () => resolve(),
        );
      });
      this.#wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.#finish();
    return this.#end();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #end(): IteratorResult<T> {
    return { done: true, value: undefined };
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    for (const inner of this.#inners.splice(0)) void inner.return?.();
    this.#host.release(this);
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
