import {
  DemoMessage,
  KvEntry,
  KvListResult as KvListReply,
  MAX_KEY_BYTES,
  MAX_LIST_LIMIT,
  MAX_VALUE_BYTES,
} from '../schema.js';
import type { KvChange, KvListResult, KvStore } from '../store/kv-store.js';
import { DemoError } from './demo-error.js';
import { type Peer, PushChannel } from './peer.js';

/** Watches one connection may hold at once. */
export const MAX_WATCHES_PER_PEER = 256;

const encoder = new TextEncoder();

/** Bytes of a LIST reply without entries: what the budget keeps back for the frame's own fields. */
const EMPTY_REPLY_BYTES = KvListReply.byteLength({ entries: [], more: true });

interface PeerWatches {
  channel: PushChannel;
  keys: Set<string>;
  prefixes: Set<string>;
  stopOnClose: () => void;
}

/**
 * The KV service behind SET, GET, DEL, LIST, WATCH and UNWATCH: validates requests, talks to
 * the store and pushes KV_CHANGED to the connections watching a key.
 */
export class KvService {
  readonly store: KvStore;
  readonly #watchers = new Map<Peer, PeerWatches>();
  readonly #stopWatching: () => void;

  constructor(store: KvStore) {
    this.store = store;
    this.#stopWatching = store.watch((change) => this.#notify(change));
  }

  /** Connections holding at least one watch. */
  get watchingPeers(): number {
    return this.#watchers.size;
  }

  async set(key: string, value: string): Promise<{ created: boolean }> {
    checkKey(key);
    if (encoder.encode(value).length > MAX_VALUE_BYTES) {
      throw new DemoError('invalid-value', `values are limited to ${MAX_VALUE_BYTES} UTF-8 bytes`);
    }
    return { created: await this.store.set(key, value) };
  }

  async get(key: string): Promise<{ value: string | undefined }> {
    checkKey(key);
    return { value: await this.store.get(key) };
  }

  async delete(key: string): Promise<{ deleted: boolean }> {
    checkKey(key);
    return { deleted: await this.store.delete(key) };
  }

  /**
   * One page of keys under `prefix`, after the cursor `after`, at most `limit`, and encoded in at
   * most `replyBudget` bytes (the client's `maxPayloadSize`): the store stops reading there, so a
   * LIST costs what its reply may hold, not what the prefix holds.
   */
  async list(
    prefix: string,
    limit: number,
    options: { after?: string | undefined; replyBudget?: number } = {},
  ): Promise<KvListResult> {
    if (encoder.encode(prefix).length > MAX_KEY_BYTES) {
      throw new DemoError('invalid-key', `a prefix is limited to ${MAX_KEY_BYTES} UTF-8 bytes`);
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new DemoError('invalid-limit', `limit must be from 1 to ${MAX_LIST_LIMIT}`);
    }
    const { after, replyBudget } = options;
    if (after !== undefined && encoder.encode(after).length > MAX_KEY_BYTES) {
      throw new DemoError('invalid-key', `a cursor (after) is limited to ${MAX_KEY_BYTES} UTF-8 bytes`);
    }
    if (replyBudget === undefined) return this.store.list(prefix, limit, { after });
    const maxBytes = replyBudget - EMPTY_REPLY_BYTES;
    const page = await this.store.list(prefix, limit, {
      after,
      maxBytes,
      sizeOf: (entry) => KvEntry.byteLength(entry),
    });
    if (page.entries.length === 0 && page.more) {
      throw new DemoError(
        'too-large',
        `the next entry after ${JSON.stringify(after ?? prefix)} does not fit in a reply of ${replyBudget} bytes ` +
          '(your maxPayloadSize): raise it',
      );
    }
    return page;
  }

  /** Starts pushing KV_CHANGED for `key` (or every key under the prefix `key`) to `peer`. */
  async watch(
    peer: Peer,
    key: string,
    prefix: boolean,
  ): Promise<{ value: string | undefined; watches: number }> {
    if (!prefix || key !== '') checkKey(key);
    let watches = this.#watchers.get(peer);
    if (watches === undefined) {
      watches = {
        channel: new PushChannel(peer),
        keys: new Set(),
        prefixes: new Set(),
        stopOnClose: peer.onClose(() => this.#forget(peer)),
      };
      this.#watchers.set(peer, watches);
    }
    const set = prefix ? watches.prefixes : watches.keys;
    if (!set.has(key) && watches.keys.size + watches.prefixes.size >= MAX_WATCHES_PER_PEER) {
      throw new DemoError(
        'too-many-watches',
        `a connection may hold at most ${MAX_WATCHES_PER_PEER} watches`,
      );
    }
    set.add(key);
    // Read after registering, so a change between the two is pushed rather than missed.
    const value = prefix ? undefined : await this.store.get(key);
    return { value, watches: watches.keys.size + watches.prefixes.size };
  }

  unwatch(peer: Peer, key: string, prefix: boolean): { watches: number } {
    const watches = this.#watchers.get(peer);
    if (watches === undefined) return { watches: 0 };
    (prefix ? watches.prefixes : watches.keys).delete(key);
    const count = watches.keys.size + watches.prefixes.size;
    if (count === 0) this.#forget(peer);
    return { watches: count };
  }

  /** Stops all pushes; the store stays open (its owner closes it). */
  close(): void {
    this.#stopWatching();
    for (const peer of [...this.#watchers.keys()]) this.#forget(peer);
  }

  #forget(peer: Peer): void {
    const watches = this.#watchers.get(peer);
    if (watches === undefined) return;
    watches.stopOnClose();
    this.#watchers.delete(peer);
  }

  #notify(change: KvChange): void {
    for (const watches of this.#watchers.values()) {
      if (watches.keys.has(change.key) || matchesPrefix(watches.prefixes, change.key)) {
        watches.channel.push(DemoMessage.KV_CHANGED, { key: change.key, value: change.value });
      }
    }
  }
}

function matchesPrefix(prefixes: Set<string>, key: string): boolean {
  for (const prefix of prefixes) if (key.startsWith(prefix)) return true;
  return false;
}

function checkKey(key: string): void {
  if (key === '') throw new DemoError('invalid-key', 'a key must not be empty');
  if (encoder.encode(key).length > MAX_KEY_BYTES) {
    throw new DemoError('invalid-key', `keys are limited to ${MAX_KEY_BYTES} UTF-8 bytes`);
  }
}
