/** What `setTimeout`/`setInterval` return, on Node and in browsers alike. */
export type Timer = ReturnType<typeof setTimeout>;

/**
 * The longest delay `setTimeout` and `setInterval` take: longer ones (such as a peer's u32
 * heartbeat interval of 2^31 ms or more) fire after 1 ms instead, in browsers and in Node, which
 * also prints a TimeoutOverflowWarning. About 24.8 days.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** `ms` as a timer takes it: at most {@link MAX_TIMER_DELAY}. Every delay of this package goes through it. */
export function timerDelay(ms: number): number {
  return Math.min(ms, MAX_TIMER_DELAY);
}

/** Lets the process exit while `timer` is pending (Node); a no-op where timers have no `unref`. */
export function unref(timer: Timer): Timer {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
