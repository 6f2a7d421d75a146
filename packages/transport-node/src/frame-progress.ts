/**
 * Follows frame boundaries in the received byte stream (4-byte header: `kind << 28 | length`,
 * then `length` body bytes; docs/PROTOCOL.md section 3) without buffering anything, to tell
 * whether a frame is half-received and since when. The session's dead-peer check counts bytes,
 * so a peer dripping one byte at a time into a frame that never completes would otherwise be
 * kept alive forever, holding a partial frame buffer (slowloris).
 */
export class FrameProgress {
  #remaining = 0;
  #headerBytes = 0;
  #header = 0;
  /** When the frame in progress started (ms), 0 between frames. */
  #startedAt = 0;
  #pausedAt = 0;

  /** True while a frame (or its header) is partly received. */
  get inFrame(): boolean {
    return this.#remaining > 0 || this.#headerBytes > 0;
  }

  /**
   * Reading stopped on our side (receive backpressure): time spent paused is not the peer's
   * fault and does not count.
   */
  pause(now: number): void {
    if (this.#pausedAt === 0) this.#pausedAt = now;
  }

  /** Reading resumed after {@link FrameProgress.pause}. */
  resume(now: number): void {
    if (this.#pausedAt === 0) return;
    if (this.#startedAt !== 0) this.#startedAt += now - this.#pausedAt;
    this.#pausedAt = 0;
  }

  /** Accounts for `chunk`; returns how long (ms) the frame still in progress has taken, or 0. */
  advance(chunk: Uint8Array, now: number): number {
    const length = chunk.length;
    let at = 0;
    let completed = false;
    while (at < length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, length - at);
        this.#remaining -= take;
        at += take;
        if (this.#remaining === 0) completed = true;
        continue;
      }
      this.#header = ((this.#header << 8) | chunk[at++]) >>> 0;
      if (++this.#headerBytes === 4) {
        this.#remaining = this.#header & 0x0fffffff;
        this.#headerBytes = 0;
        this.#header = 0;
        if (this.#remaining === 0) completed = true;
      }
    }
    if (this.#remaining === 0 && this.#headerBytes === 0) {
      this.#startedAt = 0;
      return 0;
    }
    // A frame completed in this chunk and another one began: the new one starts now.
    if (completed || this.#startedAt === 0) this.#startedAt = now;
    return now - this.#startedAt;
  }
}
