import { decodeHello, encodeWelcome } from './control-frames.js';
import { acceptHello, checkToken, describeRejection, encodeRefusal } from './handshake.js';

/**
 * What only the server side of a session uses to answer a HELLO. createServerSession hands it to
 * the session instead of session.ts importing it, so a client-only bundle (a browser page) leaves
 * it out.
 */
export interface ServerHandshake {
  readonly decodeHello: typeof decodeHello;
  readonly acceptHello: typeof acceptHello;
  readonly checkToken: typeof checkToken;
  readonly describeRejection: typeof describeRejection;
  readonly encodeWelcome: typeof encodeWelcome;
  readonly encodeRefusal: typeof encodeRefusal;
}

/** @internal */
export const SERVER_HANDSHAKE: ServerHandshake = {
  decodeHello,
  acceptHello,
  checkToken,
  describeRejection,
  encodeWelcome,
  encodeRefusal,
};
