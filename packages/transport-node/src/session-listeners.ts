/**
 * The `onSession` listeners of a bp server or a WebSocket endpoint: told of every new session
 * before it reads its first frame. A listener that throws is contained: its bug must not take the
 * connection, or the server, down.
 */
export class SessionListeners<S, I> {
  readonly #listeners = new Set<(session: S, info: I) => void>();

  /** Adds `listener`; returns the function that removes it. */
  add(listener: (session: S, info: I) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls every listener with a new session. */
  notify(session: S, info: I): void {
    for (const listener of this.#listeners) {
      try {
        listener(session, info);
      } catch {
        // Contained (see the class comment).
      }
    }
  }
}
