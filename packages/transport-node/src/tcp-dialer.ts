import type { Socket } from 'node:net';
import {
  ClientError,
  type DialedConnection,
  type Dialer,
  isSessionError,
  type LimitDefaults,
  type SessionLimits,
} from '@bp/session';
import { openSocket } from './open-socket.js';
import { socketCeiling } from './socket-ceiling.js';
import { SocketTransport } from './socket-transport.js';
import type { ClientTlsOptions } from './tls-options.js';
import { TransportError } from './transport-error.js';

/** How the Node client reaches its server: the options only TCP/TLS has. */
export interface TcpDialOptions {
  /** Server host. Default `'127.0.0.1'`. */
  host?: string;
  /** Server port. */
  port: number;
  /** TLS: `true` for the system trust store, or options (`ca`, client `cert`/`key` for mTLS, ...). Default: plain TCP. */
  tls?: ClientTlsOptions | boolean;
  /**
   * Hard ceiling of bytes queued in the socket. Default: derived from the client's session limits
   * as the server derives its own (see the server's `maxSocketBufferedBytes`).
   */
  maxSocketBufferedBytes?: number;
}

/** One TCP or TLS connection of a client. */
export interface TcpConnection extends DialedConnection {
  readonly transport: SocketTransport;
  readonly socket: Socket;
}

/** The dialer of `@bp/transport-node`'s client: a socket from `openSocket` in a `SocketTransport`. */
export function tcpDialer(
  options: TcpDialOptions,
  sessionLimits?: { protocol: LimitDefaults; limits?: Partial<SessionLimits> | undefined },
): Dialer<TcpConnection> {
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls === true ? {} : options.tls === false ? undefined : options.tls;
  const target = `${host}:${options.port}`;
  const maxBufferedBytes =
    options.maxSocketBufferedBytes ??
    (sessionLimits === undefined ? undefined : socketCeiling(sessionLimits.protocol, sessionLimits.limits));
  return {
    target,
    async dial(signal) {
      const socket = await openSocket({ host, port: options.port, tls }, signal);
      const transport = new SocketTransport(socket, { maxBufferedBytes });
      const closed = socket.closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => socket.once('close', () => resolve()));
      return { transport, socket, closed };
    },
    explainHandshakeFailure(error, connection) {
      if (!isSessionError(error) || error.code !== 'connection-closed') return undefined;
      return asTlsFailure(error) ?? (tls === undefined ? asPlainToTls(error, connection, target) : undefined);
    },
  };
}

/**
 * In TLS 1.3 the server checks the client certificate after the client considers the handshake
 * done, so a refused certificate shows up as the connection closing during the protocol
 * handshake, with the TLS alert as the socket error. Report that as what it is.
 */
function asTlsFailure(error: Error): TransportError | undefined {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  if (!code.startsWith('ERR_SSL_') && !code.startsWith('ERR_TLS_')) return undefined;
  return new TransportError('tls-failed', `the server refused the TLS session: ${String(cause?.message)}`, {
    cause,
  });
}

/**
 * A TLS server that receives a plain bp `HELLO` closes the connection without a byte (no TLS
 * record came), which the session can only call `connection-closed`. A bp server never does
 * that: it answers every hello, even a refused one.
 */
function asPlainToTls(error: Error, connection: TcpConnection, target: string): ClientError | undefined {
  if (connection.socket.bytesRead > 0) return undefined;
  return new ClientError(
    'connect-failed',
    `${target} closed the connection without answering the bp hello: it is probably a TLS port. ` +
      'Connect with `tls: true` (or `tls: { ca }` for a private CA), or use the plain TCP port.',
    { cause: error },
  );
}
