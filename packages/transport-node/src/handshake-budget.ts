import type { Session, SessionTransport, TransportSink } from '@bp/session';
import { FRAME_HEADER_SIZE, HANDSHAKE_FRAME_LIMIT } from '@bp/session/wire';

/**
 * How many HELLOs of the largest size a receiver accepts (`max(65536, maxPayloadSize)` body
 * bytes, docs/PROTOCOL.md 5.3 rule 1) the default server-wide handshake budget holds at once.
 */
export const HANDSHAKE_BUDGET_HELLOS = 64;

/**
 * The default of `limits.maxHandshakeBytes`: {@link HANDSHAKE_BUDGET_HELLOS} largest HELLO frames
 * (64 x (4 + 1 MiB) with the default `maxPayloadSize`).
 */
export function defaultHandshakeBytes(maxPayloadSize: number): number {
  return HANDSHAKE_BUDGET_HELLOS * (FRAME_HEADER_SIZE + Math.max(HANDSHAKE_FRAME_LIMIT, maxPayloadSize));
}

/**
 * The bytes held, server-wide, by connections that have not finished the protocol handshake.
 * Without it each of `maxConnections` half-open connections may hold a HELLO of up to
 * `max(65536, maxPayloadSize)` bytes for `handshakeTimeout`: 10,000 x 1 MiB.
 */
export class HandshakeBudget {
  /** Most bytes held at once. */
  readonly limit: number;
  #held = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes held now. */
  get held(): number {
    return this.#held;
  }

  /** Charges `bytes`; false, and nothing charged, when they do not fit. */
  charge(bytes: number): boolean {
    if (this.#held + bytes > this.limit) return false;
    this.#held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#held -= bytes;
  }
}

/**
 * The sink a socket transport feeds instead of `session`: bytes received before the handshake
 * completed are charged to `budget` (every byte of them, an upper bound of what the session
 * buffers), and released when it completes or the connection closes. A chunk that does not fit
 * calls `refuse` (which answers `REJECT(server-busy)` and ends the transport); later bytes are
 * dropped.
 */
export function budgetedSink(
  session: Session<any>,
  transport: SessionTransport,
  budget: HandshakeBudget,
  refuse: (transport: SessionTransport) => void,
): TransportSink {
  let charged = 0;
  let handshaking = true;
  let refused = false;
  const settle = () => {
    handshaking = false;
    budget.release(charged);
    charged = 0;
  };
  session.ready.then(settle, settle);
  return {
    receive(chunk) {
      if (refused) return;
      if (handshaking) {
        if (!budget.charge(chunk.length)) {
          refused = true;
          settle();
          refuse(transport);
          return;
        }
        charged += chunk.length;
      }
      session.receive(chunk);
    },
    transportDrained: () => session.transportDrained(),
    transportClosed(error) {
      settle();
      session.transportClosed(error);
    },
  };
}
