import { BpError, type BpErrorOptions } from '@bp/codec';

const BRAND = '@bp/transport-browser:ClientError';

/** Stable codes of {@link ClientError}. */
export type ClientErrorCode =
  /** The WebSocket could not be opened (refused, DNS, TLS, HTTP 403 for a disallowed origin...). */
  | 'connect-failed'
  /** Opening the WebSocket and the bp handshake did not finish within `connectTimeout`. */
  | 'connect-timeout'
  /** The WebSocket closed; `closeCode` and `closeReason` say how (see PROTOCOL.md, WebSocket close codes). */
  | 'websocket-closed'
  /** The peer sent a text message; bp uses binary messages only. */
  | 'text-message'
  /** The request had been sent when the connection dropped; whether the server ran it is unknown. */
  | 'connection-lost'
  /** `whileDisconnected: 'fail'` and the client is not connected. */
  | 'not-connected'
  /** `whileDisconnected: 'queue'` and the queue of messages waiting for a connection is full. */
  | 'queue-full'
  /** `close()` was called, or reconnecting gave up (`backoff.maxAttempts`), before the operation finished. */
  | 'closed';

/** An error raised by the WebSocket client itself (protocol errors are `SessionError`s). */
export class ClientError extends BpError {
  static override readonly brand: string = BRAND;
  declare readonly code: ClientErrorCode;
  /** The WebSocket close code, when the error comes from a close (1006 for a dropped connection). */
  readonly closeCode: number | undefined;
  /** The WebSocket close reason, when the peer gave one. */
  readonly closeReason: string | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    options?: BpErrorOptions & { closeCode?: number; closeReason?: string },
  ) {
    super(code, message, options);
    this.closeCode = options?.closeCode;
    this.closeReason = options?.closeReason;
  }
}

/** True when `value` is a {@link ClientError} from any copy of this package (ESM or CJS). */
export function isClientError(value: unknown): value is ClientError {
  return value instanceof ClientError;
}
