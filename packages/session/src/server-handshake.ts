import { decodeHello, encodeWelcome, type HelloFrame } from './control-frames.js';
import { encodedFor } from './encoded-message.js';
import type { WireErrorName } from './error-codes.js';
import { fingerprintOf } from './fingerprint.js';
import { MIN_PROTOCOL_VERSION } from './frame-kind.js';
import { acceptHello, describeRejection, encodeRefusal } from './handshake.js';
import { isThenable } from './is-thenable.js';
import type { SessionLimits } from './limits.js';
import type { SessionProtocol } from './protocol-types.js';
import { defaultCacheOf, type ResolvedCodecCache } from './resolved-codec-cache.js';
import {
  appendAbsentTypes,
  appendSchemaIssues,
  decodeHelloExtensions,
  decodeSchemaFrame,
  encodeSchemaRequest,
  SCHEMA_RESOLUTION_TAG,
} from './schema-frames.js';
import {
  type ConnectionSchemas,
  type DescriptorContext,
  planResolution,
  resolveDescriptors,
  wireIssues,
} from './schema-resolution.js';
import { SessionError } from './session-error.js';
import { tokenMatches } from './token-check.js';
import type { PeerInfo, SchemaPolicy, SessionAuth } from './types.js';

/**
 * What the server handshake needs of the session it runs in. The session's host object
 * implements it with its own state, so that the steps below (and their code) stay out of a
 * client-only bundle and a connection holds nothing more for them.
 */
export interface ServerSessionHost {
  readonly protocol: SessionProtocol;
  readonly limits: Readonly<SessionLimits>;
  readonly auth: SessionAuth | undefined;
  readonly remoteAddress: string | undefined;
  /** The highest protocol version this server speaks. */
  readonly maxVersion: number;
  readonly schemaPolicy: SchemaPolicy;
  /** Where resolved codecs are kept (the `schemaCache` option); undefined: the protocol's default cache. */
  readonly schemaCache: ResolvedCodecCache | undefined;
  /** False when the protocol has no direct codec access (`codecFor`), which resolution needs. */
  readonly resolvable: boolean;
  /** What the server holds while it waits for the client's descriptors (section 7.6). */
  pending: PendingDescriptors | undefined;
  /** False once the session closed (an async `authenticate` may settle after that). */
  handshaking(): boolean;
  /** Refuses with REJECT `code` and closes. */
  fail(code: WireErrorName, reason: string, cause?: unknown): void;
  /** Sends the complete REJECT frame `reject` and closes with `error`. */
  refuse(reject: Uint8Array, error: SessionError): void;
  /** Sends the SCHEMA descriptor request `request`; the next frame must be the client's SCHEMA. */
  askDescriptors(request: Uint8Array): void;
  /** Sends `welcome` and opens with the client as `peer` (and, version 2, its `schemas`). */
  open(welcome: Uint8Array, peer: PeerInfo, principal: unknown, schemas: ConnectionSchemas | undefined): void;
}

/**
 * Descriptor texts a server accepts from a client are bounded like the handshake frames that
 * carry them: at least this, or the session's `maxPayloadSize` when larger.
 */
const HANDSHAKE_DESCRIPTOR_BYTES = 65536;

const NO_TYPES: readonly number[] = Object.freeze([]);

/** Answers WELCOME (with the absent types of `schemas`, version 2) and opens. */
function accept(
  host: ServerSessionHost,
  hello: HelloFrame,
  version: number,
  principal: unknown,
  schemas?: ConnectionSchemas,
): void {
  const limits = host.limits;
  const heartbeatInterval = limits.heartbeatInterval;
  const peer: PeerInfo = {
    version,
    maxPayloadSize: hello.maxPayloadSize,
    maxInFlight: Number.POSITIVE_INFINITY,
    heartbeatInterval,
    resolvedTypes: schemas?.resolvedTypes ?? NO_TYPES,
    absentTypes: schemas?.absentLocal ?? NO_TYPES,
  };
  let welcome = encodeWelcome({
    version,
    maxPayloadSize: limits.maxPayloadSize,
    heartbeatInterval,
    maxInFlight: limits.maxInFlightRequests,
  });
  if (schemas !== undefined) welcome = appendAbsentTypes(welcome, schemas.absentForClient);
  host.open(welcome, peer, principal, schemas);
}

/**
 * Checks a HELLO (sections 5.3, 6, 17): magic, versions, credentials, then schemas, and tells the
 * host the outcome, asynchronously when `authenticate` returns a promise.
 */
function answerHello(host: ServerSessionHost, source: Uint8Array, start: number, end: number): void {
  let hello: HelloFrame;
  try {
    hello = decodeHello(source, start, end);
  } catch {
    host.fail('malformed-frame', 'malformed HELLO');
    return;
  }
  const verdict = acceptHello(hello, MIN_PROTOCOL_VERSION, host.maxVersion);
  if (verdict.code !== undefined) {
    host.fail(verdict.code, verdict.reason);
    return;
  }
  const version = verdict.version;
  let resolving = false;
  if (version >= 2 && host.schemaPolicy === 'compatible' && host.resolvable) {
    try {
      resolving = decodeHelloExtensions(source, start, end).has(SCHEMA_RESOLUTION_TAG);
    } catch {
      host.fail('malformed-frame', 'malformed HELLO extensions');
      return;
    }
  }
  const authenticated = (principal: unknown): void => {
    const own = fingerprintOf(host.protocol);
    const mismatch = describeRejection(hello, own, (type) => host.protocol.typeName(type));
    if (mismatch === undefined) {
      accept(host, hello, version, principal);
      return;
    }
    const plan = resolving ? planResolution(hello, own) : ({ kind: 'refuse' } as const);
    if (plan.kind === 'accept') {
      accept(host, hello, version, principal, plan.schemas);
    } else if (plan.kind === 'ask') {
      host.pending = {
        protocol: host.protocol,
        hello,
        own,
        plan,
        cache: host.schemaCache ?? defaultCacheOf(host.protocol, host.protocol.messageTypes?.().length ?? 0),
        limits: { maxBytes: Math.max(HANDSHAKE_DESCRIPTOR_BYTES, host.limits.maxPayloadSize) },
        principal,
        version,
      };
      host.askDescriptors(encodeSchemaRequest(plan.types));
    } else {
      host.refuse(
        encodeRefusal('schema-mismatch', mismatch.reason, mismatch.details, host.maxVersion),
        new SessionError('schema-mismatch', mismatch.reason, { mismatches: mismatch.mismatches }),
      );
    }
  };
  const auth = host.auth;
  if (auth === undefined) {
    authenticated(undefined);
    return;
  }
  if ('token' in auth) {
    if (tokenMatches(auth.token, hello.token)) authenticated(undefined);
    else host.fail('unauthorized', 'unauthorized');
    return;
  }
  let outcome: unknown;
  try {
    outcome = auth.authenticate({ token: hello.token, version }, { remoteAddress: host.remoteAddress });
  } catch {
    host.fail('unauthorized', 'unauthorized');
    return;
  }
  if (!isThenable(outcome)) {
    if (outcome === false) host.fail('unauthorized', 'unauthorized');
    else authenticated(outcome);
    return;
  }
  outcome.then(
    (principal) => {
      if (!host.handshaking()) return;
      if (principal === false) host.fail('unauthorized', 'unauthorized');
      else authenticated(principal);
    },
    () => {
      if (host.handshaking()) host.fail('unauthorized', 'unauthorized');
    },
  );
}

/** What a server waiting for the client's descriptors holds (see {@link answerDescriptors}). */
export interface PendingDescriptors extends DescriptorContext {
  readonly principal: unknown;
  readonly version: number;
}

/**
 * Handles the client's SCHEMA answer (docs/PROTOCOL.md section 7.6): WELCOME with the resolved
 * codecs, or REJECT naming each type, field path and rule.
 */
function answerDescriptors(host: ServerSessionHost, source: Uint8Array, start: number, end: number): void {
  const pending = host.pending as PendingDescriptors;
  host.pending = undefined;
  let frame: ReturnType<typeof decodeSchemaFrame>;
  try {
    frame = decodeSchemaFrame(source, start, end);
  } catch (error) {
    host.fail('malformed-frame', (error as Error).message);
    return;
  }
  if (frame.phase !== 2) {
    host.fail('unexpected-frame', 'a SCHEMA descriptor request from the client');
    return;
  }
  let outcome: ReturnType<typeof resolveDescriptors>;
  try {
    outcome = resolveDescriptors(pending, frame.entries);
  } catch (error) {
    host.fail('internal-error', 'internal error while resolving schemas', error);
    return;
  }
  if (outcome.code === undefined) {
    accept(host, pending.hello, pending.version, pending.principal, outcome.schemas);
    return;
  }
  if (outcome.issues === undefined) {
    host.fail(outcome.code, outcome.reason);
    return;
  }
  const types = [...new Set(outcome.issues.map((i) => i.type >>> 0))];
  const details = types.map((type) => ({ type, status: 1 }));
  const reject = appendSchemaIssues(
    encodeRefusal('schema-mismatch', outcome.reason, details, host.maxVersion),
    wireIssues(outcome.issues),
  );
  const protocol = pending.protocol;
  host.refuse(
    reject,
    new SessionError('schema-mismatch', outcome.reason, {
      mismatches: types.map((type) => ({ type, name: protocol.typeName(type), status: 'differs' as const })),
      schemaIssues: outcome.issues,
    }),
  );
}

/**
 * What only the server side of a session uses. createServerSession hands it to the session
 * instead of session.ts importing it, so a client-only bundle (a browser page) leaves it out.
 */
export interface ServerHandshake {
  /** The client's HELLO (sections 5.3, 6, 17). */
  readonly answerHello: typeof answerHello;
  /** The client's SCHEMA answer to the descriptor request (section 7.6). */
  readonly answerDescriptors: typeof answerDescriptors;
  /** The REJECT of a fatal error during the handshake. */
  readonly encodeRefusal: typeof encodeRefusal;
  /**
   * A pre-encoded message (a broadcast) as a connection on resolved codecs must get it. Only a
   * server resolves: a client's table differs from its protocol's only by the types the server
   * lacks, which it never sends.
   */
  readonly encodedFor: typeof encodedFor;
}

/** @internal */
export const SERVER_HANDSHAKE: ServerHandshake = {
  answerHello,
  answerDescriptors,
  encodeRefusal,
  encodedFor,
};
