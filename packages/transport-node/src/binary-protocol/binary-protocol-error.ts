import { BpError, type BpErrorOptions } from '@bp/codec';

/** Stable codes of {@link BinaryProtocolError}. */
export type BinaryProtocolErrorCode =
  /** No reply (or no complete message) within the protocol's `readTimeout`. */
  | 'read-timeout'
  /** The operation needs a connection and the client has none (call `connect` first). */
  | 'not-connected'
  /** The peer closed the connection (or `disconnect()` was called) while a read was pending. */
  | 'connection-closed'
  /** The peer sent bytes that are not a message of the protocol; `cause` holds the `DecodeError`. */
  | 'invalid-message'
  /** A datagram too large for UDP, or a message over `maxPayloadSize`. */
  | 'message-too-large'
  /** A handler or option is not what the API takes (a type that is not part of the protocol...). */
  | 'invalid-argument'
  /** `start()` on a server that is already started, or `stop()` before `start()`. */
  | 'invalid-state';

/**
 * An error of the Python-compatible `BinaryServer`/`BinaryClient` (the package's
 * `ProtocolError`). Connecting fails as bp's own `connect` does: `ClientError` `connect-failed` or
 * `connect-timeout`, `TransportError` `tls-failed`; encoding a message fails with the codec's
 * `EncodeError`.
 */
export class BinaryProtocolError extends BpError {
  static override readonly brand: string = '@bp/transport-node:BinaryProtocolError';
  declare readonly code: BinaryProtocolErrorCode;

  constructor(code: BinaryProtocolErrorCode, message: string, options?: BpErrorOptions) {
    super(code, message, options);
  }
}
