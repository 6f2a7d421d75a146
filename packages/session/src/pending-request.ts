import type { Timer } from './unref-timer.js';

/**
 * One request this side sent and waits for. The promise callbacks are stored on the object (not
 * captured in closures per request) so settling is a method call.
 */
export class PendingRequest {
  readonly id: number;
  /** The message type of the request. */
  readonly type: number;
  /** The message type the answer must have. */
  readonly replyType: number;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  /** Absolute time (ms) after which the shared sweep fails it; 0 when it has its own timer or none. */
  deadline = 0;
  timer: Timer | undefined;
  /**
   * The caller's abort signal and our listener on it, when `request()` got a signal. One field,
   * not two, to stay at eight: with a ninth, 2 M requests of bench/hot-path-requests.mjs cost
   * ~15% more minor GCs (463 against 405), and signals are the rare case.
   */
  abort: { readonly signal: AbortSignal; readonly listener: () => void } | undefined;

  constructor(id: number, type: number, replyType: number) {
    this.id = id;
    this.type = type;
    this.replyType = replyType;
  }

  /** Releases the timer and the abort listener. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const abort = this.abort;
    if (abort !== undefined) abort.signal.removeEventListener('abort', abort.listener);
  }
}

/** Request ids run from 1 to 2^32-1 and wrap around, skipping ids still in flight. */
export function nextRequestId(current: number, inFlight: { has(id: number): boolean }): number {
  let id = current;
  do {
    id = id >= 0xffffffff ? 1 : id + 1;
  } while (inFlight.has(id));
  return id;
}
