/** What `setTimeout`/`setInterval` return, on Node and in browsers alike. */
export type Timer = ReturnType<typeof setTimeout>;

/** Lets the process exit while `timer` is pending (Node); a no-op where timers have no `unref`. */
export function unref(timer: Timer): Timer {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
