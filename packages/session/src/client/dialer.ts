import type { SessionTransport, TransportSink } from '../types.js';

/** A transport that a client can attach its session to (`SocketTransport`, `WebSocketTransport`). */
export interface DialedTransport extends SessionTransport {
  /** Starts delivering received bytes to `sink` (the client's new session). */
  attach(sink: TransportSink): void;
}

/** One connection a {@link Dialer} opened, ready for the bp handshake. */
export interface DialedConnection {
  readonly transport: DialedTransport;
  /**
   * Resolves once the underlying connection is fully closed (socket `close`, WebSocket `close`
   * event), so that `client.close()` resolves only when nothing is left open. Optional.
   */
  readonly closed?: Promise<void>;
}

/**
 * How a reconnecting client opens a connection: the only part that differs between platforms
 * (TCP/TLS in `@bp/transport-node`, WebSocket in `@bp/transport-browser`).
 */
export interface Dialer<C extends DialedConnection = DialedConnection> {
  /** The endpoint, for messages (`127.0.0.1:7000`, `wss://example.com/bp`). */
  readonly target: string;
  /**
   * Opens one connection. Must reject when `signal` aborts (with `signal.reason`, or an error
   * that has it as `cause`) and leave nothing open behind it. Errors should be `BpError`s, for
   * example `ClientError` `connect-failed`.
   */
  dial(signal: AbortSignal): Promise<C>;
  /**
   * Optional: the error to report when the bp handshake on `connection` failed with `error`,
   * for failures the platform can explain better (a TLS alert, a plain port answering TLS);
   * undefined keeps `error`.
   */
  explainHandshakeFailure?(error: unknown, connection: C): Error | undefined;
}
