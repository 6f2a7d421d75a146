import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
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
 * server certificate verified). Rejects with a {@link TransportError}: `connect-failed` for
 * socket errors, `tls-failed` for errors after TCP connected but before the TLS handshake
 * finished, `closed` when `signal` aborts. The caller owns the timeout (through `signal`).
 */
export function openSocket(target: SocketTarget, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
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
    const fail = (error: TransportError): void => {
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
      if (target.tls !== undefined && tcpConnected) {
        fail(
          new TransportError('tls-failed', `TLS handshake with ${where} failed: ${error.message}`, {
            cause: error,
          }),
        );
      } else {
        fail(
          new TransportError('connect-failed', `cannot connect to ${where}: ${error.message}`, {
            cause: error,
          }),
        );
      }
    };
    const onClose = (): void => {
      fail(
        new TransportError(
          target.tls !== undefined && tcpConnected ? 'tls-failed' : 'connect-failed',
          `${where} closed the connection while connecting`,
        ),
      );
    };
    const onAbort = (): void => {
      const reason = signal.reason;
      fail(
        reason instanceof TransportError
          ? reason
          : new TransportError('closed', 'connect was aborted', { cause: reason }),
      );
    };
    if (signal.aborted) return onAbort();
    socket.once('connect', onTcpConnect);
    if (target.tls !== undefined) socket.once('secureConnect', onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
