import { BpError, type BpErrorOptions } from '@bp/codec';

/** Stable codes of {@link UsageError}. */
export type UsageErrorCode =
  /** A transport's `attach` was called a second time; a transport feeds exactly one session. */
  | 'already-attached'
  /** `listen` was called on a server that was closed; create a new server instead. */
  | 'server-closed'
  /** `address()` was called on a server that is not listening (before `listen`, or after `close`). */
  | 'not-listening'
  /** `setSecureContext` was called on a server created without `tls`. */
  | 'not-tls'
  /** An option has a value that cannot work (the message names the option and the fix). */
  | 'invalid-option'
  /** `on()`, `messages()` or a `handlers` key names a message type the protocol does not have. */
  | 'unknown-type'
  /** A message iterator's `next()` was called again before the previous call settled. */
  | 'concurrent-next'
  /** A metadata key or value the protocol cannot carry (docs/PROTOCOL.md section 20.2). */
  | 'invalid-metadata'
  /** `rooms.join` was given a session that was not created by `@bp/session` (it cannot take pre-encoded frames). */
  | 'foreign-session'
  /**
   * `send()` or `request()` was called by code that runs while a message is being encoded (a
   * getter or `valueOf` of the value being sent); call it after that send returns.
   */
  | 'reentrant-call';

/**
 * A bp API was called in a way that cannot work: the wrong moment (listen after close), the wrong
 * object (a TLS call on a plain server) or an option that cannot be right (a file path where PEM
 * text belongs). Thrown synchronously by the call; nothing was sent on any connection.
 */
export class UsageError extends BpError {
  static override readonly brand: string = '@bp/session:UsageError';
  declare readonly code: UsageErrorCode;

  constructor(code: UsageErrorCode, message: string, options?: BpErrorOptions) {
    super(code, message, options);
  }
}

/** True when `value` is a {@link UsageError} from any copy of this package. */
export function isUsageError(value: unknown): value is UsageError {
  return value instanceof UsageError;
}
