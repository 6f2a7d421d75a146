import type { KvChange } from './kv-store.js';

/**
 * The listener set behind every store's `watch`. A listener that throws is reported through
 * `onError` and does not stop the others.
 */
export class ChangeListeners {
  readonly #listeners = new Set<(change: KvChange) => void>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => {}) {
    this.#onError = onError;
  }

  add(listener: (change: KvChange) => void): () => void {
    // A wrapper, so the same function watched twice is also unwatched twice.
    const entry = (change: KvChange) => listener(change);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(change: KvChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
