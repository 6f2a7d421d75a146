import { canonicalJson } from './canonical-json.js';
import { decodeReject, decodeWelcome, encodeHello } from './control-frames.js';
import { errorCodeName, type WireErrorName } from './error-codes.js';
import { fingerprintOf } from './fingerprint.js';
import { MAGIC, MIN_PROTOCOL_VERSION } from './frame-kind.js';
import type { SessionProtocol } from './protocol-types.js';
import {
  appendToFrame,
  decodeAbsentTypes,
  decodeSchemaIssues,
  decodeSchemaRequest,
  encodeHelloExtensions,
  encodeSchemaDescriptors,
  SCHEMA_RESOLUTION_TAG,
} from './schema-frames.js';
import { type SchemaIssue, type SchemaMismatch, SessionError } from './session-error.js';
import type { PeerInfo } from './types.js';

/*
 * The client's half of the handshake (docs/PROTOCOL.md section 5), the mirror of
 * server-handshake.ts: the HELLO it sends, and what it makes of the server's WELCOME or REJECT.
 */

/**
 * The client's HELLO: the versions it speaks (1..`maxVersion`), its payload limit, schemas and
 * credentials, and with `offerResolution` (version 2) the `schema-resolution` extension.
 */
export function encodeClientHello(
  protocol: SessionProtocol,
  maxPayloadSize: number,
  token: string | undefined,
  maxVersion: number,
  offerResolution: boolean,
): Uint8Array {
  const { fingerprint, digests } = fingerprintOf(protocol);
  const hello = encodeHello({
    minVersion: MIN_PROTOCOL_VERSION,
    maxVersion,
    maxPayloadSize,
    fingerprint,
    token,
    digests,
  });
  if (!offerResolution || maxVersion < 2) return hello;
  return appendToFrame(hello, encodeHelloExtensions([{ tag: SCHEMA_RESOLUTION_TAG }]));
}

const encoder = new TextEncoder();

/**
 * The client's answer to a SCHEMA descriptor request (docs/PROTOCOL.md section 4.11): for each
 * requested type the canonical text its digest hashes; a string saying what is wrong when the
 * request is not a valid one (a type the client did not announce, not ascending).
 */
export function answerSchemaRequest(
  protocol: SessionProtocol,
  source: Uint8Array,
  start: number,
  end: number,
): Uint8Array | string {
  let frame: ReturnType<typeof decodeSchemaRequest>;
  try {
    frame = decodeSchemaRequest(source, start, end);
  } catch (error) {
    return (error as Error).message;
  }
  const byType = new Map<number, unknown>();
  for (const entry of protocol.describe().types) byType.set(entry.type >>> 0, entry);
  const entries: { type: number; text: Uint8Array }[] = [];
  let last = -1;
  for (const type of frame.types) {
    const entry = byType.get(type) as { type: number; schema: unknown } | undefined;
    if (entry === undefined || type <= last) {
      return `SCHEMA request for type ${type}, which this client did not announce (or out of order)`;
    }
    last = type;
    entries.push({ type, text: encoder.encode(canonicalJson({ schema: entry.schema, type: entry.type })) });
  }
  return encodeSchemaDescriptors(entries);
}

const NO_TYPES: readonly number[] = Object.freeze([]);

/** The server's WELCOME as the client reads it: the peer, or why it cannot be used. */
export type WelcomeOutcome =
  | { readonly code: undefined; readonly peer: PeerInfo }
  | { readonly code: WireErrorName; readonly reason: string };

/**
 * Checks a WELCOME body (magic, the chosen version within 1..`maxVersion`) and reads the server's
 * limits from it, and in version 2 the client's types the server lacks.
 */
export function readWelcome(
  source: Uint8Array,
  start: number,
  end: number,
  maxVersion: number,
): WelcomeOutcome {
  const welcome = decodeWelcome(source, start, end);
  if (welcome.magic !== MAGIC) return { code: 'bad-magic', reason: 'WELCOME does not start with BPWP' };
  if (welcome.version < MIN_PROTOCOL_VERSION || welcome.version > maxVersion) {
    return {
      code: 'unsupported-version',
      reason: `the server chose version ${welcome.version}, this client speaks ${MIN_PROTOCOL_VERSION}..${maxVersion}`,
    };
  }
  let absentTypes = NO_TYPES;
  if (welcome.version >= 2) {
    try {
      const absent = decodeAbsentTypes(source, start, end);
      if (absent.length > 0) absentTypes = absent;
    } catch (error) {
      return { code: 'malformed-frame', reason: (error as Error).message };
    }
  }
  return {
    code: undefined,
    peer: {
      version: welcome.version,
      maxPayloadSize: welcome.maxPayloadSize,
      maxInFlight: welcome.maxInFlight === 0 ? Number.POSITIVE_INFINITY : welcome.maxInFlight,
      heartbeatInterval: welcome.heartbeatInterval,
      resolvedTypes: NO_TYPES,
      absentTypes,
    },
  };
}

/** How many of a REJECT's differing types its error message names (docs/PROTOCOL.md section 7.4). */
const MESSAGE_MISMATCHES = 20;

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
  const issues = code === 'schema-mismatch' ? decodeSchemaIssues(source, start, end) : [];
  const schemaIssues: SchemaIssue[] = issues.map((i) => ({
    type: i.type,
    name: protocol.typeName(i.type) ?? protocol.typeName(i.type | 0),
    path: i.path,
    rule: i.rule,
  }));
  // With schema issues the server's reason already names each type, path and rule.
  if (schemaIssues.length === 0 && code === 'schema-mismatch' && mismatches.length > 0) {
    // The frame may list thousands (a hostile server's); the message names the first few, as a
    // server's own reason does (section 7.4), and `mismatches` has them all.
    const named = mismatches
      .slice(0, MESSAGE_MISMATCHES)
      .map(
        (m) =>
          `${m.type}${m.name === undefined ? '' : ` (${m.name})`} ${m.status === 'differs' ? 'differs' : m.status === 'client-only' ? 'only on the client' : 'only on the server'}`,
      );
    const more = mismatches.length - named.length;
    message = `schema mismatch: ${named.join(', ')}${more > 0 ? ` and ${more} more (error.mismatches)` : ''}`;
  }
  return new SessionError(code, message, {
    remote: true,
    wireCode: reject.code,
    mismatches: code === 'schema-mismatch' ? mismatches : undefined,
    schemaIssues: schemaIssues.length > 0 ? schemaIssues : undefined,
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
