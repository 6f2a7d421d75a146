import { BinaryProtocolError } from './binary-protocol-error.js';
import type { DecodedMessageLike } from './inbound-message.js';

/**
 * Received messages waiting for `receiveMessage()`, in order, and at most one waiting reader (the
 * package's client reads one message per call). Once failed, every read rejects with the error.
 */
export class Inbox {
  readonly #messages: DecodedMessageLike[] = [];
  #waiter: { resolve: (m: DecodedMessageLike) => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;

  get size(): number {
    return this.#messages.length;
  }

  put(message: DecodedMessageLike): void {
    if (this.#failure !== undefined) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve(message);
    } else this.#messages.push(message);
  }

  /** Ends the inbox: messages already queued are still read, then every read rejects with `error`. */
  fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }

  /** The next message; rejects with `read-timeout` after `timeout` ms (0: wait for ever). */
  take(timeout: number, onTimeout: () => void): Promise<DecodedMessageLike> {
    const queued = this.#messages.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new BinaryProtocolError('invalid-state', 'receiveMessage: another receiveMessage() is still waiting'),
      );
    }
    return new Promise((resolve, reject) => {
      const timer =
        timeout > 0
          ? setTimeout(() => {
              this.#waiter = undefined;
              reject(new BinaryProtocolError('read-timeout', `no message within readTimeout ${timeout} ms`));
              onTimeout();
            }, timeout)
          : undefined;
      this.#waiter = {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }
}
