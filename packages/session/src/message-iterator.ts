import { UsageError } from './usage-error.js';
/** What a {@link MessageIterator} tells its session. */
export interface IteratorOwner {
  /** The iterator's backlog crossed its high-water mark (true) or fell back to half (false). */
  iteratorBacklog(iterator: MessageIterator<unknown>, full: boolean): void;
  /** The iterator ended; stop feeding it. */
  iteratorClosed(iterator: MessageIterator<unknown>): void;
}

/**
 * An async iterator over the one-way messages of one type. Values that arrive while nobody waits
 * are buffered; past `highWaterMark` the session pauses reading from the peer until the consumer
 * catches up, so a slow `for await` loop applies backpressure instead of growing memory.
 */
export class MessageIterator<T> implements AsyncIterableIterator<T> {
  readonly #owner: IteratorOwner;
  readonly #highWaterMark: number;
  #buffer: T[] = [];
  #head = 0;
  #full = false;
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #done = false;
  #error: unknown;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(owner: IteratorOwner, highWaterMark: number, signal?: AbortSignal) {
    this.#owner = owner;
    this.#highWaterMark = Math.max(1, highWaterMark);
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => this.#finish(signal.reason);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** Delivers one value (called by the session). */
  push(value: T): void {
    if (this.#done) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve({ value, done: false });
      return;
    }
    this.#buffer.push(value);
    if (!this.#full && this.#buffer.length - this.#head >= this.#highWaterMark) {
      this.#full = true;
      this.#owner.iteratorBacklog(this as MessageIterator<unknown>, true);
    }
  }

  /** Ends the iteration after the buffered values; with an error, `next()` then rejects with it. */
  end(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#release();
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      // The waiting call reports the error; later calls just see the end.
      this.#error = undefined;
      if (error === undefined) waiter.resolve({ value: undefined, done: true });
      else waiter.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head++];
      this.#compact();
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) {
      const error = this.#error;
      if (error !== undefined) {
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new UsageError(
          'concurrent-next',
          'next() called again before the previous call settled: await each next() (for await ... of does)',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#buffer = [];
    this.#head = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #finish(error: unknown): void {
    this.#buffer = [];
    this.#head = 0;
    this.end(error);
  }

  #compact(): void {
    const left = this.#buffer.length - this.#head;
    if (this.#full && left <= this.#highWaterMark >> 1) {
      this.#full = false;
      this.#owner.iteratorBacklog(this as MessageIterator<unknown>, false);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
  }

  #release(): void {
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#onAbort = undefined;
    if (this.#full) {
      this.#full = false;
      this.#owner.iteratorBacklog(this as MessageIterator<unknown>, false);
    }
    this.#owner.iteratorClosed(this as MessageIterator<unknown>);
  }
}
