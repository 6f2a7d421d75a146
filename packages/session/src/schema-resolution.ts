import { type DescriptorLimits, resolve, SchemaError } from '@bp/codec';
import type { HelloFrame } from './control-frames.js';
import type { WireErrorName } from './error-codes.js';
import { compareDigests, type DigestDifference, equalBytes, type SchemaFingerprint } from './fingerprint.js';
import type { SessionCodec, SessionProtocol } from './protocol-types.js';
import type { Resolution, ResolvedCodecCache } from './resolved-codec-cache.js';
import type { SchemaDescriptorEntry, WireSchemaIssue } from './schema-frames.js';
import type { SchemaIssue } from './session-error.js';
import { sha256 } from './sha256.js';

/*
 * The server's half of protocol version 2's schema resolution (docs/PROTOCOL.md section 7.6):
 * which types to ask the client about, and what its descriptors resolve to. Only server sessions
 * load this file (see server-handshake.ts), so a browser client bundle leaves the resolver out.
 */

/** The schemas a connection runs with once the server accepted a client whose schemas differ. */
export interface ConnectionSchemas {
  /** Codecs replacing the protocol's own: resolved ones, or undefined for types the client lacks. */
  readonly overrides: ReadonlyMap<number, SessionCodec | undefined>;
  /** Types resolved (they travel in the client's layout), ascending. */
  readonly resolvedTypes: readonly number[];
  /** The server's types the client lacks (status 3), ascending. */
  readonly absentLocal: readonly number[];
  /** The client's types the server lacks (status 2): WELCOME's absent-types list. */
  readonly absentForClient: readonly number[];
}

/** What the server decided from the digests alone. */
export type ResolutionPlan =
  /** The header formats differ (every digest matches yet the fingerprints do not): refuse as version 1. */
  | { readonly kind: 'refuse' }
  /** Only presence differs: accept at once. */
  | { readonly kind: 'accept'; readonly schemas: ConnectionSchemas }
  /** Ask the client for the descriptors of `types`. */
  | {
      readonly kind: 'ask';
      readonly types: readonly number[];
      readonly differences: readonly DigestDifference[];
    };

function presence(differences: readonly DigestDifference[]) {
  const absentLocal: number[] = [];
  const absentForClient: number[] = [];
  for (const d of differences) {
    if (d.status === 3) absentLocal.push(d.type);
    else if (d.status === 2) absentForClient.push(d.type);
  }
  return { absentLocal, absentForClient };
}

/** Plans the resolution of a HELLO whose fingerprint differs from `own`. */
export function planResolution(hello: HelloFrame, own: SchemaFingerprint): ResolutionPlan {
  const differences = compareDigests(hello.digests, own.digests);
  if (differences.length === 0) return { kind: 'refuse' };
  const types = differences.filter((d) => d.status === 1).map((d) => d.type);
  if (types.length > 0) return { kind: 'ask', types, differences };
  const { absentLocal, absentForClient } = presence(differences);
  return {
    kind: 'accept',
    schemas: {
      overrides: overridesFor(absentLocal, new Map()),
      resolvedTypes: [],
      absentLocal,
      absentForClient,
    },
  };
}

function overridesFor(absentLocal: readonly number[], resolved: Map<number, SessionCodec | undefined>) {
  for (const type of absentLocal) resolved.set(type, undefined);
  return resolved;
}

/** What the client's descriptors come to. */
export type DescriptorOutcome =
  | { readonly code: undefined; readonly schemas: ConnectionSchemas }
  | { readonly code: WireErrorName; readonly reason: string; readonly issues?: undefined }
  | { readonly code: 'schema-mismatch'; readonly reason: string; readonly issues: readonly SchemaIssue[] };

/** What {@link resolveDescriptors} works with. */
export interface DescriptorContext {
  readonly protocol: SessionProtocol;
  readonly hello: HelloFrame;
  readonly own: SchemaFingerprint;
  readonly plan: Extract<ResolutionPlan, { kind: 'ask' }>;
  readonly cache: ResolvedCodecCache;
  readonly limits: DescriptorLimits;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const MAX_LISTED = 20;

function digestMap(digests: HelloFrame['digests']): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const d of digests) out.set(d.type >>> 0, d.digest);
  return out;
}

/** The local codec of a type as it travels (`u32`), for signed header formats too. */
function localType(protocol: SessionProtocol, type: number): number {
  return protocol.hasType(type) ? type : type | 0;
}

/** Checks the client's SCHEMA answer and resolves each descriptor (section 7.6, steps 3 and 4). */
export function resolveDescriptors(
  cx: DescriptorContext,
  entries: readonly SchemaDescriptorEntry[],
): DescriptorOutcome {
  const { protocol, plan } = cx;
  if (entries.length !== plan.types.length || entries.some((e, i) => e.type >>> 0 !== plan.types[i])) {
    return { code: 'malformed-frame', reason: 'SCHEMA answer does not list the requested types in order' };
  }
  const theirs = digestMap(cx.hello.digests);
  const mine = digestMap(cx.own.digests);
  const resolved = new Map<number, SessionCodec | undefined>();
  const issues: SchemaIssue[] = [];
  for (const entry of entries) {
    const wireType = entry.type >>> 0;
    const type = localType(protocol, wireType);
    const name = protocol.typeName(type);
    const label = name === undefined ? String(type) : `${type} (${name})`;
    const peerDigest = theirs.get(wireType) as Uint8Array;
    const localDigest = mine.get(wireType) as Uint8Array;
    // The text must be what the digest hashes: then the cache key names this descriptor only.
    if (!equalBytes(sha256(entry.text).subarray(0, 8), peerDigest)) {
      return {
        code: 'malformed-frame',
        reason: `the descriptor of type ${label} does not hash to the digest in HELLO`,
      };
    }
    const outcome = cx.cache.resolve(peerDigest, localDigest, () =>
      compile(protocol, type, entry.text, cx.limits),
    );
    if (outcome.kind === 'resolved') {
      resolved.set(type, outcome.codec);
      continue;
    }
    if (outcome.kind === 'refused') {
      return { code: outcome.code, reason: `the descriptor of type ${label}: ${outcome.reason}` };
    }
    for (const i of outcome.issues) issues.push({ type: wireType, name, path: i.path, rule: i.rule });
  }
  if (issues.length > 0) return { code: 'schema-mismatch', reason: mismatchReason(protocol, issues), issues };
  const { absentLocal, absentForClient } = presence(plan.differences);
  const resolvedTypes = [...resolved.keys()].map((t) => t >>> 0).sort((a, b) => a - b);
  return {
    code: undefined,
    schemas: {
      overrides: overridesFor(absentLocal, resolved),
      resolvedTypes,
      absentLocal,
      absentForClient,
    },
  };
}

/**
 * Resolves one client descriptor against the local codec. A bad descriptor is a failed
 * resolution too (kept in the cache with its code, so the same bad text is not parsed again).
 */
function compile(
  protocol: SessionProtocol,
  type: number,
  text: Uint8Array,
  limits: DescriptorLimits,
): Resolution {
  const refuse = (code: 'malformed-frame' | 'payload-too-large', reason: string): Resolution => ({
    kind: 'refused',
    code,
    reason,
  });
  const maxBytes = limits.maxBytes;
  if (maxBytes !== undefined && text.length > maxBytes) {
    return refuse('payload-too-large', `${text.length} bytes, at most ${maxBytes} accepted`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(text));
  } catch {
    return refuse('malformed-frame', 'not UTF-8 JSON');
  }
  const wrapper = parsed as { schema?: unknown; type?: unknown } | null;
  if (
    typeof wrapper !== 'object' ||
    wrapper === null ||
    !Object.hasOwn(wrapper, 'schema') ||
    typeof wrapper.type !== 'number' ||
    wrapper.type >>> 0 !== type >>> 0
  ) {
    return refuse('malformed-frame', 'not a {"schema":...,"type":n} text for this type');
  }
  const codec = (protocol.codecFor as (t: number) => SessionCodec)(type);
  try {
    return {
      kind: 'resolved',
      codec: resolve(wrapper.schema as never, codec as never, { limits }) as SessionCodec,
    };
  } catch (error) {
    if (error instanceof SchemaError) {
      if (error.code === 'incompatible-schema') {
        return {
          kind: 'incompatible',
          issues: error.issues.map((i) => ({ path: i.path, rule: i.rule, message: i.message })),
        };
      }
      return refuse(
        error.code === 'descriptor-too-large' ? 'payload-too-large' : 'malformed-frame',
        error.message,
      );
    }
    throw error;
  }
}

/** The REJECT reason for incompatible schemas: each type, path and rule (the first 20). */
export function mismatchReason(protocol: SessionProtocol, issues: readonly SchemaIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED).map((i) => {
    const name = i.name ?? protocol.typeName(i.type);
    return `${i.type}${name === undefined ? '' : ` (${name})`} ${i.path === '' ? '(the whole value)' : i.path}: ${i.rule}`;
  });
  const more = issues.length > MAX_LISTED ? `, and ${issues.length - MAX_LISTED} more` : '';
  return `schema mismatch: ${listed.join(', ')}${more}`;
}

/** The issues as a REJECT carries them. */
export function wireIssues(issues: readonly SchemaIssue[]): WireSchemaIssue[] {
  return issues.map((i) => ({ type: i.type >>> 0, rule: i.rule, path: i.path }));
}
