type Timer = ReturnType<typeof setTimeout>;

/**
 * One request this side sent and waits for. The promise callbacks are stored on the object (not
 * captured in closures per request) so settling is a method call.
 */
export class PendingRequest {
  readonly id: number;
  /** The message type the answer must have. */
  readonly replyType: number;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  /** Absolute time (ms) after which the shared sweep fails it; 0 when it has its own timer or none. */
  deadline = 0;
  timer: Timer | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;

  constructor(id: number, replyType: number) {
    this.id = id;
    this.replyType = replyType;
  }

  /** Releases the timer and the abort listener. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** Request ids run from 1 to 2^32-1 and wrap around, skipping ids still in flight. */
export function nextRequestId(current: number, inFlight: ReadonlyMap<number, unknown>): number {
  let id = current;
  do {
    id = id >= 0xffffffff ? 1 : id + 1;
  } while (inFlight.has(id));
  return id;
}
