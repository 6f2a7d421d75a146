/** Options of the per-address slowdown after failed authentication. */
export interface FailureThrottleOptions {
  /** Delay before answering the first failed attempt from an address, in ms. Default 100. */
  baseDelay?: number;
  /** Ceiling of the delay, in ms. Default 3000. */
  maxDelay?: number;
  /** An address's failure count is forgotten after this long without failures, in ms. Default 60000. */
  forgetAfter?: number;
  /** Most addresses remembered at once (oldest forgotten first). Default 10000. */
  maxTrackedAddresses?: number;
}

interface Entry {
  failures: number;
  last: number;
}

/**
 * Remembers failed authentication attempts per remote address and tells how long to wait before
 * answering the next failure: `baseDelay * 2^(failures-1)`, capped at `maxDelay`. The delay is
 * applied before the reject is sent, so a guessing client holds its connection slot meanwhile,
 * and `maxConnectionsPerAddress` bounds how many guesses it can have outstanding.
 */
export class FailureThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #baseDelay: number;
  readonly #maxDelay: number;
  readonly #forgetAfter: number;
  readonly #maxTracked: number;

  constructor(options: FailureThrottleOptions = {}) {
    this.#baseDelay = options.baseDelay ?? 100;
    this.#maxDelay = options.maxDelay ?? 3000;
    this.#forgetAfter = options.forgetAfter ?? 60_000;
    this.#maxTracked = options.maxTrackedAddresses ?? 10_000;
  }

  /** Records one failure from `address` and returns the delay (ms) to apply before rejecting. */
  recordFailure(address: string, now = Date.now()): number {
    const previous = this.#current(address, now);
    const entry = { failures: previous + 1, last: now };
    // Re-insert so Map order stays least-recently-failed first, which is what eviction drops.
    this.#entries.delete(address);
    this.#entries.set(address, entry);
    if (this.#entries.size > this.#maxTracked) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return Math.min(this.#maxDelay, this.#baseDelay * 2 ** Math.min(entry.failures - 1, 30));
  }

  /** Failures currently remembered for `address`. */
  failures(address: string, now = Date.now()): number {
    return this.#current(address, now);
  }

  /** Forgets `address` (after a successful authentication). */
  forget(address: string): void {
    this.#entries.delete(address);
  }

  #current(address: string, now: number): number {
    const entry = this.#entries.get(address);
    if (entry === undefined) return 0;
    if (now - entry.last > this.#forgetAfter) {
      this.#entries.delete(address);
      return 0;
    }
    return entry.failures;
  }
}
