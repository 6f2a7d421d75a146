import type { Peer } from '../../src/server/peer.js';

/**
 * A connection stand-in for service tests: records what the service pushes and lets the test
 * close it or make it report backpressure. (The end-to-end tests use real connections.)
 */
export class RecordingPeer implements Peer {
  readonly sent: Array<{ type: number; value: unknown }> = [];
  /** When false, `send` reports backpressure until `drain()`. */
  accepting = true;
  #closeListeners = new Set<(error?: Error) => void>();
  #drainWaiters: Array<() => void> = [];

  send(type: number, value: unknown): boolean {
    this.sent.push({ type, value });
    return this.accepting;
  }

  drained(): Promise<void> {
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  drain(): void {
    this.accepting = true;
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  close(): void {
    for (const listener of [...this.#closeListeners]) listener();
  }

  get closeListenerCount(): number {
    return this.#closeListeners.size;
  }

  of(type: number): unknown[] {
    return this.sent.filter((m) => m.type === type).map((m) => m.value);
  }
}
