import type { MessageValue } from '@bp/codec';
import type { DemoMessage, DemoProtocol } from '../schema.js';

/**
 * What the services need of a connected client: a way to push messages and to hear when it
 * leaves. A @bp/session `Session` provides both; tests can pass a plain object.
 */
export interface Peer {
  send<T extends DemoMessage>(type: T, value: MessageValue<DemoProtocol, T>): boolean;
  drained(): Promise<void>;
  onClose(listener: (error?: Error) => void): () => void;
}

/**
 * Pushes to a peer that may read slower than we send. Telemetry is worth nothing late, so while
 * the peer's outgoing buffer is above its high-water mark, pushes are dropped (and counted)
 * instead of queued without bound.
 */
export class PushChannel {
  readonly peer: Peer;
  dropped = 0;
  #congested = false;

  constructor(peer: Peer) {
    this.peer = peer;
  }

  /** Sends unless the peer is congested; returns whether the message was handed over. */
  push<T extends DemoMessage>(type: T, value: MessageValue<DemoProtocol, T>): boolean {
    if (this.#congested) {
      this.dropped++;
      return false;
    }
    let accepted: boolean;
    try {
      accepted = this.peer.send(type, value);
    } catch {
      // A peer that is closing refuses sends; its onClose will remove it.
      this.dropped++;
      return false;
    }
    if (!accepted) {
      this.#congested = true;
      this.peer.drained().then(
        () => {
          this.#congested = false;
        },
        () => {},
      );
    }
    return true;
  }
}
