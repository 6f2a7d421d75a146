import { BpError, type BpErrorOptions } from '@bp/codec';

/** Stable codes of {@link ClientError}. */
export type ClientErrorCode =
  /**
   * The connection could not be opened (refused, unreachable, DNS; for WebSocket also TLS and an
   * HTTP refusal of the upgrade); `cause` holds the platform's error when there is one.
   */
  | 'connect-failed'
  /** Opening the connection and the bp handshake did not finish within `connectTimeout`. */
  | 'connect-timeout'
  /** `whileDisconnected: 'fail'` and the client has no open connection. */
  | 'not-connected'
  /** `whileDisconnected: 'queue'` and the queue of calls waiting for a connection is full. */
  | 'queue-full'
  /** A request had been sent when the connection dropped; whether the server ran it is unknown. */
  | 'connection-lost'
  /** `close()` was called, or the client closed for good, before the operation finished. */
  | 'closed'
  /** WebSocket only: the socket closed; `closeCode` and `closeReason` say how. */
  | 'websocket-closed'
  /** WebSocket only: the peer sent a text message; bp uses binary messages only. */
  | 'text-message';

/** Options of {@link ClientError}. */
export interface ClientErrorOptions extends BpErrorOptions {
  /** The WebSocket close code, when the error comes from a close (1006 for a dropped connection). */
  closeCode?: number | undefined;
  /** The WebSocket close reason, when the peer gave one. */
  closeReason?: string | undefined;
}

/**
 * An error raised by a bp client itself (the TCP/TLS client of `@bp/transport-node` and the
 * WebSocket client of `@bp/transport-browser` raise the same class and codes). Protocol failures
 * (a refused hello, a failed request) are `SessionError`s.
 */
export class ClientError extends BpError {
  static override readonly brand: string = '@bp/session:ClientError';
  declare readonly code: ClientErrorCode;
  /** The WebSocket close code, when the error comes from a close. */
  readonly closeCode: number | undefined;
  /** The WebSocket close reason, when the peer gave one. */
  readonly closeReason: string | undefined;

  constructor(code: ClientErrorCode, message: string, options: ClientErrorOptions = {}) {
    super(code, message, options);
    this.closeCode = options.closeCode;
    this.closeReason = options.closeReason;
  }
}

/** True when `value` is a {@link ClientError} from any copy of this package (ESM or CJS). */
export function isClientError(value: unknown): value is ClientError {
  return value instanceof ClientError;
}
