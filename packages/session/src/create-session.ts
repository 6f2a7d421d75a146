import type { SessionProtocol } from './protocol-types.js';
import { SERVER_HANDSHAKE } from './server-handshake.js';
import { BpSession } from './session.js';
import type { ClientSessionOptions, ServerSessionOptions, Session } from './types.js';

/**
 * The server side of one connection: waits for the client's HELLO, checks version, credentials
 * and schemas, answers WELCOME or REJECT. The transport must feed the returned session
 * (`receive`, `transportDrained`, `transportClosed`).
 */
export function createServerSession<P extends SessionProtocol>(options: ServerSessionOptions<P>): Session<P> {
  return new BpSession<P>('server', options, SERVER_HANDSHAKE);
}

/**
 * The client side of one connection: sends HELLO at once and resolves `ready` on WELCOME.
 * Messages and requests made before that are queued and sent right after the WELCOME.
 */
export function createClientSession<P extends SessionProtocol>(options: ClientSessionOptions<P>): Session<P> {
  return new BpSession<P>('client', options);
}
