import { decodeReject, decodeWelcome, encodeHello } from './control-frames.js';
import { errorCodeName, type WireErrorName } from './error-codes.js';
import { fingerprintOf } from './fingerprint.js';
import { MAGIC, PROTOCOL_VERSION } from './frame-kind.js';
import type { SessionProtocol } from './protocol-types.js';
import { type SchemaMismatch, SessionError } from './session-error.js';
import type { PeerInfo } from './types.js';

/*
 * The client's half of the handshake (docs/PROTOCOL.md section 5), the mirror of
 * server-handshake.ts: the HELLO it sends, and what it makes of the server's WELCOME or REJECT.
 */

/** The client's HELLO: the versions it speaks, its payload limit, schemas and credentials. */
export function encodeClientHello(
  protocol: SessionProtocol,
  maxPayloadSize: number,
  token: string | undefined,
): Uint8Array {
  const { fingerprint, digests } = fingerprintOf(protocol);
  return encodeHello({
    minVersion: PROTOCOL_VERSION,
    maxVersion: PROTOCOL_VERSION,
    maxPayloadSize,
    fingerprint,
    token,
    digests,
  });
}

/** The server's WELCOME as the client reads it: the peer, or why it cannot be used. */
export type WelcomeOutcome =
  | { readonly code: undefined; readonly peer: PeerInfo }
  | { readonly code: WireErrorName; readonly reason: string };

/** Checks a WELCOME body (magic, the chosen version) and reads the server's limits from it. */
export function readWelcome(source: Uint8Array, start: number, end: number): WelcomeOutcome {
  const welcome = decodeWelcome(source, start, end);
  if (welcome.magic !== MAGIC) return { code: 'bad-magic', reason: 'WELCOME does not start with BPWP' };
  if (welcome.version !== PROTOCOL_VERSION) {
    return {
      code: 'unsupported-version',
      reason: `the server chose version ${welcome.version}, this client speaks 1`,
    };
  }
  return {
    code: undefined,
    peer: {
      version: welcome.version,
      maxPayloadSize: welcome.maxPayloadSize,
      maxInFlight: welcome.maxInFlight === 0 ? Number.POSITIVE_INFINITY : welcome.maxInFlight,
      heartbeatInterval: welcome.heartbeatInterval,
    },
  };
}

/** The error a REJECT body stands for, schema mismatches named by the client's own type names. */
export function rejectionError(
  protocol: SessionProtocol,
  source: Uint8Array,
  start: number,
  end: number,
): SessionError {
  const reject = decodeReject(source, start, end);
  const code = errorCodeName(reject.code);
  const mismatches: SchemaMismatch[] = reject.details.map((entry) => ({
    type: entry.type,
    name: protocol.typeName(entry.type) ?? protocol.typeName(entry.type | 0),
    status:
      entry.status === 1
        ? ('differs' as const)
        : entry.status === 2
          ? ('client-only' as const)
          : ('server-only' as const),
  }));
  let message = reject.reason || code;
  if (code === 'schema-mismatch' && mismatches.length > 0) {
    message = `schema mismatch: ${mismatches
      .map(
        (m) =>
          `${m.type}${m.name === undefined ? '' : ` (${m.name})`} ${m.status === 'differs' ? 'differs' : m.status === 'client-only' ? 'only on the client' : 'only on the server'}`,
      )
      .join(', ')}`;
  }
  return new SessionError(code, message, {
    remote: true,
    wireCode: reject.code,
    mismatches: code === 'schema-mismatch' ? mismatches : undefined,
    serverVersions: { min: reject.minVersion, max: reject.maxVersion },
  });
}
