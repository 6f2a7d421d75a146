/**
 * Topic-based fan-out of binary messages: sensor readings and STATUS events. In one process it
 * is a set of listeners; with `--redis` it is Redis pub/sub, so a reading published to one
 * server reaches subscribers on every server.
 */
export interface FanOut {
  readonly kind: string;
  /** Delivers `payload` to every subscriber of `topic`, this process's own included. */
  publish(topic: string, payload: Uint8Array): Promise<void>;
  subscribe(topic: string, listener: (payload: Uint8Array) => void): () => void;
  close(): Promise<void>;
}

/** The single-process fan-out. */
export class LocalFanOut implements FanOut {
  readonly kind = 'local';
  readonly #topics = new Map<string, Set<(payload: Uint8Array) => void>>();
  readonly #onError: (error: unknown) => void;

  constructor(options: { onListenerError?: (error: unknown) => void } = {}) {
    this.#onError = options.onListenerError ?? (() => {});
  }

  async publish(topic: string, payload: Uint8Array): Promise<void> {
    const listeners = this.#topics.get(topic);
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener(payload);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  subscribe(topic: string, listener: (payload: Uint8Array) => void): () => void {
    let listeners = this.#topics.get(topic);
    if (listeners === undefined) this.#topics.set(topic, (listeners = new Set()));
    const entry = (payload: Uint8Array) => listener(payload);
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
    };
  }

  async close(): Promise<void> {
    this.#topics.clear();
  }
}
