import type { SessionCodec } from './protocol-types.js';
import { UsageError } from './usage-error.js';

/**
 * A resolution's outcome: the codec for the peer's layout (`resolved`), the breaking differences
 * (`incompatible`), or a descriptor that could not be used (`refused`, with the wire code).
 */
export type Resolution =
  | { readonly kind: 'resolved'; readonly codec: SessionCodec }
  | {
      readonly kind: 'incompatible';
      readonly issues: readonly { readonly path: string; readonly rule: string; readonly message: string }[];
    }
  | {
      readonly kind: 'refused';
      readonly code: 'malformed-frame' | 'payload-too-large';
      readonly reason: string;
    };

/** Options of {@link ResolvedCodecCache}. */
export interface ResolvedCodecCacheOptions {
  /**
   * Most resolutions kept; the least recently used one is dropped beyond it. Each entry is one
   * message type of one peer schema version (a compiled codec, a few KiB). Default
   * {@link DEFAULT_RESOLVED_CODEC_CACHE_SIZE}.
   */
  maxEntries?: number;
}

/** Versions of one message type a default cache keeps resolved at once. */
export const RESOLVED_VERSIONS_PER_TYPE = 8;

/**
 * Default {@link ResolvedCodecCacheOptions.maxEntries} of a cache made without a protocol in
 * mind; a session's default cache holds {@link RESOLVED_VERSIONS_PER_TYPE} (8) entries per
 * message type of its protocol, and at least this many.
 */
export const DEFAULT_RESOLVED_CODEC_CACHE_SIZE = 64;

/**
 * Codecs a server resolved for clients whose schemas differ from its own (protocol version 2,
 * docs/PROTOCOL.md section 7.6), keyed by (client digest, server digest) of the message type, in
 * a bounded LRU. A thousand clients on the same old version cost one compile per differing type;
 * failed resolutions are kept too, so an incompatible version is refused without recompiling.
 * Hostile clients cannot poison it: the server checks that each descriptor hashes to its digest
 * before it is resolved, so a key always names the same descriptor.
 *
 * Sessions share one cache per protocol object unless `schemaCache` names another; pass one to
 * servers to size it:
 *
 * ```ts
 * const schemaCache = new ResolvedCodecCache({ maxEntries: 256 });
 * createServer({ protocol, schemaCache });
 * ```
 */
export class ResolvedCodecCache {
  /** The bound given (or defaulted). */
  readonly maxEntries: number;
  readonly #entries = new Map<string, Resolution>();
  #compiles = 0;

  constructor(options: ResolvedCodecCacheOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_RESOLVED_CODEC_CACHE_SIZE;
    if (!Number.isInteger(max) || max < 1) {
      throw new UsageError('invalid-option', `maxEntries must be a positive integer, got ${String(max)}`);
    }
    this.maxEntries = max;
  }

  /** Resolutions held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** How many times {@link ResolvedCodecCache.resolve} had to compile (missed the cache). */
  get compiles(): number {
    return this.#compiles;
  }

  /**
   * The resolution for `(peerDigest, localDigest)`, from the cache or from `compile` (called only
   * on a miss, its result kept). Digests are the 8-byte type digests of docs/PROTOCOL.md 7.3.
   */
  resolve(peerDigest: Uint8Array, localDigest: Uint8Array, compile: () => Resolution): Resolution {
    const key = keyOf(peerDigest, localDigest);
    const entries = this.#entries;
    const hit = entries.get(key);
    if (hit !== undefined) {
      // Most recently used last: re-insert.
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    }
    this.#compiles++;
    const made = compile();
    entries.set(key, made);
    if (entries.size > this.maxEntries) entries.delete(entries.keys().next().value as string);
    return made;
  }

  /** Drops every resolution. */
  clear(): void {
    this.#entries.clear();
  }
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

function keyOf(a: Uint8Array, b: Uint8Array): string {
  let key = '';
  for (const byte of a) key += HEX[byte];
  key += '/';
  for (const byte of b) key += HEX[byte];
  return key;
}

const defaults = new WeakMap<object, ResolvedCodecCache>();

/** The cache sessions of `protocol` share when no `schemaCache` is given. */
export function defaultCacheOf(protocol: object, typeCount: number): ResolvedCodecCache {
  let cache = defaults.get(protocol);
  if (cache === undefined) {
    cache = new ResolvedCodecCache({
      maxEntries: Math.max(DEFAULT_RESOLVED_CODEC_CACHE_SIZE, RESOLVED_VERSIONS_PER_TYPE * typeCount),
    });
    defaults.set(protocol, cache);
  }
  return cache;
}
