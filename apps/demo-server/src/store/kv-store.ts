/** One key and its value, as LIST returns them. */
export interface KvEntry {
  key: string;
  value: string;
}

/** A change to one key: a new value, or `value: undefined` after a delete. */
export interface KvChange {
  key: string;
  value: string | undefined;
}

/** What LIST returns: up to `limit` entries in key order, and whether more matched. */
export interface KvListResult {
  entries: KvEntry[];
  more: boolean;
}

/** How much one LIST may read, beyond its prefix and limit. */
export interface KvListOptions {
  /** Start after this key (the last key of the previous page): a paging cursor. */
  after?: string | undefined;
  /**
   * Byte budget of the page: reading stops before the entry that would take the sum of
   * `sizeOf(entry)` above it (then `more` is true). A store reads at most one entry past it.
   */
  maxBytes?: number;
  /** Size of one entry against `maxBytes`. */
  sizeOf?: (entry: KvEntry) => number;
}

/**
 * Collects entries in key order into a page under the limit and byte budget of a LIST. `add`
 * returns false once the page is full (then `more` is set).
 */
export class KvPage {
  readonly entries: KvEntry[] = [];
  more = false;
  readonly #limit: number;
  readonly #maxBytes: number;
  readonly #sizeOf: ((entry: KvEntry) => number) | undefined;
  #bytes = 0;

  constructor(limit: number, options: KvListOptions = {}) {
    this.#limit = limit;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#sizeOf = options.sizeOf;
  }

  /** Adds one entry; false (and `more`) when it does not fit, by count or by bytes. */
  add(entry: KvEntry): boolean {
    if (this.entries.length === this.#limit) {
      this.more = true;
      return false;
    }
    const size = this.#sizeOf?.(entry) ?? 0;
    if (this.#bytes + size > this.#maxBytes) {
      this.more = true;
      return false;
    }
    this.#bytes += size;
    this.entries.push(entry);
    return true;
  }

  result(): KvListResult {
    return { entries: this.entries, more: this.more };
  }
}

/**
 * The demo's key-value store. The durable (lmdb), in-memory and Redis implementations all behave
 * the same; the conformance test runs one suite against each.
 *
 * A write's promise resolves only once the write is as durable as the store promises (for lmdb:
 * flushed to disk), because the server acknowledges a SET when it resolves.
 */
export interface KvStore {
  /** A name for logs and the banner: 'lmdb', 'memory', 'redis'. */
  readonly kind: string;
  get(key: string): Promise<string | undefined>;
  /** Resolves with `true` when the key did not exist before. */
  set(key: string, value: string): Promise<boolean>;
  /** Resolves with `true` when the key existed. */
  delete(key: string): Promise<boolean>;
  /**
   * Keys starting with `prefix` (and after `options.after`), in ascending UTF-8 byte order, at
   * most `limit` of them and within `options.maxBytes`.
   */
  list(prefix: string, limit: number, options?: KvListOptions): Promise<KvListResult>;
  /**
   * Calls `listener` after every change, including changes made through other servers when the
   * store is shared. Returns the function that stops it. For a change made through this store the
   * listeners run before the promise of the `set` or `delete` that made it resolves, so a
   * connection watching a key it changes receives KV_CHANGED before the reply (README, "Order").
   */
  watch(listener: (change: KvChange) => void): () => void;
  /** Flushes what is pending and releases the store; later calls reject. */
  close(): Promise<void>;
}

/** Thrown by a store used after `close()`. */
export class StoreClosedError extends Error {
  readonly code = 'store-closed';
  override readonly name = 'StoreClosedError';
  constructor() {
    super('the KV store is closed');
  }
}
