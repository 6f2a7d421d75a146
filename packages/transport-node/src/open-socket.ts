import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ClientError } from '@bp/session';
import { attachKeyLog } from './tls-keylog.js';
import { type ClientTlsOptions, clientTlsOptions } from './tls-options.js';
import { TransportError } from './transport-error.js';

/** Where and how to open a client socket. */
export interface SocketTarget {
  host: string;
  port: number;
  tls: ClientTlsOptions | undefined;
}

/**
 * Opens a TCP (or TLS) socket and resolves once it is connected (TLS: handshake done and the
 * server certificate verified). Rejects with `ClientError` `connect-failed` for socket errors,
 * `TransportError` `tls-failed` for errors after TCP connected but before the TLS handshake
 * finished, and with `signal.reason` when `signal` aborts. The caller owns the timeout (through
 * `signal`).
 */
export function openSocket(target: SocketTarget, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket =
      target.tls === undefined
        ? netConnect({ host: target.host, port: target.port, noDelay: true })
        : tlsConnect(clientTlsOptions(target.tls, target.host, target.port));
    attachKeyLog(socket, target.tls?.keyLog);
    let tcpConnected = false;
    const where = `${target.host}:${target.port}`;
    const cleanup = (): void => {
      socket.off('connect', onTcpConnect);
      socket.off('secureConnect', onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown): void => {
      cleanup();
      socket.on('error', () => {});
      socket.destroy();
      reject(error);
    };
    const onTcpConnect = (): void => {
      tcpConnected = true;
      if (target.tls === undefined) onReady();
    };
    function onReady(): void {
      cleanup();
      resolve(socket);
    }
    const onError = (error: Error): void => {
      if (target.tls !== undefined && tcpConnected) fail(tlsHandshakeError(where, error));
      else
        fail(
          new ClientError('connect-failed', `cannot connect to ${where}: ${error.message}`, { cause: error }),
        );
    };
    const onClose = (): void => {
      fail(
        target.tls !== undefined && tcpConnected
          ? new TransportError('tls-failed', `${where} closed the connection during the TLS handshake`)
          : new ClientError('connect-failed', `${where} closed the connection while connecting`),
      );
    };
    const onAbort = (): void => fail(signal.reason);
    socket.once('connect', onTcpConnect);
    if (target.tls !== undefined) socket.once('secureConnect', onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A failed TLS handshake, in words a person can act on. The commonest case is a TLS client at a
 * plain TCP port: the server's answer is not a TLS record and OpenSSL only says
 * `ssl3_get_record:wrong version number`.
 */
function tlsHandshakeError(where: string, error: Error): TransportError {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(error.message)) {
    return new TransportError(
      'tls-failed',
      `TLS handshake with ${where} failed: the server did not answer in TLS, so this is probably a plain ` +
        'TCP port. Connect without `tls` to use plain TCP, or use the port where the server listens with TLS.',
      { cause: error },
    );
  }
  return new TransportError('tls-failed', `TLS handshake with ${where} failed: ${error.message}`, {
    cause: error,
  });
}
