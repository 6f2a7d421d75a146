import type { FanOut } from './fan-out.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * Fan-out over Redis pub/sub: every server subscribes to the topics it has local subscribers
 * for, and a publish reaches all of them (this one included, through Redis, so every server
 * delivers in the same order). Payloads travel as raw bytes.
 */
export class RedisFanOut implements FanOut {
  readonly kind = 'redis';
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #topics = new Map<
    string,
    { listeners: Set<(payload: Uint8Array) => void>; ready: Promise<void> }
  >();
  readonly #onError: (error: unknown) => void;

  constructor(
    redis: RedisConnection,
    options: { prefix?: string; onListenerError?: (error: unknown) => void } = {},
  ) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'bp-demo:topic:';
    this.#onError = options.onListenerError ?? (() => {});
  }

  async publish(topic: string, payload: Uint8Array): Promise<void> {
    await this.#redis.commands.publish(
      this.#prefix + topic,
      Buffer.from(payload.buffer, payload.byteOffset, payload.length),
    );
  }

  subscribe(topic: string, listener: (payload: Uint8Array) => void): () => void {
    const entry = (payload: Uint8Array) => listener(payload);
    this.#topic(topic).listeners.add(entry);
    return () => {
      this.#topics.get(topic)?.listeners.delete(entry);
    };
  }

  /** Resolves once Redis has confirmed the subscription to `topic` (creating it if needed). */
  ready(topic: string): Promise<void> {
    return this.#topic(topic).ready;
  }

  async close(): Promise<void> {
    const channels = [...this.#topics.keys()].map((t) => this.#prefix + t);
    this.#topics.clear();
    if (channels.length > 0) await this.#redis.subscriber.unsubscribe(channels).catch(this.#onError);
  }

  #topic(topic: string) {
    let state = this.#topics.get(topic);
    if (state === undefined) {
      const listeners = new Set<(payload: Uint8Array) => void>();
      // One Redis subscription per topic, kept for the life of the server: topics are few and fixed.
      const ready = this.#redis.subscriber
        .subscribe(
          this.#prefix + topic,
          (message: Buffer) => {
            for (const listener of listeners) {
              try {
                listener(new Uint8Array(message.buffer, message.byteOffset, message.length));
              } catch (error) {
                this.#onError(error);
              }
            }
          },
          true,
        )
        .catch((error: unknown) => this.#onError(error));
      state = { listeners, ready: ready.then(() => undefined) };
      this.#topics.set(topic, state);
    }
    return state;
  }
}
