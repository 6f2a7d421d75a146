import type { RateLimit } from './limits.js';

/**
 * Two token buckets (messages and bytes) refilled continuously. The session refills once per
 * received chunk, not per frame, so the clock is read once for many frames.
 */
export class RateLimiter {
  readonly #messageRate: number;
  readonly #byteRate: number;
  readonly #messageCapacity: number;
  readonly #byteCapacity: number;
  #messages: number;
  #bytes: number;
  #last: number;

  constructor(limit: RateLimit, now: number) {
    const burst = limit.burst ?? 1;
    this.#messageRate = limit.messagesPerSecond ?? Number.POSITIVE_INFINITY;
    this.#byteRate = limit.bytesPerSecond ?? Number.POSITIVE_INFINITY;
    this.#messageCapacity = this.#messageRate * burst;
    this.#byteCapacity = this.#byteRate * burst;
    this.#messages = this.#messageCapacity;
    this.#bytes = this.#byteCapacity;
    this.#last = now;
  }

  /** Adds the tokens earned since the last refill. */
  refill(now: number): void {
    const elapsed = (now - this.#last) / 1000;
    if (elapsed <= 0) return;
    this.#last = now;
    this.#messages = Math.min(this.#messageCapacity, this.#messages + elapsed * this.#messageRate);
    this.#bytes = Math.min(this.#byteCapacity, this.#bytes + elapsed * this.#byteRate);
  }

  /** Takes one message and `bytes` bytes; false (and nothing taken) when either bucket lacks them. */
  take(bytes: number): boolean {
    if (this.#messages < 1 || this.#bytes < bytes) return false;
    this.#messages -= 1;
    this.#bytes -= bytes;
    return true;
  }
}
