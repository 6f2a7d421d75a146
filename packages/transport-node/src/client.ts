import type { Socket } from 'node:net';
import {
  type BackoffOptions,
  type ConnectionState,
  type FirstConnection,
  ReconnectingClient,
  type ReconnectingClientOptions,
  type SessionProtocol,
} from '@bp/session';
import { type TcpConnection, type TcpDialOptions, tcpDialer } from './tcp-dialer.js';

/** Options of {@link connect} and {@link createClient}: the shared client options plus where to dial. */
export interface ConnectOptions<P extends SessionProtocol>
  extends ReconnectingClientOptions<P>,
    TcpDialOptions {}

/** @deprecated use `ConnectionState` (it adds `'connecting'`); kept for one release. */
export type ClientState = ConnectionState;

/** @deprecated use `BackoffOptions`; kept for one release. */
export type ReconnectOptions = BackoffOptions;

/**
 * A bp client over TCP or TLS: the reconnecting client of `@bp/session` (state, backoff, queue
 * while disconnected, resubscription, iterators across reconnects) with a socket dialer. It is a
 * full peer: it makes requests, sends and receives messages, and answers the server's requests
 * with its `handlers`.
 */
export class Client<P extends SessionProtocol> extends ReconnectingClient<P, TcpConnection> {
  /** Use {@link connect} or {@link createClient}. */
  constructor(options: ConnectOptions<P>, first: FirstConnection = 'fail-fast') {
    super(tcpDialer(options, { protocol: options.protocol, limits: options.limits }), options, first);
  }

  /** The socket of the open connection (for `localPort`, TLS details, ...). */
  get socket(): Socket | undefined {
    return this.connection?.socket;
  }
}

/**
 * Connects to a bp server over TCP, or TLS when `tls` is given, and resolves once the protocol
 * handshake succeeded. The first connection is not retried: a refused hello (`SessionError`
 * `unauthorized`, `schema-mismatch`, `server-busy`, ...), `ClientError` `connect-failed` /
 * `connect-timeout` or `TransportError` `tls-failed` reject at once. A connection lost later is
 * re-established as `reconnect` says.
 *
 * ```ts
 * const client = await connect({ host: '127.0.0.1', port, protocol, token: 'secret' });
 * const value = await client.request(MessageType.GET, { key: 'a' });
 * ```
 */
export async function connect<P extends SessionProtocol>(options: ConnectOptions<P>): Promise<Client<P>> {
  checkOptions(options);
  const client = new Client(options, 'fail-fast');
  await client.ready;
  return client;
}

/**
 * Creates a client that connects in the background and keeps retrying with backoff, also for the
 * first connection (a service that starts before its server still connects). Calls made before
 * it is open are queued (or fail, see `whileDisconnected`); watch `onStateChange` or await `ready`.
 */
export function createClient<P extends SessionProtocol>(options: ConnectOptions<P>): Client<P> {
  checkOptions(options);
  return new Client(options, 'retry');
}

function checkOptions(options: { readonly protocol?: unknown; readonly port: number }): void {
  if (options?.protocol === undefined) throw new TypeError('connect: `protocol` is required');
  if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) {
    throw new TypeError(`connect: invalid port ${options.port} (an integer 1..65535)`);
  }
}
