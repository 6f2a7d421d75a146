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
 * (what you throw is never sent), and no handler runs.
 */
export type Authenticate = (credentials: HelloCredentials, info: ConnectionInfo) => unknown;

/** Authentication of a server. */
export type ServerAuthOptions =
  | {
      /** Accepted token(s), compared in constant time. The principal is `{ method: 'token' }`. */
      token: string | readonly string[];
      /** Slowdown of repeated failures per remote address. */
      throttle?: FailureThrottleOptions | false;
    }
  | {
      /** Custom check (database lookup, JWT, mTLS certificate mapping via `info.tls`). */
      authenticate: Authenticate;
      /** Slowdown of repeated failures per remote address. */
      throttle?: FailureThrottleOptions | false;
    };

/** The principal of a connection authenticated by token. */
export interface TokenPrincipal {
  readonly method: 'token';
}

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
  readonly #check: Authenticate;
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
    this.#throttle = options.throttle === false ? undefined : new FailureThrottle(options.throttle);
  }

  /** Failures currently remembered for an address (for tests and metrics). */
  failuresFor(address: string): number {
    return this.#throttle?.failures(address) ?? 0;
  }

  /**
   * Runs the check for one hello. Resolves to the principal, or rejects with
   * {@link AuthenticationFailed} after the address's slowdown delay. `signal` aborts the wait
   * (the connection went away), so delays never outlive their socket.
   */
  async authenticate(
    credentials: HelloCredentials,
    info: ConnectionInfo,
    signal?: AbortSignal,
  ): Promise<unknown> {
    let principal: unknown;
    try {
      principal = await this.#check(credentials, info);
    } catch {
      principal = false;
    }
    if (principal !== undefined && principal !== null && principal !== false) {
      this.#throttle?.forget(info.remoteAddress);
      return principal;
    }
    const delay = this.#throttle?.recordFailure(info.remoteAddress) ?? 0;
    if (delay > 0) await sleep(delay, signal);
    throw new AuthenticationFailed();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
