import { BpError, type BpErrorOptions } from '@bp/codec';

/** Stable codes of {@link TransportError}. */
export type TransportErrorCode =
  /** `connect` did not finish TCP + TLS + protocol handshake within `connectTimeout`. */
  | 'connect-timeout'
  /** The socket could not be opened (refused, unreachable, DNS); `cause` holds the system error. */
  | 'connect-failed'
  /** The TLS handshake failed (certificate, version, ALPN); `cause` holds the TLS error. */
  | 'tls-failed'
  /** The operation needs a live connection and there is none (closed, or reconnecting). */
  | 'not-connected'
  /** The peer did not read fast enough and the socket's queued bytes passed the hard limit. */
  | 'slow-consumer'
  /** `close()` was called (or the signal aborted) while the operation was pending. */
  | 'closed';

/** Options of {@link TransportError}. */
export interface TransportErrorOptions extends BpErrorOptions {
  /** The remote address involved, when known. */
  remoteAddress?: string | undefined;
}

/**
 * An error raised by the Node transport itself: connecting, TLS, socket-level limits. Protocol
 * failures (rejected hello, failed requests) are `SessionError`s from `@bp/session`.
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
