import { FrameKind } from './frame-kind.js';
import type { FrameReader } from './frame-reader.js';
import type { FrameWriter } from './frame-writer.js';
import { type Timer, timerDelay, unref } from './unref-timer.js';

/** What {@link Liveness} needs to know of, and asks of, its session. */
export interface LivenessHost {
  closed(): boolean;
  /** Reading is paused because our own consumer lags: that is not the peer's silence. */
  consumerPaused(): boolean;
  /** The peer is silent beyond the read timeout (close with `read-timeout`). */
  deadPeer(message: string): void;
  /** No application frames either way for `idleTimeout` (close gracefully, unless closing already). */
  idle(): void;
  /** No application frame went either way since the previous tick: let go of buffers kept for traffic. */
  quiet(): void;
}

/**
 * The silence after which the peer counts as dead (section 12): at least two heartbeat intervals,
 * so a live peer always has time to answer a ping. Without heartbeats an idle connection is silent
 * by right and `readTimeout` only bounds a frame that started arriving (see {@link Liveness.tick}).
 */
export function deadPeerTimeout(readTimeout: number, heartbeatInterval: number): number {
  if (readTimeout === 0 || heartbeatInterval === 0) return readTimeout;
  return Math.max(readTimeout, 2 * heartbeatInterval);
}

/** The timer's callback, one for every session (a closure was one more function on each). */
function tickOf(liveness: Liveness): void {
  liveness.tick();
}

/**
 * Heartbeats, the read timeout (dead peers) and the idle timeout of an open session
 * (docs/PROTOCOL.md section 12). The receive path only counts frames; one timer turns the count
 * into time, so no clock is read per message (section 12 counts complete frames, so bytes of a
 * frame that never completes keep nobody alive).
 */
export class Liveness {
  /**
   * Complete frames received, plus the other signs of life (a drain while reading is paused for
   * output, the end of a pause for our own consumer). Only compared for equality, so it may wrap.
   */
  framesReceived = 0;
  /** An application frame went either way since the last tick (for the idle timeout). */
  activity = false;
  /** The interval both sides ping at, ms (0 = none); set by the handshake. */
  heartbeatInterval = 0;
  /** The silence after which the peer is dead, ms (0 = never); set by the handshake. */
  readTimeout = 0;
  readonly #reader: FrameReader;
  readonly #writer: FrameWriter;
  readonly #host: LivenessHost;
  #timer: Timer | undefined;
  /** framesReceived as the timer saw it last. */
  #framesSeen = 0;
  /** Whether a frame was half-received at the last tick (for heartbeatInterval 0). */
  #wasInFrame = false;
  /** When the timer last saw a sign of life: a frame received since its previous look, at the latest. */
  #lastReceived = 0;
  #lastPing = 0;
  #pingNonce = 0;
  #lastActivity = Date.now();
  #idleTimeout = 0;

  constructor(reader: FrameReader, writer: FrameWriter, host: LivenessHost) {
    this.#reader = reader;
    this.#writer = writer;
    this.#host = host;
  }

  /** A sign of life that is not a frame (see {@link Liveness.framesReceived}). */
  signOfLife(): void {
    this.framesReceived = (this.framesReceived + 1) | 0;
  }

  /** Takes the agreed heartbeat interval and starts the timer, if any of the three is on. */
  start(heartbeatInterval: number, readTimeout: number, idleTimeout: number): void {
    this.heartbeatInterval = heartbeatInterval;
    this.readTimeout = deadPeerTimeout(readTimeout, heartbeatInterval);
    this.#idleTimeout = idleTimeout;
    const candidates = [this.heartbeatInterval, this.readTimeout / 2, idleTimeout / 2].filter(
      (value) => value > 0,
    );
    if (candidates.length === 0) return;
    // The interval comes from the peer's WELCOME (a u32): one of 2^31 ms or more must not become
    // a timer that fires every millisecond.
    const period = timerDelay(Math.max(1, Math.floor(Math.min(...candidates))));
    this.#lastActivity = this.#lastReceived = Date.now();
    this.#framesSeen = this.framesReceived;
    this.#timer = unref(setInterval(tickOf, period, this));
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Runs every `period` ms once open. Silence is measured from the first tick that saw a sign of
   * life, never from a received byte: a peer dripping bytes into a frame that never completes is
   * as silent as one sending nothing. That tick comes at most one period after the frame, so the
   * peer is never declared dead early, and at most two periods late (one until a tick sees the
   * frame, one of tick granularity).
   */
  tick(): void {
    const host = this.#host;
    if (host.closed()) return;
    const now = Date.now();
    const frames = this.framesReceived;
    const inFrame = this.#reader.inFrame;
    if (
      frames !== this.#framesSeen ||
      // Our application does not consume, so we do not read: not the peer's silence.
      host.consumerPaused() ||
      // Without heartbeats an idle connection is silent by right; only a frame left half-received
      // (since before the previous tick: no frame completed in between) is held against the peer.
      (this.heartbeatInterval === 0 && !(inFrame && this.#wasInFrame))
    ) {
      this.#framesSeen = frames;
      this.#lastReceived = now;
    }
    this.#wasInFrame = inFrame;
    const silence = now - this.#lastReceived;
    if (this.readTimeout > 0 && silence >= this.readTimeout) {
      host.deadPeer(
        inFrame
          ? `a frame has been arriving for over ${silence} ms without completing`
          : `no frame received for ${silence} ms`,
      );
      return;
    }
    const interval = this.heartbeatInterval;
    if (interval > 0 && silence >= interval && now - this.#lastPing >= interval) {
      this.#lastPing = now;
      this.#pingNonce = (this.#pingNonce + 1) >>> 0;
      this.#writer.writeU32Frame(FrameKind.PING, this.#pingNonce);
      this.#writer.afterWrite();
    }
    const active = this.activity;
    this.activity = false;
    if (active) this.#lastActivity = now;
    else {
      host.quiet();
      const idle = this.#idleTimeout;
      if (idle > 0 && now - this.#lastActivity >= idle) host.idle();
    }
  }
}
