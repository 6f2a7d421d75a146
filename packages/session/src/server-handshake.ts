import type { DescriptorLimits } from '@bp/codec';
import { decodeHello, encodeWelcome, type HelloFrame } from './control-frames.js';
import type { WireErrorName } from './error-codes.js';
import { fingerprintOf } from './fingerprint.js';
import { MIN_PROTOCOL_VERSION } from './frame-kind.js';
import { acceptHello, describeRejection, encodeRefusal } from './handshake.js';
import { isThenable } from './is-thenable.js';
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
import type { SchemaPolicy, SessionAuth } from './types.js';

/** What {@link answerHello} needs from the server session it answers for. */
export interface HelloHost {
  readonly auth: SessionAuth | undefined;
  readonly remoteAddress: string | undefined;
  readonly protocol: SessionProtocol;
  /** The highest protocol version this server speaks. */
  readonly maxVersion: number;
  readonly schemaPolicy: SchemaPolicy;
  /** Where resolved codecs are kept (the `schemaCache` option); undefined: the protocol's default cache. */
  readonly schemaCache: ResolvedCodecCache | undefined;
  /** False when the protocol has no direct codec access (`codecFor`), which resolution needs. */
  readonly resolvable: boolean;
  /** Bounds on the client's descriptors. */
  readonly descriptorLimits: DescriptorLimits;
  /** False once the session closed (an async `authenticate` may settle after that). */
  handshaking(): boolean;
  /** Refuses with REJECT `code` and closes. */
  fail(code: WireErrorName, reason: string): void;
  /** Refuses a client whose schemas differ: `reject` is the complete REJECT frame. */
  refuse(reject: Uint8Array, error: SessionError): void;
  /** Sends the SCHEMA descriptor request and waits for the answer (passed to `answerDescriptors`). */
  askDescriptors(request: Uint8Array, pending: PendingDescriptors): void;
  /** Answers WELCOME (with the absent types of `schemas`, version 2) and opens. */
  accept(hello: HelloFrame, version: number, principal: unknown, schemas?: ConnectionSchemas): void;
}

/**
 * Checks a HELLO (sections 5.3, 6, 17): magic, versions, credentials, then schemas, and tells the
 * host the outcome, asynchronously when `authenticate` returns a promise.
 */
function answerHello(host: HelloHost, source: Uint8Array, start: number, end: number): void {
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
      host.accept(hello, version, principal);
      return;
    }
    const plan = resolving ? planResolution(hello, own) : ({ kind: 'refuse' } as const);
    if (plan.kind === 'accept') {
      host.accept(hello, version, principal, plan.schemas);
    } else if (plan.kind === 'ask') {
      host.askDescriptors(encodeSchemaRequest(plan.types), {
        protocol: host.protocol,
        hello,
        own,
        plan,
        cache: host.schemaCache ?? defaultCacheOf(host.protocol, host.protocol.messageTypes?.().length ?? 0),
        limits: host.descriptorLimits,
        principal,
        version,
      });
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
function answerDescriptors(
  host: HelloHost,
  pending: PendingDescriptors,
  source: Uint8Array,
  start: number,
  end: number,
): void {
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
  const outcome = resolveDescriptors(pending, frame.entries);
  if (outcome.code === undefined) {
    host.accept(pending.hello, pending.version, pending.principal, outcome.schemas);
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
  readonly answerHello: typeof answerHello;
  readonly answerDescriptors: typeof answerDescriptors;
  readonly encodeWelcome: typeof encodeWelcome;
  readonly appendAbsentTypes: typeof appendAbsentTypes;
  readonly encodeRefusal: typeof encodeRefusal;
}

/** @internal */
export const SERVER_HANDSHAKE: ServerHandshake = {
  answerHello,
  answerDescriptors,
  encodeWelcome,
  appendAbsentTypes,
  encodeRefusal,
};
