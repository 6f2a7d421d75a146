import { encodeReject, type HelloFrame } from './control-frames.js';
import { ErrorCode, type WireErrorName } from './error-codes.js';
import { compareDigests, equalBytes, type SchemaFingerprint } from './fingerprint.js';
import { MAGIC, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from './frame-kind.js';
import type { SchemaMismatch } from './session-error.js';

/** The server's verdict on a HELLO before credentials and schemas: a version, or a refusal. */
export type HelloVerdict =
  | { readonly code: undefined; readonly version: number }
  | { readonly code: WireErrorName; readonly reason: string };

/** Checks magic and versions (docs/PROTOCOL.md sections 5.3 and 6). */
export function acceptHello(hello: HelloFrame, serverMin: number, serverMax: number): HelloVerdict {
  if (hello.magic !== MAGIC) return { code: 'bad-magic', reason: 'HELLO does not start with BPWP' };
  if (hello.minVersion < 1 || hello.minVersion > hello.maxVersion) {
    return {
      code: 'unsupported-version',
      reason: `invalid version range ${hello.minVersion}..${hello.maxVersion}`,
    };
  }
  const version = Math.min(hello.maxVersion, serverMax);
  if (version < Math.max(hello.minVersion, serverMin)) {
    return {
      code: 'unsupported-version',
      reason: `no common version: client speaks ${hello.minVersion}..${hello.maxVersion}, server ${serverMin}..${serverMax}`,
    };
  }
  return { code: undefined, version };
}

/** What a schema mismatch is reported as. */
export interface SchemaRejection {
  readonly reason: string;
  readonly details: readonly { readonly type: number; readonly status: number }[];
  readonly mismatches: readonly SchemaMismatch[];
}

const MAX_LISTED = 20;
const statusText = ['', 'differs', 'only on the client', 'only on the server'];
const statusName = ['differs', 'differs', 'client-only', 'server-only'] as const;

/** Compares the client's fingerprint with the server's; undefined when they match (section 7.4). */
export function describeRejection(
  hello: HelloFrame,
  own: SchemaFingerprint,
  nameOf: (type: number) => string | undefined,
): SchemaRejection | undefined {
  if (equalBytes(hello.fingerprint, own.fingerprint)) return undefined;
  const details = compareDigests(hello.digests, own.digests);
  if (details.length === 0) {
    return { reason: 'schema mismatch: type header format differs', details, mismatches: [] };
  }
  const listed = details.slice(0, MAX_LISTED).map((entry) => {
    const name = nameOf(entry.type) ?? nameOf(entry.type | 0);
    return `${entry.type}${name === undefined ? '' : ` (${name})`} ${statusText[entry.status]}`;
  });
  const more = details.length > MAX_LISTED ? `, and ${details.length - MAX_LISTED} more` : '';
  return {
    reason: `schema mismatch: ${listed.join(', ')}${more}`,
    details,
    mismatches: details.map((entry) => ({
      type: entry.type,
      name: nameOf(entry.type) ?? nameOf(entry.type | 0),
      status: statusName[entry.status],
    })),
  };
}

/**
 * A complete `REJECT` frame (docs/PROTOCOL.md section 4.3) announcing the protocol versions this
 * implementation speaks, so a refused client learns them along with the reason. Sessions send it
 * themselves; this is for servers that refuse a connection without starting a session, e.g. over
 * a connection limit:
 *
 * ```ts
 * socket.end(encodeRefusal('server-busy', 'server busy'));
 * ```
 *
 * `reason` is cut to the protocol's text limit at a character boundary; `details` lists schema
 * mismatches (only meaningful with `schema-mismatch`); `maxVersion` is the highest version announced
 * (default: the highest this implementation speaks).
 */
export function encodeRefusal(
  code: WireErrorName,
  reason: string,
  details: readonly { readonly type: number; readonly status: number }[] = [],
  maxVersion: number = PROTOCOL_VERSION,
): Uint8Array {
  return encodeReject({
    code: ErrorCode[code],
    minVersion: MIN_PROTOCOL_VERSION,
    maxVersion,
    reason,
    details,
  });
}
