import { ChangeListeners } from './change-listeners.js';
import {
  type KvChange,
  type KvListOptions,
  type KvListResult,
  KvPage,
  type KvStore,
  StoreClosedError,
} from './kv-store.js';
import { compareUtf8 } from './utf8-order.js';

/** The `--memory` store: a Map, gone when the process exits. */
export class MemoryKvStore implements KvStore {
  readonly kind = 'memory';
  readonly #data = new Map<string, string>();
  readonly #listeners: ChangeListeners;
  #closed = false;

  constructor(options: { onListenerError?: (error: unknown) => void } = {}) {
    this.#listeners = new ChangeListeners(options.onListenerError);
  }

  async get(key: string): Promise<string | undefined> {
    this.#check();
    return this.#data.get(key);
  }

  async set(key: string, value: string): Promise<boolean> {
    this.#check();
    const created = !this.#data.has(key);
    this.#data.set(key, value);
    this.#emit({ key, value });
    return created;
  }

  async delete(key: string): Promise<boolean> {
    this.#check();
    const existed = this.#data.delete(key);
    if (existed) this.#emit({ key, value: undefined });
    return existed;
  }

  async list(prefix: string, limit: number, options: KvListOptions = {}): Promise<KvListResult> {
    this.#check();
    const { after } = options;
    // Linear scan over the keys: fine for a demo-sized map, and it keeps this store obviously
    // correct. Values are looked at only for the page.
    const keys = [...this.#data.keys()]
      .filter((k) => k.startsWith(prefix) && (after === undefined || compareUtf8(k, after) > 0))
      .sort(compareUtf8);
    const page = new KvPage(limit, options);
    for (const key of keys) if (!page.add({ key, value: this.#data.get(key)! })) break;
    return page.result();
  }

  watch(listener: (change: KvChange) => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
  }

  #emit(change: KvChange): void {
    // After the caller's await, like the other stores, so a listener never runs inside `set`.
    queueMicrotask(() => this.#listeners.emit(change));
  }

  #check(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
