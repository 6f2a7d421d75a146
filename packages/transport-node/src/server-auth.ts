import type { Principal } from '@bp/session';
import type { ConnectionInfo } from './connection-info.js';
import { FailureThrottle, type FailureThrottleOptions } from './failure-throttle.js';
import { createTokenCheck } from './token-check.js';

/** The credentials part of a client's hello. */
export interface HelloCredentials {
  /** The token the client sent, `undefined` when it sent none. */
  readonly token: string | undefined;
}

/**
 * Decides whether a connection may proceed and who it is. Return the principal (any value but
 * `undefined`, `null` or `false`); it reaches every handler as `ctx.principal`. Throw, or return
 * `undefined`/`null`/`false`, to refuse: the client gets `REJECT(unauthorized)` with a fixed reason
 * (what you throw is never sent), and no handler runs. The principal's type is the one declared
 * in `Register` of `@bp/session` (`unknown` without a declaration).
 */
export type Authenticate = (
  credentials: HelloCredentials,
  info: ConnectionInfo,
) => Principal | Refusal | PromiseLike<Principal | Refusal>;

/** What {@link Authenticate} returns to refuse a connection. */
type Refusal = undefined | null | false;

/** Authentication of a server. */
export type ServerAuthOptions =
  | ({
      /**
       * Accepted token(s), compared in constant time. The principal is `{ method: 'token' }`: when
       * `Register` of `@bp/session` declares a principal type, it must admit that.
       */
      token: string | readonly string[];
      /** Slowdown of repeated failures per remote address (see {@link FailureThrottle}). */
      throttle?: FailureThrottleOptions | FailureThrottle | false;
    } & TokenAuthAllowed)
  | {
      /** Custom check (database lookup, JWT, mTLS certificate mapping via `info.tls`). */
      authenticate: Authenticate;
      /**
       * Slowdown of repeated failures per remote address: options for a table of this server's
       * own, or a {@link FailureThrottle} shared with other servers (give the TCP and the TLS
       * server of one service the same instance, so that they count failures together).
       */
      throttle?: FailureThrottleOptions | FailureThrottle | false;
    };

/** The principal of a connection authenticated by token. */
export interface TokenPrincipal {
  readonly method: 'token';
}

/**
 * Nothing, or, when the declared principal does not admit {@link TokenPrincipal}, a property that
 * no options object has: the type error names it, and it says what to do.
 */
type TokenAuthAllowed = TokenPrincipal extends Principal
  ? unknown
  : {
      readonly 'token auth gives the principal { method: "token" }: declare Register["principal"] to admit TokenPrincipal, or use authenticate': never;
    };

const tokenPrincipal: TokenPrincipal = Object.freeze({ method: 'token' });

/** Thrown inside the transport's auth hook so the session answers `REJECT(unauthorized)`. */
export class AuthenticationFailed extends Error {
  constructor() {
    super('unauthorized');
    this.name = 'AuthenticationFailed';
  }
}

/** Per-server authentication: the user's check plus the per-address failure slowdown. */
export class ServerAuthenticator {
  /** The check as this class runs it: what it returns is only tested for a refusal. */
  readonly #check: (credentials: HelloCredentials, info: ConnectionInfo) => unknown;
  readonly #throttle: FailureThrottle | undefined;

  constructor(options: ServerAuthOptions) {
    if ('token' in options) {
      const check = createTokenCheck(options.token);
      this.#check = (credentials) => (check(credentials.token) ? tokenPrincipal : false);
    } else if (typeof options.authenticate === 'function') {
      this.#check = options.authenticate;
    } else {
      throw new TypeError('auth needs either `token` or an `authenticate` function');
    }
    const throttle = options.throttle;
    this.#throttle =
      throttle === false
        ? undefined
        : throttle instanceof FailureThrottle
          ? throttle
          : new FailureThrottle(throttle);
  }

  /** Failures currently remembered for an address (for tests and metrics). */
  failuresFor(address: string): number {
    return this.#throttle?.failures(address) ?? 0;
  }

  /**
   * Runs the check for one hello under the address's slowdown ({@link FailureThrottle.attempt}:
   * while the address is in backoff the answer waits, whatever it is). Resolves to the principal,
   * or rejects with {@link AuthenticationFailed}. `signal` (the connection went away) ends the
   * wait without checking anything, so delays never outlive their socket.
   */
  async authenticate(
    credentials: HelloCredentials,
    info: ConnectionInfo,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const check = () => this.#check(credentials, info);
    if (this.#throttle === undefined) {
      let principal: unknown;
      try {
        principal = await check();
      } catch {
        principal = false;
      }
      if (principal !== undefined && principal !== null && principal !== false) return principal;
      throw new AuthenticationFailed();
    }
    const outcome = await this.#throttle.attempt(info.remoteAddress, check, signal);
    if (outcome.status === 'accepted') return outcome.principal;
    throw new AuthenticationFailed();
  }
}
