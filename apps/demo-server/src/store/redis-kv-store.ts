import { randomUUID } from 'node:crypto';
import { ChangeListeners } from './change-listeners.js';
import {
  type KvChange,
  type KvListOptions,
  type KvListResult,
  KvPage,
  type KvStore,
  StoreClosedError,
} from './kv-store.js';
import type { RedisConnection } from './redis-connection.js';
import { compareUtf8 } from './utf8-order.js';

/** Values one HMGET of a LIST reads (up to 16 x 64 KiB): the budget is checked between reads. */
const VALUES_PER_READ = 16;

/**
 * How long a SET or DEL waits for its own change to come back on the channel (and reach the local
 * watchers) before it resolves anyway: the order of KV_CHANGED before the reply holds unless Redis
 * pub/sub is this far behind or down (its messages are then lost for every server alike).
 */
export const OWN_CHANGE_WAIT_MS = 2000;

/** Names of the Redis keys and channel, under one prefix so a shared Redis stays tidy. */
export interface RedisKvNames {
  /** Hash: key -> value. */
  values: string;
  /** Sorted set, every score 0: the keys in byte order, for LIST by prefix (ZRANGE BYLEX). */
  index: string;
  /** Pub/sub channel carrying every change as JSON, for WATCH on every server. */
  changes: string;
}

/** Key names under `prefix` (default `bp-demo:`). */
export function redisKvNames(prefix = 'bp-demo:'): RedisKvNames {
  return { values: `${prefix}kv`, index: `${prefix}kv-index`, changes: `${prefix}kv-changes` };
}

/**
 * The shared store for `--redis`: values in one hash, a lexicographic index for LIST, and every
 * change published on a channel that all servers subscribe to, so a WATCH on one server sees a
 * SET made through another. Local changes reach local watchers through the same channel, which
 * keeps the order of notifications the same on every server. A SET or DEL resolves only once its
 * own change came back and was handed to the local watchers (see `KvStore.watch`), so a client
 * that watches what it changes gets KV_CHANGED before the reply, as with the other stores.
 */
export class RedisKvStore implements KvStore {
  readonly kind = 'redis';
  readonly #redis: RedisConnection;
  readonly #names: RedisKvNames;
  readonly #listeners: ChangeListeners;
  readonly #onMessage = (message: string) => this.#receive(message);
  readonly #onError: (error: unknown) => void;
  /** Tags this store's own changes on the shared channel. */
  readonly #origin = randomUUID();
  #sequence = 0;
  /** SETs and DELs waiting for their change to come back, by sequence number. */
  readonly #ownChanges = new Map<number, () => void>();
  #closed = false;

  private constructor(redis: RedisConnection, names: RedisKvNames, onError: (error: unknown) => void) {
    this.#redis = redis;
    this.#names = names;
    this.#onError = onError;
    this.#listeners = new ChangeListeners(onError);
  }

  /** Subscribes to the change channel and returns the store (the connection stays the caller's). */
  static async open(
    redis: RedisConnection,
    options: { names?: RedisKvNames; onListenerError?: (error: unknown) => void } = {},
  ): Promise<RedisKvStore> {
    const store = new RedisKvStore(
      redis,
      options.names ?? redisKvNames(),
      options.onListenerError ?? (() => {}),
    );
    await redis.subscriber.subscribe(store.#names.changes, store.#onMessage);
    return store;
  }

  async get(key: string): Promise<string | undefined> {
    this.#check();
    const value = await this.#redis.commands.hGet(this.#names.values, key);
    return value ?? undefined;
  }

  async set(key: string, value: string): Promise<boolean> {
    this.#check();
    const { values, index, changes } = this.#names;
    const { message, echoed } = this.#ownChange(key, value);
    try {
      const [added] = await this.#redis.commands
        .multi()
        .hSet(values, key, value)
        .zAdd(index, { score: 0, value: key })
        .publish(changes, message)
        .exec();
      await echoed.promise;
      return Number(added) === 1;
    } finally {
      echoed.settle();
    }
  }

  async delete(key: string): Promise<boolean> {
    this.#check();
    const { values, index, changes } = this.#names;
    const [removed] = await this.#redis.commands.multi().hDel(values, key).zRem(index, key).exec();
    const existed = Number(removed) === 1;
    if (!existed) return false;
    const { message, echoed } = this.#ownChange(key, null);
    try {
      await this.#redis.commands.publish(changes, message);
      await echoed.promise;
    } finally {
      echoed.settle();
    }
    return true;
  }

  async list(prefix: string, limit: number, options: KvListOptions = {}): Promise<KvListResult> {
    this.#check();
    const commands = this.#redis.commands;
    const { after } = options;
    // Byte 0xFF never occurs in UTF-8, so every key that starts with `prefix` sorts below prefix+0xFF.
    const min =
      after !== undefined && compareUtf8(after, prefix) >= 0
        ? Buffer.concat([Buffer.from('('), Buffer.from(after, 'utf8')])
        : prefix === ''
          ? '-'
          : Buffer.concat([Buffer.from('['), Buffer.from(prefix, 'utf8')]);
    const max =
      prefix === ''
        ? '+'
        : Buffer.concat([Buffer.from('('), Buffer.from(prefix, 'utf8'), Buffer.from([0xff])]);
    const keys = await commands.zRange(this.#names.index, min, max, {
      BY: 'LEX',
      LIMIT: { offset: 0, count: limit + 1 },
    });
    const page = new KvPage(limit, options);
    // Values are fetched a few at a time, so a byte budget stops the reading, not only the reply.
    for (let at = 0; at < keys.length; at += VALUES_PER_READ) {
      const chunk = keys.slice(at, at + VALUES_PER_READ);
      const values = await commands.hmGet(this.#names.values, chunk);
      for (let i = 0; i < chunk.length; i++) {
        const value = values[i];
        // A key deleted between the two reads has no value any more; it is left out.
        if (value === null || value === undefined) continue;
        if (!page.add({ key: String(chunk[i]), value: String(value) })) return page.result();
      }
    }
    return page.result();
  }

  watch(listener: (change: KvChange) => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    for (const settle of [...this.#ownChanges.values()]) settle();
    await this.#redis.subscriber.unsubscribe(this.#names.changes, this.#onMessage).catch(this.#onError);
  }

  #receive(message: string): void {
    let change: { key?: unknown; value?: unknown; origin?: unknown; sequence?: unknown };
    try {
      change = JSON.parse(message);
    } catch (error) {
      this.#onError(error);
      return;
    }
    if (typeof change.key !== 'string') return;
    this.#listeners.emit({
      key: change.key,
      value: typeof change.value === 'string' ? change.value : undefined,
    });
    if (change.origin === this.#origin && typeof change.sequence === 'number') {
      this.#ownChanges.get(change.sequence)?.();
    }
  }

  /**
   * The channel message of a change made here, and a wait that ends when it came back (after the
   * local watchers got it), after {@link OWN_CHANGE_WAIT_MS}, or on close.
   */
  #ownChange(
    key: string,
    value: string | null,
  ): { message: string; echoed: { promise: Promise<void>; settle: () => void } } {
    const sequence = ++this.#sequence;
    let settle!: () => void;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => settle(), OWN_CHANGE_WAIT_MS);
      timer.unref();
      settle = () => {
        clearTimeout(timer);
        this.#ownChanges.delete(sequence);
        resolve();
      };
    });
    this.#ownChanges.set(sequence, settle);
    const message = JSON.stringify({ key, value, origin: this.#origin, sequence });
    return { message, echoed: { promise, settle } };
  }

  #check(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
