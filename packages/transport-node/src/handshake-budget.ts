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
export function budgetedSink<T extends SessionTransport>(
  session: Session<any>,
  transport: T,
  budget: HandshakeBudget,
  refuse: (transport: T) => void,
): TransportSink {
  return new BudgetedSink(session, transport, budget, refuse);
}

/**
 * {@link budgetedSink}'s sink, a class so that its methods are shared: it stays the socket's sink
 * for the life of the connection, and as closures it held four functions and a context on each.
 */
class BudgetedSink<T extends SessionTransport> implements TransportSink {
  readonly #session: Session<any>;
  readonly #transport: T;
  readonly #budget: HandshakeBudget;
  readonly #refuse: (transport: T) => void;
  #charged = 0;
  #handshaking = true;
  #refused = false;

  constructor(session: Session<any>, transport: T, budget: HandshakeBudget, refuse: (transport: T) => void) {
    this.#session = session;
    this.#transport = transport;
    this.#budget = budget;
    this.#refuse = refuse;
    const settle = () => this.#settle();
    session.ready.then(settle, settle);
  }

  #settle(): void {
    this.#handshaking = false;
    this.#budget.release(this.#charged);
    this.#charged = 0;
  }

  receive(chunk: Uint8Array): void {
    if (this.#refused) return;
    if (this.#handshaking) {
      if (!this.#budget.charge(chunk.length)) {
        this.#refused = true;
        this.#settle();
        this.#refuse(this.#transport);
        return;
      }
      this.#charged += chunk.length;
    }
    this.#session.receive(chunk);
  }

  transportDrained(): void {
    this.#session.transportDrained();
  }

  transportClosed(error?: Error): void {
    this.#settle();
    this.#session.transportClosed(error);
  }
}
