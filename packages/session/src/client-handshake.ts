import { decodeReject, decodeWelcome, encodeHello } from './control-frames.js';
import { errorCodeName, type WireErrorName } from './error-codes.js';
import { fingerprintOf } from './fingerprint.js';
import { MAGIC, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from './frame-kind.js';
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
    minVersion: MIN_PROTOCOL_VERSION,
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
  if (welcome.version < MIN_PROTOCOL_VERSION || welcome.version > PROTOCOL_VERSION) {
    return {
      code: 'unsupported-version',
      reason: `the server chose version ${welcome.version}, this client speaks ${MIN_PROTOCOL_VERSION}..${PROTOCOL_VERSION}`,
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

/** Bytes of the server's first answer kept while handshaking, to tell what spoke when it was not bp. */
const FIRST_BYTES_KEPT = 64;
const HTTP_PREFIX = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"

/**
 * The first bytes a client received, kept until the handshake ends. A server that is not bp
 * answers HELLO with something the frame reader can only call an unexpected frame; these bytes
 * let the error say what answered instead.
 */
export class FirstBytes {
  readonly #bytes = new Uint8Array(FIRST_BYTES_KEPT);
  #length = 0;

  push(chunk: Uint8Array): void {
    const room = FIRST_BYTES_KEPT - this.#length;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.#bytes.set(part, this.#length);
    this.#length += part.length;
  }

  /**
   * What to say instead of the frame reader's error when the bytes show that an HTTP server
   * answered (a bp client dialled an HTTP port); undefined when they do not.
   */
  explain(): string | undefined {
    const length = this.#length;
    // The reader fails on the first 4-byte header, so at least "HTTP" is here.
    if (length < 4) return undefined;
    for (let i = 0; i < Math.min(length, HTTP_PREFIX.length); i++) {
      if (this.#bytes[i] !== HTTP_PREFIX[i]) return undefined;
    }
    let line = '';
    for (let i = 0; i < length; i++) {
      const byte = this.#bytes[i];
      if (byte === 0x0d || byte === 0x0a) break;
      // Printable ASCII only: these bytes came from a peer and end up in logs.
      line += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '?';
    }
    return (
      `the server answered in HTTP ("${line}"), not bp: this port speaks HTTP. ` +
      "Connect to the server's bp port (TCP or TLS), or to its WebSocket endpoint with a WebSocket client"
    );
  }
}
