import type { SessionProtocol } from './protocol-types.js';
import { SessionError } from './session-error.js';

/**
 * The `peer-lacks-type` error (protocol version 2, docs/PROTOCOL.md section 7.6): `type` is not
 * in the peer's protocol, so sending it (`send`), or a request waiting for it as the reply
 * (`reply`), cannot work. Raised before any byte is written.
 */
export function peerLacksType(protocol: SessionProtocol, type: number, role: 'send' | 'reply'): SessionError {
  const name = protocol.typeName(type);
  const label = name === undefined ? String(type) : `${type} (${name})`;
  const message =
    role === 'send'
      ? `message type ${label} is not part of the peer's protocol, so it cannot be sent on this connection (nothing was sent)`
      : `the reply type ${label} is not part of the peer's protocol, so it cannot answer this request (nothing was sent)`;
  return new SessionError('peer-lacks-type', message, { messageType: type });
}
