import { SessionError } from './session-error.js';
import { timerDelay, unref } from './unref-timer.js';

/** What {@link RequestRoom} needs of its session's outgoing queue. */
export interface RequestRoomHost {
  /**
   * The outgoing queue is at or above `maxQueuedBytes`, and the session is not closed (waiting
   * requests then go on, to fail as requests of a closed session).
   */
  full(): boolean;
  /** Resolves once the outgoing queue fell to its low-water mark (or the session closed). */
  drained(): Promise<void>;
}

/** The tail of an empty queue, shared: an idle connection holds no promise of its own here. */
const NO_TURN: Promise<unknown> = Promise.resolve();

/**
 * Backpressure for `request()`: while the outgoing queue is at or above `maxQueuedBytes`, a new
 * request waits for room instead of being queued, in the order requests were made, until the
 * queue drained, its `signal` aborts (`aborted`) or its timeout passes (`timeout`). Without it a
 * burst of large requests grew the queue to `maxBufferedBytes`, where the session closes as if
 * the peer read too slowly. Requests waiting here count against the peer's `maxInFlight`, so at
 * most that many wait.
 */
export class RequestRoom {
  readonly #host: RequestRoomHost;
  #waiting = 0;
  #tail: Promise<unknown> = NO_TURN;

  constructor(host: RequestRoomHost) {
    this.#host = host;
  }

  /** Requests waiting for room now. */
  get waiting(): number {
    return this.#waiting;
  }

  /** Whether a new request must wait: the queue is full, or earlier requests still wait (order). */
  mustWait(): boolean {
    return this.#waiting > 0 || this.#host.full();
  }

  /**
   * Runs `send` once it is this request's turn and the queue has room; `send` gets the time left
   * of `timeoutMs` (0 = no limit). Rejects without sending when `signal` aborts or the time passes.
   */
  enqueue<T>(
    send: (timeLeft: number) => Promise<T>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<T> {
    const host = this.#host;
    const started = Date.now();
    let gaveUp: SessionError | undefined;
    let fail!: (error: SessionError) => void;
    const given = new Promise<never>((_resolve, reject) => (fail = reject));
    const giveUp = (code: 'aborted' | 'timeout', message: string, cause?: unknown): void => {
      gaveUp ??= new SessionError(code, message, { cause });
      fail(gaveUp);
    };
    const onAbort = (): void => giveUp('aborted', 'aborted while waiting for room', signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs > 0
        ? unref(
            setTimeout(
              () => giveUp('timeout', `no room in the outgoing queue within ${timeoutMs} ms`),
              timerDelay(timeoutMs),
            ),
          )
        : undefined;
    this.#waiting++;
    const turn = this.#tail.then(async () => {
      while (gaveUp === undefined && host.full()) await host.drained();
      this.#waiting--;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (gaveUp !== undefined) throw gaveUp;
      // Wrapped, so that the turn ends when the request is written, not when it is answered.
      return { reply: send(timeoutMs > 0 ? Math.max(1, timeoutMs - (Date.now() - started)) : 0) };
    });
    this.#tail = turn.then(
      () => undefined,
      () => undefined,
    );
    return Promise.race([turn.then((sent) => sent.reply), given]);
  }
}
