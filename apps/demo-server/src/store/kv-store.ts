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
  /** Keys starting with `prefix`, in ascending UTF-8 byte order, at most `limit` of them. */
  list(prefix: string, limit: number): Promise<KvListResult>;
  /**
   * Calls `listener` after every change, including changes made through other servers when the
   * store is shared. Returns the function that stops it.
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
