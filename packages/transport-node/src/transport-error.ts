const brand = Symbol.for('bp.transport-node.TransportError');

/** Stable codes of {@link TransportError}. */
export type TransportErrorCode =
  /** `connect` did not finish TCP + TLS + protocol handshake within `connectTimeout`. */
  | 'connect-timeout'
  /** The socket could not be opened (refused, unreachable, DNS); `cause` holds the system error. */
  | 'connect-failed'
  /** The TLS handshake failed (certificate, version, ALPN); `cause` holds the TLS error. */
  | 'tls-failed'
  /** The server refused the connection because of `maxConnections` / `maxConnectionsPerAddress`. */
  | 'too-many-connections'
  /** The operation needs a live connection and there is none (closed, or reconnecting). */
  | 'not-connected'
  /** The peer did not read fast enough and its queued bytes passed the hard limit. */
  | 'slow-consumer'
  /** `close()` was called while the operation was pending. */
  | 'closed';

/** An error raised by the Node transport itself (not by the session protocol). */
export class TransportError extends Error {
  /** Stable machine-readable reason. */
  readonly code: TransportErrorCode;
  /** The remote address involved, when known. */
  readonly remoteAddress: string | undefined;

  constructor(
    code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown; remoteAddress?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransportError';
    this.code = code;
    this.remoteAddress = options?.remoteAddress;
    Object.defineProperty(this, brand, { value: true });
  }

  // Brand check so `instanceof` holds across the ESM and CJS copies of this package.
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** True when `value` is a {@link TransportError} from any copy of this package. */
export function isTransportError(value: unknown): value is TransportError {
  return value instanceof TransportError;
}
