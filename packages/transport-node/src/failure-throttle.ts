/** Options of the per-address slowdown after failed authentication. */
export interface FailureThrottleOptions {
  /** Wait before the answer that follows the first failed attempt from an address, in ms. Default 100. */
  baseDelay?: number;
  /** Ceiling of the wait, in ms. Default 3000. */
  maxDelay?: number;
  /** An address's failure count is forgotten after this long without failures, in ms. Default 60000. */
  forgetAfter?: number;
  /** Most addresses remembered at once (oldest forgotten first). Default 10000. */
  maxTrackedAddresses?: number;
  /**
   * Attempts from one address waiting for an answer at once; more are refused at once, without
   * checking their credentials. Default 8.
   */
  maxConcurrentPerAddress?: number;
}

/** How one {@link FailureThrottle.attempt} ended. */
export type AttemptOutcome<T> =
  /** The check accepted; `principal` is what it returned. */
  | { readonly status: 'accepted'; readonly principal: T }
  /** The check refused (returned `undefined`, `null` or `false`, or threw). */
  | { readonly status: 'rejected' }
  /** Too many attempts from this address were waiting; the check did not run. */
  | { readonly status: 'busy' }
  /** `signal` fired while the attempt waited for its turn; the check did not run. */
  | { readonly status: 'aborted' };

interface Entry {
  failures: number;
  /** When the last failure was recorded (for forgetAfter). */
  last: number;
  /** No answer to this address before this time (ms since the epoch): the backoff. */
  notBefore: number;
  /** Attempts waiting or being checked now. */
  active: number;
  /** Settles when every attempt queued so far has been answered: attempts take turns. */
  turn: Promise<void>;
}

/**
 * The failed-login slowdown of one or more listeners, keyed by remote address. Pass one instance
 * to several servers (TCP, TLS; WebSocket endpoints run through a server) and to any other place
 * that checks credentials (an HTTP token check) so that they share one table.
 *
 * {@link FailureThrottle.attempt} is the policy: the attempts of one address are answered one at
 * a time; after the n-th failure the next answer to that address, whatever its outcome, waits
 * until `min(maxDelay, baseDelay * 2^(n-1))` ms have passed since that failure was answered. The
 * credentials are checked only when the attempt's turn has come, so a client that hangs up before
 * its answer has had nothing checked and learns nothing. From one address this allows at most one
 * checked guess per `maxDelay` once the delay has grown to it (with the defaults: six guesses in
 * the first 3.1 s, then one every 3 s), whatever the client does.
 */
export class FailureThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #baseDelay: number;
  readonly #maxDelay: number;
  readonly #forgetAfter: number;
  readonly #maxTracked: number;
  readonly #maxConcurrent: number;

  constructor(options: FailureThrottleOptions = {}) {
    this.#baseDelay = options.baseDelay ?? 100;
    this.#maxDelay = options.maxDelay ?? 3000;
    this.#forgetAfter = options.forgetAfter ?? 60_000;
    this.#maxTracked = options.maxTrackedAddresses ?? 10_000;
    this.#maxConcurrent = options.maxConcurrentPerAddress ?? 8;
    for (const [name, value] of Object.entries({
      baseDelay: this.#baseDelay,
      maxDelay: this.#maxDelay,
      forgetAfter: this.#forgetAfter,
    })) {
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new RangeError(`throttle.${name} must be a finite number of ms >= 0, got ${value}`);
      }
    }
    if (!(Number.isInteger(this.#maxConcurrent) && this.#maxConcurrent >= 1)) {
      throw new RangeError(
        `throttle.maxConcurrentPerAddress must be an integer >= 1, got ${this.#maxConcurrent}`,
      );
    }
  }

  /**
   * Runs one authentication attempt from `address` under the policy: waits for the address's turn
   * and backoff, runs `check`, records the outcome. `check` returns the principal, or `undefined`,
   * `null` or `false` (or throws) to refuse. Resolves when the caller may answer; never rejects.
   */
  async attempt<T>(
    address: string,
    check: () => T | Promise<T>,
    signal?: AbortSignal,
  ): Promise<AttemptOutcome<Exclude<T, undefined | null | false>>> {
    const entry = this.#entry(address);
    if (entry.active >= this.#maxConcurrent) return { status: 'busy' };
    entry.active++;
    let answered!: () => void;
    const mine = new Promise<void>((resolve) => (answered = resolve));
    const previous = entry.turn;
    // The next attempt waits for this one and for every one before it (an attempt that leaves
    // early must not let its successor overtake an attempt still being checked).
    entry.turn = Promise.all([previous, mine]).then(() => {});
    try {
      await abortable(previous, signal);
      const wait = entry.notBefore - Date.now();
      if (wait > 0) await sleep(wait, signal);
      if (signal?.aborted) return { status: 'aborted' };
      let principal: T | undefined;
      try {
        principal = await check();
      } catch {
        principal = undefined;
      }
      if (principal === undefined || principal === null || principal === false) {
        this.recordFailure(address);
        return { status: 'rejected' };
      }
      this.forget(address);
      return { status: 'accepted', principal: principal as Exclude<T, undefined | null | false> };
    } finally {
      entry.active--;
      answered();
      if (entry.active === 0 && entry.failures === 0 && this.#entries.get(address) === entry) {
        this.#entries.delete(address);
      }
    }
  }

  /**
   * Records one failure from `address` and returns the delay (ms) that now applies to the next
   * answer to it. {@link FailureThrottle.attempt} calls this; call it yourself only for checks
   * that do not go through `attempt`.
   */
  recordFailure(address: string, now = Date.now()): number {
    const entry = this.#entry(address, now);
    entry.failures++;
    entry.last = now;
    const delay = Math.min(this.#maxDelay, this.#baseDelay * 2 ** Math.min(entry.failures - 1, 30));
    entry.notBefore = now + delay;
    // Re-insert so Map order stays least-recently-failed first, which is what eviction drops.
    this.#entries.delete(address);
    this.#entries.set(address, entry);
    return delay;
  }

  /** Failures currently remembered for `address`. */
  failures(address: string, now = Date.now()): number {
    const entry = this.#entries.get(address);
    if (entry === undefined || this.#stale(entry, now)) return 0;
    return entry.failures;
  }

  /** Forgets the failures of `address` (after a successful authentication); ends its backoff. */
  forget(address: string): void {
    const entry = this.#entries.get(address);
    if (entry === undefined) return;
    if (entry.active > 0) {
      entry.failures = 0;
      entry.notBefore = 0;
    } else {
      this.#entries.delete(address);
    }
  }

  #stale(entry: Entry, now: number): boolean {
    return entry.failures > 0 && now - entry.last > this.#forgetAfter;
  }

  #entry(address: string, now = Date.now()): Entry {
    let entry = this.#entries.get(address);
    if (entry !== undefined && this.#stale(entry, now)) {
      entry.failures = 0;
      entry.notBefore = 0;
    }
    if (entry === undefined) {
      entry = { failures: 0, last: now, notBefore: 0, active: 0, turn: Promise.resolve() };
      this.#entries.set(address, entry);
      this.#evict();
    }
    return entry;
  }

  /** Drops the least recently failed addresses above `maxTrackedAddresses` (never one in use). */
  #evict(): void {
    if (this.#entries.size <= this.#maxTracked) return;
    for (const [address, entry] of this.#entries) {
      if (entry.active > 0) continue;
      this.#entries.delete(address);
      if (this.#entries.size <= this.#maxTracked) return;
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Resolves when `promise` settles or `signal` fires, whichever comes first. */
function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}
