/** What a {@link SessionMessages} iterator tells the client that feeds it. */
export interface SessionMessagesOwner {
  /** The iterator ended (consumer stopped, signal fired, or client closed): forget it. */
  messagesClosed(iterator: SessionMessages<unknown>): void;
}

/**
 * The one-way messages of one type across reconnects. Each connection's session has its own
 * iterator (with its bounded buffer, which pauses reading when the consumer falls behind, so
 * receive backpressure still works); this one reads them in turn, draining what a lost connection
 * had delivered before moving to the next one's, and finishes when the client closes: done after
 * a graceful close, rejecting with the error after a failure. When `signal` aborts, `next()`
 * rejects with `signal.reason`, as the session's own iterator does.
 */
export class SessionMessages<T> implements AsyncIterableIterator<T> {
  /** The message type delivered. */
  readonly type: number;
  readonly #owner: SessionMessagesOwner;
  readonly #signal: AbortSignal | undefined;
  readonly #sources: AsyncIterator<T>[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #error: Error | undefined;
  /** `next()` calls run one after the other, so overlapping calls get values in order. */
  #tail: Promise<unknown> = Promise.resolve();

  readonly #onAbort = (): void => this.#end();

  constructor(owner: SessionMessagesOwner, type: number, signal?: AbortSignal) {
    this.#owner = owner;
    this.type = type;
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** True once the iterator can deliver nothing more. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Adds the iterator of a new connection's session (called before the session reads a byte). */
  addSource(source: AsyncIterator<T>): void {
    if (this.#ended) {
      void source.return?.();
      return;
    }
    this.#sources.push(source);
    this.#wakeUp();
  }

  /**
   * No more connections will come: finish once the current ones are read, then reject with
   * `error` if the client closed with one.
   */
  finish(error?: Error): void {
    this.#error = error;
    this.#end(false);
  }

  next(): Promise<IteratorResult<T>> {
    const result = this.#tail.then(() => this.#pull());
    this.#tail = result.catch(() => {});
    return result;
  }

  async return(): Promise<IteratorResult<T>> {
    this.#end();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  async #pull(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#signal?.aborted) throw this.#signal.reason;
      const source = this.#sources[0];
      if (source === undefined) {
        if (this.#ended) {
          const error = this.#error;
          this.#error = undefined;
          if (error !== undefined) throw error;
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      let result: IteratorResult<T>;
      try {
        result = await source.next();
      } catch {
        if (this.#signal?.aborted) throw this.#signal.reason;
        // The connection ended with an error; the client decides whether another one comes.
        if (this.#sources[0] === source) this.#sources.shift();
        continue;
      }
      if (result.done === true) {
        if (this.#sources[0] === source) this.#sources.shift();
        continue;
      }
      return result;
    }
  }

  /** Ends the iteration; by default also drops the sources (consumer gone), else lets them drain. */
  #end(dropSources = true): void {
    if (!this.#ended) {
      this.#ended = true;
      this.#signal?.removeEventListener('abort', this.#onAbort);
      this.#owner.messagesClosed(this as SessionMessages<unknown>);
    }
    if (dropSources) {
      for (const source of this.#sources.splice(0)) void source.return?.();
    }
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
