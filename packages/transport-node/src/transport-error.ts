import { BpError, type BpErrorOptions } from '@bp/codec';

/** Stable codes of {@link TransportError}. */
export type TransportErrorCode =
  /** The TLS handshake failed (certificate, version, ALPN, a plain TCP port); `cause` holds the TLS error. */
  | 'tls-failed'
  /** The peer did not read fast enough and the socket's queued bytes passed the hard limit. */
  | 'slow-consumer'
  /**
   * @deprecated The client now raises `ClientError` `connect-timeout` (from `@bp/session`, also
   * exported here); no `TransportError` has this code any more. Removed in the next release.
   */
  | 'connect-timeout'
  /** @deprecated The client now raises `ClientError` `connect-failed`. Removed in the next release. */
  | 'connect-failed'
  /** @deprecated The client now raises `ClientError` `not-connected`. Removed in the next release. */
  | 'not-connected'
  /** @deprecated The client now raises `ClientError` `closed`. Removed in the next release. */
  | 'closed';

/** Options of {@link TransportError}. */
export interface TransportErrorOptions extends BpErrorOptions {
  /** The remote address involved, when known. */
  remoteAddress?: string | undefined;
}

/**
 * An error raised by the Node transport itself: TLS and socket-level limits. Errors of the client's
 * connection life (connect failed or timed out, not connected, closed) are `ClientError`s, the
 * same as the browser client's; protocol failures (rejected hello, failed requests) are
 * `SessionError`s from `@bp/session`.
 */
export class TransportError extends BpError {
  static override readonly brand: string = '@bp/transport-node:TransportError';
  declare readonly code: TransportErrorCode;
  /** The remote address involved, when known. */
  readonly remoteAddress: string | undefined;

  constructor(code: TransportErrorCode, message: string, options: TransportErrorOptions = {}) {
    super(code, message, options);
    this.remoteAddress = options.remoteAddress;
  }
}

/** True when `value` is a {@link TransportError} from any copy of this package. */
export function isTransportError(value: unknown): value is TransportError {
  return value instanceof TransportError;
}
