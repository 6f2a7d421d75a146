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
   * Checks of one address without failures that run at once (more wait their turn); while the
   * address has failures, its checks run one at a time and at most this many attempts may wait,
   * more are refused at once without checking their credentials. Default 8.
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
  /** No check for this address starts before this time (ms since the epoch): the backoff. */
  notBefore: number;
  /** Checks running now. */
  running: number;
  /** Attempts waiting for their turn, first come first served. */
  readonly queue: Array<() => void>;
  /** Wakes the queue when the backoff ends. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The failed-login slowdown of one or more listeners, keyed by remote address. Pass one instance
 * to several servers (TCP, TLS; WebSocket endpoints run through a server) and to any other place
 * that checks credentials (an HTTP token check) so that they share one table.
 *
 * {@link FailureThrottle.attempt} is the policy. After the n-th failure from an address, no check
 * for that address starts until `min(maxDelay, baseDelay * 2^(n-1))` ms have passed, and while it
 * has failures the checks of the address run one at a time, in arrival order: every answer to it
 * waits, whatever its outcome, a right token too. Credentials are checked only when the attempt's
 * turn has come, so a client that hangs up before its answer has had nothing checked and learns
 * nothing. An address without failures has up to `maxConcurrentPerAddress` checks run at once.
 * From one address this allows at most `maxConcurrentPerAddress` guesses before the backoff
 * binds, then one per delay, and one per `maxDelay` once the delay has grown to it (with the
 * defaults: 8, then one every 0.8, 1.6 and then 3 s), whatever the client does.
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
   * `null` or `false` (or throws) to refuse. While the address has failures, more than
   * `maxConcurrentPerAddress` attempts waiting at once are refused unchecked (`busy`). Resolves
   * when the caller may answer; never rejects.
   */
  async attempt<T>(
    address: string,
    check: () => T | Promise<T>,
    signal?: AbortSignal,
  ): Promise<AttemptOutcome<Exclude<T, undefined | null | false>>> {
    const entry = this.#entry(address);
    if (entry.failures > 0 && entry.running + entry.queue.length >= this.#maxConcurrent) {
      return { status: 'busy' };
    }
    if (this.#mayStart(entry)) entry.running++;
    else if (!(await this.#waitTurn(address, entry, signal))) return { status: 'aborted' };
    try {
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
      entry.running--;
      this.#pump(address, entry);
    }
  }

  /**
   * Records one failure from `address` and returns the delay (ms) before the next check for it
   * may start. {@link FailureThrottle.attempt} calls this; call it yourself only for checks that
   * do not go through `attempt`.
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
    entry.failures = 0;
    entry.notBefore = 0;
    this.#pump(address, entry);
  }

  #mayStart(entry: Entry): boolean {
    const slots = entry.failures > 0 ? 1 : this.#maxConcurrent;
    return entry.queue.length === 0 && entry.running < slots && Date.now() >= entry.notBefore;
  }

  /** Queues an attempt; true once its turn has come (a slot is taken), false if `signal` fired. */
  #waitTurn(address: string, entry: Entry, signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const start = (): void => {
        signal?.removeEventListener('abort', abort);
        resolve(true);
      };
      const abort = (): void => {
        const at = entry.queue.indexOf(start);
        if (at >= 0) entry.queue.splice(at, 1);
        this.#pump(address, entry);
        resolve(false);
      };
      entry.queue.push(start);
      signal?.addEventListener('abort', abort, { once: true });
      this.#pump(address, entry);
    });
  }

  /** Starts the waiting attempts whose turn has come, or sets a timer for the end of the backoff. */
  #pump(address: string, entry: Entry): void {
    if (entry.timer !== undefined) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    while (entry.queue.length > 0) {
      if (entry.running >= (entry.failures > 0 ? 1 : this.#maxConcurrent)) return;
      const wait = entry.notBefore - Date.now();
      if (wait > 0) {
        entry.timer = setTimeout(() => {
          entry.timer = undefined;
          this.#pump(address, entry);
        }, wait);
        return;
      }
      entry.running++;
      entry.queue.shift()!();
    }
    if (entry.running === 0 && entry.failures === 0 && this.#entries.get(address) === entry) {
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
      entry = { failures: 0, last: now, notBefore: 0, running: 0, queue: [], timer: undefined };
      this.#entries.set(address, entry);
      this.#evict();
    }
    return entry;
  }

  /** Drops the least recently failed addresses above `maxTrackedAddresses` (never one in use). */
  #evict(): void {
    if (this.#entries.size <= this.#maxTracked) return;
    for (const [address, entry] of this.#entries) {
      if (entry.running > 0 || entry.queue.length > 0) continue;
      this.#entries.delete(address);
      if (this.#entries.size <= this.#maxTracked) return;
    }
  }
}
