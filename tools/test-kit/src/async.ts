/** A promise with the functions that settle it, for tests that decide when something happens. */
export interface Deferred<V> {
  readonly promise: Promise<V>;
  resolve(value: V): void;
  reject(reason: unknown): void;
}

/** A promise to settle by hand (the platform's `Promise.withResolvers`, which Node 20 lacks). */
export function deferred<V = void>(): Deferred<V> {
  let resolve!: (value: V) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Polls `condition` until it holds; rejects naming `what` after `timeoutMs`. The timeout is a
 * bound against hangs, not a speed assertion: keep it generous, machines running tests are busy.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
