import { decodeHello, encodeWelcome, type HelloFrame } from './control-frames.js';
import type { WireErrorName } from './error-codes.js';
import { fingerprintOf } from './fingerprint.js';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from './frame-kind.js';
import { acceptHello, describeRejection, encodeRefusal } from './handshake.js';
import { isThenable } from './is-thenable.js';
import type { SessionProtocol } from './protocol-types.js';
import { SessionError } from './session-error.js';
import { tokenMatches } from './token-check.js';
import type { SessionAuth } from './types.js';

/** What {@link answerHello} needs from the server session it answers for. */
export interface HelloHost {
  readonly auth: SessionAuth | undefined;
  readonly remoteAddress: string | undefined;
  readonly protocol: SessionProtocol;
  /** False once the session closed (an async `authenticate` may settle after that). */
  handshaking(): boolean;
  /** Refuses with REJECT `code` and closes. */
  fail(code: WireErrorName, reason: string): void;
  /** Refuses a client whose schemas differ. */
  refuse(reason: string, details: readonly { type: number; status: number }[], error: SessionError): void;
  /** Answers WELCOME and opens. */
  accept(hello: HelloFrame, version: number, principal: unknown): void;
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
  const verdict = acceptHello(hello, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION);
  if (verdict.code !== undefined) {
    host.fail(verdict.code, verdict.reason);
    return;
  }
  const version = verdict.version;
  const authenticated = (principal: unknown): void => {
    const mismatch = describeRejection(hello, fingerprintOf(host.protocol), (type) =>
      host.protocol.typeName(type),
    );
    if (mismatch === undefined) host.accept(hello, version, principal);
    else
      host.refuse(
        mismatch.reason,
        mismatch.details,
        new SessionError('schema-mismatch', mismatch.reason, { mismatches: mismatch.mismatches }),
      );
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

/**
 * What only the server side of a session uses. createServerSession hands it to the session
 * instead of session.ts importing it, so a client-only bundle (a browser page) leaves it out.
 */
export interface ServerHandshake {
  readonly answerHello: typeof answerHello;
  readonly encodeWelcome: typeof encodeWelcome;
  readonly encodeRefusal: typeof encodeRefusal;
}

/** @internal */
export const SERVER_HANDSHAKE: ServerHandshake = { answerHello, encodeWelcome, encodeRefusal };
