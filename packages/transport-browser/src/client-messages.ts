/** What a {@link ClientMessages} iterator tells the client that feeds it. */
export interface ClientMessagesOwner {
  /** The iterator ended (consumer stopped, signal fired, or client closed). */
  messagesClosed(iterator: ClientMessages<unknown>): void;
}

/**
 * The one-way messages of one type across reconnects. Each connection's session has its own
 * iterator (which pauses reading when its consumer falls behind, so backpressure still works);
 * this one reads them in turn, moving to the next connection's when one ends, and finishes when
 * the client closes.
 */
export class ClientMessages<T> implements AsyncIterableIterator<T> {
  readonly type: number;
  readonly #owner: ClientMessagesOwner;
  readonly #signal: AbortSignal | undefined;
  readonly #sources: AsyncIterator<T>[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #busy = false;
  #error: Error | undefined;

  readonly #onAbort = (): void => this.#end();

  constructor(owner: ClientMessagesOwner, type: number, signal?: AbortSignal) {
    this.#owner = owner;
    this.type = type;
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** True once the iterator can deliver nothing more. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Adds the iterator of a new connection's session (called by the client, before any data). */
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

  async next(): Promise<IteratorResult<T>> {
    if (this.#busy) throw new Error('next() called again before the previous call settled');
    this.#busy = true;
    try {
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
          this.#sources.shift();
          continue;
        }
        if (result.done === true) {
          this.#sources.shift();
          continue;
        }
        return result;
      }
    } finally {
      this.#busy = false;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.#end();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** Ends the iteration; by default also drops the sources (consumer gone), else lets them drain. */
  #end(dropSources = true): void {
    if (!this.#ended) {
      this.#ended = true;
      this.#signal?.removeEventListener('abort', this.#onAbort);
      this.#owner.messagesClosed(this as ClientMessages<unknown>);
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
