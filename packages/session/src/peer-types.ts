import type { SessionProtocol } from './protocol-types.js';
import { SessionError } from './session-error.js';

/**
 * The `peer-lacks-type` error (protocol version 2, docs/PROTOCOL.md section 7.6): `type` is not
 * in the peer's protocol, so sending it (`send`), or a request waiting for it as the reply
 * (`reply`), cannot work. Raised before any byte is written.
 */
export function peerLacksType(protocol: SessionProtocol, type: number, role: 'send' | 'reply'): SessionError {
  const name = protocol.typeName(type);
  return new SessionError(
    'peer-lacks-type',
    `${role === 'send' ? 'message' : 'the reply'} type ${type}${name === undefined ? '' : ` (${name})`} is not part of the peer's protocol (nothing was sent)`,
    { messageType: type },
  );
}
