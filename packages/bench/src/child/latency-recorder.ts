import { createRandom } from '../prng.js';

/**
 * Keeps latency samples in a preallocated array; past its capacity it keeps a uniform random
 * sample of everything recorded (reservoir sampling), so a long run neither grows memory without
 * bound nor forgets its end.
 */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private seen = 0;
  private readonly random = createRandom(0x5eed);

  constructor(capacity = 2_000_000) {
    this.samples = new Float64Array(capacity);
  }

  /** Samples recorded so far (including those the reservoir let go). */
  get count(): number {
    return this.seen;
  }

  record(value: number): void {
    const i = this.seen++;
    if (i < this.samples.length) this.samples[i] = value;
    else {
      const j = Math.floor(this.random() * this.seen);
      if (j < this.samples.length) this.samples[j] = value;
    }
  }

  /** The kept samples (a view; copy before recording more). */
  values(): Float64Array {
    return this.samples.subarray(0, Math.min(this.seen, this.samples.length));
  }

  reset(): void {
    this.seen = 0;
  }
}
