/**
 * Counts events over a sliding window of one-second buckets and reports the rate per second.
 * Buckets, not timestamps per event, so thousands of messages a second cost nothing to keep.
 */
export class RateCounter {
  readonly #buckets: Float64Array;
  #current = 0;
  #currentSecond = 0;
  /** Completed buckets since the first event, so a young page is not averaged with empty seconds. */
  #completed = 0;

  constructor(windowSeconds = 5) {
    this.#buckets = new Float64Array(windowSeconds);
  }

  add(amount: number, now: number = performance.now()): void {
    this.#advance(now);
    this.#buckets[this.#current] = this.#buckets[this.#current]! + amount;
  }

  /** Average per second over the completed buckets of the window. */
  perSecond(now: number = performance.now()): number {
    this.#advance(now);
    let sum = 0;
    for (let i = 0; i < this.#buckets.length; i++) if (i !== this.#current) sum += this.#buckets[i]!;
    const seconds = Math.min(this.#completed, this.#buckets.length - 1);
    return seconds === 0 ? 0 : sum / seconds;
  }

  #advance(now: number): void {
    const second = Math.floor(now / 1000);
    if (this.#currentSecond === 0) this.#currentSecond = second;
    const steps = Math.min(second - this.#currentSecond, this.#buckets.length);
    for (let i = 0; i < steps; i++) {
      this.#current = (this.#current + 1) % this.#buckets.length;
      this.#buckets[this.#current] = 0;
    }
    if (steps > 0) {
      this.#completed += second - this.#currentSecond;
      this.#currentSecond = second;
    }
  }
}
