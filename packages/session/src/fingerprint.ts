import { canonicalJson } from './canonical-json.js';
import type { TypeDigest } from './control-frames.js';
import { sha256 } from './sha256.js';

/** The part of `ProtocolConfig.describe()` the fingerprint reads. */
export interface ProtocolDescription {
  readonly headerFormat: string;
  readonly types: readonly {
    readonly type: number;
    readonly name?: string | undefined;
    readonly schema: unknown;
  }[];
}

/** A protocol's schema fingerprint (docs/PROTOCOL.md section 7). */
export interface SchemaFingerprint {
  /** SHA-256 of {@link SchemaFingerprint.canonical}. */
  readonly fingerprint: Uint8Array;
  /** The canonical JSON text that was hashed. */
  readonly canonical: string;
  /** Per type, ascending: the first 8 bytes of the SHA-256 of `{"schema":..,"type":n}`. */
  readonly digests: readonly TypeDigest[];
}

const encoder = new TextEncoder();

/** Computes the fingerprint and per-type digests of a protocol description. */
export function schemaFingerprint(description: ProtocolDescription): SchemaFingerprint {
  // Names are left out on purpose: renaming an enum member changes no byte on the wire.
  const types = description.types
    .map((entry) => ({ schema: entry.schema, type: entry.type }))
    .sort((a, b) => a.type - b.type);
  const canonical = canonicalJson({ headerFormat: description.headerFormat, types });
  const digests = types.map((entry) => ({
    type: entry.type,
    digest: sha256(encoder.encode(canonicalJson(entry))).slice(0, 8),
  }));
  return { fingerprint: sha256(encoder.encode(canonical)), canonical, digests };
}

const cache = new WeakMap<object, SchemaFingerprint>();

/** {@link schemaFingerprint} of `protocol.describe()`, computed once per protocol object. */
export function fingerprintOf(protocol: { describe(): ProtocolDescription }): SchemaFingerprint {
  let result = cache.get(protocol);
  if (result === undefined) {
    result = schemaFingerprint(protocol.describe());
    cache.set(protocol, result);
  }
  return result;
}

/** One entry of a schema comparison: 1 differs, 2 only the client has it, 3 only the server. */
export interface DigestDifference {
  readonly type: number;
  readonly status: 1 | 2 | 3;
}

/** Merges the client's and the server's digest lists (both ascending) into their differences. */
export function compareDigests(
  client: readonly TypeDigest[],
  server: readonly TypeDigest[],
): DigestDifference[] {
  // Types travel as u32: a negative type of a signed header format arrives as its two's
  // complement, so both sides are compared (and reported) as u32.
  const byType = new Map<number, Uint8Array>();
  for (const entry of server) byType.set(entry.type >>> 0, entry.digest);
  const out: DigestDifference[] = [];
  const seen = new Set<number>();
  for (const entry of client) {
    const type = entry.type >>> 0;
    seen.add(type);
    const theirs = byType.get(type);
    if (theirs === undefined) out.push({ type, status: 2 });
    else if (!equalBytes(theirs, entry.digest)) out.push({ type, status: 1 });
  }
  for (const entry of server)
    if (!seen.has(entry.type >>> 0)) out.push({ type: entry.type >>> 0, status: 3 });
  return out.sort((a, b) => a.type - b.type);
}

/** Byte equality that takes the same time wherever the first difference is. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
