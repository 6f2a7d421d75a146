import type { Peer } from './peer.js';

interface PeerQueue {
  running: number;
  waiting: Array<() => void>;
}

/**
 * Bounds the expensive requests (LIST) one connection runs at once. A request waits for a slot,
 * then for the connection's outgoing queue to drain, so a client pipelining many of them holds
 * `slots` replies in memory at a time, not one per request in flight.
 */
export class RequestGate {
  readonly #slots: number;
  readonly #queues = new WeakMap<Peer, PeerQueue>();

  constructor(slots: number) {
    this.#slots = slots;
  }

  /** Runs `work` when `peer` has a free slot and has drained; `signal` gives up the wait. */
  async run<T>(peer: Peer, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(peer);
    if (queue === undefined) {
      queue = { running: 0, waiting: [] };
      this.#queues.set(peer, queue);
    }
    if (queue.running >= this.#slots) {
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          signal.removeEventListener('abort', abort);
          resolve();
        };
        const abort = (): void => {
          const at = queue.waiting.indexOf(wake);
          if (at >= 0) queue.waiting.splice(at, 1);
          reject(signal.reason);
        };
        if (signal.aborted) return abort();
        queue.waiting.push(wake);
        signal.addEventListener('abort', abort, { once: true });
      });
    } else {
      queue.running++;
    }
    // The slot is ours now (a waiter inherits it from the one that finished).
    try {
      signal.throwIfAborted();
      await peer.drained();
      signal.throwIfAborted();
      return await work();
    } finally {
      const next = queue.waiting.shift();
      if (next !== undefined) next();
      else queue.running--;
    }
  }
}
