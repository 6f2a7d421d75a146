import { mkdirSync } from 'node:fs';
import { type Database, open } from 'lmdb';
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

/**
 * The durable store: LMDB (copy-on-write B-tree, crash-safe by design) through the `lmdb`
 * package. A write resolves after its transaction is committed and flushed to disk, so an
 * acknowledged SET survives `kill -9` and a power cut alike.
 */
export class LmdbKvStore implements KvStore {
  readonly kind = 'lmdb';
  readonly path: string;
  readonly #db: Database<string, string>;
  readonly #listeners: ChangeListeners;
  #closed = false;

  private constructor(
    path: string,
    db: Database<string, string>,
    onListenerError?: (error: unknown) => void,
  ) {
    this.path = path;
    this.#db = db;
    this.#listeners = new ChangeListeners(onListenerError);
  }

  /** Opens (creating if needed) the database folder at `path`. */
  static open(path: string, options: { onListenerError?: (error: unknown) => void } = {}): LmdbKvStore {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    // Keys use lmdb's ordered-binary string encoding (UTF-8 byte order); values are plain UTF-8.
    const db = open<string, string>({ path, encoding: 'string', compression: false });
    return new LmdbKvStore(path, db, options.onListenerError);
  }

  async get(key: string): Promise<string | undefined> {
    this.#check();
    return this.#db.get(key);
  }

  async set(key: string, value: string): Promise<boolean> {
    this.#check();
    const db = this.#db;
    const created = await db.transaction(() => {
      const existed = db.doesExist(key);
      db.put(key, value);
      return !existed;
    });
    await db.flushed;
    this.#listeners.emit({ key, value });
    return created;
  }

  async delete(key: string): Promise<boolean> {
    this.#check();
    const db = this.#db;
    const existed = await db.transaction(() => {
      if (!db.doesExist(key)) return false;
      db.remove(key);
      return true;
    });
    await db.flushed;
    if (existed) this.#listeners.emit({ key, value: undefined });
    return existed;
  }

  async list(prefix: string, limit: number, options: KvListOptions = {}): Promise<KvListResult> {
    this.#check();
    const page = new KvPage(limit, options);
    const after = options.after;
    const start = after !== undefined && compareUtf8(after, prefix) > 0 ? after : prefix;
    // A snapshot read: the range stops at the first key past the prefix, or at the page's end.
    for (const { key, value } of this.#db.getRange(start === '' ? {} : { start })) {
      if (!key.startsWith(prefix)) break;
      if (key === after) continue;
      if (!page.add({ key, value })) break;
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
    await this.#db.flushed;
    await this.#db.close();
  }

  #check(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
