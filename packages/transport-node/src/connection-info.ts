import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { ConnectionTraffic } from './connection-traffic.js';

/** What the server knows about a connection, given to `authenticate` and `onSession` listeners. */
export interface ConnectionInfo {
  /** How the client is connected. */
  readonly transport: 'tcp' | 'tls' | 'websocket';
  /** The peer's IP address (`'unknown'` if the socket had already closed). */
  readonly remoteAddress: string;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  /** TLS details; `undefined` on plain TCP. */
  readonly tls: TlsConnectionInfo | undefined;
  /**
   * Bytes and frames this connection has received and sent so far, live (read them whenever, e.g.
   * at a metrics scrape or when the session closes). The same for TCP, TLS and WebSocket.
   */
  readonly traffic: ConnectionTraffic;
}

/** TLS details of a connection. */
export interface TlsConnectionInfo {
  /** True when the client presented a certificate signed by a trusted CA. */
  readonly authorized: boolean;
  /** Why the client certificate is not authorized (with `clientCertificate: 'request'`). */
  readonly authorizationError: string | undefined;
  /** The client certificate, when one was presented. */
  readonly peerCertificate: PeerCertificate | undefined;
  /** The negotiated ALPN id, or `false`. */
  readonly alpnProtocol: string | false;
  /** The negotiated TLS version, e.g. `'TLSv1.3'`. */
  readonly protocol: string | null;
}

function isTlsSocket(socket: Socket): socket is TLSSocket {
  return (socket as TLSSocket).encrypted === true;
}

/** Reads the connection details off an accepted socket. */
export function connectionInfoOf(socket: Socket, traffic: ConnectionTraffic): ConnectionInfo {
  let tls: TlsConnectionInfo | undefined;
  if (isTlsSocket(socket)) {
    const certificate = socket.getPeerCertificate();
    const error = socket.authorizationError as Error | string | null | undefined;
    tls = {
      authorized: socket.authorized,
      authorizationError: error == null ? undefined : String(error),
      peerCertificate: certificate !== null && Object.keys(certificate).length > 0 ? certificate : undefined,
      alpnProtocol: socket.alpnProtocol ?? false,
      protocol: socket.getProtocol(),
    };
  }
  return {
    transport: tls === undefined ? 'tcp' : 'tls',
    remoteAddress: socket.remoteAddress ?? 'unknown',
    remotePort: socket.remotePort,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
    tls,
    traffic,
  };
}
